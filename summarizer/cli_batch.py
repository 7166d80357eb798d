"""``summarizer batch``: provider batch files, prepared and collected (``batchfile``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from .batchfile import BatchFiles, batch_settings, collect_batch, prepare_batch, read_state
from .cache import open_cache
from .config import Settings
from .console import print_error
from .errors import SummarizerError
from .inputs import read_inputs
from .options import endpoint_options, fail
from .output import JsonlSink, refuse_input_as_output
from .pipeline import Summarizer

__all__ = ["batch_group"]


@click.group("batch")
def batch_group() -> None:
    """Provider batch files: prepare requests, then collect the answers into records.

    \b
    Examples:
      summarizer batch prepare articles/ -o requests.jsonl --model gpt-4o-mini
      (run requests.jsonl with the OpenAI Batch API, or: vllm run-batch -i requests.jsonl ...)
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
@click.option("--max-tokens", type=int, help="Output token limit per answer.")
@click.option("--max-attempts", type=int, help="Rounds per article, re-asks included.")
@click.option("--output-language", help="Language of summary and paraphrases (ISO 639-1).")
@endpoint_options
def batch_prepare(
    articles: tuple[str, ...],
    output: Path,
    strict: bool,
    max_tokens: int | None,
    max_attempts: int | None,
    output_language: str | None,
    **endpoint: Any,
) -> None:
    """Write ARTICLES' requests in the OpenAI batch file format; nothing is sent."""
    err = Console(stderr=True)
    try:
        settings = batch_settings(
            Settings.from_env(
                strict=strict or None, max_output_tokens=max_tokens, max_attempts=max_attempts,
                output_language=output_language, **endpoint,
            )
        )  # fmt: skip
        inputs = read_inputs(articles)
        refuse_input_as_output(output, (i.source for i in inputs))
        files = BatchFiles(output)
        failed = prepare_batch(inputs, Summarizer(settings), files)
    except SummarizerError as exc:
        fail(err, exc)
    for result in failed:
        assert result.error is not None
        print_error(err, result.error)
    err.print(f"{len(inputs) - len(failed)} request(s) in {output}, state in {files.state}")
    if failed:
        sys.exit(failed[0].error.exit_code if failed[0].error else 1)


@batch_group.command("collect")
@click.argument("requests", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--results",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    required=True,
    help="The batch's results file (and its error file), in the Batch API's format.",
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
@click.option("--max-attempts", type=int, help="Rounds per article, re-asks included.")
@click.option("--no-cache", is_flag=True, help="Do not fill the record cache.")
def batch_collect(
    requests: Path,
    results: tuple[Path, ...],
    inputs: tuple[str, ...],
    output: Path,
    max_attempts: int | None,
    no_cache: bool,
) -> None:
    """Verify the answers to REQUESTS into records; write the next round's requests."""
    err = Console(stderr=True)
    files = BatchFiles(requests)
    cache = None
    sink = None
    try:
        state = read_state(files)
        first = next(iter(state.values()), None)
        backend = first[0].backend if first else "openai"
        base_url = first[0].base_url if first else None
        settings = Settings.from_env(max_attempts=max_attempts, base_url=base_url, backend=backend)
        articles = read_inputs(inputs)
        refuse_input_as_output(
            output, [*(i.source for i in articles), str(requests), *map(str, results)]
        )
        cache = None if no_cache else open_cache(settings.cache_dir)
        sink = JsonlSink(output)
        lines = [line for path in results for line in path.read_text(encoding="utf-8").splitlines()]
        report = collect_batch(files, lines, articles, Summarizer(settings, cache=cache), sink)
    except SummarizerError as exc:
        fail(err, exc)
    except OSError as exc:
        fail(err, SummarizerError(f"{exc.filename or ''}: {exc.strerror or exc}"))
    finally:
        if sink is not None:
            sink.close()
        if cache is not None:
            cache.close()
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    err.print(
        f"{report.done} record(s), {report.failed} failed, {report.skipped} already in {output}",
        markup=False, highlight=False,
    )  # fmt: skip
    if report.next_round is not None:
        err.print(
            f"next round: {report.next_round.requests} (send it, then collect it the same way)",
            markup=False, highlight=False,
        )  # fmt: skip
    if report.exit_codes:
        codes = report.exit_codes
        sys.exit(next(iter(codes)) if len(codes) == 1 else 1)
