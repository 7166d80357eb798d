"""Grounding: find where a model's quote stands in the article, to the character.

The cascade, strongest first:

``exact``       the quote occurs verbatim.
``normalised``  it occurs once both sides are folded the same way: Unicode
                compatibility forms, case, accents, every kind of quote mark and
                apostrophe, dashes, punctuation and runs of whitespace (non-breaking
                spaces and CRLF included); an elided quote ("a … b") matches when its
                parts occur in order within one sentence window.
``fuzzy``       it nearly occurs (rapidfuzz partial alignment above a threshold).
``sentence``    it cannot be found, but the sentence it cites exists: the span is that
                sentence, so a reader can still check it.
``unverified``  neither: no span.

Offsets are Python ``str`` indices into ``Article.text``. Folding is done character by
character with a map back to the original index, so a span found in folded text is
exact in the original however many code points the folding added or removed.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from .article import Article

__all__ = ["GROUNDED", "Folded", "Located", "MatchKind", "fold", "locate"]

MatchKind = Literal["exact", "normalised", "fuzzy", "sentence", "unverified"]
#: Match kinds that prove the quote's words are in the article.
GROUNDED: frozenset[str] = frozenset({"exact", "normalised", "fuzzy"})

_APOSTROPHES = frozenset("'’‘ʼ`´′")
_DASHES = frozenset("-‐‑‒–—―−")
_QUOTE_MARKS = frozenset('"«»“”„‟‹›')
_PUNCTUATION = ".,;:!?'\"«»“”‘’()[]-–—…"
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\]|\(\.\.\.\)|\(…\))\s*")
# Fuzzy alignment: minimum score within the cited sentences, and anywhere in the body.
_FUZZY_CITED = 85.0
_FUZZY_BODY = 92.0
_FUZZY_MIN_CHARS = 12


@dataclass(frozen=True, slots=True)
class Located:
    """Where a quote was found: ``start``/``end`` are ``None`` only when unverified."""

    start: int | None
    end: int | None
    match: MatchKind
    sentence: int | None = None


@dataclass(frozen=True, slots=True)
class Folded:
    """Text folded for matching, with ``index[i]`` the original offset of ``text[i]``."""

    text: str
    index: tuple[int, ...]
    original: str

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        stop = self.index[end - 1] + 1
        # Combining marks fold to nothing; keep the ones that belong to the last letter.
        while stop < len(self.original) and unicodedata.combining(self.original[stop]):
            stop += 1
        return self.index[start], stop

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_left(self.index, start), bisect.bisect_left(self.index, end)


@lru_cache(maxsize=64)
def fold(text: str) -> Folded:
    """Fold ``text`` for comparison: see the module docstring for what is folded."""
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        for piece in _fold_char(char):
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            index.append(i)
    return Folded("".join(out), tuple(index), text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return "'"
    if char in _DASHES:
        return "-"
    pieces = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part):
            continue
        for folded in part.casefold():
            pieces.append(folded if folded.isalnum() else " ")
    return "".join(pieces)


def _fold_quote(quote: str) -> str:
    return fold(quote).text.strip(" ")


def locate(quote: str, article: Article, sentence_ids: list[int] | tuple[int, ...] = ()) -> Located:
    """Find ``quote`` in ``article``, preferring the sentences it cites.

    Args:
        quote: The words the model says it copied.
        article: The article they should come from.
        sentence_ids: The sentence numbers the model cited (1-based).

    Returns:
        The span and how it was matched; see the module docstring.
    """
    text = article.text
    cited = [s for s in (article.sentence(n) for n in sentence_ids) if s is not None]
    windows = [(s.start, s.end) for s in cited]
    if cited:
        windows.insert(0, (min(s.start for s in cited), max(s.end for s in cited)))
    windows.append((article.body_start, len(text)))

    stripped = quote.strip()
    if stripped:
        for lo, hi in windows:
            found = text.find(stripped, lo, hi)
            if found >= 0:
                return _located(article, found, found + len(stripped), "exact")

    folded = fold(text)
    parts = [p for p in (_fold_quote(q) for q in _ELLIPSIS.split(stripped)) if p]
    if parts:
        for lo, hi in windows:
            span = _find_parts(folded, parts, lo, hi)
            if span is not None:
                return _located(
                    article, *_with_edge_punctuation(text, stripped, *span), "normalised"
                )
        needle = " ".join(parts)
        if len(needle) >= _FUZZY_MIN_CHARS:
            for (lo, hi), threshold in zip(
                windows, [_FUZZY_CITED] * (len(windows) - 1) + [_FUZZY_BODY], strict=True
            ):
                span = _fuzzy(folded, needle, lo, hi, threshold)
                if span is not None:
                    return _located(article, *span, "fuzzy")

    if cited:
        return Located(cited[0].start, cited[-1].end, "sentence", cited[0].id)
    return Located(None, None, "unverified")


def _with_edge_punctuation(text: str, quote: str, start: int, end: int) -> tuple[int, int]:
    """Widen a folded match over punctuation the quote itself starts or ends with.

    Folding ignores punctuation, so ``said:`` matches ``said``; when the article has
    the quote's closing (or opening) marks right there, the span includes them too.
    """
    lead = len(quote) - len(quote.lstrip(_PUNCTUATION))
    trail = len(quote) - len(quote.rstrip(_PUNCTUATION))
    for mark in reversed(quote[:lead]):
        if start > 0 and _mark(text[start - 1]) == _mark(mark):
            start -= 1
    for mark in quote[len(quote) - trail :]:
        if end < len(text) and _mark(text[end]) == _mark(mark):
            end += 1
    return start, end


def _mark(char: str) -> str:
    """Punctuation class of ``char``: every double quote alike, every apostrophe alike."""
    if char in _APOSTROPHES:
        return "'"
    if char in _DASHES:
        return "-"
    if char in _QUOTE_MARKS:
        return '"'
    return char


def _find_parts(folded: Folded, parts: list[str], lo: int, hi: int) -> tuple[int, int] | None:
    """Find each folded part, in order and on word boundaries, within ``[lo, hi)``."""
    flo, fhi = folded.from_original(lo, hi)
    haystack = folded.text
    first: int | None = None
    cursor = flo
    for part in parts:
        found = _find_word_bounded(haystack, part, cursor, fhi)
        if found is None:
            return None
        first = found if first is None else first
        cursor = found + len(part)
    assert first is not None
    return folded.to_original(first, cursor)


def _find_word_bounded(haystack: str, needle: str, lo: int, hi: int) -> int | None:
    start = lo
    while True:
        found = haystack.find(needle, start, hi)
        if found < 0:
            return None
        end = found + len(needle)
        before_ok = found == 0 or not haystack[found - 1].isalnum()
        after_ok = end >= len(haystack) or not haystack[end].isalnum()
        if before_ok and after_ok:
            return found
        start = found + 1


def _fuzzy(
    folded: Folded, needle: str, lo: int, hi: int, threshold: float
) -> tuple[int, int] | None:
    flo, fhi = folded.from_original(lo, hi)
    window = folded.text[flo:fhi]
    if not window.strip():
        return None
    alignment = fuzz.partial_ratio_alignment(needle, window, score_cutoff=threshold)
    if alignment is None:
        return None
    start, end = flo + alignment.dest_start, flo + alignment.dest_end
    # The aligned window must cover most of the quote, not a fragment of it.
    if end - start < 0.8 * len(needle):
        return None
    text = folded.text
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    # Snap to whole words: an alignment may stop a letter short of a word's end.
    while start > flo and text[start - 1].isalnum():
        start -= 1
    while end < fhi and text[end].isalnum():
        end += 1
    return folded.to_original(start, end)


def _located(article: Article, start: int, end: int, match: MatchKind) -> Located:
    return Located(start, end, match, _sentence_at(article, start))


def _sentence_at(article: Article, offset: int) -> int | None:
    starts = [s.start for s in article.sentences]
    position = bisect.bisect_right(starts, offset) - 1
    if position >= 0 and offset < article.sentences[position].end:
        return article.sentences[position].id
    return None
