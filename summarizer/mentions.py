"""Where names stand in an article: word-bounded, folded, found through a word index.

Kept apart from ``actors`` (which merges the model's actors) so that the checks of a
draft in progress can find names without importing the draft's own module back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from .article import Article
from .grounding import fold

__all__ = ["WORD", "name_spans", "surface_names"]

#: A word: a run of letters and digits.
WORD = re.compile(r"[^\W_]+")


def surface_names(name: str, kind: str, mentions: Sequence[str]) -> list[str]:
    """Names to look for: the name, the mentions, and a person's surname on its own."""
    found = [name, *mentions]
    words = name.split()
    if kind == "person" and len(words) >= 2 and len(words[-1]) >= 3 and words[-1][0].isupper():
        found.append(words[-1])
    return found


def _key(name: str) -> str:
    return fold(name).text.strip()


def name_spans(names: Iterable[str], article: Article) -> list[tuple[int, int]]:
    """Every word-bounded occurrence in the body of any of ``names``, as ``(start, end)``
    offsets in order; where two overlap, the longer name wins."""
    folded = fold(article.text)
    text = folded.text
    body_start = folded.from_original(article.body_start, article.body_start)[0]
    words = _word_starts(text)
    spans: list[tuple[int, int]] = []
    for needle in sorted({_key(s) for s in names} - {""}, key=len, reverse=True):
        runs = list(WORD.finditer(needle))
        candidates: Iterable[int]
        if runs:
            # Every word of a match is a whole word of the text: start from where the
            # needle's rarest word stands, looked up rather than searched for.
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
            start, stop = folded.to_original(found, end)
            if not any(s < stop and start < e for s, e in spans):
                spans.append((start, stop))
    return sorted(spans)


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
