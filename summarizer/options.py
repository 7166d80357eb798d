"""Command-line pieces every command shares: the endpoint options and the way to fail."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console

from .connection import BACKENDS, MODES
from .console import print_error
from .errors import SummarizerError

__all__ = ["endpoint_options", "fail", "max_input_option", "verify_options"]


def endpoint_options(func: Any) -> Any:
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
    for option in reversed(options):
        func = option(func)
    return func


def verify_options(func: Any) -> Any:
    """The verifier model's options (``Settings.verify_*``), passed on as settings."""
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
    for option in reversed(options):
        func = option(func)
    return func


#: ``Settings.max_input_bytes`` for the commands that read articles.
max_input_option = click.option(
    "--max-input-bytes",
    type=click.IntRange(1),
    metavar="N",
    help="Refuse an input file, JSONL feed or standard input larger than N bytes "
    "(it is never read further).  [default: 50000000] [env: SUMMARIZER_MAX_INPUT_BYTES]",
)


def fail(err: Console, exc: SummarizerError) -> Any:
    print_error(err, exc)
    sys.exit(exc.exit_code)
