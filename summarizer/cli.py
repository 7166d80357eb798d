"""The command line: a thin shell over the library.

``summarizer ARTICLE...`` is the default command; ``summarizer schema`` writes the JSON
Schemas and ``summarizer check`` probes an endpoint. Library errors become one red
line on stderr and the error's exit status (see ``errors``), never a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from . import __version__
from .article import decode_bytes, read_text
from .backends import BACKENDS, MODES
from .config import Settings
from .errors import SummarizerError
from .pipeline import Summarizer
from .record import ArticleSummary
from .render import FORMATS, render, render_terminal
from .review import render_html
from .schemas import SCHEMA_DIR, check_schemas, write_schemas

__all__ = ["main"]

_TEXT_SUFFIXES = (".txt", ".text", ".md")


class _DefaultGroup(click.Group):
    """A group whose first argument, when it names no command, goes to ``run``."""

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


def _endpoint_options(func: Any) -> Any:
    options = [
        click.option("--model", "-m", help="Model name. [env: SUMMARIZER_MODEL]"),
        click.option("--base-url", help="OpenAI-compatible base URL. [env: OPENAI_BASE_URL]"),
        click.option("--api-key", help="API key. [env: OPENAI_API_KEY]"),
        click.option(
            "--backend",
            type=click.Choice(["auto", *BACKENDS]),
            help="Server profile; auto guesses from the URL. [env: SUMMARIZER_BACKEND]",
        ),
        click.option(
            "--mode",
            type=click.Choice(["auto", *MODES]),
            help="Structured-output mode; auto takes the backend's. [env: SUMMARIZER_MODE]",
        ),
        click.option(
            "--timeout", type=float, help="Seconds per request. [env: SUMMARIZER_TIMEOUT]"
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command("run")
@click.argument("articles", nargs=-1, type=click.Path(allow_dash=True, path_type=str))
@click.option(
    "--format", "-f", "fmt",
    type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
    help="auto: a terminal view on a terminal, JSON when piped.",
)  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
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
@_endpoint_options
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
    **endpoint: Any,
) -> None:
    """Summarise ARTICLES (files, folders of .txt files, or - for standard input)."""
    _setup_logging()
    err = Console(stderr=True)
    try:
        settings = Settings.from_env(
            output_language=output_language,
            strict=strict or None,
            max_output_tokens=max_tokens,
            max_attempts=max_attempts,
            max_reasks=max_reasks,
            max_items=max_items,
            **endpoint,
        )
        sources = _expand(articles or ("-",))
    except SummarizerError as exc:
        _fail(err, exc)
    if fmt == "auto":
        fmt = "terminal" if output is None and sys.stdout.isatty() else "json"
    if fmt == "json" and len(sources) > 1:
        fmt = "jsonl"
    failures: list[SummarizerError] = []
    # A review page holds every article: it is written once, at the end.
    reviewed: list[ArticleSummary] = []
    out = output.open("w", encoding="utf-8") if output else None
    try:
        with Summarizer(settings) as summarizer:
            for source in sources:
                try:
                    text = _read(source)
                    record = summarizer.summarize(
                        text, date=date, title=title, language=language, article_id=source
                    )
                except SummarizerError as exc:
                    failures.append(exc)
                    _error(err, exc)
                    continue
                if fmt == "html":
                    reviewed.append(record)
                else:
                    _emit(record, fmt, out)
            if reviewed:
                click.echo(render_html(reviewed), file=out, nl=False)
    except SummarizerError as exc:
        _fail(err, exc)
    finally:
        if out is not None:
            out.close()
    if failures:
        codes = {f.exit_code for f in failures}
        sys.exit(codes.pop() if len(codes) == 1 else 1)


def _expand(articles: Sequence[str]) -> list[str]:
    sources: list[str] = []
    for item in articles:
        path = Path(item)
        if item != "-" and path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in _TEXT_SUFFIXES)
            if not found:
                raise SummarizerError(
                    f"{item}: no {', '.join(_TEXT_SUFFIXES)} files in this folder"
                )
            sources.extend(str(p) for p in found)
        else:
            sources.append(item)
    return sources


def _read(source: str) -> str:
    if source == "-":
        return decode_bytes(sys.stdin.buffer.read(), source="standard input")
    return read_text(Path(source))


def _emit(record: ArticleSummary, fmt: str, out: Any) -> None:
    if fmt == "terminal":
        Console().print(render_terminal(record))
        return
    text = record.model_dump_json() if fmt == "jsonl" else render(record, fmt)  # type: ignore[arg-type]
    click.echo(text, file=out)


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


@cli.command("check")
@_endpoint_options
def check(**endpoint: Any) -> None:
    """Probe an endpoint: can it be reached, and does it return valid structured output?"""
    _setup_logging()
    from .probe import probe

    err = Console(stderr=True)
    try:
        settings = Settings.from_env(**endpoint)
        with Summarizer(settings) as summarizer:
            report = probe(summarizer)
    except SummarizerError as exc:
        _fail(err, exc)
    for line in report:
        click.echo(line)


def _setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("summarizer: %(message)s"))
    logger = logging.getLogger("summarizer")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    # instructor logs every failed attempt at ERROR; our own error says what matters.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


def _error(err: Console, exc: SummarizerError) -> None:
    err.print(
        f"[bold red]summarizer: error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
    )


def _fail(err: Console, exc: SummarizerError) -> Any:
    _error(err, exc)
    sys.exit(exc.exit_code)


def main() -> None:
    """Console-script entry point."""
    cli()
