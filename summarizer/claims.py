"""Internal: Headline and summary, claim by claim: is each sentence supported by the article?

The headline and the summary are the model's own prose, so they cannot be grounded
quote by quote like the items. Instead each is split into sentences (the article's own
splitter) and every sentence is checked against the article, all words folded
(``grounding.fold``: case, accents and typography ignored):

- **Names**: capitalised words and acronyms, stop words and month or weekday names
  left out. A sentence's first word counts only when it opens a run of capitalised
  words ("Mike Pompeo said"), and a headline in Title Case says nothing by its
  capitals (its words are then content words; Title Case being a headline convention,
  capitals in the summary are names however many there are). Every word of a name
  must occur in the article.
- **Numbers**: in digits ("1,000", "3,5") or in English and French words ("twenty-one",
  "vingt et un"); each must be a number of the article (its publication year counts).
- **Content words**: the other words of four letters or more that are not stop words
  or numbers. A sentence is unsupported when fewer than half of them occur in the
  article and at least two are missing.

A word *occurs* when the article has it, or has a word of the same stem: both start
with the same four letters or more and differ only in their last four letters at most
("deployed"/"deploy", "Iranian"/"Iran", "embassy"/"embassies").

Across languages (the sentence is written, by detection or by request, in another
language than the article's) content words cannot be compared: only names and numbers
are checked. Acronyms are left out, since they are translated (US/EU, UN/ONU); of a
name, only its last word must occur (titles are translated: "Iraqi Prime Minister Adel
Abdel Mahdi" needs "Mahdi"), and it may be spelled nearly the same once adjective or
demonym endings are cut ("Baghdad"/"Bagdad", "Iraqi"/"irakien": rapidfuzz ratio >= 75,
same first two letters). So across languages "Iran" passes in an article that only
says "Irak", and names translated beyond recognition ("Germany"/"Allemagne") are
flagged: the check cannot tell such an exonym from an invented name.

A headline or summary that the language detector is sure is not in the output
language gets ``wrong_language`` on each of its sentences (a few words leave the
detector unsure, and then nothing is said); an empty one (no words) gets
``empty_claim``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .article import Article, detect_language_surely, split_sentences
from .grounding import fold
from .lexicon import CALENDAR_WORDS, STOP_WORDS, is_number_word, numbers_in, tokens
from .record import Claim, ClaimPart, Flag, ReasonCode

__all__ = ["ClaimCheck", "check_claims"]

# Below this share of its words in the article, a summary gets a warning.
_LOW_SUPPORT = 0.5
# A sentence is unsupported below this share of content words found...
_MIN_FOUND = 0.5
# ...once at least this many are missing (one unknown word proves nothing).
_MIN_MISSING = 2
_MIN_CONTENT_LETTERS = 4
_STEM = 4
_STEM_ENDING = 4
# Across languages: names spelled this alike (rapidfuzz ratio), from the same letters on.
_NEAR_SPELLING = 75.0
_SAME_START = 2
# English and French endings of adjectives and demonyms, longest first.
_NAME_ENDINGS = (
    "iennes", "ienne", "iens", "ains", "aine", "aise", "oise", "ien", "ian", "ese", "ais",
    "ois", "ish", "ain", "an", "i", "e", "s",
)  # fmt: skip
# Title Case: at least this share of a headline's longer words capitalised.
_TITLE_CASE = 0.75
_WORD = re.compile(r"[^\W_]+")
_NAME_GAP = re.compile(r"[\s'’-]*")
_UNSUPPORTED: frozenset[ReasonCode] = frozenset(
    {"name_not_in_article", "number_not_in_article", "unsupported_claim", "empty_claim"}
)


@dataclass(slots=True)
class ClaimCheck:
    """The checked sentences, the summary's support, and warnings for the quality block."""

    claims: list[Claim] = field(default_factory=list)
    summary_support: float | None = None
    warnings: list[str] = field(default_factory=list)


def check_claims(headline: str, summary: str, article: Article, output_language: str) -> ClaimCheck:
    """Check the headline and the summary sentence by sentence against ``article``.

    Args:
        headline: The model's headline.
        summary: The model's summary.
        article: The article both should be drawn from.
        output_language: The language both were asked in (ISO 639-1).

    Returns:
        One ``Claim`` per sentence, the summary's support (the share of its words found
        in the article, when it is in the article's language) and warnings.
    """
    words = _ArticleWords(article)
    out = ClaimCheck()
    found_total = checked_total = 0
    summary_checked = False
    parts: tuple[tuple[ClaimPart, str], ...] = (("headline", headline), ("summary", summary))
    for part, text in parts:
        claims, found, checked, same_language = _check_part(
            part, text, article, output_language, words, out.warnings
        )
        out.claims += claims
        if part == "summary" and same_language:
            summary_checked = True
            found_total, checked_total = found, checked
    if summary_checked and checked_total:
        out.summary_support = round(found_total / checked_total, 4)
        if out.summary_support < _LOW_SUPPORT:
            out.warnings.append(
                f"only {out.summary_support:.0%} of the summary's words occur in the article: "
                "it may not summarise this article"
            )
    unsupported = sum(not c.supported for c in out.claims)
    if unsupported:
        out.warnings.append(
            f"{unsupported} of {len(out.claims)} headline and summary sentence(s) are not "
            "supported by the article"
        )
    return out


class _ArticleWords:
    """The article's folded words, indexed by stem, and its numbers."""

    def __init__(self, article: Article) -> None:
        words = tokens(fold(article.text).text)
        self.vocabulary = frozenset(words) | _initialisms(words)
        self.by_stem: dict[str, set[str]] = defaultdict(set)
        self.by_start: dict[str, set[str]] = defaultdict(set)
        for word in self.vocabulary:
            if len(word) >= _STEM:
                self.by_stem[word[:_STEM]].add(word)
            if word.isalpha():
                self.by_start[word[:_SAME_START]].add(word)
        self.numbers = {v for number in numbers_in(article.text) for v in number.values}
        if article.date is not None:
            self.numbers.add(float(article.date.year))

    def has_across(self, word: str) -> bool:
        """``has``, or an article word spelled nearly the same once endings are cut.

        Across languages place names and demonyms differ by a letter or an ending
        ("Baghdad"/"Bagdad", "Iraqi"/"irakien"); they must still start alike.
        """
        if self.has(word):
            return True
        stem = _name_stem(word)
        return any(
            fuzz.ratio(stem, _name_stem(other)) >= _NEAR_SPELLING
            for other in self.by_start.get(word[:_SAME_START], ())
        )

    def has(self, word: str) -> bool:
        """Whether the article has ``word`` or a word of the same stem."""
        if word in self.vocabulary:
            return True
        if len(word) < _STEM:
            return False
        return any(_same_stem(word, other) for other in self.by_stem.get(word[:_STEM], ()))


def _name_stem(word: str) -> str:
    """``word`` without an adjective or demonym ending ("iraqi" → "iraq", "irakien" → "irak")."""
    for ending in _NAME_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _STEM - 1:
            return word[: -len(ending)]
    return word


def _initialisms(words: list[str]) -> set[str]:
    """Acronyms written with stops ("D.C.", "U.S."), as the one word they name ("dc", "us")."""
    found: set[str] = set()
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= 2:
            found.add("".join(run))
        run = []
    return found


def _same_stem(a: str, b: str) -> bool:
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= _STEM and max(len(a), len(b)) - common <= _STEM_ENDING


def _check_part(
    part: ClaimPart,
    text: str,
    article: Article,
    output_language: str,
    words: _ArticleWords,
    warnings: list[str],
) -> tuple[list[Claim], int, int, bool]:
    """The claims of one text, its content words found and checked, and whether same-language."""
    if not _WORD.search(text):
        flag = Flag(code="empty_claim", message=f"the {part} has no words")
        return [Claim(part=part, text=text.strip(), supported=False, flags=[flag])], 0, 0, False
    same_language = output_language == article.language or article.language == "und"
    checked = _check_sentences(text, output_language, words, same_language, part)
    found = sum(f for _, _, f, _ in checked)
    total = sum(t for _, _, _, t in checked)
    # Words found in the article prove the language: only doubt calls the detector.
    detected = (
        output_language
        if same_language and total and found >= _MIN_FOUND * total
        else detect_language_surely(text, output_language)
    )
    written_in = detected if detected != "und" else output_language
    if (written_in == article.language or article.language == "und") != same_language:
        same_language = not same_language
        checked = _check_sentences(text, written_in, words, same_language, part)
        found = sum(f for _, _, f, _ in checked)
        total = sum(t for _, _, _, t in checked)
    wrong = detected not in ("und", output_language) and output_language != "und"
    if wrong:
        warnings.append(f"the {part} is written in {detected}, not {output_language}")
    claims: list[Claim] = []
    for sentence, flags, _, _ in checked:
        if wrong:
            flags.append(
                Flag(
                    code="wrong_language",
                    message=f"written in {detected}, not in {output_language}",
                )
            )
        supported = not any(f.code in _UNSUPPORTED for f in flags)
        claims.append(Claim(part=part, text=sentence, supported=supported, flags=flags))
    return claims, found, total, same_language


def _check_sentences(
    text: str, language: str, words: _ArticleWords, same_language: bool, part: ClaimPart
) -> list[tuple[str, list[Flag], int, int]]:
    """Each sentence of ``text`` with its flags, and its content words found and checked."""
    return [
        (sentence.text, *_check_sentence(sentence.text, words, same_language, part))
        for sentence in split_sentences(text, 0, language)
    ]


def _check_sentence(
    sentence: str, words: _ArticleWords, same_language: bool, part: ClaimPart
) -> tuple[list[Flag], int, int]:
    """Flags for one sentence, with its content words (names included) found and checked."""
    flags: list[Flag] = []
    names = _names(sentence, acronyms=same_language, headline=part == "headline")
    name_words: set[str] = set()
    found = checked = 0
    for name in names:
        folded = [w for w in tokens(fold(name).text) if _is_name_word(w)]
        name_words.update(folded)
        missing = [w for w in folded if not words.has(w)]
        checked += len(folded)
        found += len(folded) - len(missing)
        if folded and not same_language:
            # Titles and demonyms are translated; the last word (a surname, a place)
            # is what names, spelled alike or nearly.
            missing = [] if words.has_across(folded[-1]) else folded[-1:]
        if missing:
            flags.append(
                Flag(code="name_not_in_article", message=f"{name!r} is not in the article")
            )
    for number in numbers_in(sentence):
        if not number.values & words.numbers:
            flags.append(
                Flag(
                    code="number_not_in_article",
                    message=f"{number.text!r} is not a number of the article",
                )
            )
    if not same_language:
        return flags, found, checked
    content = [
        w
        for w in dict.fromkeys(tokens(fold(sentence).text))
        if len(w) >= _MIN_CONTENT_LETTERS
        and w.isalpha()
        and w not in STOP_WORDS
        and w not in name_words
        and not is_number_word(w)
    ]
    missing = [w for w in content if not words.has(w)]
    checked += len(content)
    found += len(content) - len(missing)
    if len(missing) >= _MIN_MISSING and (len(content) - len(missing)) < _MIN_FOUND * len(content):
        flags.append(
            Flag(
                code="unsupported_claim",
                message=f"only {len(content) - len(missing)} of {len(content)} content words "
                f"occur in the article (not: {', '.join(missing)})",
            )
        )
    return flags, found, checked


def _is_name_word(word: str) -> bool:
    return len(word) >= 2 and word not in STOP_WORDS and word not in CALENDAR_WORDS


def _names(sentence: str, *, acronyms: bool, headline: bool) -> list[str]:
    """Runs of capitalised words in ``sentence``: see the module docstring."""
    matches = [m for m in _WORD.finditer(sentence) if m.group()[0].isalpha()]
    longer = [m.group() for m in matches if len(m.group()) >= _MIN_CONTENT_LETTERS]
    longer = [w for w in longer if fold(w).text.strip() not in STOP_WORDS]
    title_case = (
        headline
        and len(longer) >= 3
        and (sum(w[0].isupper() for w in longer) >= _TITLE_CASE * len(longer))
    )
    runs: list[list[re.Match[str]]] = []
    for position, match in enumerate(matches):
        word = match.group()
        acronym = len(word) >= 2 and word.isupper()
        if acronym and not acronyms:
            continue
        if not word[0].isupper() or (title_case and not acronym):
            continue
        if not _is_name_word(fold(word).text.strip()):
            continue
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and matches[position - 1] is previous
            and _NAME_GAP.fullmatch(sentence, previous.end(), match.start())
        ):
            runs[-1].append(match)
        else:
            runs.append([match])
    names = []
    for run in runs:
        opens = run[0] is matches[0]
        if opens and len(run) == 1 and not run[0].group().isupper():
            continue  # a capital that only opens the sentence
        names.append(sentence[run[0].start() : run[-1].end()])
    return names
