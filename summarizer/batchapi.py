"""Internal: The OpenAI Batch API: a round's requests file uploaded, run, and its results fetched.

A round (``batchround.BatchFiles``) is submitted once: the requests file goes up to
``/v1/files`` (purpose ``batch``), a batch is created on ``/v1/batches``, and the job
is written beside the round as ``<stem>.batch.json``. That file is what makes a second
``submit`` of the same round a refusal instead of a second bill, and what ``status``
and ``collect`` read. When the batch has ended, its output and error files are fetched
once into ``<stem>.results.jsonl`` and ``<stem>.errors.jsonl``; ``batchfile.collect_batch``
reads them like any results file. An expired or cancelled batch still gives what it
finished; the rest goes to the next round.

Each call to the API is bounded by ``Settings.timeout`` as a whole (a server that
trickles its answer is cut off) and tried up to ``_ATTEMPTS`` times; creating a batch
is never simply sent again, since a lost answer may hide a batch that was created:
the newest batches are looked through for one made from the round's upload first.
The calls run on an event loop of their own: call these functions from synchronous
code.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import openai

from .batchfile import round_endpoint
from .batchround import BatchFiles, job_problem, read_state, write_lines
from .config import Settings
from .connection import Endpoint
from .errors import (
    ConfigurationError,
    EndpointError,
    EndpointTimeoutError,
    InputError,
    redact,
    redact_secrets,
    scrub,
)
from .exchange import first_line
from .jsonl import jsonl_lines

__all__ = ["MIN_POLL", "BatchJob", "fetch_results", "refresh", "submit", "wait"]

#: The statuses after which a batch changes no more.
_ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
# A batch that failed validation ran nothing: its round may be submitted again.
_RESUBMITTABLE = frozenset({"failed"})
#: Attempts at one Batch API call that fails in passing, and the pause before the next.
_ATTEMPTS = 3
_BACKOFF = 1.0
#: The shortest pause between two status checks: the Batch API takes minutes to hours.
MIN_POLL = 1.0
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class BatchJob:
    """A submitted round, as ``<stem>.batch.json`` keeps it."""

    id: str
    input_file_id: str
    base_url: str
    status: str
    output_file_id: str | None = None
    error_file_id: str | None = None
    #: ``total``, ``completed`` and ``failed``, as the API counts them.
    counts: dict[str, int] = field(default_factory=dict)
    #: Why the API refused the batch, when it failed validation.
    errors: tuple[str, ...] = ()

    @property
    def ended(self) -> bool:
        return self.status in _ENDED

    def describe(self) -> str:
        done = self.counts.get("completed", 0)
        failed = self.counts.get("failed", 0)
        total = self.counts.get("total", 0)
        line = f"batch {self.id}: {self.status}, {done} of {total} done, {failed} failed"
        return line + "".join(f"; {error}" for error in self.errors)


def _read_job(files: BatchFiles) -> BatchJob | None:
    """The round's submitted batch, or ``None`` if it was not submitted.

    Raises:
        InputError: The job file is not one this program wrote.
    """
    path = files.job
    problem: str | None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        data, problem = None, f"not JSON: {exc}"
    else:
        problem = job_problem(data)
    unknown = sorted(set(data) - {f.name for f in fields(BatchJob)}) if problem is None else ()
    if unknown:
        problem = "fields no batch job has: " + ", ".join(repr(name) for name in unknown)
    if problem is not None:
        raise InputError(f"{path}: not a batch job written by summarizer ({problem})")
    return BatchJob(**{**data, "errors": tuple(data.get("errors", ()))})


def _write_job(files: BatchFiles, job: BatchJob) -> None:
    write_lines(files.job, [json.dumps(asdict(job), ensure_ascii=False)])


def _endpoint(files: BatchFiles, settings: Settings) -> Endpoint:
    """The server the round was prepared for, with ``settings``' credentials.

    Raises:
        InputError: The round holds no request.
        ConfigurationError: The hosted API's profile, and no credential to send.
    """
    state = read_state(files)
    if not state:
        raise InputError(f"{files.requests}: the round holds no request; nothing to submit")
    endpoint = round_endpoint(next(iter(state.values()))[0], settings)
    if endpoint.backend.hosted and not endpoint.secrets:
        # The SDK would send a placeholder key and report only a connection or
        # authentication failure.
        raise ConfigurationError(
            f"the Batch API at {endpoint.base_url} needs an API key: set "
            "Settings.api_key (OPENAI_API_KEY)"
        )
    return endpoint


def _transient(exc: BaseException) -> bool:
    """A failure worth another attempt: no answer in time, a dropped connection, 429, 5xx."""
    if isinstance(exc, (TimeoutError, openai.APIConnectionError)):
        return True
    return isinstance(exc, openai.APIStatusError) and (
        exc.status_code in (408, 409, 429) or exc.status_code >= 500
    )


def _call(
    endpoint: Endpoint,
    settings: Settings,
    what: str,
    step: Callable[[openai.AsyncOpenAI], Awaitable[_T]],
    *,
    before_again: Callable[[openai.AsyncOpenAI], Awaitable[_T | None]] | None = None,
) -> _T:
    """Run ``step`` against the Batch API, each attempt within ``settings.timeout`` as a whole.

    The timeout bounds the whole attempt, not each read: a server that trickles its
    answer is cut off like one that says nothing. A failure in passing is tried again,
    up to ``_ATTEMPTS`` in all; ``before_again`` first looks for what the failed attempt
    may have done all the same (a batch created whose answer was lost), and its finding,
    if any, is the result.

    Raises:
        EndpointTimeoutError: No attempt was answered in time.
        EndpointError: The Batch API refused, or kept failing; its message has the
            credentials taken out.
    """

    async def attempts(client: openai.AsyncOpenAI) -> _T:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                async with asyncio.timeout(settings.timeout):
                    if attempt > 1 and before_again is not None:
                        found = await before_again(client)
                        if found is not None:
                            return found
                    return await step(client)
            except Exception as exc:
                if attempt == _ATTEMPTS or not _transient(exc):
                    raise
            await asyncio.sleep(_BACKOFF * attempt)
        raise AssertionError("unreachable")

    async def run() -> _T:
        options = endpoint.client_options()
        # Our attempts, not the SDK's: its retries would each wait a whole timeout, and
        # could create a second batch unseen.
        async with openai.AsyncOpenAI(**options, max_retries=0, timeout=settings.timeout) as client:
            return await attempts(client)

    try:
        return asyncio.run(run())
    except TimeoutError:
        raise EndpointTimeoutError(
            f"batch API: {what}: no complete answer within {settings.timeout:g}s "
            f"({_ATTEMPTS} attempts); raise Settings.timeout or try again later",
            url=endpoint.base_url,
        ) from None
    except openai.APIError as exc:
        message = redact(first_line(exc), endpoint.secrets)
        raise EndpointError(f"batch API: {what}: {message}", url=endpoint.base_url) from None


@contextmanager
def _held(files: BatchFiles) -> Iterator[None]:
    """One submission of a round at a time, across processes."""
    path = files.job.with_suffix(".lock")
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"{files.requests}: another run is submitting this round") from None
        yield


def _job(batch: Any, base_url: str) -> BatchJob:
    counts = batch.request_counts
    errors = getattr(getattr(batch, "errors", None), "data", None) or ()
    return BatchJob(
        id=batch.id,
        input_file_id=batch.input_file_id,
        base_url=base_url,
        status=batch.status,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        counts=(
            {"total": counts.total, "completed": counts.completed, "failed": counts.failed}
            if counts is not None
            else {}
        ),
        errors=tuple(f"line {e.line}: {e.message}" if e.line else str(e.message) for e in errors),
    )


def submit(files: BatchFiles, settings: Settings) -> BatchJob:
    """Upload the round's requests file and create its batch.

    Raises:
        InputError: The round was submitted already (and its batch did not fail
            validation), another run is submitting it, or it holds no request.
        EndpointError: The Batch API refused the upload or the batch.
    """
    with _held(files):
        known = _read_job(files)
        if known is not None and known.status not in _RESUBMITTABLE:
            raise InputError(
                f"{files.requests}: submitted already as batch {known.id} ({known.status}); "
                "'summarizer batch status' follows it, 'batch collect' reads its results"
            )
        endpoint = _endpoint(files, settings)
        content = files.requests.read_bytes()
        upload = _call(
            endpoint,
            settings,
            f"uploading {files.requests.name}",
            lambda client: client.files.create(
                file=(files.requests.name, content), purpose="batch"
            ),
        )
        metadata = {"summarizer_round": str(files.round)}

        async def create(client: openai.AsyncOpenAI) -> Any:
            return await client.batches.create(
                input_file_id=upload.id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
                metadata=metadata,
            )

        async def created(client: openai.AsyncOpenAI) -> Any:
            # An attempt whose answer was lost may have created the batch all the same:
            # the upload is this round's alone, so a batch of it is this round's batch.
            # The newest come first: the batch just made is on the first page.
            page = await client.batches.list(limit=100)
            return next((b for b in page.data if b.input_file_id == upload.id), None)

        batch = _call(endpoint, settings, "creating the batch", create, before_again=created)
        job = _job(batch, endpoint.base_url)
        _write_job(files, job)
        return job


def refresh(files: BatchFiles, settings: Settings) -> BatchJob:
    """The round's batch as the API sees it now (and kept in its job file).

    Raises:
        InputError: The round was not submitted.
        EndpointError: The Batch API could not be asked.
    """
    job = _read_job(files)
    if job is None:
        raise InputError(f"{files.requests}: not submitted; 'summarizer batch submit' sends it")
    if job.ended:
        return job
    endpoint, batch_id = _endpoint(files, settings), job.id
    batch = _call(
        endpoint,
        settings,
        f"asking for batch {batch_id}",
        lambda client: client.batches.retrieve(batch_id),
    )
    job = _job(batch, endpoint.base_url)
    _write_job(files, job)
    return job


def wait(
    files: BatchFiles,
    settings: Settings,
    *,
    poll: float = 30.0,
    timeout: float | None = None,
    progress: Callable[[BatchJob], None] | None = None,
) -> BatchJob:
    """Poll the round's batch until it ends (or ``timeout`` seconds pass).

    Raises:
        ConfigurationError: ``poll`` is shorter than ``MIN_POLL`` seconds (or no number).
        EndpointTimeoutError: The batch had not ended within ``timeout``.
    """
    if not (math.isfinite(poll) and poll >= MIN_POLL):
        raise ConfigurationError(
            f"the pause between status checks (poll) must be at least {MIN_POLL:g} "
            f"second(s), got {poll:g}"
        )
    start = time.monotonic()
    last = ""
    while True:
        job = refresh(files, settings)
        if progress is not None and job.describe() != last:
            progress(job)
            last = job.describe()
        if job.ended:
            return job
        if timeout is not None and time.monotonic() - start + poll > timeout:
            raise EndpointTimeoutError(
                f"batch {job.id} is still {job.status} after {timeout:g}s; run the same "
                "command again later, nothing is lost",
                url=job.base_url,
            )
        time.sleep(poll)


def fetch_results(files: BatchFiles, settings: Settings) -> list[Path]:
    """The ended batch's output and error files, fetched once and kept beside the round.

    Raises:
        InputError: The round was not submitted, its batch has not ended, or it failed
            validation (nothing ran).
        EndpointError: A file could not be fetched.
    """
    job = refresh(files, settings)
    if not job.ended:
        raise InputError(f"{job.describe()}; wait for it to end")
    if job.status == "failed":
        raise InputError(f"{job.describe()}; fix the requests and submit the round again")
    wanted = [
        (file_id, path)
        for file_id, path in zip(
            (job.output_file_id, job.error_file_id), (files.results, files.errors), strict=True
        )
        if file_id is not None
    ]
    missing = [(file_id, path) for file_id, path in wanted if not path.exists()]
    if missing:
        endpoint = _endpoint(files, settings)
        for file_id, path in missing:

            async def fetch(client: openai.AsyncOpenAI, file_id: str = file_id) -> str:
                return (await client.files.content(file_id)).text

            text = _call(endpoint, settings, f"fetching file {file_id}", fetch)
            write_lines(
                path, (_without_secrets(line, endpoint.secrets) for line in jsonl_lines(text))
            )
    return [path for _, path in wanted]


def _without_secrets(line: str, secrets: tuple[str, ...]) -> str:
    """A fetched results line with any credential it echoes (in an error, in an answer)
    taken out before it is kept on disk; a line that needs nothing taken out stays as the
    API wrote it, and one that is no JSON is redacted as text for ``collect`` to warn of."""
    try:
        data = json.loads(line)
    except ValueError:
        return redact_secrets(line, secrets)
    kept = scrub(data, secrets)
    return line if kept == data else json.dumps(kept, ensure_ascii=False)
