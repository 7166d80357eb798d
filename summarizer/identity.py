"""Internal: What makes an output line the record of an input: the article's id and text.

Resuming must not take one article for another: two feeds that both number their
articles 1..N, run one after the other into the same file, share ids but not texts;
the same file named once by a relative and once by an absolute path has two ids but is
one article. An input is already in the output when a line there has

- one of its *names*: its id, or the same id qualified by the same file however that
  file is spelled (``feed.jsonl#1``, ``/data/feed.jsonl#1``, and for a file article its
  path, relative or absolute), and the same text, or no text to compare (an error line
  written before error lines carried a digest; the error line of an input that could
  not be read holds only an input that has no text either);
- or its bare id (``1`` for ``feed.jsonl#1``) and the same text.

A line's text is known by its SHA-256 digest: of the record's ``text``, or the
``text_sha256`` an error line carries.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from .article import html_to_text, is_html
from .errors import InputError
from .inputs import ArticleInput

__all__ = ["Names", "input_digests", "input_names", "line_names", "text_digest"]


def text_digest(text: str) -> str:
    """The digest of an article's text, as a record carries it (no byte-order mark)."""
    return hashlib.sha256(text.removeprefix("\ufeff").encode("utf-8")).hexdigest()


def input_digests(item: ArticleInput) -> Iterator[str]:
    """The digests a line holding ``item`` may carry: of its text, then, for an HTML
    page, of the article extracted from it (a record's text), computed only if asked."""
    if item.error is not None or not item.text:
        return
    yield text_digest(item.text)
    if is_html(item.text):
        try:
            yield text_digest(html_to_text(item.text.removeprefix("\ufeff")))
        except InputError:
            return


@dataclass(frozen=True, slots=True)
class Names:
    """The names an article goes by: the same article wherever one of ``names`` is
    found, or ``bare`` with the same text."""

    names: frozenset[str]
    bare: str


def _real(path: str) -> str | None:
    return os.path.realpath(path) if os.path.isfile(path) else None


def line_names(article_id: str) -> Names:
    """The names of the article an output line's ``article_id`` stands for."""
    names = {article_id}
    real = _real(article_id)
    if real is not None:
        names.add(real)
        return Names(frozenset(names), article_id)
    at = article_id.find("#")
    while at > 0:
        source = _real(article_id[:at])
        if source is not None:
            rest = article_id[at + 1 :]
            return Names(frozenset({*names, f"{source}#{rest}"}), rest)
        at = article_id.find("#", at + 1)
    return Names(frozenset(names), article_id)


def input_names(item: ArticleInput) -> Names:
    """The names of an input, whose file (``item.source``) is known."""
    source = item.source
    real = _real(source) if source not in (None, "-") else None
    if source is None or real is None:
        return line_names(item.id)
    if item.id == source:
        return Names(frozenset({item.id, real}), item.id)
    bare = item.id.removeprefix(f"{source}#")
    return Names(frozenset({item.id, f"{real}#{bare}"}), bare)
