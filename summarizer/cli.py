"""The command line: a thin shell over the library.

``summarizer ARTICLE...`` is the default command; ``summarizer schema`` writes the JSON
Schemas and ``summarizer check`` probes an endpoint. Library errors become one red
line on stderr and the error's exit status (see ``errors``), never a traceback.
"""

from __future__ import annotations

import asyncio
import errno
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from . import __version__
from .cache import Cache, open_cache
from .cli_batch import batch_group
from .config import Settings
from .console import BatchView, report_totals, setup_logging
from .errors import SummarizerError, combined_exit_code, resource_error
from .inputs import ArticleInput, read_inputs
from .options import endpoint_options, fail, max_input_option, verify_options
from .output import JsonlSink, ReportFile, refuse_input_as_output
from .pipeline import Summarizer
from .render import FORMATS
from .review_page import render_html
from .runner import arun_batch
from .schemas import SCHEMA_DIR, check_schemas, write_schemas

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
            where = f"{exc.filename}: " if exc.filename else ""
            error = resource_error(exc) or SummarizerError(f"{where}{exc.strerror or exc}")
            _quiet_stdout()
            return fail(Console(stderr=True), error)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            args = ["--help"] if sys.stdin.isatty() else ["run"]
        elif args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarizer")
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
@click.option(
    "--format", "-f", "fmt",
    type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
    help="auto: a terminal view on a terminal, JSON when piped (JSONL for several articles).",
)  # fmt: skip
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write here. JSONL output is appended and resumable: a rerun skips what is done.",
)  # fmt: skip
@click.option("--date", help="Publication date YYYY[-MM[-DD]]; else read from the article.")
@click.option("--title", help="The article's headline, if not in the text.")
@click.option("--language", help="Article language (ISO 639-1); detected when omitted.")
@click.option("--output-language", help="Language of summary and paraphrases (ISO 639-1).")
@click.option("--strict", is_flag=True, help="Drop items whose evidence is not in the text.")
@click.option("--max-tokens", type=int, help="Output token limit per answer.")
@click.option("--max-attempts", type=int, help="Requests per article, retries included.")
@click.option("--max-reasks", type=int, help="Attempts that may go to fixing invalid answers.")
@click.option(
    "--max-items", type=int, help="Cap each list in constrained answers (helps small local models)."
)
@click.option(
    "--context-window", type=int,
    help="The model's context length in tokens: longer articles are read in parts that fit.",
)  # fmt: skip
@click.option(
    "--chunk-tokens", type=click.IntRange(64), metavar="N",
    help="Read at most N article tokens per request; longer articles are read in parts of "
    "whole sentences.  [default: 800]",
)  # fmt: skip
@click.option(
    "--passes", type=click.IntRange(1, 5), default=1, show_default=True,
    help="Read each part this many times, later passes adding what earlier ones missed.",
)  # fmt: skip
@click.option(
    "--max-tokens-per-article", type=click.IntRange(1), metavar="N",
    help="Stop asking about an article once its requests have used N tokens (re-asks "
    "included); what was read is kept as a partial record (exit 8).",
)  # fmt: skip
@click.option(
    "--concurrency", "-j", type=click.IntRange(1, 256), default=4, show_default=True,
    help="Requests in flight at once (articles, and the parts of long ones).",
)  # fmt: skip
@click.option(
    "--engine", type=click.Choice(["process", "ray"]), default="process", show_default=True,
    help="Where articles are summarised: in this process, or by Ray actors (the [ray] extra; "
    "a local Ray, or the cluster RAY_ADDRESS names). Output and resume rules are the same.",
)  # fmt: skip
@click.option(
    "--actors", type=click.IntRange(1, 1024), default=2, show_default=True,
    help="With --engine ray: actors at once, each with --concurrency articles in flight; at "
    "most one per CPU of the Ray cluster (more are cut down to that, with a warning).",
)  # fmt: skip
@click.option("--retry-failed", is_flag=True, help="With -o: redo articles that failed before.")
@click.option(
    "--force", is_flag=True,
    help="With -o and a markdown, text or html report: replace FILE even if summarizer "
    "did not write it.",
)  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Neither read nor write the record cache.")
@click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path),
    help="Where the record cache lives. [env: SUMMARIZER_CACHE_DIR]",
)  # fmt: skip
@max_input_option
@verify_options
@endpoint_options
def run(
    articles: tuple[str, ...],
    fmt: str,
    output: Path | None,
    date: str | None,
    title: str | None,
    language: str | None,
    output_language: str | None,
    strict: bool,
    max_tokens: int | None,
    max_attempts: int | None,
    max_reasks: int | None,
    max_items: int | None,
    context_window: int | None,
    chunk_tokens: int | None,
    passes: int,
    max_tokens_per_article: int | None,
    concurrency: int,
    engine: str,
    actors: int,
    retry_failed: bool,
    force: bool,
    no_cache: bool,
    cache_dir: Path | None,
    max_input_bytes: int | None,
    **endpoint: Any,
) -> None:
    """Summarise ARTICLES: files, folders, glob patterns, JSONL files (one article per line:
    id, text, and optionally date, language, url, title), or - for standard input."""
    setup_logging()
    err = Console(stderr=True)
    try:
        settings = Settings.from_env(
            output_language=output_language,
            strict=strict or None,
            max_output_tokens=max_tokens,
            max_attempts=max_attempts,
            max_reasks=max_reasks,
            max_items=max_items,
            context_window=context_window,
            chunk_tokens=chunk_tokens,
            passes=passes,
            max_tokens_per_article=max_tokens_per_article,
            cache_dir=cache_dir,
            max_input_bytes=max_input_bytes,
            **endpoint,
        )
        inputs = [
            replace(i, date=i.date or date, title=i.title or title, language=i.language or language)
            for i in read_inputs(
                articles or ("-",), max_bytes=settings.max_input_bytes, output=output
            )
        ]
        cache = None if no_cache else open_cache(settings.cache_dir)
        summarizer = Summarizer(settings, cache=cache, concurrency=concurrency)
    except SummarizerError as exc:
        fail(err, exc)
    single = len(inputs) == 1
    if fmt == "auto":
        fmt = "terminal" if single and output is None and sys.stdout.isatty() else "json"
    if fmt == "json" and (not single or output is not None):
        fmt = "jsonl"
    try:
        sink, report = _open_output(output, fmt, inputs, retry_failed=retry_failed, force=force)
    except SummarizerError as exc:
        fail(err, exc)
    out = report.file if report is not None else None
    view = BatchView(fmt, out, err, to_sink=sink is not None, show_progress=not single)
    try:
        with view.progress:
            if engine == "ray":
                from .ray import run_on_ray

                totals = run_on_ray(
                    inputs, summarizer, sink=sink, on_result=view.show, actors=actors,
                    concurrency=concurrency, cache=not no_cache,
                )  # fmt: skip
            else:
                totals = asyncio.run(
                    arun_batch(
                        inputs, summarizer, sink=sink, concurrency=concurrency, on_result=view.show
                    )
                )
        if fmt == "html" and view.reviewed:
            click.echo(render_html(view.reviewed), file=out, nl=False)
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
        report_totals(err, summarizer, totals, output)
    if code := combined_exit_code(totals.exit_codes):
        sys.exit(code)


def _open_output(
    output: Path | None,
    fmt: str,
    inputs: list[ArticleInput],
    *,
    retry_failed: bool,
    force: bool,
) -> tuple[JsonlSink | None, ReportFile | None]:
    if output is None:
        return None, None
    refuse_input_as_output(output, (i.source for i in inputs))
    if fmt == "jsonl":
        return JsonlSink(output, retry_failed=retry_failed, inputs=inputs), None
    return None, ReportFile(output, force=force)


@cli.command("schema")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=SCHEMA_DIR,
    show_default=True, help="Folder to write the schema files to.",
)  # fmt: skip
@click.option("--check", is_flag=True, help="Only check that the files match the models.")
def schema(out: Path, check: bool) -> None:
    """Write the JSON Schemas of the record and of the model-facing draft."""
    err = Console(stderr=True)
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
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path),
    help="Where the record cache lives. [env: SUMMARIZER_CACHE_DIR]",
)  # fmt: skip
@click.pass_context
def cache_group(ctx: click.Context, cache_dir: Path | None) -> None:
    """Inspect or empty the record cache."""
    try:
        ctx.obj = Settings.from_env(cache_dir=cache_dir).cache_dir
    except SummarizerError as exc:
        fail(Console(stderr=True), exc)


@cache_group.command("info")
@click.pass_obj
def cache_info(cache_dir: Path | None) -> None:
    """Where the cache is, how many records it holds, and its size."""
    info = _using_cache(cache_dir, Cache.info)
    click.echo(f"path:    {info.path}\nrecords: {info.records}\nsize:    {info.bytes / 1e6:.1f} MB")


@cache_group.command("clear")
@click.pass_obj
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached record."""
    removed, path = _using_cache(cache_dir, lambda cache: (cache.clear(), cache.path))
    click.echo(f"removed {removed} record(s) from {path}")


def _using_cache(cache_dir: Path | None, use: Callable[[Cache], _T]) -> _T:
    try:
        with Cache(cache_dir) as cache:
            return use(cache)
    except SummarizerError as exc:
        return fail(Console(stderr=True), exc)  # type: ignore[no-any-return]


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--limit", type=int, help="Score only the first N articles.")
@click.option("--concurrency", "-j", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the record cache.")
@click.option("--max-items", type=int, help="Cap each list in constrained answers.")
@endpoint_options
def eval_command(
    gold: Path,
    as_json: bool,
    limit: int | None,
    concurrency: int,
    no_cache: bool,
    max_items: int | None,
    **endpoint: Any,
) -> None:
    """Score an endpoint against GOLD, a JSONL file of gold-annotated articles.

    Prints actors, events, stances and demands precision/recall/F1, summary ROUGE-L,
    grounded share, schema-valid first try, re-asks, tokens and time.
    """
    setup_logging()
    from .evaluate import format_report, load_gold, run_eval

    err = Console(stderr=True)
    try:
        settings = Settings.from_env(max_items=max_items, **endpoint)
        articles = load_gold(gold)[:limit]
        cache = None if no_cache else open_cache(settings.cache_dir)
        summarizer = Summarizer(settings, cache=cache)
        summarizer.preflight()
        report = asyncio.run(_eval(summarizer, articles, concurrency, run_eval))
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


async def _eval(summarizer: Summarizer, articles: Any, concurrency: int, run: Any) -> Any:
    async with summarizer:
        return await run(articles, summarizer, concurrency=concurrency)


@cli.command("check")
@click.option("--all-modes", is_flag=True, help="Try every structured-output mode once.")
@endpoint_options
def check(all_modes: bool, **endpoint: Any) -> None:
    """Probe an endpoint: can it be reached, and does it return valid structured output?

    Exits 0 when it can; otherwise with the status of the failure it reports.
    """
    setup_logging()
    from .probe import probe

    err = Console(stderr=True)
    try:
        settings = Settings.from_env(**endpoint)
        with Summarizer(settings) as summarizer:
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
