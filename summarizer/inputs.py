"""Reading articles: files, folders, glob patterns, standard input, JSONL feeds.

Inputs are files, folders (their ``.txt``/``.md``/``.jsonl`` files), glob patterns,
standard input, and JSONL files with one article per line (``id``, ``text``, and
optionally ``date``, ``language``, ``url``, ``title``). An input that cannot be read
becomes an ``ArticleInput`` carrying its error, so one bad file never stops a batch.

Ids must tell articles apart, or resuming would take one article for another: an id
that two inputs share is qualified with its source (``feed.jsonl#1``), and an input
that repeats an id is refused.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from .article import read_text
from .config import DEFAULT_MAX_INPUT_BYTES
from .dates import PartialDate
from .decoding import decode_bytes, is_text, refuse_oversize
from .errors import DuplicateIdError, EncodingError, InputError, SummarizerError
from .globbing import expand_pattern
from .jsonl import jsonl_lines

__all__ = ["ArticleInput", "read_inputs"]

_TEXT_SUFFIXES = (".txt", ".text", ".md")
_GLOB_CHARS = frozenset("*?[")
#: A JSONL line's optional fields.
_OPTIONAL = ("date", "language", "title", "url")

_log = logging.getLogger("summarizer")


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article to summarise, or the error met reading it."""

    id: str
    text: str = ""
    date: PartialDate | str | None = None
    language: str | None = None
    title: str | None = None
    url: str | None = None
    error: SummarizerError | None = None
    source: str | None = None
    """The file (or ``-``) the article was read from, when it was read by ``read_inputs``."""


def read_inputs(
    sources: Sequence[str],
    *,
    stdin: TextIO | None = None,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    output: Path | None = None,
) -> list[ArticleInput]:
    """Expand ``sources`` into articles, in order; unreadable ones carry their error.

    A folder or pattern never yields ``output`` (the run's own output file, which a
    rerun finds among the articles it was written beside) nor any other JSONL file that
    summarizer wrote (records, batch requests, state or results), skipped with a
    warning. Named on its own, a file is read whatever it is.

    A file, a JSONL feed or standard input holding more than ``max_bytes`` is refused
    (its error is its article's) after reading at most one byte past the limit.

    In folders and patterns, anything but a regular file (a named pipe, a socket, a
    device) is skipped with a warning: reading it could block the run. Named on its own,
    such a file is read as a stream, like standard input.

    Raises:
        InputError: A folder or pattern that matches nothing (a mistake in the command,
            not in an article).
        DuplicateIdError: One input gives two articles the same id (or a file is given
            twice).
    """
    found: list[ArticleInput] = []
    for source in sources:
        if source == "-":
            found.extend(_from_stdin(stdin or sys.stdin, max_bytes))
            continue
        path = Path(source)
        searched = True
        if path.is_dir():
            files = _regular(sorted(path.rglob("*")), (*_TEXT_SUFFIXES, ".jsonl"))
            if not files:
                raise InputError(f"{source}: no .txt, .md or .jsonl files in this folder")
        elif _GLOB_CHARS & set(source) and not path.exists():
            files = _regular(expand_pattern(source), None)
            if not files:
                raise InputError(f"{source}: no file matches this pattern")
        else:
            files, searched = [path], False
        if searched and output is not None:
            files = [file for file in files if not _same_file(file, output)]
        for file in files:
            if file.suffix.lower() == ".jsonl":
                found.extend(_from_jsonl(file, max_bytes, skip_ours=searched))
            else:
                found.append(_from_file(file, max_bytes))
    _refuse_one_file_twice(found)
    return _unique_ids(found)


def _refuse_one_file_twice(found: list[ArticleInput]) -> None:
    """Raise ``DuplicateIdError`` if one file is given under two paths (``a.txt`` and
    ``/data/a.txt``, or through a link): it would be paid for, and kept, twice."""
    spelled: dict[str, str] = {}
    for source in dict.fromkeys(item.source for item in found):
        if source is None or source == "-" or not os.path.isfile(source):
            continue
        first = spelled.setdefault(os.path.realpath(source), source)
        if first != source:
            raise DuplicateIdError(
                f"{first} and {source} are the same file, given twice: give it once"
            )


def _regular(paths: Iterable[Path], suffixes: tuple[str, ...] | None) -> list[Path]:
    """The regular files among ``paths`` (with one of ``suffixes``); warn about the rest."""
    kept: list[Path] = []
    for path in paths:
        if suffixes is not None and path.suffix.lower() not in suffixes:
            continue
        if path.is_file():
            kept.append(path)
        elif not path.is_dir():
            _log.warning("skipping %s: %s, not a regular file", path, _kind_of(path))
    return kept


def _kind_of(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "a broken link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _unique_ids(found: list[ArticleInput]) -> list[ArticleInput]:
    """Qualify ids shared between inputs with their source; refuse ids an input repeats."""
    where: defaultdict[str, list[str | None]] = defaultdict(list)
    for item in found:
        where[item.id].append(item.source)
    shared = {i for i, sources in where.items() if len(sources) > 1}
    if not shared:
        return found
    repeated: defaultdict[str, list[str]] = defaultdict(list)
    for article_id in sorted(shared):
        for source in dict.fromkeys(where[article_id]):
            if where[article_id].count(source) > 1:
                repeated[str(source)].append(article_id)
    if repeated:
        raise DuplicateIdError(
            "the same id for two articles would make resuming skip one of them: "
            + "; ".join(_repeats(source, ids) for source, ids in repeated.items())
        )
    unique = [
        replace(item, id=f"{item.source}#{item.id}") if item.id in shared else item
        for item in found
    ]
    clashes = sorted(i for i, n in Counter(u.id for u in unique).items() if n > 1)
    if clashes:
        raise DuplicateIdError(
            f"ids still shared after adding their source: {', '.join(clashes[:5])}; "
            "give the articles unique ids"
        )
    return unique


def _repeats(source: str, ids: list[str]) -> str:
    if ids == [source]:
        return f"{source} is given more than once"
    more = f" (and {len(ids) - 5} more)" if len(ids) > 5 else ""
    return f"{source} repeats id {', '.join(ids[:5])}{more}"


def _from_file(path: Path, limit: int) -> ArticleInput:
    try:
        return ArticleInput(id=str(path), text=read_text(path, limit=limit), source=str(path))
    except InputError as exc:
        return ArticleInput(id=str(path), error=exc, source=str(path))


def _from_stdin(stdin: TextIO, limit: int) -> list[ArticleInput]:
    data = (
        stdin.buffer.read(limit + 1)
        if hasattr(stdin, "buffer")
        else stdin.read(limit + 1).encode("utf-8")
    )
    try:
        source = "standard input"
        text = decode_bytes(refuse_oversize(data, limit, source), source=source)
    except InputError as exc:
        return [ArticleInput(id="-", error=exc, source="-")]
    lines = jsonl_lines(text)
    if _is_jsonl(lines):
        return list(_jsonl_lines(lines, "-"))
    return [ArticleInput(id="-", text=text, source="-")]


def _is_jsonl(lines: list[str]) -> bool:
    """Whether ``lines`` are JSON Lines of articles: every non-empty one a JSON object
    with a ``text`` field. An article that merely opens with ``{`` is not."""
    filled = [line for line in lines if line.strip()]
    for line in filled:
        if not line.lstrip().startswith("{"):
            return False
        try:
            item = json.loads(line)
        except ValueError:
            return False
        if not isinstance(item, dict) or "text" not in item:
            return False
    return bool(filled)


def _from_jsonl(path: Path, limit: int, *, skip_ours: bool) -> list[ArticleInput]:
    try:
        text = read_text(path, limit=limit)
    except InputError as exc:
        return [ArticleInput(id=str(path), error=exc, source=str(path))]
    lines = jsonl_lines(text)
    kind = _written_by_us(lines) if skip_ours else None
    if kind is not None:
        _log.warning("skipping %s: %s written by summarizer, not articles", path, kind)
        return []
    return list(_jsonl_lines(lines, str(path)))


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:  # either is not there (yet)
        return False


#: What the first line of each JSONL file summarizer writes holds, and what it is.
_OUR_LINES = (
    ({"schema_version", "quality", "text"}, "records"),
    ({"id", "error", "usage"}, "error lines"),
    ({"custom_id", "body"}, "batch requests"),
    ({"custom_id", "response"}, "batch results"),
    ({"request", "text_sha256"}, "a batch round's state"),
    ({"article", "chunk", "text_sha256"}, "a batch round's parts"),
)


def _written_by_us(lines: list[str]) -> str | None:
    """What summarizer wrote in a JSONL file whose lines are ``lines``, if it wrote it."""
    first = next((line for line in lines if line.strip()), None)
    try:
        item = json.loads(first) if first is not None else None
    except ValueError:
        return None
    if not isinstance(item, dict):
        return None
    return next((kind for keys, kind in _OUR_LINES if keys <= item.keys()), None)


def _jsonl_lines(lines: Iterable[str], source: str) -> Iterator[ArticleInput]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            error = InputError(f"{where}: not a JSON object ({exc})")
            yield ArticleInput(id=where, error=error, source=source)
            continue
        article_id, problem = _jsonl_id(item.get("id"), where)
        text, text_problem = _jsonl_text(item.get("text"))
        problem = problem or text_problem
        if problem is not None:
            error = InputError(f"{where}: {problem}")
            yield ArticleInput(id=article_id, error=error, source=source)
            continue
        broken = _not_text(item)
        if broken is not None:
            # Refused before any request: the model cannot be sent it, and the id could
            # not be written to the output (so the article is named by its line).
            error = EncodingError(
                f"{where}: '{broken}' holds a lone surrogate (a \\ud800-\\udfff escape "
                "that is half of a pair), which is not text; fix the escape in the file"
            )
            yield ArticleInput(id=where, error=error, source=source)
            continue
        yield ArticleInput(
            id=article_id,
            text=text,
            date=_opt(item, "date"),
            language=_opt(item, "language"),
            title=_opt(item, "title"),
            url=_opt(item, "url"),
            source=source,
        )


def _not_text(item: dict[str, Any]) -> str | None:
    """The first field this program reads from a JSONL line that holds a lone surrogate."""
    for key in ("id", "text", *_OPTIONAL):
        value = item.get(key)
        if isinstance(value, str) and not is_text(value):
            return key
    return None


def _jsonl_id(value: object, where: str) -> tuple[str, str | None]:
    """A JSONL line's id (its position when it has none), and what is wrong with it."""
    if value is None or value == "":
        return where, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value), None
    return where, f"'id' must be a string or a number, not {_json_type(value)}"


_JSON_TYPES = {
    bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"
}  # fmt: skip


def _jsonl_text(value: object) -> tuple[str, str | None]:
    """A JSONL line's text, and what is wrong with it."""
    if isinstance(value, str):
        return value, None if value.strip() else "no 'text' in this line"
    if value is None:
        return "", "no 'text' in this line"
    return "", f"'text' must be a string, not {_json_type(value)}"


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _opt(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return str(value) if value not in (None, "") else None
