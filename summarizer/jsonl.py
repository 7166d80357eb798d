"""Internal: Splitting JSON Lines: at ``\\n`` only.

``str.splitlines`` also splits at U+2028, U+2029, U+0085 and the other Unicode line
boundaries, which a JSON string may hold raw: a line cut there is no longer JSON, and
the article or answer on it would be lost. Every JSON Lines file the package reads is
split here.
"""

from __future__ import annotations

__all__ = ["jsonl_lines"]


def jsonl_lines(text: str) -> list[str]:
    """The lines of ``text``, split at ``\\n`` only, each without its ``\\r\\n`` or ``\\n``.

    Like ``splitlines``, a final newline ends the last line rather than opening an
    empty one.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
