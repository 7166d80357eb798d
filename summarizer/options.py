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

from .choices import BACKENDS, MODES

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
    concurrency: int = 4
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


def settings_from(endpoint: EndpointOptions, reading: ReadingOptions | None = None) -> Settings:
    """The settings the options give, the environment's and the defaults under them."""
    from .config import Settings

    overrides = dataclasses.asdict(endpoint)
    if reading is not None:
        # An absent flag is "not given", so that SUMMARIZER_STRICT still applies.
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
            "--verify-with", "verify_model", metavar="MODEL",
            help="Ask MODEL, once per article, whether each stance's, demand's and event's "
            "evidence supports what its fields claim; the verdict is kept on the item. "
            "[env: SUMMARIZER_VERIFY_MODEL]",
        ),
        click.option(
            "--verify-base-url", "verify_base_url", metavar="URL",
            help="The verifier's OpenAI-compatible base URL (default: the main endpoint's). "
            "[env: SUMMARIZER_VERIFY_BASE_URL; its key: SUMMARIZER_VERIFY_API_KEY]",
        ),
    ]  # fmt: skip
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
