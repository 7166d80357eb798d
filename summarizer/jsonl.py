"""Internal: Writing JSON Lines, and splitting them: at ``\\n`` only.

``str.splitlines`` also splits at U+2028, U+2029, U+0085 and the other Unicode line
boundaries, which a JSON string may hold raw: a line cut there is no longer JSON, and
the article or answer on it would be lost. Every JSON Lines file the package reads is
split here. Every JSON line or document the package outputs is made by ``dump_json``,
which writes those three as escapes (the others are control characters, escaped by any
JSON writer): JSON allows them raw in a string, but JavaScript before ES2019 does not
take U+2028 and U+2029, and line readers that split at every Unicode line boundary cut
the line there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

__all__ = ["dump_json", "jsonl_lines"]

_LINE_BOUNDARIES = {ord(c): f"\\u{ord(c):04x}" for c in "\u2028\u2029\x85"}


def dump_json(value: BaseModel | Mapping[str, Any], *, indent: int | None = None) -> str:
    """``value`` (a record, or an error line's fields) as JSON text, non-ASCII kept as it
    is but for the line boundaries U+2028, U+2029 and U+0085, which are escaped
    (``\\u2028``)."""
    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=indent)
    else:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    # Outside strings JSON has no such character, so each one is inside a string, where
    # its escape means the same.
    return text.translate(_LINE_BOUNDARIES)


def jsonl_lines(text: str) -> list[str]:
    """The lines of ``text``, split at ``\\n`` only, each without its ``\\r\\n`` or ``\\n``.

    Like ``splitlines``, a final newline ends the last line rather than opening an
    empty one.
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
