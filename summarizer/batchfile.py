"""Provider batch files: the seam's requests written out, their answers read back.

``prepare_batch`` writes one line of the OpenAI batch input format per article
(``custom_id`` = the article's id), which the OpenAI Batch API and ``vllm run-batch``
take as they are, and beside it the round's state (``<stem>.state.jsonl``): each
``Request`` whole, with a digest of its article's text, since the batch format has no
room for what reading the answer needs.

``collect_batch`` reads a results file in the Batch API's output format, wherever it
was produced: each answer goes through ``exchange.finish``, its record or error is
appended to a ``JsonlSink`` (the same lines and resume rules as ``summarizer -o``),
and what needs another round (re-asks, and articles the batch did not answer) is
written as the next round's files, ``<stem>.round2.jsonl`` and so on. An article is
in exactly one place after a round: the output, or the next round. Every round counts
against the article's ``max_attempts``; when it is spent, the article's line is an
error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batch import BatchResult
from .config import Settings
from .connection import OPENAI_BASE_URL
from .errors import EndpointError, InputError, OutputError, SummarizerError
from .exchange import Reask, Request, finish, prepare
from .inputs import ArticleInput
from .output import JsonlSink
from .pipeline import Summarizer
from .usage import Usage

__all__ = [
    "BatchFiles",
    "Collected",
    "batch_settings",
    "collect_batch",
    "prepare_batch",
    "read_state",
    "write_lines",
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
    def round(self) -> int:
        """The round's number: 1, then 2 for ``<stem>.round2.jsonl``, and so on."""
        match = _ROUND.match(self.requests.stem)
        return int(match["n"]) if match else 1

    def following(self) -> BatchFiles:
        """The next round's files, beside these."""
        match = _ROUND.match(self.requests.stem)
        base = match["base"] if match else self.requests.stem
        return BatchFiles(self.requests.with_name(f"{base}.round{self.round + 1}.jsonl"))


@dataclass(slots=True)
class Collected:
    """What one collected round gave."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    next_round: BatchFiles | None = None
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)


def batch_settings(settings: Settings) -> Settings:
    """Settings for a batch file: the hosted OpenAI API unless a server is named.

    Nothing runs a batch file on the embedded model, and preparing one sends nothing,
    so no key is needed until it is submitted.
    """
    if settings.base_url:
        return settings
    backend = "openai" if settings.backend == "auto" else settings.backend
    return settings.replace(base_url=OPENAI_BASE_URL, backend=backend)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def prepare_batch(
    inputs: Sequence[ArticleInput], summarizer: Summarizer, files: BatchFiles
) -> list[BatchResult]:
    """Write the first round's requests for ``inputs``; nothing is sent.

    Returns:
        An error result for each input that could not be prepared (unreadable, too
        long for the model); the others are in the files.

    Raises:
        OutputError: The files cannot be written.
        ConfigurationError: The endpoint is incomplete.
    """
    endpoint = summarizer.endpoint
    requests: list[tuple[Request, str]] = []
    failed: list[BatchResult] = []
    for item in inputs:
        try:
            if item.error is not None:
                raise item.error
            article = summarizer.load(item)
            request = prepare(
                article,
                summarizer.settings,
                endpoint,
                cache_key=summarizer.cache_key(item),
            )
        except SummarizerError as exc:
            failed.append(BatchResult(item.id, error=exc))
            continue
        requests.append((request, _digest(item.text)))
    _write_round(files, requests)
    return failed


def _write_round(files: BatchFiles, requests: list[tuple[Request, str]]) -> None:
    write_lines(
        files.requests, (json.dumps(r.batch_line(), ensure_ascii=False) for r, _ in requests)
    )
    write_lines(
        files.state,
        (
            json.dumps({"request": r.to_dict(), "text_sha256": digest}, ensure_ascii=False)
            for r, digest in requests
        ),
    )


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
    """The round's requests by article id, with their article's text digest.

    Raises:
        InputError: The state file is missing or not one this program wrote.
    """
    try:
        text = files.state.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"{files.state}: cannot read the round's state ({exc.strerror or exc}); it is "
            f"written beside {files.requests.name} by 'summarizer batch prepare'"
        ) from None
    state: dict[str, tuple[Request, str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        try:
            data = json.loads(line)
            request = Request.from_dict(data["request"])
            state[request.id] = (request, str(data["text_sha256"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{files.state}:{n}: not a line of a round's state: {exc}") from None
    return state


def _results(lines: Iterable[str], known: dict[str, Any], report: Collected) -> dict[str, Any]:
    """Result lines by ``custom_id``; malformed, unknown and repeated lines are warned of."""
    found: dict[str, Any] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            custom_id = data["custom_id"]
        except (ValueError, KeyError, TypeError):
            report.warnings.append(f"results line {n}: not a batch result; skipped")
            continue
        if custom_id not in known:
            report.warnings.append(f"results line {n}: {custom_id!r} is not in this round")
        elif custom_id in found:
            report.warnings.append(f"results line {n}: a second answer for {custom_id!r}; skipped")
        else:
            found[custom_id] = data
    return found


def _answer(result: Any) -> tuple[dict[str, Any] | None, str]:
    """The chat completion a result line holds, or why there is none."""
    if result is None:
        return None, "the batch returned no result for it"
    error = result.get("error")
    response = result.get("response") or {}
    status = response.get("status_code")
    body = response.get("body")
    if error or status != 200 or not isinstance(body, dict):
        detail = error or (body.get("error") if isinstance(body, dict) else None) or body
        if isinstance(detail, dict):
            detail = detail.get("message") or detail.get("code") or json.dumps(detail)
        return None, f"the batch failed it (HTTP {status}): {str(detail)[:200]}"
    return body, ""


def collect_batch(
    files: BatchFiles,
    results: Iterable[str],
    inputs: Sequence[ArticleInput],
    summarizer: Summarizer,
    sink: JsonlSink,
) -> Collected:
    """Verify a round's answers into ``sink``; write the next round for what needs one.

    Args:
        files: The round's files (its state is read).
        results: The lines of the batch's results file (and of its error file).
        inputs: The articles the round was prepared from.
        summarizer: Its settings give the attempt budget; its cache, if any, is filled.
        sink: The JSONL output; articles it holds already are not collected again.
    """
    state = read_state(files)
    report = Collected()
    answers = _results(results, state, report)
    articles = {item.id: item for item in inputs}
    again: list[tuple[Request, str]] = []
    budget = summarizer.settings.max_attempts
    for article_id, (request, digest) in state.items():
        if sink.seen(article_id):
            report.skipped += 1
            continue
        item = articles.get(article_id)
        outcome: Any
        try:
            if item is None or item.error is not None or _digest(item.text) != digest:
                raise InputError(
                    f"{article_id}: not among the inputs as they were when the round was "
                    "prepared; give the same inputs to 'batch collect'"
                )
            answer, why = _answer(answers.get(article_id))
            last = request.spent.calls + 1 >= budget
            if answer is None:
                if last:
                    raise EndpointError(
                        f"{article_id}: {why}, after {request.spent.calls + 1} attempt(s)",
                        url=request.base_url,
                        usage=request.spent + Usage(calls=1),
                    )
                again.append((request.charged(Usage(calls=1)), digest))
                continue
            outcome = finish(summarizer.load(item), request, answer, last=last)
        except SummarizerError as exc:
            _add(report, BatchResult(article_id, error=exc), sink)
            continue
        if isinstance(outcome, Reask):
            again.append((outcome.request, digest))
            continue
        if summarizer.cache is not None and request.cache_key is not None:
            summarizer.cache.put(request.cache_key, outcome)
        _add(report, BatchResult(article_id, record=outcome), sink)
    if again:
        report.next_round = files.following()
        _write_round(report.next_round, again)
    return report


def _add(report: Collected, result: BatchResult, sink: JsonlSink) -> None:
    sink.write(result)
    prompt, completion = result.tokens
    calls = (
        result.record.quality.attempts
        if result.record is not None
        else (result.error.usage.calls if result.error and result.error.usage else 0)
    )
    report.usage = report.usage + Usage(calls, prompt, completion)
    if result.error is not None:
        report.failed += 1
        report.exit_codes.add(result.error.exit_code)
    else:
        report.done += 1
