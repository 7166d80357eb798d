"""Internal: Glob patterns expanded without following a symlink loop.

``glob.glob(recursive=True)`` follows every link to a folder, so ``sub/loop -> ..``
makes ``**`` find the same file under ever longer paths (each one a paid request), and
two such links make it search for ever. Here ``**`` enters each real folder once, a
link back to a folder already searched is skipped with a warning, and a file reached
by two paths is kept once, under the first path in sorted order.
"""

from __future__ import annotations

import fnmatch
import glob
import logging
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["expand_pattern"]

_log = logging.getLogger("summarizer")


def expand_pattern(pattern: str) -> list[Path]:
    """The paths ``pattern`` matches, sorted, each real file once.

    Follows ``glob.glob(pattern, recursive=True)``: ``**`` matches zero or more
    folders, and names starting with a dot match only a pattern that starts with one.
    """
    root = os.sep if os.path.isabs(pattern) else ""
    parts = [part for part in pattern.split(os.sep) if part]
    seen_folders: set[tuple[str, int]] = set()
    kept: dict[str, Path] = {}
    for path in sorted(_walk(root, parts, seen_folders)):
        kept.setdefault(os.path.realpath(path), Path(path))
    return list(kept.values())


def _walk(base: str, parts: list[str], seen: set[tuple[str, int]]) -> Iterator[str]:
    if not parts:
        if base:
            yield base
        return
    head, rest = parts[0], parts[1:]
    if head == "**":
        # A folder is searched once for each remaining pattern: a link back to a folder
        # already searched for the same rest of the pattern is a loop.
        key = (os.path.realpath(base or "."), len(parts))
        if key in seen:
            _log.warning("skipping %s: a link to a folder already searched", base)
            return
        seen.add(key)
        yield from _walk(base, rest, seen)
        for name in _names(base, "*"):
            path = os.path.join(base, name)
            if os.path.isdir(path):
                yield from _walk(path, parts, seen)
    elif glob.has_magic(head):
        for name in _names(base, head):
            yield from _walk(os.path.join(base, name), rest, seen)
    else:
        path = os.path.join(base, head)
        if os.path.lexists(path):
            yield from _walk(path, rest, seen)


def _names(folder: str, pattern: str) -> list[str]:
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return []
    if not pattern.startswith("."):
        names = [name for name in names if not name.startswith(".")]
    return sorted(fnmatch.filter(names, pattern))
