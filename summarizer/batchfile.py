"""Internal: Provider batch files: the seam's requests written out, their answers read back.

``prepare_batch`` writes one line of the OpenAI batch input format per article
(``custom_id`` = the article's id, ``%`` and ``#`` escaped: ``exchange.request_id``),
which the OpenAI Batch API and ``vllm run-batch`` take as they are, and beside it the
round's state (``<stem>.state.jsonl``): each ``Request`` whole, with a digest of its
article's text, since the batch format has no room for what reading the answer needs.
A long article is one line per part (``<id>#part2``, see ``chunking``); the parts
answered while others still need a round are kept beside the next round's files
(``<stem>.parts.jsonl``) until the article can be merged into its record.

``collect_batch`` reads a results file in the Batch API's output format, wherever it
was produced: each answer goes through ``exchange.finish``, its record or error is
appended to a ``JsonlSink`` (the same lines and resume rules as ``summarizer -o``),
and what needs another round (re-asks, and articles the batch did not answer) is
written as the next round's files, ``<stem>.round2.jsonl`` and so on. An article is
in exactly one place after a round: the output, or the next round; one missing from
the inputs stays in this round, its answers kept for a collect that has it. Every round
counts against the article's ``max_attempts``; when it is spent, the article's line is
an error. The round's files themselves are ``batchround``'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .article import Article
from .batch import BatchResult
from .batchround import (
    BatchFiles,
    Done,
    Entry,
    claim,
    read_carried,
    read_entries,
    read_state,
    write_lines,
    write_round,
)
from .config import Settings
from .connection import OPENAI_BASE_URL, Endpoint
from .errors import (
    PARTIAL_EXIT_CODE,
    ConfigurationError,
    EndpointError,
    InputError,
    SummarizerError,
    error_to_dict,
    redact,
    scrub,
)
from .exchange import Reask, Request, finish, plan, prepare
from .inputs import ArticleInput
from .output import JsonlSink
from .pipeline import Summarizer
from .reading import assemble_parts, dump_extraction, read_part_answer
from .record import ArticleSummary
from .usage import Usage

# BatchFiles, read_state and write_lines are batchround's, named here too for callers
# of the batch-file executor.
__all__ = [
    "BatchFiles",
    "Collected",
    "batch_settings",
    "collect_batch",
    "prepare_batch",
    "read_state",
    "round_endpoint",
    "round_settings",
    "write_lines",
]


@dataclass(slots=True)
class Collected:
    """What one collected round gave."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    #: Articles not among the inputs: left for a later collect of the same round.
    left: int = 0
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


def round_settings(request: Request, settings: Settings) -> Settings:
    """``settings`` for the server, backend and model a round's ``request`` names.

    The round's files keep no credential: the key, and a ``user:password@`` or
    ``?api_key=`` in the base URL, come from ``settings`` each time. Their base URL is
    used when it names the round's server; otherwise the round's own, without them.
    """
    base_url = request.base_url
    if settings.base_url:
        given = Endpoint.from_settings(
            settings.replace(model=request.model),
            base_url=settings.base_url,
            backend=request.backend,
        )
        if given.base_url == request.base_url:
            base_url = settings.base_url
    return settings.replace(base_url=base_url, backend=request.backend, model=request.model)


def round_endpoint(request: Request, settings: Settings) -> Endpoint:
    """The server a round's ``request`` goes to, with the credentials ``settings`` give
    (see ``round_settings``)."""
    settings = round_settings(request, settings)
    assert settings.base_url is not None
    return Endpoint.from_settings(settings, base_url=settings.base_url)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def prepare_batch(
    inputs: Sequence[ArticleInput],
    summarizer: Summarizer,
    files: BatchFiles,
    *,
    force: bool = False,
) -> list[BatchResult]:
    """Write the first round's requests for ``inputs``; nothing is sent.

    Files already there are replaced only if they are a round of ours that was not
    submitted (or whose batch failed validation), unless ``force``: a submitted round's
    batch would otherwise be collected as the answers to the new requests.

    Returns:
        An error result for each input that could not be prepared (unreadable, too
        long for the model's context window); the others are in the files.

    Raises:
        OutputError: The files cannot be written, one of them is not of ours, or the
            round there was submitted (without ``force``).
        ConfigurationError: The endpoint is incomplete, or the settings ask for what a
            batch file cannot do (several passes, a token budget per article).
    """
    settings = summarizer.settings
    if settings.passes > 1 or settings.max_tokens_per_article is not None:
        raise ConfigurationError(
            "a batch file reads each part of an article once and has no token budget per "
            "article: Settings.passes and Settings.max_tokens_per_article are for 'summarizer run'"
        )
    claim(files, force)
    endpoint = summarizer.endpoint
    requests: list[Entry] = []
    failed: list[BatchResult] = []
    for item in inputs:
        try:
            if item.error is not None:
                raise item.error
            article = summarizer.load(item)
            planned = plan(article, settings)
            # Whatever the cache at prepare: the collect fills it, keyed on these settings.
            key = summarizer.record_key(item)
            entries = [
                Entry(
                    prepare(
                        article, settings, endpoint, cache_key=key, planned=planned, chunk=chunk
                    ),
                    _digest(item.text),
                    item.id,
                    None if chunk.whole else chunk,
                )
                for chunk in planned.chunks
            ]
        except SummarizerError as exc:
            failed.append(BatchResult(item.id, error=exc))
            continue
        requests.extend(entries)
    write_round(files, requests, [])
    return failed


def _results(
    lines: Iterable[str | bytes], known: dict[str, Any], report: Collected
) -> dict[str, Any]:
    """Result lines by ``custom_id``; malformed, unknown and repeated lines are warned of.

    A line is read on its own: one bad byte or one field of the wrong type costs that
    line, never the file. Of two lines for one request, an answer wins over a failure
    whatever their order, so an answer paid for is never sent again.
    """
    found: dict[str, Any] = {}
    for n, raw in enumerate(lines, 1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            report.warnings.append(f"results line {n}: not UTF-8 text; skipped")
            continue
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if not _is_result(data):
            report.warnings.append(f"results line {n}: not a batch result; skipped")
            continue
        custom_id = data["custom_id"]
        if custom_id not in known:
            report.warnings.append(f"results line {n}: {custom_id!r} is not in this round")
        elif custom_id not in found:
            found[custom_id] = data
        elif _answer(found[custom_id])[0] is None and _answer(data)[0] is not None:
            report.warnings.append(
                f"results line {n}: an answer for {custom_id!r} after a failure; the answer is kept"
            )
            found[custom_id] = data
        else:
            report.warnings.append(f"results line {n}: a second answer for {custom_id!r}; skipped")
    return found


def _is_result(data: Any) -> bool:
    """Whether ``data`` has the shape of a Batch API result line, as far as it is read."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("custom_id"), str)
        and isinstance(data.get("response"), (dict, type(None)))
        and isinstance(data.get("error"), (dict, str, type(None)))
    )


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
    results: Iterable[str | bytes],
    inputs: Sequence[ArticleInput],
    summarizer: Summarizer,
    sink: JsonlSink,
) -> Collected:
    """Verify a round's answers into ``sink``; write the next round for what needs one.

    A long article's record is written once none of its parts needs another round: a
    part whose budget is spent is a failed part, and the record is partial.

    Args:
        files: The round's files (its state, and the parts carried into it, are read).
        results: The lines of the batch's results file (and of its error file), as
            text or as the file's bytes (a line that is not UTF-8 is warned of).
        inputs: The articles the round was prepared from.
        summarizer: Its settings give the attempt budget; its cache, if any, is filled.
        sink: The JSONL output; articles it holds already are not collected again.
    """
    entries = read_entries(files)
    report = Collected()
    # A failed request's message quotes the server, which may echo the key back.
    secrets = round_endpoint(entries[0].request, summarizer.settings).secrets if entries else ()
    answers = _results(results, {e.request.id: e for e in entries}, report)
    articles = {item.id: item for item in inputs}
    again: list[Entry] = []
    parts: dict[str, list[Done]] = {}
    for kept in read_carried(files):
        parts.setdefault(kept.article, []).append(kept)
    first_request: dict[str, Request] = {}
    budget = summarizer.settings.max_attempts
    skipped: set[str] = set()
    absent: set[str] = set()
    for entry in entries:
        request = entry.request
        if sink.seen(entry.article):
            skipped.add(entry.article)
            continue
        item = articles.get(entry.article)
        if item is None or item.error is not None:
            # Paid for, and kept: the answers stay in the results, the round's files as
            # they are, and a later collect of this round with the article reads them.
            absent.add(entry.article)
            continue
        first_request.setdefault(entry.article, request)
        outcome: Any
        try:
            item = _same_input(articles, entry.article, entry.digest)
            answer, why = _answer(answers.get(request.id))
            why = redact(why, secrets)
            last = request.spent.calls + 1 >= budget
            if answer is None:
                if last:
                    # Named by the article's id, a part's as a whole article's: the
                    # part's label goes before it where the part is told (``reading``).
                    raise EndpointError(
                        f"{entry.article}: {why}, after {request.spent.calls + 1} attempt(s)",
                        url=request.base_url,
                        usage=request.spent + Usage(calls=1),
                    )
                again.append(replace(entry, request=request.charged(Usage(calls=1))))
                continue
            article = summarizer.load(item)
            answer = scrub(answer, secrets)  # a model may echo the key: no record keeps it
            if entry.chunk is None:
                outcome = finish(article, request, answer, last=last)
            else:
                outcome = read_part_answer(article, entry.chunk)(request, answer, last)
        except SummarizerError as exc:
            if entry.chunk is None:
                _add(report, BatchResult(entry.article, error=exc), sink)
            else:
                failure = error_to_dict(exc)
                parts.setdefault(entry.article, []).append(
                    Done(
                        entry.article,
                        entry.digest,
                        entry.chunk,
                        error=failure,
                        usage=exc.usage or Usage(),
                    )
                )
            continue
        if isinstance(outcome, Reask):
            again.append(replace(entry, request=outcome.request))
        elif entry.chunk is not None:
            parts.setdefault(entry.article, []).append(
                Done(
                    entry.article,
                    entry.digest,
                    entry.chunk,
                    answer=dump_extraction(outcome),
                    usage=outcome.usage,
                )
            )
        else:
            _keep(summarizer, request, outcome)
            _add(report, BatchResult(entry.article, record=outcome), sink)
    report.skipped = len(skipped)
    for article_id in sorted(absent):
        report.warnings.append(
            f"{article_id}: not among the inputs, or unreadable; nothing of it was collected "
            f"and its answers are kept: collect {files.requests.name} again with it among "
            "the inputs"
        )
    if absent:
        report.left = len(absent)
        report.exit_codes.add(InputError.exit_code)
    waiting = {e.article for e in again}
    carried = [d for article, of_it in parts.items() if article in waiting for d in of_it]
    for article_id, of_it in parts.items():
        if article_id in waiting or article_id in skipped or article_id not in first_request:
            continue  # carried on, done already, or absent from the inputs
        _add(report, _merged(summarizer, articles, first_request[article_id], of_it), sink)
    if again:
        report.next_round = files.following()
        write_round(report.next_round, again, carried)
    return report


def _same_input(articles: dict[str, ArticleInput], article_id: str, digest: str) -> ArticleInput:
    """The input an entry was prepared from, unchanged.

    Raises:
        InputError: It is missing, unreadable, or its text changed since.
    """
    item = articles.get(article_id)
    if item is None or item.error is not None or _digest(item.text) != digest:
        raise InputError(
            f"{article_id}: not among the inputs as they were when the round was "
            "prepared; give the same inputs to 'batch collect'"
        )
    return item


def _merged(
    summarizer: Summarizer,
    articles: dict[str, ArticleInput],
    request: Request,
    done: list[Done],
) -> BatchResult:
    """The record of a long article whose parts all came back, or its error."""
    article_id = done[0].article
    try:
        article: Article = summarizer.load(_same_input(articles, article_id, done[0].digest))
        settings = summarizer.settings.replace(
            strict=request.strict, output_language=request.output_language, passes=1
        )
        record = assemble_parts(
            article,
            [d.part() for d in sorted(done, key=lambda d: d.chunk.index)],
            endpoint=request.endpoint,
            prompt_version=request.prompt_version,
            settings=settings,
        )
    except SummarizerError as exc:
        return BatchResult(article_id, error=exc)
    if not record.quality.partial:
        _keep(summarizer, request, record)
    return BatchResult(article_id, record=record)


def _keep(summarizer: Summarizer, request: Request, record: ArticleSummary) -> None:
    if summarizer.cache is not None and request.cache_key is not None:
        summarizer.cache.put(request.cache_key, record)


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
        if result.record is not None and result.record.quality.partial:
            report.exit_codes.add(PARTIAL_EXIT_CODE)
