"""Internal: ``summarizer batch``: provider batch files, prepared and collected (``batchfile``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import (
    EndpointOptions,
    ReadingOptions,
    endpoint_options,
    fail,
    grouped,
    settings_from,
    stderr,
)

if TYPE_CHECKING:
    from rich.console import Console

    from .batchround import BatchFiles
    from .config import Settings

__all__ = ["batch_group"]


@click.group("batch")
def batch_group() -> None:
    """Provider batch files: prepare requests, run them, collect the answers into records.

    \b
    Examples:
      summarizer batch prepare articles/ -o requests.jsonl --model gpt-4o-mini
      summarizer batch submit requests.jsonl          (the OpenAI Batch API; OPENAI_API_KEY)
      summarizer batch status requests.jsonl --wait
      summarizer batch collect requests.jsonl --inputs articles/ -o records.jsonl --rounds 3
    \b
    A results file produced elsewhere (vllm run-batch -i requests.jsonl -o results.jsonl):
      summarizer batch collect requests.jsonl --results results.jsonl \\
          --inputs articles/ -o records.jsonl
    """


@batch_group.command("prepare")
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The batch input file to write (its state is written beside it).",
)
@click.option("--strict", is_flag=True, help="Drop items whose evidence is not in the text.")
@click.option("--max-tokens", "max_output_tokens", type=int, help="Output token limit per answer.")
@click.option("--max-attempts", type=int, help="Rounds per article, re-asks included.")
@click.option("--output-language", help="Language of summary and paraphrases (ISO 639-1).")
@click.option(
    "--chunk-tokens",
    type=click.IntRange(64),
    metavar="N",
    help="Read at most N article tokens per request: a longer article is one request per "
    "part.  [default: 800]",
)
@click.option("--context-window", type=int, help="The model's context length in tokens.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace the files at -o even if they are not a round of summarizer's, or the "
    "round there was submitted.",
)
@endpoint_options
@grouped("reading", ReadingOptions)
def batch_prepare(
    articles: tuple[str, ...],
    output: Path,
    force: bool,
    *,
    reading: ReadingOptions,
    endpoint: EndpointOptions,
) -> None:
    """Write ARTICLES' requests in the OpenAI batch file format; nothing is sent."""
    from .batchfile import BatchFiles, batch_settings, prepare_batch, read_state
    from .console import print_error
    from .errors import SummarizerError
    from .inputs import read_inputs
    from .output import refuse_input_as_output
    from .pipeline import Summarizer

    err = stderr()
    try:
        settings = batch_settings(settings_from(endpoint, reading))
        inputs = read_inputs(articles)
        refuse_input_as_output(output, (i.source for i in inputs))
        files = BatchFiles(output)
        summarizer = Summarizer(settings)
        failed = prepare_batch(inputs, summarizer, files, force=force)
        kept_out = summarizer.endpoint.basic_auth or summarizer.endpoint.query_auth
    except SummarizerError as exc:
        fail(err, exc)
    for result in failed:
        assert result.error is not None
        print_error(err, result.error)
    try:
        written = len(read_state(files))
    except SummarizerError as exc:
        fail(err, exc)
    articles_done = len(inputs) - len(failed)
    parts = f" for {articles_done} article(s)" if written != articles_done else ""
    err.print(f"{written} request(s){parts} in {output}, state in {files.state}")
    if kept_out:
        _say(
            err,
            "note: the credentials in --base-url are not written to the round's files; give "
            "the same --base-url (or OPENAI_BASE_URL) to batch submit, status and collect",
        )
    if failed:
        sys.exit(failed[0].error.exit_code if failed[0].error else 1)


_api_key = click.option("--api-key", help="API key for the Batch API. [env: OPENAI_API_KEY]")
_timeout = click.option(
    "--timeout",
    type=float,
    help="Seconds each Batch API call may take in all. [env: SUMMARIZER_TIMEOUT]",
)
_base_url = click.option(
    "--base-url",
    help="The round's server with its credentials (user:password@, ?api_key=), which the "
    "round's files do not keep. [env: OPENAI_BASE_URL]",
)
_poll = click.option(
    "--poll",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds between status checks (at least 1).",
)


def _say(err: Console, text: str) -> None:
    err.print(text, markup=False, highlight=False)


@batch_group.command("submit")
@click.argument("requests", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_api_key
@_base_url
@_timeout
def batch_submit(
    requests: Path, api_key: str | None, base_url: str | None, timeout: float | None
) -> None:
    """Send a round's REQUESTS file to the OpenAI Batch API: upload it, create the batch."""
    from .batchapi import submit
    from .batchfile import BatchFiles
    from .errors import SummarizerError

    err = stderr()
    try:
        settings = _api_settings(api_key, base_url, timeout)
        job = submit(BatchFiles(requests), settings)
    except SummarizerError as exc:
        fail(err, exc)
    _say(err, job.describe())
    _say(err, f"follow it with: summarizer batch status {requests} --wait")


@batch_group.command("status")
@click.argument("requests", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--wait", "until_ended", is_flag=True, help="Poll until the batch has ended.")
@_poll
@_api_key
@_base_url
@_timeout
def batch_status(
    requests: Path,
    until_ended: bool,
    poll: float,
    api_key: str | None,
    base_url: str | None,
    timeout: float | None,
) -> None:
    """Where a submitted round's batch stands (one line on standard output)."""
    from .batchapi import refresh, wait
    from .batchfile import BatchFiles
    from .errors import SummarizerError

    err = stderr()
    files = BatchFiles(requests)
    try:
        settings = _api_settings(api_key, base_url, timeout)
        if until_ended:
            job = wait(files, settings, poll=poll, progress=lambda j: _say(err, j.describe()))
        else:
            job = refresh(files, settings)
    except SummarizerError as exc:
        fail(err, exc)
    click.echo(job.describe())


@batch_group.command("collect")
@click.argument("requests", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--results",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="A results file (and its error file) in the Batch API's format, produced "
    "elsewhere; without it, the submitted batch's results are fetched.",
)
@click.option(
    "--inputs",
    multiple=True,
    required=True,
    help="The articles the requests were prepared from (as given to prepare).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Records JSONL, appended and resumable like 'summarizer -o'.",
)
@click.option(
    "--rounds",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Rounds to drive: after collecting one, submit the next and wait for it.",
)
@click.option("--wait", "until_ended", is_flag=True, help="Wait for the submitted batch to end.")
@_poll
@click.option("--max-attempts", type=int, help="Rounds per article, re-asks included.")
@click.option("--no-cache", is_flag=True, help="Do not fill the record cache.")
@_api_key
@_base_url
@_timeout
def batch_collect(
    requests: Path,
    results: tuple[Path, ...],
    inputs: tuple[str, ...],
    output: Path,
    rounds: int,
    until_ended: bool,
    poll: float,
    max_attempts: int | None,
    no_cache: bool,
    api_key: str | None,
    base_url: str | None,
    timeout: float | None,
) -> None:
    """Verify the answers to REQUESTS into records; write the next round's requests."""
    from .batchapi import submit
    from .batchfile import BatchFiles, collect_batch, read_state, round_settings
    from .cache import open_cache
    from .errors import SummarizerError, combined_exit_code
    from .inputs import read_inputs
    from .output import JsonlSink, refuse_input_as_output
    from .pipeline import Summarizer
    from .usage import Usage

    err = stderr()
    files: BatchFiles | None = BatchFiles(requests)
    cache = None
    sink = None
    exit_codes: set[int] = set()
    usage = Usage()
    try:
        state = read_state(BatchFiles(requests))
        first = next(iter(state.values()), None)
        settings = settings_from(
            EndpointOptions(api_key=api_key, base_url=base_url, timeout=timeout),
            ReadingOptions(max_attempts=max_attempts),
        )
        settings = (
            round_settings(first[0], settings) if first else settings.replace(backend="openai")
        )
        articles = read_inputs(inputs)
        refuse_input_as_output(
            output, [*(i.source for i in articles), str(requests), *map(str, results)]
        )
        cache = None if no_cache else open_cache(settings.cache_dir)
        sink = JsonlSink(output)
        summarizer = Summarizer(settings, cache=cache)
        for n in range(rounds):
            assert files is not None
            if n > 0:
                _say(err, submit(files, settings).describe())
            paths = (
                list(results)
                if n == 0 and results
                else _fetched(err, files, settings, poll, until_ended or n > 0)
            )
            # Bytes: a line that is not UTF-8 is warned of, and the others collected.
            lines = [line for path in paths for line in path.read_bytes().splitlines()]
            report = collect_batch(files, lines, articles, summarizer, sink)
            for warning in report.warnings:
                _say(err, f"warning: {warning}")
            left = f", {report.left} not among --inputs (kept)" if report.left else ""
            _say(
                err,
                f"{files.requests.name}: {report.done} record(s), {report.failed} failed, "
                f"{report.skipped} already in {output}{left}",
            )
            usage, exit_codes = usage + report.usage, exit_codes | report.exit_codes
            files = report.next_round
            if files is None:
                break
        cost = summarizer.endpoint.cost(usage, batch=True) if usage.calls else "$0"
    except SummarizerError as exc:
        fail(err, exc)
    except OSError as exc:
        fail(err, SummarizerError(f"{exc.filename or ''}: {exc.strerror or exc}"))
    finally:
        if sink is not None:
            sink.close()
        if cache is not None:
            cache.close()
    _say(
        err,
        f"usage: {usage.calls} call(s), {usage.prompt_tokens} prompt + "
        f"{usage.completion_tokens} completion tokens, cost {cost}",
    )
    if files is not None:
        _say(err, f"next round: {files.requests} (submit it, or collect again with --rounds)")
    if code := combined_exit_code(exit_codes):
        sys.exit(code)


def _api_settings(api_key: str | None, base_url: str | None, timeout: float | None) -> Settings:
    """The settings of a Batch API call: its own three options over the environment."""
    return settings_from(EndpointOptions(api_key=api_key, base_url=base_url, timeout=timeout))


def _fetched(
    err: Console, files: BatchFiles, settings: Settings, poll: float, until_ended: bool
) -> list[Path]:
    """The submitted round's results files, waiting for the batch if asked to."""
    from .batchapi import fetch_results, wait

    if until_ended:
        wait(files, settings, poll=poll, progress=lambda job: _say(err, job.describe()))
    return fetch_results(files, settings)
