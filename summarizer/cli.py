"""Internal: The command line: a thin shell over the library.

``summarizer ARTICLE...`` is the default command; ``summarizer schema`` writes the JSON
Schemas and ``summarizer check`` probes an endpoint. Library errors become one red
line on stderr and the error's exit status (see ``errors``), never a traceback.

Each command imports what it uses when it runs: ``summarizer --version`` and ``--help``
load neither the openai SDK nor instructor nor pydantic.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .cli_batch import batch_group
from .config import DEFAULT_CONCURRENCY
from .options import (
    EndpointOptions,
    OutputOptions,
    ReadingOptions,
    RunOptions,
    endpoint_options,
    fail,
    grouped,
    max_input_option,
    run_options,
    settings_from,
    stderr,
    verify_options,
)
from .schemas import SCHEMA_DIR

if TYPE_CHECKING:
    from .cache import Cache
    from .inputs import ArticleInput
    from .output import JsonlSink, ReportFile
    from .pipeline import Summarizer

__all__ = ["main"]

_T = TypeVar("_T")


class _DefaultGroup(click.Group):
    """A group whose first argument, when it names no command, goes to ``run``.

    It is also where a failing system call that no command foresaw (a full disk, no
    file handle left) becomes one error line and an exit status, not a traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # a reader that stopped early (| head): click ends quietly
            from .errors import SummarizerError, resource_error

            where = f"{exc.filename}: " if exc.filename else ""
            error = resource_error(exc) or SummarizerError(f"{where}{exc.strerror or exc}")
            _quiet_stdout()
            fail(stderr(), error)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            args = ["--help"] if sys.stdin.isatty() else ["run"]
        elif args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _, given: _print_version(ctx) if given else None,
    help="Show the version and exit.",
)
def cli() -> None:
    """Turn news articles into verified structured summaries.

    \b
    Examples:
      summarizer article.txt                      summarise one file
      cat article.txt | summarizer -              read standard input
      summarizer a.txt b.txt --format json        JSON, one record per line
      summarizer article.txt --date 2020-01-06 --output-language en
      summarizer article.txt --base-url http://localhost:11434/v1 --model qwen3:8b
      summarizer schema                           write schemas/*.json
      summarizer check --base-url http://localhost:8080/v1

    With no endpoint configured (no OPENAI_API_KEY, no --base-url) and the [local]
    extra installed, a tiny embedded model runs offline for the duration of the run.
    """


@cli.command("run")
@click.argument("articles", nargs=-1, type=click.Path(allow_dash=True, path_type=str))
@run_options
@max_input_option
@verify_options
@endpoint_options
def run(
    articles: tuple[str, ...],
    *,
    out: OutputOptions,
    job: RunOptions,
    reading: ReadingOptions,
    endpoint: EndpointOptions,
) -> None:
    """Summarise ARTICLES: files, folders, glob patterns, JSONL files (one article per line:
    id, text, and optionally date, language, url, title), or - for standard input."""
    import asyncio

    from .console import BatchView, report_totals, setup_logging
    from .errors import SummarizerError, combined_exit_code
    from .review_page import render_html
    from .runner import arun_batch

    setup_logging()
    err = stderr()
    try:
        inputs, summarizer, cache = _start(articles, out, job, reading, endpoint)
    except SummarizerError as exc:
        fail(err, exc)
    single = len(inputs) == 1
    fmt = out.fmt
    if fmt == "auto":
        fmt = "terminal" if single and out.output is None and sys.stdout.isatty() else "json"
    if fmt == "json" and (not single or out.output is not None):
        fmt = "jsonl"
    try:
        sink, report = _open_output(out, fmt, inputs)
    except SummarizerError as exc:
        fail(err, exc)
    text_out = report.file if report is not None else None
    view = BatchView(fmt, text_out, err, to_sink=sink is not None, show_progress=not single)
    try:
        with view.progress:
            if job.engine == "ray":
                from .ray import run_on_ray

                totals = run_on_ray(
                    inputs,
                    summarizer,
                    sink=sink,
                    on_result=view.show,
                    actors=job.actors,
                    cache=not job.no_cache,
                )
            else:
                totals = asyncio.run(arun_batch(inputs, summarizer, sink=sink, on_result=view.show))
        if fmt == "html" and view.reviewed:
            click.echo(render_html(view.reviewed), file=text_out, nl=False)
        if report is not None and totals.done:
            report.commit()
    except SummarizerError as exc:
        fail(err, exc)
    except KeyboardInterrupt:
        err.print(
            "summarizer: interrupted; finished articles are saved, rerun the same command to resume"
        )
        sys.exit(130)
    finally:
        summarizer.close()
        if cache is not None:
            cache.close()
        if sink is not None:
            sink.close(drop_if_unwritten=True)
        if report is not None:
            report.close()
    if len(inputs) > 1 or totals.skipped:
        report_totals(err, summarizer, totals, out.output)
    if code := combined_exit_code(totals.exit_codes):
        sys.exit(code)


def _start(
    articles: tuple[str, ...],
    out: OutputOptions,
    job: RunOptions,
    reading: ReadingOptions,
    endpoint: EndpointOptions,
) -> tuple[list[ArticleInput], Summarizer, Cache | None]:
    """The run's articles, with the options' defaults filled in, and its summarizer."""
    from dataclasses import replace

    from .cache import open_cache
    from .inputs import read_inputs
    from .pipeline import Summarizer

    settings = settings_from(endpoint, reading, concurrency=job.concurrency)
    inputs = [
        replace(
            i,
            date=i.date or job.date,
            title=i.title or job.title,
            language=i.language or job.language,
        )
        for i in read_inputs(
            articles or ("-",), max_bytes=settings.max_input_bytes, output=out.output
        )
    ]
    cache = None if job.no_cache else open_cache(settings.cache_dir)
    return inputs, Summarizer(settings, cache=cache), cache


def _open_output(
    out: OutputOptions, fmt: str, inputs: list[ArticleInput]
) -> tuple[JsonlSink | None, ReportFile | None]:
    from .output import JsonlSink, ReportFile, refuse_input_as_output

    if out.output is None:
        return None, None
    refuse_input_as_output(out.output, (i.source for i in inputs))
    if fmt == "jsonl":
        return JsonlSink(out.output, retry_failed=out.retry_failed, inputs=inputs), None
    return None, ReportFile(out.output, force=out.force)


@cli.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=SCHEMA_DIR,
    show_default=True,
    help="Folder to write the schema files to.",
)
@click.option("--check", is_flag=True, help="Only check that the files match the models.")
def schema(out: Path, check: bool) -> None:
    """Write the JSON Schemas of the record and of the model-facing draft."""
    from .schemas import check_schemas, write_schemas

    err = stderr()
    if check:
        stale = check_schemas(out)
        if stale:
            err.print(
                f"[red]summarizer: out of date: {', '.join(stale)}[/] (run: summarizer schema)"
            )
            sys.exit(1)
        err.print("schemas are up to date")
        return
    for path in write_schemas(out):
        click.echo(str(path))


@cli.group("cache")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the record cache lives. [env: SUMMARIZER_CACHE_DIR]",
)
@click.pass_context
def cache_group(ctx: click.Context, cache_dir: Path | None) -> None:
    """Inspect or empty the record cache."""
    from .errors import SummarizerError

    try:
        ctx.obj = settings_from(EndpointOptions(), ReadingOptions(cache_dir=cache_dir)).cache_dir
    except SummarizerError as exc:
        fail(stderr(), exc)


@cache_group.command("info")
@click.pass_obj
def cache_info(cache_dir: Path | None) -> None:
    """Where the cache is, how many records it holds, and its size."""
    info = _using_cache(cache_dir, lambda cache: cache.info())
    click.echo(f"path:    {info.path}\nrecords: {info.records}\nsize:    {info.bytes / 1e6:.1f} MB")


@cache_group.command("clear")
@click.pass_obj
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached record."""
    removed, path = _using_cache(cache_dir, lambda cache: (cache.clear(), cache.path))
    click.echo(f"removed {removed} record(s) from {path}")


def _using_cache(cache_dir: Path | None, use: Callable[[Cache], _T]) -> _T:
    from .cache import Cache
    from .errors import SummarizerError

    try:
        with Cache(cache_dir) as cache:
            return use(cache)
    except SummarizerError as exc:
        fail(stderr(), exc)


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--limit", type=int, help="Score only the first N articles.")
@click.option(
    "--concurrency", "-j", type=int, help=f"Articles at once.  [default: {DEFAULT_CONCURRENCY}]"
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the record cache.")
@click.option("--max-items", type=int, help="Cap each list in constrained answers.")
@endpoint_options
@grouped("reading", ReadingOptions)
def eval_command(
    gold: Path,
    as_json: bool,
    limit: int | None,
    concurrency: int | None,
    no_cache: bool,
    *,
    reading: ReadingOptions,
    endpoint: EndpointOptions,
) -> None:
    """Score an endpoint against GOLD, a JSONL file of gold-annotated articles.

    Prints actors, events, stances and demands precision/recall/F1, summary ROUGE-L,
    grounded share, schema-valid first try, re-asks, tokens and time.
    """
    import asyncio
    import json

    from .cache import open_cache
    from .console import setup_logging
    from .errors import SummarizerError
    from .evaluate import format_report, load_gold, run_eval
    from .pipeline import Summarizer

    setup_logging()
    err = stderr()
    try:
        settings = settings_from(endpoint, reading, concurrency=concurrency)
        articles = load_gold(gold)[:limit]
        cache = None if no_cache else open_cache(settings.cache_dir)
        summarizer = Summarizer(settings, cache=cache)
        summarizer.preflight()
        report = asyncio.run(_eval(summarizer, articles, run_eval))
    except SummarizerError as exc:
        fail(err, exc)
    endpoint_used = summarizer.resolved_endpoint
    title = f"{gold.name}: " + (
        f"{endpoint_used.model} ({endpoint_used.backend.name}) at {endpoint_used.base_url}"
        if endpoint_used
        else "no request made"
    )
    if as_json:
        click.echo(json.dumps({"gold": str(gold), "title": title, **report.as_dict()}, indent=2))
    else:
        click.echo(format_report(report, title=title))


async def _eval(summarizer: Summarizer, articles: Any, run: Any) -> Any:
    async with summarizer:
        return await run(articles, summarizer)


@cli.command("check")
@click.option("--all-modes", is_flag=True, help="Try every structured-output mode once.")
@endpoint_options
def check(all_modes: bool, *, endpoint: EndpointOptions) -> None:
    """Probe an endpoint: can it be reached, and does it return valid structured output?

    Exits 0 when it can; otherwise with the status of the failure it reports.
    """
    from .console import setup_logging
    from .errors import SummarizerError
    from .pipeline import Summarizer
    from .probe import probe

    setup_logging()
    err = stderr()
    try:
        with Summarizer(settings_from(endpoint)) as summarizer:
            report = probe(summarizer, all_modes=all_modes)
    except SummarizerError as exc:
        fail(err, exc)
    for line in report.lines:
        click.echo(line)
    if all_modes:
        mode = report.recommended_mode
        click.echo(f"use:      --mode {mode}" if mode else "use:      no mode gave a valid answer")
    if report.exit_code:
        sys.exit(report.exit_code)


def _print_version(ctx: click.Context) -> None:
    """``--version``: the package's version, looked up only when asked for."""
    from . import __version__

    click.echo(f"summarizer, version {__version__}")
    ctx.exit()


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that text it could not write is not
    written again at exit, failing again with a traceback."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return  # not a real file: nothing will be flushed to the system
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


cli.add_command(batch_group)


def main() -> None:
    """Console-script entry point."""
    cli()
