"""Language detection on short news text: lingua's low- against high-accuracy mode.

Short texts (headlines, single sentences under 200 characters) are where the two modes
differ. The samples are the titles and the short sentences of the gold articles
(``dev.jsonl``: English and French Wikinews) and the sentences of the date gold
(``dates-dev.jsonl``: MEANTIME English, French TimeBank), each with the language its
source gives. Both detectors know every spoken language, as the program's does; the
figures are accuracy, the time to build each detector, and the time per text.

Usage::

    python benchmarks/language.py [path/to/eval/folder]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from lingua import LanguageDetectorBuilder

from summarizer.article import load_article

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval"
SHORT = 200


def samples(folder: Path) -> list[tuple[str, str]]:
    """(text, language) pairs of short news text, each text once."""
    found: dict[str, str] = {}
    for line in (folder / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        language = row["language"]
        found.setdefault(row["title"], language)
        article = load_article(row["text"], language=language)
        for sentence in article.sentences:
            if len(sentence.text) < SHORT:
                found.setdefault(sentence.text, language)
    for line in (folder / "dates-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if len(row["sentence"]) < SHORT:
            found.setdefault(row["sentence"], row["language"])
    return list(found.items())


def measure(low_accuracy: bool, cases: list[tuple[str, str]]) -> tuple[float, float, float]:
    """Accuracy, seconds to build the detector, and microseconds per text."""
    started = time.perf_counter()
    builder = LanguageDetectorBuilder.from_all_spoken_languages()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()
    detector.detect_language_of("warm up")  # lingua loads its models on first use
    built = time.perf_counter() - started
    right = 0
    started = time.perf_counter()
    for text, language in cases:
        found = detector.detect_language_of(text)
        right += found is not None and found.iso_code_639_1.name.lower() == language
    per_text = (time.perf_counter() - started) / len(cases) * 1e6
    return right / len(cases), built, per_text


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    cases = samples(folder)
    by_language = {lang: sum(1 for _, x in cases if x == lang) for lang in ("en", "fr")}
    print(f"{len(cases)} short texts (< {SHORT} characters): {by_language}")
    print("| mode | accuracy | build + load | per text |")
    print("|---|---|---|---|")
    for name, low in (("low accuracy", True), ("high accuracy", False)):
        accuracy, built, per_text = measure(low, cases)
        print(f"| {name} | {accuracy:.1%} | {built:.1f} s | {per_text:.0f} µs |")


if __name__ == "__main__":
    main()
