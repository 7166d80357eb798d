"""Internal: Where names stand in an article: word-bounded, folded, found through a word index.

Kept apart from ``actors`` (which merges the model's actors) so that the checks of a
draft in progress can find names without importing the draft's own module back.

The work is linear in the occurrences found: each candidate is looked up in the word
index, not searched for, and checked against the spans already taken in time of its
own length. A name made only of words that name no one ("The", "les", "he") is no
name: it finds nothing, at no cost, since folded it would match every "the".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from .article import Article
from .grounding import Folded, fold
from .lexicon import STOP_WORDS

__all__ = ["WORD", "is_named", "name_spans", "names_no_one", "surface_names"]

#: A word: a run of letters and digits.
WORD = re.compile(r"[^\W_]+")

#: Words that name no one on their own, folded: pronouns and articles of the languages
#: read; the function words of ``lexicon.STOP_WORDS`` are none either.
_EMPTY_NAMES = frozenset(
    {"he", "she", "it", "they", "him", "her", "them", "his", "hers", "its", "their", "we",
     "us", "you", "i", "il", "elle", "ils", "elles", "lui", "eux", "on", "nous", "vous",
     "son", "sa", "ses", "leur", "leurs", "the", "le", "la", "les", "l'", "a", "an", "un",
     "une", "el", "los", "las"}
)  # fmt: skip
_NO_NAME_WORDS = _EMPTY_NAMES | STOP_WORDS
# Articles stay no name even in capitals; other capitals are an acronym ("US", "IT").
_ARTICLES = frozenset({"the", "le", "la", "les", "l", "a", "an", "un", "une", "el", "los", "las"})


def surface_names(name: str, kind: str, mentions: Sequence[str]) -> list[str]:
    """Names to look for: the name, the mentions, and a person's surname on its own."""
    found = [name, *mentions]
    words = name.split()
    if kind == "person" and len(words) >= 2 and len(words[-1]) >= 3 and words[-1][0].isupper():
        found.append(words[-1])
    return found


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return fold(name).text.strip()


@lru_cache(maxsize=4096)
def names_no_one(name: str) -> bool:
    """Whether ``name`` is made only of words that name no one: pronouns, articles,
    function words ("The", "les", "he", "of the"), unless written in capitals as an
    acronym ("US", "IT"). Such a name is no evidence of anyone, and, folded, it would
    match every "the" of the text."""
    words = WORD.findall(_key(name))
    if not words or any(w not in _NO_NAME_WORDS for w in words):
        return False
    written = name.strip()
    # Two capitals are an acronym even when they spell an article ("UN", "LA"); a longer
    # article in capitals is a headline's ("THE").
    acronym = len(words) == 1 and len(written) > 1 and written.isupper()
    return not (acronym and (len(words[0]) == 2 or words[0] not in _ARTICLES))


def _needles(names: Iterable[str]) -> list[str]:
    """The folded names worth looking for, longest first."""
    keys = {_key(s) for s in names if not names_no_one(s)} - {""}
    return sorted(keys, key=lambda key: (-len(key), key))


@lru_cache(maxsize=4)
def _folded_article(text: str) -> Folded:
    """The article folded, kept apart from ``fold``'s own cache, which the many short
    names folded between two searches would otherwise push it out of."""
    return fold(text)


def _matches(needle: str, original: str, body_start: int) -> Iterator[tuple[int, int]]:
    """Every word-bounded occurrence of the folded ``needle`` in the body of the text
    ``original`` (from offset ``body_start``), as offsets into it, in order."""
    folded = _folded_article(original)
    text = folded.text
    body_start = folded.from_original(body_start, body_start)[0]
    runs = list(WORD.finditer(needle))
    candidates: Iterable[int]
    if runs:
        # Every word of a match is a whole word of the text: start from where the
        # needle's rarest word stands, looked up rather than searched for.
        words = _word_starts(text)
        rarest = min(runs, key=lambda run: len(words.get(run.group(), ())))
        candidates = (
            i - rarest.start()
            for i in words.get(rarest.group(), ())
            if i - rarest.start() >= body_start
        )
    else:
        candidates = _occurrences(text, needle, body_start)
    for found in candidates:
        end = found + len(needle)
        if (
            not text.startswith(needle, found)
            or (found > 0 and text[found - 1].isalnum())
            or (end < len(text) and text[end].isalnum())
        ):
            continue
        yield folded.to_original(found, end)


def name_spans(names: Iterable[str], article: Article) -> list[tuple[int, int]]:
    """Every word-bounded occurrence in the body of any of ``names``, as ``(start, end)``
    offsets in order; where two overlap, the longer name wins. Names that name no one
    (``names_no_one``) are not looked for.

    The checks of every part's answer look up the same actors in the same article again
    (an event's agents, in each part): the spans of a set of names are kept, so that the
    article is searched once for them, not once per part."""
    needles = _needles(names)
    if not needles:
        return []
    found = _found_in(article.text, article.body_start)
    key = tuple(needles)
    if key not in found:
        found[key] = _spans(needles, article.text, article.body_start)
    return list(found[key])


@lru_cache(maxsize=4)
def _found_in(text: str, body_start: int) -> dict[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """The spans found so far in one article, by needles: a few articles are kept, the
    ones being read and checked now."""
    return {}


def _spans(needles: list[str], text: str, body_start: int) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    # The characters the spans taken so far cover: a candidate overlaps one of them
    # when any of its own characters is covered, found in time of its own length.
    taken = bytearray(len(text))
    for needle in needles:
        for start, stop in _matches(needle, text, body_start):
            if taken.find(1, start, stop) < 0:
                spans.append((start, stop))
                taken[start:stop] = b"\x01" * (stop - start)
    return tuple(sorted(spans))


def is_named(name: str, article: Article) -> bool:
    """Whether the body holds ``name`` as written (word-bounded, folded): stops at the
    first occurrence, where ``name_spans`` finds them all."""
    return any(
        True
        for needle in _needles([name])
        for _ in _matches(needle, article.text, article.body_start)
    )


@lru_cache(maxsize=8)
def _word_starts(text: str) -> dict[str, list[int]]:
    """Where each word of ``text`` starts, by word."""
    starts: dict[str, list[int]] = {}
    for match in WORD.finditer(text):
        starts.setdefault(match.group(), []).append(match.start())
    return starts


def _occurrences(text: str, needle: str, cursor: int) -> Iterator[int]:
    while (found := text.find(needle, cursor)) >= 0:
        yield found
        cursor = found + 1
