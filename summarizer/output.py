"""Internal: Output files: reports replaced whole, resumable JSONL, one writer at a time.

An output path is either a *file* (a regular file, or a symbolic link to one) or a
*stream*: a pipe or FIFO, a terminal or other device, a socket, or a descriptor alias
such as ``/dev/stdout``. A stream is written straight through and never read, locked or
renamed: reading it back to resume would block, and renaming over it would replace the
device node or link instead of writing to it.

A file is written so that nothing already in it can be lost:

- whole-file formats (markdown, html, text) go to a temporary file beside the real file
  behind any symlink; ``ReportFile.commit`` renames it into place, keeping the old file's
  permission bits. A run that commits nothing leaves the file as it was. An existing
  non-empty file is replaced only if it is a report of ours (its marker: ``render``'s
  first line, or the review page's generator tag) or the caller forces it.
- JSONL is appended one whole line at a time. Resuming trusts only a file this program
  wrote: every complete line must be a record or an error line of ours, and the one line
  ever cut is a partial line of ours at the end, left by a process killed mid-write.
  Anything else is refused, never rewritten.
- while a run writes a file it holds an exclusive ``flock`` on it, so a second run with
  the same ``-o`` stops at once instead of paying for every article a second time.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any, TextIO

from .batch import BatchResult
from .errors import InputError, OutputError, OutputLockedError
from .identity import input_digests, input_names, line_names, text_digest
from .inputs import ArticleInput
from .record import ArticleSummary
from .render import MARKDOWN_MARKER, TEXT_MARKER
from .review_page import HTML_GENERATOR

__all__ = ["JsonlSink", "ReportFile", "not_ours", "refuse_input_as_output"]

_DESCRIPTOR_ALIAS = re.compile(r"/dev/(fd/\d+|std(in|out|err))|/proc/(self|\d+)/fd/\d+")
_RECORD_KEYS = frozenset(
    name for name, field in ArticleSummary.model_fields.items() if field.is_required()
) | {"schema_version"}
_ERROR_KEYS = frozenset({"id", "error", "usage"})
_DIGEST = "text_sha256"
# The digest noted for an error line of an input that could not be read (an input
# error, no digest): it had no text, so it is the same article as no text of a real one.
_NO_TEXT = ""
# How much of an existing report is read to find its marker: the HTML page's marker is in
# its <head>, the others' on the first line.
_REPORT_HEAD = 4096
# How the lines this program writes begin: a record (pydantic's JSON, schema_version
# first) or an error line (``BatchResult.to_json``). A partial last line is ours only if
# it agrees with one of them as far as it goes.
_OPENINGS = (b'{"schema_version":', b'{"id": ')


def _is_stream(path: Path) -> bool:
    """Whether ``path`` is written as a stream: not a regular file, or a descriptor alias."""
    if _DESCRIPTOR_ALIAS.fullmatch(os.path.abspath(path)):
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # not there (yet): it will be created as a file
        return False


def refuse_input_as_output(output: Path, sources: Iterable[str | None]) -> None:
    """Raise ``OutputError`` if ``output`` is the same file as one of the input ``sources``.

    Paths are compared by the file they reach (device and inode), so a symlink, a
    relative path or a second hard link to an input is caught too.
    """
    for source in {s for s in sources if s is not None and s != "-"}:
        try:
            same = os.path.samefile(source, output)
        except OSError:  # either does not exist (yet): they cannot be one file
            continue
        if same:
            raise OutputError(
                f"{output}: this is also an input ({source}); writing it would destroy the "
                "input: choose another output file"
            )


def not_ours(path: Path, what: str, why: str = "") -> OutputError:
    """The refusal to replace a file that is not ``what`` (``"a report"``) of ours,
    ``why`` (what it is instead) in brackets."""
    return OutputError(
        f"{path}: not {what} written by summarizer{f' ({why})' if why else ''}; "
        "refusing to replace it: "
        "choose another output file, or pass force=True to overwrite it"
    )


def _unwritable(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot be written ({exc.strerror or exc})")


def _refuse_missing_folder(path: Path, target: Path) -> None:
    """Raise ``OutputError`` if ``target``'s folder does not exist: a mistyped -o should not
    leave a tree of new folders behind."""
    if not target.parent.exists():
        raise OutputError(
            f"{path}: the folder {target.parent} does not exist; create it or choose another "
            "output file"
        )


def _lock(handle: IO[Any], path: Path) -> None:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputLockedError(
            f"{path}: another summarizer run is writing this file; wait for it to finish "
            "or choose another output file"
        ) from None


def _temp_beside(target: Path) -> tuple[int, Path]:
    """A new temporary file in ``target``'s folder, with the mode ``target`` has or would get."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.fchmod(fd, mode)
    return fd, Path(name)


class ReportFile:
    """A whole-file output (markdown, html, text) that replaces its target only on ``commit``.

    Write to ``file``; call ``commit`` once the run produced something worth keeping.
    ``close`` without ``commit`` removes the temporary file and leaves the target as it
    was. Raises ``OutputLockedError`` if another run holds the target.
    """

    def __init__(self, path: Path, *, force: bool = False) -> None:
        self.path = path
        self._temp: Path | None = None
        self._held: IO[Any] | None = None
        try:
            self._open(path, force)
        except OSError as exc:
            raise _unwritable(path, exc) from exc

    def _open(self, path: Path, force: bool) -> None:
        if _is_stream(path):
            self.file: TextIO = open(path, "a", encoding="utf-8")  # noqa: SIM115
            return
        self._target = Path(os.path.realpath(path))
        _refuse_missing_folder(path, self._target)
        if self._target.exists():
            self._held = open(self._target, "rb")  # noqa: SIM115
            _lock(self._held, path)
            if not force and not _is_our_report(self._held.read(_REPORT_HEAD)):
                self._held.close()
                raise not_ours(path, "a report")
        try:
            fd, self._temp = _temp_beside(self._target)
        except BaseException:
            if self._held is not None:
                self._held.close()
            raise
        self.file = os.fdopen(fd, "w", encoding="utf-8")

    def commit(self) -> None:
        """Put what was written in place of the target (a no-op for a stream).

        Raises:
            OutputError: The file could not be finished (a full disk); the target is
                left as it was.
        """
        if self._temp is None:
            self.file.flush()
            return
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self._temp, self._target)
        except OSError as exc:
            raise _unwritable(self.path, exc) from exc
        self._temp = None

    def close(self) -> None:
        """Release the target; without ``commit``, discard what was written."""
        try:
            self.file.close()
        except OSError:
            # What is still buffered cannot be written (a full disk): it goes with the
            # temporary file. A stream has nothing to discard it with.
            if self._temp is None:
                raise
        finally:
            if self._temp is not None:
                self._temp.unlink(missing_ok=True)
                self._temp = None
            if self._held is not None:
                self._held.close()
                self._held = None


class JsonlSink:
    """Append-only JSONL output that survives interruption and supports resuming.

    On opening a file, it is locked and read: a trailing partial line of ours (the
    process died mid-write) is cut off, and the ids already done or failed are noted.
    ``retry_failed`` rewrites the file without the error lines and the partial records
    (``quality.partial``: a long article some of whose parts failed) of ``inputs``
    (this run's articles; of every article when not given), atomically, so every
    article appears once and the lines of other feeds stay. A stream is only written
    to; nothing counts as done.

    Raises:
        OutputError: The file holds a line that is not a record or error line of ours.
        OutputLockedError: Another run is writing the file.
    """

    def __init__(
        self,
        path: Path,
        *,
        retry_failed: bool = False,
        inputs: Sequence[ArticleInput] | None = None,
    ) -> None:
        self.path = path
        self.done: set[str] = set()
        self.failed: set[str] = set()
        # The lines by each name of their article, and by bare id (see ``identity``):
        # (the line's id, the digest of its text, when known).
        self._by_name: defaultdict[str, list[tuple[str, str | None]]] = defaultdict(list)
        self._by_bare: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
        self._digests: dict[str, str | None] = {}
        try:
            self._open(path, retry_failed, inputs)
        except OSError as exc:
            raise _unwritable(path, exc) from exc

    def _open(self, path: Path, retry_failed: bool, inputs: Sequence[ArticleInput] | None) -> None:
        #: Whether this run made the file (see ``close``).
        self._created = False
        if _is_stream(path):
            self._file: IO[bytes] = open(path, "ab")  # noqa: SIM115
            return
        self._target = Path(os.path.realpath(path))
        _refuse_missing_folder(path, self._target)
        self._created = not self._target.exists()
        self._file = open(self._target, "a+b")  # noqa: SIM115
        _lock(self._file, path)
        try:
            self._resume(retry_failed, inputs)
        except BaseException:
            self._file.close()
            raise

    def _resume(self, retry_failed: bool, inputs: Sequence[ArticleInput] | None) -> None:
        self._file.seek(0)
        raw = self._file.read()
        end = raw.rfind(b"\n") + 1
        # At b"\n" only: the one byte that ends a line of ours (see ``jsonl``).
        lines = [line + b"\n" for line in raw[: end - 1].split(b"\n")] if end else []
        tail = raw[end:]
        if tail and _kind(tail) is not None:
            lines.append(tail + b"\n")  # a whole line that lost only its newline
        elif tail and not any(o.startswith(tail) or tail.startswith(o) for o in _OPENINGS):
            raise _foreign(self.path, "its last line")
        entries: list[tuple[bytes, str, str | None, str | None]] = []
        for number, line in enumerate(lines, start=1):
            kind = _kind(line) if line.strip() else ("blank", None, None)
            if kind is None:
                raise _foreign(self.path, f"line {number}")
            entries.append((line, *kind))
        failed = {i for i, (_, what, _, _) in enumerate(entries) if what in ("error", "partial")}
        dropped = self._retried(entries, failed, inputs) if retry_failed else set()
        self._index(entries, dropped)
        cleaned = b"".join(line for i, (line, *_) in enumerate(entries) if i not in dropped)
        if cleaned != raw:
            self._rewrite(cleaned)

    def _retried(
        self,
        entries: list[tuple[bytes, str, str | None, str | None]],
        failed: set[int],
        inputs: Sequence[ArticleInput] | None,
    ) -> set[int]:
        """The failed lines to redo: those of ``inputs`` (this run's articles), so that the
        lines of other feeds in the same file stay; all of them when ``inputs`` is not
        given. An article may have failed under more than one id: repeated until none of
        the remaining lines holds one of ``inputs``."""
        if inputs is None:
            return failed
        dropped: set[int] = set()
        while True:
            self._index(entries, dropped)
            held = {self.holding(item) for item in inputs}
            more = {i for i in failed - dropped if entries[i][2] in held}
            if not more:
                return dropped
            dropped |= more

    def _index(
        self, entries: list[tuple[bytes, str, str | None, str | None]], dropped: set[int]
    ) -> None:
        """Note the lines of ``entries`` but ``dropped``, afresh."""
        self.done.clear()
        self.failed.clear()
        self._by_name.clear()
        self._by_bare.clear()
        for i, (_, what, article_id, digest) in enumerate(entries):
            if article_id is not None and i not in dropped:
                self._note(article_id, what == "record", digest)

    def _rewrite(self, data: bytes) -> None:
        # Locked before the rename, so no other run can slip in between.
        fd, temp = _temp_beside(self._target)
        replacement = os.fdopen(fd, "a+b")
        try:
            replacement.write(data)
            replacement.flush()
            os.fsync(fd)
            _lock(replacement, self.path)
            os.replace(temp, self._target)
        except BaseException:
            replacement.close()
            temp.unlink(missing_ok=True)
            raise
        self._file.close()
        self._file = replacement

    def _note(self, article_id: str, done: bool, digest: str | None) -> None:
        (self.done if done else self.failed).add(article_id)
        names = line_names(article_id)
        for name in names.names:
            self._by_name[name].append((article_id, digest))
        if digest:
            self._by_bare[names.bare].append((article_id, digest))

    def seen(self, article_id: str) -> bool:
        """Whether a line has the id ``article_id``, whatever its text."""
        return article_id in self.done or article_id in self.failed

    def holding(self, item: ArticleInput) -> str | None:
        """The id of the line that holds ``item`` already (same article, same text), if
        a line does (see ``identity``)."""
        names = input_names(item)
        named = [line for name in names.names for line in self._by_name.get(name, ())]
        bare = self._by_bare.get(names.bare, [])
        if not named and not bare:
            return None
        digests = input_digests(item)
        first = next(digests, None)
        if named and (first is None or any(d is None for _, d in named)):
            return named[0][0]  # no text to tell them apart: the id decides, as it did
        for digest in (first, *digests) if first is not None else ():
            for line_id, line_digest in (*named, *bare):
                if line_digest == digest:
                    return line_id
        return None

    def expect(self, item: ArticleInput) -> None:
        """Note ``item``'s digest, for its error line if it fails."""
        self._digests[item.id] = next(input_digests(item), None)

    def write(self, result: BatchResult) -> None:
        """Append one ``BatchResult`` as a whole line and flush it."""
        digest = self._digests.get(result.id)
        self._file.write(result.to_json(digest=digest).encode("utf-8") + b"\n")
        self._file.flush()
        if result.record is not None:
            digest = text_digest(result.record.text)
        elif digest is None:
            digest = _error_digest(type(result.error).__name__, None)
        self._note(result.id, result.record is not None, digest)

    def close(self, *, drop_if_unwritten: bool = False) -> None:
        """Release the file; with ``drop_if_unwritten``, remove it if this sink made it
        and nothing was written to it (a run that stopped before its first article, as
        when Ray cannot start, leaves no empty file behind)."""
        try:
            # Removed while still locked: no other run can have it open to write.
            if drop_if_unwritten and self._created and not os.fstat(self._file.fileno()).st_size:
                self._target.unlink(missing_ok=True)
        finally:
            self._file.close()


def _is_our_report(head: bytes) -> bool:
    """Whether a file opening with ``head`` is empty or a report this program wrote."""
    first_line = head.split(b"\n", 1)[0].strip().decode("utf-8", "replace")
    return (
        not head.strip()
        or first_line in (MARKDOWN_MARKER, TEXT_MARKER)
        or HTML_GENERATOR.encode() in head
    )


def _input_errors(kind: type[InputError] = InputError) -> frozenset[str]:
    return frozenset({kind.__name__}).union(*map(_input_errors, kind.__subclasses__()))


_INPUT_ERRORS = _input_errors()


def _error_digest(error_type: object, digest: str | None) -> str | None:
    """The digest noted for an error line: its own; none to compare (a line written
    before error lines carried one: the id decides); or, for an input that could not be
    read, ``_NO_TEXT``, which no article with text matches."""
    if digest is None and error_type in _INPUT_ERRORS:
        return _NO_TEXT
    return digest


def _foreign(path: Path, where: str) -> OutputError:
    return OutputError(
        f"{path}: {where} is not a record written by summarizer; refusing to resume into "
        "a file it did not write: choose another output file"
    )


def _kind(line: bytes) -> tuple[str, str | None, str | None] | None:
    """``("record" | "partial" | "error", id, digest of the text)`` for a line this program
    writes, else ``None``. An error line written before they carried the digest has none."""
    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict):
        return None
    article_id = item.get("id")
    article_id = article_id if isinstance(article_id, str) else None
    error = item.get("error")
    keys = item.keys() - {_DIGEST}
    if keys == _ERROR_KEYS and isinstance(error, dict) and "message" in error:
        digest = item.get(_DIGEST)
        digest = digest if isinstance(digest, str) else None
        return "error", article_id, _error_digest(error.get("type"), digest)
    if item.keys() >= _RECORD_KEYS:
        quality = item.get("quality")
        partial = isinstance(quality, dict) and quality.get("partial") is True
        text = item.get("text")
        digest = text_digest(text) if isinstance(text, str) else None
        return ("partial" if partial else "record"), article_id, digest
    return None
