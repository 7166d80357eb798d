"""Internal: A round of a provider batch file on disk: its files, and what each line of them holds.

A round is the batch input file (``requests.jsonl``, or ``requests.round2.jsonl`` and so
on) and, beside it, its state (each ``Request`` whole, with its article's text digest),
the parts of long articles carried into it, the batch it was submitted as, and that
batch's fetched results. ``batchfile`` prepares and collects rounds; ``batchapi``
submits them. Every file is written whole at once (``write_lines``), and a new round
replaces only files of ours (``claim``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chunking import Chunk
from .errors import InputError, OutputError, error_from_dict
from .exchange import Request
from .jsonl import jsonl_lines
from .output import not_ours
from .reading import PartRead, load_extraction
from .usage import Usage

__all__ = [
    "BatchFiles",
    "Done",
    "Entry",
    "claim",
    "job_problem",
    "read_carried",
    "read_entries",
    "read_state",
    "write_lines",
    "write_round",
]

_ROUND = re.compile(r"^(?P<base>.*)\.round(?P<n>\d+)$")


@dataclass(frozen=True, slots=True)
class BatchFiles:
    """One round's files: the batch input file and its state beside it."""

    requests: Path

    @property
    def state(self) -> Path:
        """The round's state: each request whole, one JSON line per article."""
        return self.requests.with_name(f"{self.requests.stem}.state.jsonl")

    @property
    def parts(self) -> Path:
        """Answers and failures of long articles' parts carried into this round."""
        return self.requests.with_name(f"{self.requests.stem}.parts.jsonl")

    @property
    def job(self) -> Path:
        """The batch the round was submitted as (``batchapi``)."""
        return self.requests.with_name(f"{self.requests.stem}.batch.json")

    @property
    def results(self) -> Path:
        """The submitted batch's output file, once fetched."""
        return self.requests.with_name(f"{self.requests.stem}.results.jsonl")

    @property
    def errors(self) -> Path:
        """The submitted batch's error file, once fetched."""
        return self.requests.with_name(f"{self.requests.stem}.errors.jsonl")

    @property
    def round(self) -> int:
        """The round's number: 1, then 2 for ``<stem>.round2.jsonl``, and so on."""
        match = _ROUND.match(self.requests.stem)
        return int(match["n"]) if match else 1

    def following(self) -> BatchFiles:
        """The next round's files, beside these."""
        match = _ROUND.match(self.requests.stem)
        base = match["base"] if match else self.requests.stem
        return BatchFiles(self.requests.with_name(f"{base}.round{self.round + 1}.jsonl"))


#: The keys that tell each file of a round (its first line) from a file of another program.
_OURS = {
    "requests": frozenset({"custom_id", "method", "url", "body"}),
    "state": frozenset({"request", "text_sha256"}),
    "parts": frozenset({"article", "text_sha256", "chunk"}),
}


def claim(files: BatchFiles, force: bool) -> None:
    """Make room for a new round at ``files``, or refuse to (see ``prepare_batch``).

    Raises:
        OutputError: A file there is not of ours, or the round was submitted.
    """
    if not force:
        for kind, keys in _OURS.items():
            path: Path = getattr(files, kind)
            if not _is_ours(path, keys):
                raise not_ours(path, "a batch file" if kind == "requests" else "a round's file")
        submitted = _submitted(files)
        if submitted is not None:
            raise OutputError(
                f"{files.requests}: this round was submitted as {submitted}; its answers "
                "would be collected as the new requests': collect it with 'summarizer batch "
                "collect' and choose another output file, or pass force=True to discard it"
            )
        # Results summarizer fetched belong to a submitted round, refused above: any
        # left here came from elsewhere (``vllm run-batch -o``) and may be paid output.
        for kept in (files.results, files.errors):
            if not _is_empty(kept):
                raise not_ours(kept, "a round's file")
    for stale in (files.job, files.results, files.errors):
        stale.unlink(missing_ok=True)


def _is_ours(path: Path, keys: frozenset[str]) -> bool:
    """Whether ``path`` is missing, empty, or opens with a line of a round's file."""
    try:
        with path.open("rb") as handle:
            first = handle.readline()
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise OutputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not first.strip():
        return True
    try:
        data = json.loads(first)
    except ValueError:
        return False
    return isinstance(data, dict) and keys <= data.keys()


def _is_empty(path: Path) -> bool:
    """Whether ``path`` is missing or empty: nothing would be lost in replacing it."""
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise OutputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _submitted(files: BatchFiles) -> str | None:
    """``"batch <id> (<status>)"`` if the round was submitted and its batch ran (or runs).

    Raises:
        OutputError: The job file is not one of ours (it is kept, not replaced).
    """
    try:
        text = files.job.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{files.job}: cannot be read ({exc.strerror or exc})") from None
    try:
        job = json.loads(text)
    except ValueError as exc:
        problem: str | None = f"not JSON: {exc}"
    else:
        problem = job_problem(job)
    if problem is not None:
        raise not_ours(files.job, "a batch job", problem)
    if job["status"] == "failed":
        return None  # validation failed: nothing ran, nothing to collect
    return f"batch {job['id']} ({job['status']})"


#: The fields every ``<stem>.batch.json`` (``batchapi.BatchJob``) has, each a string.
_JOB_FIELDS = ("id", "input_file_id", "base_url", "status")


def job_problem(data: Any) -> str | None:
    """What makes ``data`` (a ``<stem>.batch.json``'s JSON) no batch job of ours, in a
    few words; ``None`` when it is one."""
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    missing = [name for name in _JOB_FIELDS if not isinstance(data.get(name), str)]
    if missing:
        return "no " + ", ".join(repr(name) for name in missing)
    return None


@dataclass(frozen=True, slots=True)
class Entry:
    """One request of a round: for a whole article, or for one part of a long one."""

    request: Request
    digest: str
    article: str
    chunk: Chunk | None = None

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "request": self.request.to_dict(),
            "text_sha256": self.digest,
            "article": self.article,
        }
        if self.chunk is not None:
            data["chunk"] = _chunk_fields(self.chunk)
        return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Done:
    """A part of a long article that needs no further round: its answer, or its error."""

    article: str
    digest: str
    chunk: Chunk
    answer: str | None = None  # ``reading.dump_extraction``
    error: dict[str, Any] | None = None  # ``errors.error_to_dict``
    usage: Usage = field(default_factory=Usage)

    def to_json(self) -> str:
        return json.dumps(
            {
                "article": self.article,
                "text_sha256": self.digest,
                "chunk": _chunk_fields(self.chunk),
                "answer": self.answer,
                "error": self.error,
                "usage": self.usage.to_dict(),
            },
            ensure_ascii=False,
        )

    def part(self) -> PartRead:
        part = PartRead(self.chunk, usage=self.usage)
        extraction = load_extraction(self.answer, usage=True) if self.answer else None
        if extraction is not None:
            part.answers.append(extraction)
        else:
            unread = {"type": "ModelOutputError", "message": "its answer could not be read"}
            part.error = error_from_dict(self.error or unread, usage=self.usage)
        return part


def _chunk_fields(chunk: Chunk) -> list[int]:
    return [chunk.index, chunk.count, chunk.first, chunk.own, chunk.last]


def _chunk(fields: Any) -> Chunk:
    index, count, first, own, last = (int(v) for v in fields)
    return Chunk(index, count, first, own, last)


def write_round(files: BatchFiles, requests: list[Entry], carried: list[Done]) -> None:
    write_lines(
        files.requests,
        (json.dumps(e.request.batch_line(), ensure_ascii=False) for e in requests),
    )
    write_lines(files.state, (e.to_json() for e in requests))
    if carried:
        write_lines(files.parts, (d.to_json() for d in carried))
    else:
        files.parts.unlink(missing_ok=True)


def write_lines(path: Path, lines: Iterable[str]) -> None:
    """Write a whole file at once: a reader never sees half of it."""
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for line in lines:
                out.write(line + "\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_state(files: BatchFiles) -> dict[str, tuple[Request, str]]:
    """The round's requests by ``custom_id``, with their article's text digest.

    Raises:
        InputError: The state file is missing or not one this program wrote.
    """
    return {e.request.id: (e.request, e.digest) for e in read_entries(files)}


def read_entries(files: BatchFiles) -> list[Entry]:
    try:
        text = files.state.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"{files.state}: cannot read the round's state ({exc.strerror or exc}); it is "
            f"written beside {files.requests.name} by 'summarizer batch prepare'"
        ) from None
    entries: list[Entry] = []
    for n, line in enumerate(jsonl_lines(text), 1):
        try:
            data = json.loads(line)
            request = Request.from_dict(data["request"])
            chunk = _chunk(data["chunk"]) if "chunk" in data else None
            # A whole article's request id was its id before ids were escaped.
            article = str(data["article"]) if "article" in data else request.id
            entries.append(Entry(request, str(data["text_sha256"]), article, chunk))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{files.state}:{n}: not a line of a round's state: {exc}") from None
    return entries


def read_carried(files: BatchFiles) -> list[Done]:
    try:
        text = files.parts.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InputError(f"{files.parts}: cannot read ({exc.strerror or exc})") from None
    carried: list[Done] = []
    for n, line in enumerate(jsonl_lines(text), 1):
        try:
            data = json.loads(line)
            error = data.get("error")
            if isinstance(error, list):  # ``[type, message]``, as earlier versions wrote it
                error = {"type": str(error[0]), "message": str(error[1])}
            carried.append(
                Done(
                    article=str(data["article"]),
                    digest=str(data["text_sha256"]),
                    chunk=_chunk(data["chunk"]),
                    answer=data.get("answer"),
                    error=dict(error) if error else None,
                    usage=Usage.from_dict(data["usage"]),
                )
            )
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise InputError(f"{files.parts}:{n}: not a line this program wrote: {exc}") from None
    return carried
