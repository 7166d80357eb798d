"""Internal: Text as it may reach a screen: control characters shown as marks.

Every view of a record (terminal, text, markdown, the HTML page) and every message on
stderr passes what came from the article or the model through ``printable``, so no
escape sequence, hidden link, carriage-return overwrite or reordering bidirectional
control reaches a terminal or a reader.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 controls but tab and newline, DEL, and C1 controls (U+009B is a one-character
# CSI on some terminals), and the bidirectional controls, which reorder what a reader
# sees (a quote can be made to read backwards). A CR in a CRLF line ending is only
# dropped.
_CONTROLS = re.compile(
    r"\r(?=\n)|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` with every control character but tab and newline shown as U+FFFD."""
    return _CONTROLS.sub(lambda m: "" if m.group() == "\r" else "\ufffd", text)
