"""Internal: What the command line writes to the terminal.

Error and log lines, which name each setting by the option that sets it; the batch's
progress bar and the records it shows as they come; the line that sums a run up. The
commands themselves are ``cli``'s.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .batch import BatchResult, Totals
from .errors import SummarizerError, redact
from .jsonl import dump_json
from .pipeline import Summarizer
from .record import ArticleSummary
from .render import printable, render, render_terminal
from .usage import Usage

__all__ = [
    "CALLER_WORDS",
    "SETTING_FLAGS",
    "BatchView",
    "print_error",
    "print_partial",
    "report_totals",
    "setup_logging",
]

#: The option that sets each ``Settings`` field. Library messages name the setting
#: (``Settings.timeout``), as a Python caller sets it; error lines name the option.
SETTING_FLAGS: dict[str, str] = {
    "model": "--model",
    "base_url": "--base-url",
    "api_key": "--api-key",
    "backend": "--backend",
    "mode": "--mode",
    "timeout": "--timeout",
    "prompt": "--prompt",
    "max_output_tokens": "--max-tokens",
    "max_attempts": "--max-attempts",
    "max_reasks": "--max-reasks",
    "max_items": "--max-items",
    "context_window": "--context-window",
    "chunk_tokens": "--chunk-tokens",
    "passes": "--passes",
    "max_tokens_per_article": "--max-tokens-per-article",
    "output_language": "--output-language",
    "strict": "--strict",
    "cache_dir": "--cache-dir",
    "max_input_bytes": "--max-input-bytes",
}
_SETTING = re.compile(r"\bSettings\.([a-z_]+)")
#: What library messages call what a Python caller passes besides settings, and what
#: the command line calls it: the output file is its -o, ``force=True`` its --force.
CALLER_WORDS: dict[str, str] = {
    "another output file": "another -o",
    "pass force=True": "give --force",
    "status checks (poll)": "status checks (--poll)",
    "wait for it to end": "wait for it to end (batch status --wait)",
}


class BatchView:
    """What the command line shows of a batch as its results come: progress, errors, records."""

    def __init__(
        self, fmt: str, out: TextIO | None, err: Console, *, to_sink: bool, show_progress: bool
    ) -> None:
        self.fmt = fmt
        self.out = out
        self.to_sink = to_sink
        self.reviewed: list[ArticleSummary] = []
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]} · {task.fields[rate]}"),
            TextColumn("{task.fields[tokens]} tokens"),
            TimeRemainingColumn(),
            console=err,
            transient=False,
            disable=not (show_progress and err.is_terminal),
        )
        self._task = self.progress.add_task("summarising", total=None, failed=0, rate="–", tokens=0)
        self._started = time.monotonic()

    def show(self, result: BatchResult, totals: Totals) -> None:
        """Show one result as it comes (``arun_batch``'s ``on_result``)."""
        if result.error is not None:
            print_error(self.progress.console, result.error, prefix=result.id)
        elif result.record is not None and result.record.quality.partial:
            print_partial(self.progress.console, result.id, result.record)
        if self.to_sink:
            return self._advance(totals)  # the runner wrote it
        if self.fmt == "jsonl":
            click.echo(result.to_json())
        elif result.record is not None:
            if self.fmt == "html":
                self.reviewed.append(result.record)
            else:
                _emit_record(result.record, self.fmt, self.out)
        self._advance(totals)

    def _advance(self, totals: Totals) -> None:
        finished = totals.done + totals.failed
        rate = f"{finished / max(time.monotonic() - self._started, 1e-9):.2f}/s"
        self.progress.update(
            self._task,
            total=totals.pending,
            completed=finished,
            failed=totals.failed,
            rate=rate,
            tokens=totals.prompt_tokens + totals.completion_tokens,
        )


def report_totals(
    err: Console, summarizer: Summarizer, totals: Totals, output: Path | None
) -> None:
    """The line that sums a run up: done, failed, skipped, tokens, estimated cost."""
    endpoint = summarizer.resolved_endpoint
    spent = Usage(prompt_tokens=totals.prompt_tokens, completion_tokens=totals.completion_tokens)
    cost = endpoint.cost(spent) if endpoint is not None else "$0 (nothing sent)"
    where = escape(str(output))
    skipped = f", {totals.skipped} skipped (already in {where})" if totals.skipped else ""
    err.print(
        f"summarizer: {totals.done} done ({totals.cached} from cache"
        f"{f', {totals.partial} partial' if totals.partial else ''}), {totals.failed} failed"
        f"{skipped}; tokens {totals.prompt_tokens} + {totals.completion_tokens}; "
        f"estimated cost {cost}",
        highlight=False,
        soft_wrap=True,
    )


def _emit_record(record: ArticleSummary, fmt: str, out: Any) -> None:
    if fmt == "terminal":
        Console().print(render_terminal(record))
        return
    text = dump_json(record) if fmt == "jsonl" else render(record, fmt)  # type: ignore[arg-type]
    click.echo(text, file=out)


def setup_logging() -> None:
    """Send the library's warnings to stderr as ``summarizer:`` lines naming options."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_FlagsFormatter("summarizer: %(message)s"))
    logger = logging.getLogger("summarizer")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    # instructor logs every failed attempt at ERROR; our own error says what matters.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


class _FlagsFormatter(logging.Formatter):
    """Log lines that name settings by the options that set them."""

    def format(self, record: logging.LogRecord) -> str:
        return _as_flags(super().format(record))


def _as_flags(message: str) -> str:
    """``message`` in the command line's words: each ``Settings.field`` it names replaced
    by that field's option, and each of ``CALLER_WORDS`` by its command-line wording."""
    for words, flags in CALLER_WORDS.items():
        message = message.replace(words, flags)
    return _SETTING.sub(lambda m: SETTING_FLAGS.get(m.group(1), m.group(0)), message)


def print_partial(err: Console, article_id: str, record: ArticleSummary) -> None:
    """One yellow line for a record kept with some of its article not read."""
    spans = ", ".join(f"S{u.first_sentence}-S{u.last_sentence}" for u in record.quality.unread)
    reason = record.quality.unread[0].reason if record.quality.unread else "unknown"
    message = (
        f"{article_id}: partial record, sentences {spans} not read ({reason}); rerun with "
        "--retry-failed (the cache keeps the parts that were read) to read them"
    )
    err.print(
        f"[bold yellow]summarizer: warning:[/] {escape(printable(redact(message)))}",
        highlight=False,
        soft_wrap=True,
    )


def print_error(err: Console, exc: SummarizerError, *, prefix: str | None = None) -> None:
    """One red line for ``exc``, credentials and control characters taken out."""
    # Input errors already begin with their article's name; others get its id in front
    # (an id found elsewhere in the message, as "1" is in "127.0.0.1", names nothing).
    message = _as_flags(str(exc))
    if prefix and not message.startswith(f"{prefix}:"):
        message = f"{prefix}: {message}"
    err.print(
        f"[bold red]summarizer: error:[/] {escape(printable(redact(message)))}",
        highlight=False,
        soft_wrap=True,
    )
