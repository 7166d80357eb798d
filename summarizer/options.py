"""Internal: command-line pieces every command shares.

The option groups (the endpoint, how articles are read, what a run does with them, where
its output goes), each handed to a command as one small frozen value built once from the
parsed options; the hints that name an option where a library message names what a
Python caller sets; and the way to fail. Nothing here imports the openai SDK, instructor
or pydantic: ``summarizer --version`` and ``--help`` load this module.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .choices import BACKENDS, FORMATS, MODES
from .config import DEFAULT_CONCURRENCY

if TYPE_CHECKING:
    from rich.console import Console

    from .config import Settings
    from .errors import SummarizerError

__all__ = [
    "EndpointOptions",
    "OutputOptions",
    "ReadingOptions",
    "RunOptions",
    "endpoint_options",
    "fail",
    "grouped",
    "max_input_option",
    "run_options",
    "settings_from",
    "stderr",
    "verify_options",
]

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class EndpointOptions:
    """Which server and model, and how to ask it (the ``Settings`` of the same names)."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = dataclasses.field(default=None, repr=False)
    backend: str | None = None
    mode: str | None = None
    timeout: float | None = None
    prompt: str | None = None


@dataclass(frozen=True, slots=True)
class ReadingOptions:
    """How articles are read: the ``Settings`` of the same names. A command that has no
    option for one leaves it ``None``: the environment's value, else the default."""

    output_language: str | None = None
    strict: bool = False
    max_output_tokens: int | None = None
    max_attempts: int | None = None
    max_reasks: int | None = None
    max_items: int | None = None
    context_window: int | None = None
    chunk_tokens: int | None = None
    passes: int | None = None
    max_tokens_per_article: int | None = None
    cache_dir: Path | None = None
    max_input_bytes: int | None = None
    verify_model: str | None = None
    verify_base_url: str | None = None


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What ``summarizer run`` does besides reading: the articles' defaults and the engine."""

    date: str | None = None
    title: str | None = None
    language: str | None = None
    concurrency: int | None = None
    engine: str = "process"
    actors: int = 2
    no_cache: bool = False


@dataclass(frozen=True, slots=True)
class OutputOptions:
    """Where the records go and in which format."""

    fmt: str = "auto"
    output: Path | None = None
    retry_failed: bool = False
    force: bool = False


def grouped(name: str, group: type[Any]) -> Callable[[_F], _F]:
    """Hand a command its options of ``group`` (a dataclass whose fields are named as the
    options' parameters) as one value, the keyword argument ``name``."""
    fields = [f.name for f in dataclasses.fields(group)]

    def decorate(command: _F) -> _F:
        @functools.wraps(command)
        def packed(*args: Any, **params: Any) -> Any:
            values = {f: params.pop(f) for f in fields if f in params}
            return command(*args, **params, **{name: group(**values)})

        return packed  # type: ignore[return-value]

    return decorate


def settings_from(
    endpoint: EndpointOptions,
    reading: ReadingOptions | None = None,
    *,
    concurrency: int | None = None,
) -> Settings:
    """The settings the options give, the environment's and the defaults under them."""
    from .config import Settings

    overrides = {**dataclasses.asdict(endpoint), "concurrency": concurrency}
    if reading is not None:
        # An absent flag is "not given" (None), not False: it overrides nothing.
        overrides |= {**dataclasses.asdict(reading), "strict": reading.strict or None}
    return Settings.from_env(**overrides)


def endpoint_options(command: _F) -> _F:
    """The endpoint's options, handed to the command as ``endpoint: EndpointOptions``."""
    options = [
        click.option("--model", "-m", help="Model name. [env: SUMMARIZER_MODEL]"),
        click.option("--base-url", help="OpenAI-compatible base URL. [env: OPENAI_BASE_URL]"),
        click.option("--api-key", help="API key. [env: OPENAI_API_KEY]"),
        # Checked by the library, not by click, so that an unknown name is a configuration
        # error (exit 4) whether it comes from here or from the environment.
        click.option(
            "--backend",
            help=f"Server profile: auto (guessed from the URL), {', '.join(BACKENDS)}. "
            "[env: SUMMARIZER_BACKEND]",
        ),
        click.option(
            "--mode",
            help=f"Structured-output mode: auto (the backend's), {', '.join(MODES)}. "
            "[env: SUMMARIZER_MODE]",
        ),
        click.option(
            "--timeout",
            type=float,
            help="Seconds a request may take in all, answer included. [env: SUMMARIZER_TIMEOUT]",
        ),
        click.option(
            "--prompt", help="Prompt template name (prompts/NAME.txt). [env: SUMMARIZER_PROMPT]"
        ),
    ]
    return _with_options(grouped("endpoint", EndpointOptions)(command), options)


def verify_options(command: _F) -> _F:
    """The verifier model's options (``Settings.verify_*``), fields of ``ReadingOptions``."""
    options = [
        click.option(
            "--verify-with",
            "verify_model",
            metavar="MODEL",
            help="Ask MODEL, once per article, whether each stance's, demand's and event's "
            "evidence supports what its fields claim; the verdict is kept on the item. "
            "[env: SUMMARIZER_VERIFY_MODEL]",
        ),
        click.option(
            "--verify-base-url",
            "verify_base_url",
            metavar="URL",
            help="The verifier's OpenAI-compatible base URL (default: the main endpoint's). "
            "[env: SUMMARIZER_VERIFY_BASE_URL; its key: SUMMARIZER_VERIFY_API_KEY]",
        ),
    ]
    return _with_options(command, options)


def run_options(command: _F) -> _F:
    """``summarizer run``'s own options, handed to it as ``out: OutputOptions`` (format,
    file), ``job: RunOptions`` (articles' defaults, engine) and ``reading: ReadingOptions``."""
    options = [
        click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(["auto", *FORMATS]),
            default="auto",
            show_default=True,
            help="auto: a terminal view on a terminal, JSON when piped (JSONL for several "
            "articles).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write here. JSONL output is appended and resumable: a rerun skips what is done.",
        ),
        click.option("--date", help="Publication date YYYY[-MM[-DD]]; else read from the article."),
        click.option("--title", help="The article's headline, if not in the text."),
        click.option("--language", help="Article language (ISO 639-1); detected when omitted."),
        click.option("--output-language", help="Language of summary and paraphrases (ISO 639-1)."),
        click.option(
            "--strict", is_flag=True, help="Drop items whose evidence is not in the text."
        ),
        click.option(
            "--max-tokens", "max_output_tokens", type=int, help="Output token limit per answer."
        ),
        click.option("--max-attempts", type=int, help="Requests per article, retries included."),
        click.option(
            "--max-reasks", type=int, help="Attempts that may go to fixing invalid answers."
        ),
        click.option(
            "--max-items",
            type=int,
            help="Cap each list in constrained answers (helps small local models).",
        ),
        click.option(
            "--context-window",
            type=int,
            help="The model's context length in tokens: longer articles are read in parts that "
            "fit.",
        ),
        click.option(
            "--chunk-tokens",
            type=click.IntRange(64),
            metavar="N",
            help="Read at most N article tokens per request; longer articles are read in parts of "
            "whole sentences.  [default: 800]",
        ),
        click.option(
            "--passes",
            type=click.IntRange(1, 5),
            default=1,
            show_default=True,
            help="Read each part this many times, later passes adding what earlier ones missed.",
        ),
        click.option(
            "--max-tokens-per-article",
            type=click.IntRange(1),
            metavar="N",
            help="Stop asking about an article once its requests have used N tokens (re-asks "
            "included); what was read is kept as a partial record (exit 8).",
        ),
        # Checked by the settings, like the same value from the library.
        click.option(
            "--concurrency",
            "-j",
            type=int,
            help="Requests in flight at once (articles, and the parts of long ones).  "
            f"[default: {DEFAULT_CONCURRENCY}]",
        ),
        click.option(
            "--engine",
            type=click.Choice(["process", "ray"]),
            default="process",
            show_default=True,
            help="Where articles are summarised: in this process, or by Ray actors (the [ray] "
            "extra; a local Ray, or the cluster RAY_ADDRESS names). Output and resume rules are "
            "the same.",
        ),
        click.option(
            "--actors",
            type=click.IntRange(1, 1024),
            default=2,
            show_default=True,
            help="With --engine ray: actors at once, each with --concurrency articles in flight; "
            "at most one per CPU of the Ray cluster (more are cut down to that, with a warning).",
        ),
        click.option(
            "--retry-failed", is_flag=True, help="With -o: redo articles that failed before."
        ),
        click.option(
            "--force",
            is_flag=True,
            help="With -o and a markdown, text or html report: replace FILE even if summarizer "
            "did not write it.",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the record cache."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Where the record cache lives. [env: SUMMARIZER_CACHE_DIR]",
        ),
    ]
    for name, group in (("out", OutputOptions), ("job", RunOptions), ("reading", ReadingOptions)):
        command = grouped(name, group)(command)
    return _with_options(command, options)


def _with_options(command: _F, options: Sequence[Callable[[Any], Any]]) -> _F:
    decorated: Any = command
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


#: ``Settings.max_input_bytes`` for the commands that read articles.
max_input_option = click.option(
    "--max-input-bytes",
    type=click.IntRange(1),
    metavar="N",
    help="Refuse an input file, JSONL feed or standard input larger than N bytes "
    "(it is never read further).  [default: 50000000] [env: SUMMARIZER_MAX_INPUT_BYTES]",
)


def stderr() -> Console:
    """A console on standard error; rich is imported when a command first writes."""
    from rich.console import Console

    return Console(stderr=True)


def fail(err: Console, exc: SummarizerError) -> NoReturn:
    """Print ``exc`` as one error line and exit with its status."""
    from .console import print_error

    print_error(err, exc)
    sys.exit(exc.exit_code)
