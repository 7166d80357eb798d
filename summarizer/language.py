"""Internal: The language of a text, detected offline (lingua), and how sure the detector is."""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["detect_language", "detect_language_surely", "language_confidences"]

# Below this many characters, the language is detected with lingua's high-accuracy
# models; above it, the fast ones suffice. On 527 short news texts (headlines and
# sentences, English and French: benchmarks/language.py) the accurate models were right
# 97.2% of the time against 93.4%, for 3.5 s of loading once per process and 24 ms a
# text, which a model call dwarfs.
_SHORT_TEXT = 200
# The language of a whole article is read from its first this many characters. Lingua's
# time grows faster than the text (about 5 ms for 1,000 characters, 33 ms for 5,000, on a
# 2-core machine); on the 19 dev articles and the examples, 400 characters already agree
# with 5,000 every time, so 1,000 leaves a wide margin.
_ARTICLE_SAMPLE = 1000
# The fast model's confidence at which a short text is worth a second look.
_LEANING = 0.5


@cache
def _detector(accurate: bool) -> Any:
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_all_spoken_languages()
    if not accurate:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language, detected offline; ``"und"`` when unsure."""
    sample = text[:_ARTICLE_SAMPLE]
    found = _detector(len(sample) < _SHORT_TEXT).detect_language_of(sample)
    if found is None:
        return "und"
    return str(found.iso_code_639_1.name.lower())


def language_confidences(text: str) -> list[tuple[str, float]]:
    """ISO 639-1 code of each language ``text`` may be in, with how sure the detector
    is of it (0 to 1, summing to 1 over the languages), likeliest first."""
    sample = text[:_ARTICLE_SAMPLE]
    found = _detector(len(sample) < _SHORT_TEXT).compute_language_confidence_values(sample)
    return [(str(c.language.iso_code_639_1.name.lower()), float(c.value)) for c in found]


def detect_language_surely(text: str, expected: str, confidence: float = 0.9) -> str:
    """ISO 639-1 code of ``text``'s language when the detector is sure of it, else "und".

    For a headline or a few sentences, where the fast models only guess: when they lean
    to another language than ``expected``, the accurate models of just those two
    languages decide, and must reach ``confidence`` (the fast ones alone take
    "Microsoft waits for death of Internet Explorer 6" for Vietnamese).
    """
    best = _detector(False).compute_language_confidence_values(text[:5000])
    if not best or best[0].value < _LEANING:
        return "und"
    found = str(best[0].language.iso_code_639_1.name.lower())
    if found == expected:
        return found
    pair = _pair_detector(*sorted((found, expected)))
    if pair is None:
        return found if best[0].value >= confidence else "und"
    check = pair.compute_language_confidence_values(text[:5000])
    if check[0].value < confidence:
        return "und"
    return str(check[0].language.iso_code_639_1.name.lower())


@cache
def _pair_detector(first: str, second: str) -> Any:
    """Accurate models of two languages only: quick to load, and sure between the two."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    try:
        languages = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
            for code in (first, second)
        ]
    except AttributeError:  # a code lingua does not know ("und")
        return None
    return LanguageDetectorBuilder.from_languages(*languages).build()
