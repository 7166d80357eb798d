"""Internal: Grounding: find where a model's quote stands in the article, and whether it proves it.

The cascade says how the span was *located*, strongest first:

``exact``        the quote occurs verbatim.
``normalised``   it occurs once both sides are folded the same way: Unicode
                 compatibility forms, case, accents, every kind of quote mark and
                 apostrophe, dashes, punctuation and runs of whitespace (non-breaking
                 spaces and CRLF included); an elided quote ("a … b") matches where its
                 parts stand nearest to each other in the cited sentences (or, failing
                 that, the body), and only over a span not much longer than the quote.
``subsequence``  its words occur in order with words of the text left out between
                 them: the span is the whole run, so the reader sees what was dropped.
``fuzzy``        it nearly occurs (rapidfuzz partial alignment above a threshold), set
                 on whole words.
``sentence``     it cannot be found, but the sentence it cites exists: the span is that
                 sentence, so a reader can still check it.
``unverified``   neither: no span.

Only ``exact`` and ``normalised`` spans hold the quote *verbatim*. A ``subsequence`` or
``fuzzy`` span is compared word by word with the quote and every difference is named
(``Located.differences``, see ``changes``: a number, a negation, a date, a name, other
words changed or dropped); when there is none, the quote differed only in typography
and the match is ``normalised``. ``Located.grounded`` is the verdict, and
``Located.problem`` says it to the model: the draft's re-ask and the record's flags
both read it from here.

Offsets are Python ``str`` indices into ``Article.text``. Folding is done character by
character with a map back to the original index, so a span found in folded text is
exact in the original however many code points the folding added or removed.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from .article import Article, Sentence
from .changes import Difference, Token, compare, tokens

__all__ = ["VERBATIM", "Folded", "Located", "MatchKind", "fold", "locate", "sentence_at"]

MatchKind = Literal["exact", "normalised", "subsequence", "fuzzy", "sentence", "unverified"]
#: Match kinds whose span holds the quote's words verbatim (up to typography).
VERBATIM: frozenset[str] = frozenset({"exact", "normalised"})

_APOSTROPHES = frozenset("'’‘ʼ`´′")
_DASHES = frozenset("-‐‑‒–—―−")
_QUOTE_MARKS = frozenset('"«»“”„‟‹›')
_PUNCTUATION = ".,;:!?'\"«»“”‘’()[]-–—…"
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\]|\(\.\.\.\)|\(…\))\s*")
# Fuzzy alignment: minimum score within the cited sentences, and anywhere in the body.
_FUZZY_CITED = 85.0
_FUZZY_BODY = 92.0
_FUZZY_MIN_CHARS = 12
# A quote with words left out is looked for as a subsequence only from this length.
_SUBSEQUENCE_MIN_WORDS = 3
# An elided quote's span may be this many times the quote's length (or that many
# characters longer), no more: an elision leaves out part of a sentence, not pages.
_STRETCH = 4
_STRETCH_CHARS = 150


@dataclass(frozen=True, slots=True)
class Located:
    """Where a quote was found and what differs: ``start``/``end`` are ``None`` only when
    unverified; ``differences`` is empty exactly when the span holds the quote verbatim."""

    start: int | None
    end: int | None
    match: MatchKind
    sentence: int | None = None
    differences: tuple[Difference, ...] = ()

    @property
    def grounded(self) -> bool:
        """The span holds the quote's words, up to typography, case, accents and "…"."""
        return self.match in VERBATIM and not self.differences

    def problem(self) -> str | None:
        """What is wrong with the quote, said so a model can fix it; ``None`` when grounded."""
        if self.grounded:
            return None
        if self.match in ("sentence", "unverified"):
            return "is not in the article; copy words exactly"
        changed = "; ".join(d.message for d in self.differences)
        return f"is not what the text says ({changed}); copy the words exactly as written"


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


#: The start offsets of the sentences of the articles being checked, by the identity of
#: their tuple of sentences (an article's own, so the lookup costs nothing per quote).
_STARTS: dict[int, tuple[tuple[Sentence, ...], list[int]]] = {}


def _starts(sentences: tuple[Sentence, ...]) -> list[int]:
    kept = _STARTS.get(id(sentences))
    if kept is None or kept[0] is not sentences:
        if len(_STARTS) >= 16:
            _STARTS.clear()
        kept = _STARTS[id(sentences)] = (sentences, [s.start for s in sentences])
    return kept[1]


@lru_cache(maxsize=64)
def fold(text: str) -> Folded:
    """Fold ``text`` for comparison: see the module docstring for what is folded.

    Cached: an article is folded once for all its quotes.
    """
    return _fold(text)


def _fold(text: str) -> Folded:
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


def locate(quote: str, article: Article, sentence_ids: list[int] | tuple[int, ...] = ()) -> Located:
    """Find ``quote`` in ``article``, preferring the sentences it cites, and judge it.

    Args:
        quote: The words the model says it copied.
        article: The article they should come from.
        sentence_ids: The sentence numbers the model cited (1-based).

    Returns:
        The span, how it was located, and what differs from it; see the module docstring.
    """
    text = article.text
    cited = [s for s in (article.sentence(n) for n in sentence_ids) if s is not None]
    windows = [(s.start, s.end) for s in cited]
    if len(cited) > 1:
        windows.insert(0, (min(s.start for s in cited), max(s.end for s in cited)))
    local = len(windows)
    windows.append((article.body_start, len(text)))

    stripped = quote.strip()
    if stripped:
        for lo, hi in windows:
            found = text.find(stripped, lo, hi)
            if found >= 0:
                return _located(article, found, found + len(stripped), "exact")

    folded = fold(text)
    # Quotes are folded uncached: they would push articles out of ``fold``'s cache.
    pieces = [f for f in (_fold(q) for q in _ELLIPSIS.split(stripped)) if f.text.strip(" ")]
    parts = [f.text.strip(" ") for f in pieces]
    if parts:
        needle = " ".join(parts)
        for n, (lo, hi) in enumerate(windows):
            span = _find_parts(folded, parts, lo, hi, bounded=n >= local)
            if span is not None:
                return _located(
                    article, *_with_edge_punctuation(text, stripped, *span), "normalised"
                )
        said, gaps = _quote_words(pieces)
        for n, (lo, hi) in enumerate(windows):
            found_words = _subsequence(folded, said, gaps, lo, hi, body=n >= local)
            if found_words is not None:
                return _judged(article, folded, said, gaps, found_words, "subsequence")
        if len(needle) >= _FUZZY_MIN_CHARS:
            for n, (lo, hi) in enumerate(windows):
                threshold = _FUZZY_CITED if n < local else _FUZZY_BODY
                aligned = _fuzzy(folded, needle, lo, hi, threshold)
                if aligned is not None:
                    span_words = _refine(folded, said, lo, hi, aligned)
                    return _judged(article, folded, said, gaps, span_words, "fuzzy")

    if cited:
        return Located(cited[0].start, cited[-1].end, "sentence", cited[0].id)
    return Located(None, None, "unverified")


def _quote_words(pieces: list[Folded]) -> tuple[list[Token], frozenset[int]]:
    """The words of an (elided) quote, and the positions of its "…" marks."""
    said: list[Token] = []
    gaps: set[int] = set()
    for piece in pieces:
        if said:
            gaps.add(len(said))
        said.extend(tokens(piece.text, piece.index, piece.original, 0, len(piece.text)))
    return said, frozenset(gaps)


@dataclass(frozen=True, slots=True)
class _Words:
    """An article's words, read once: in order, their folded starts, and where each word is."""

    tokens: list[Token]
    starts: list[int]
    where: dict[str, list[int]]


@lru_cache(maxsize=64)
def _article_words(text: str) -> _Words:
    folded = fold(text)
    found = tokens(folded.text, folded.index, text, 0, len(folded.text))
    where: dict[str, list[int]] = {}
    for position, token in enumerate(found):
        where.setdefault(token.text, []).append(position)
    return _Words(found, [t.start for t in found], where)


def _word_range(folded: Folded, lo: int, hi: int) -> tuple[_Words, int, int]:
    """The article's words and the positions of the first and past the last in ``[lo, hi)``."""
    words = _article_words(folded.original)
    flo, fhi = folded.from_original(lo, hi)
    return words, bisect.bisect_left(words.starts, flo), bisect.bisect_left(words.starts, fhi)


def _words(folded: Folded, lo: int, hi: int) -> list[Token]:
    words, first, last = _word_range(folded, lo, hi)
    return words.tokens[first:last]


def _subsequence(
    folded: Folded, said: list[Token], gaps: frozenset[int], lo: int, hi: int, *, body: bool
) -> list[Token] | None:
    """The shortest run of words in ``[lo, hi)`` holding every word of the quote in order.

    Finds a quote whose words were left out silently: the run is what the text says,
    so the reader sees the words that were dropped. Within the cited sentences a run
    may be up to twice the quote's length; anywhere else only half as much again.
    """
    if len(said) < _SUBSEQUENCE_MIN_WORDS:
        return None
    words, lowest, highest = _word_range(folded, lo, hi)
    wanted = [t.text for t in said]
    if any(w not in words.where for w in wanted):
        return None
    limit = 2 * len(wanted) + 2 if not body else len(wanted) + max(2, len(wanted) // 2)
    best: tuple[int, int] | None = None
    rarest = min(set(wanted[1:]), key=lambda w: len(words.where[w]))
    firsts = words.where[wanted[0]]
    for first in firsts[bisect.bisect_left(firsts, lowest) : bisect.bisect_left(firsts, highest)]:
        # Cheap test before the walk: the rarest word must occur within reach.
        rare = words.where[rarest]
        if bisect.bisect_left(rare, first + limit) == bisect.bisect_right(rare, first):
            continue
        position, next_wanted = first, 1
        stop = min(highest, first + limit)
        while next_wanted < len(wanted) and position + 1 < stop:
            position += 1
            if words.tokens[position].text == wanted[next_wanted]:
                next_wanted += 1
        if next_wanted == len(wanted) and (best is None or position - first < best[1] - best[0]):
            best = (first, position)
    if best is None:
        return None
    return words.tokens[best[0] : best[1] + 1]


def _refine(
    folded: Folded, said: list[Token], lo: int, hi: int, aligned: tuple[int, int]
) -> list[Token]:
    """The words of a fuzzy alignment, trimmed of text the quote does not cover.

    A character alignment may take in a neighbouring word or stop one short; the span
    is set on whole words so that what differs is said word for word ("12" where the
    text says "21", not a missing "21" and an extra "12").
    """
    words = _words(folded, lo, hi)
    inside = [i for i, t in enumerate(words) if t.end > aligned[0] and t.start < aligned[1]]
    if not inside:
        return []
    first, last = inside[0], inside[-1] + 1
    opcodes = SequenceMatcher(
        None, [t.text for t in said], [t.text for t in words[first:last]], autojunk=False
    ).get_opcodes()
    head, tail = opcodes[0], opcodes[-1]
    if head[0] == "insert":
        first += head[4] - head[3]
    elif head[0] in ("delete", "replace") and head[2] - head[1] > head[4] - head[3]:
        first = max(0, first - (head[2] - head[1] - (head[4] - head[3])))
    if len(opcodes) > 1 or head[0] == "equal":
        if tail[0] == "insert":
            last -= tail[4] - tail[3]
        elif tail[0] in ("delete", "replace") and tail[2] - tail[1] > tail[4] - tail[3]:
            last = min(len(words), last + (tail[2] - tail[1] - (tail[4] - tail[3])))
    return words[first:last] if first < last else words[inside[0] : inside[-1] + 1]


def _judged(
    article: Article,
    folded: Folded,
    said: list[Token],
    gaps: frozenset[int],
    span_words: list[Token],
    match: MatchKind,
) -> Located:
    """A located quote with what its words change; the same words are verbatim."""
    if not span_words:
        return Located(None, None, "unverified")
    start, end = folded.to_original(span_words[0].start, span_words[-1].end)
    differences = tuple(compare(said, span_words, gaps))
    return Located(
        start,
        end,
        match if differences else "normalised",
        sentence_at(article, start),
        differences,
    )


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


def _find_parts(
    folded: Folded, parts: list[str], lo: int, hi: int, *, bounded: bool
) -> tuple[int, int] | None:
    """Find each folded part, in order and on word boundaries, within ``[lo, hi)``.

    An elided quote ("le … a voté") is anchored where its parts stand nearest to each
    other, never at the first occurrence of a short, common first part. Outside the
    cited sentences (``bounded``), a run much longer than the quote itself is no match.
    """
    flo, fhi = folded.from_original(lo, hi)
    haystack = folded.text
    quote_length = sum(len(p) for p in parts)
    longest = max(_STRETCH * quote_length, quote_length + _STRETCH_CHARS)
    best: tuple[int, int] | None = None
    anchor = flo
    while (first := _find_word_bounded(haystack, parts[0], anchor, fhi)) is not None:
        anchor = first + 1
        cursor: int | None = first + len(parts[0])
        for part in parts[1:]:
            assert cursor is not None
            found = _find_word_bounded(haystack, part, cursor, fhi)
            cursor = None if found is None else found + len(part)
            if cursor is None:
                break
        if cursor is None:
            break
        if best is None or cursor - first < best[1] - best[0]:
            best = (first, cursor)
        if len(parts) == 1:
            break
    if best is None or (bounded and len(parts) > 1 and best[1] - best[0] > longest):
        return None
    return folded.to_original(*best)


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
    """The folded span ``needle`` nearly matches within ``[lo, hi)``, on whole words."""
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
    return start, end


def _located(article: Article, start: int, end: int, match: MatchKind) -> Located:
    return Located(start, end, match, sentence_at(article, start))


def sentence_at(article: Article, offset: int) -> int | None:
    """The number of the sentence holding ``offset``, or ``None`` between sentences."""
    starts = _starts(article.sentences)
    position = bisect.bisect_right(starts, offset) - 1
    if position >= 0 and offset < article.sentences[position].end:
        return article.sentences[position].id
    return None
