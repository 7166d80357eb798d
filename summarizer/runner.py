"""A resumable batch: what is not yet in the output is summarised and appended to it.

``run_batch`` is the whole job in one call. Articles whose id the JSONL output already
holds are skipped; each result is appended as one flushed line as soon as it is known;
a rerun after any interruption, ``kill -9`` included, picks up where the last run
stopped, and pays for nothing twice. ``arun_batch`` is the same loop for a caller that
holds its own ``Summarizer`` and output and watches each result (the command line's
progress bar and views).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from .batch import BatchResult, Totals, asummarize_many
from .cache import Cache
from .config import Settings
from .inputs import ArticleInput
from .output import JsonlSink, refuse_input_as_output
from .pipeline import Summarizer

__all__ = [
    "OnResult",
    "arun_batch",
    "deliver",
    "pending",
    "run_batch",
]

#: Called with each result as it comes, and the totals that include it.
OnResult = Callable[[BatchResult, Totals], None]


def pending(
    inputs: Sequence[ArticleInput], sink: JsonlSink | None
) -> tuple[list[ArticleInput], Totals]:
    """The inputs ``sink`` does not hold yet, and the totals a run over them starts from."""
    todo = [item for item in inputs if sink is None or not sink.seen(item.id)]
    return todo, Totals(pending=len(todo), skipped=len(inputs) - len(todo))


def deliver(
    result: BatchResult, totals: Totals, sink: JsonlSink | None, on_result: OnResult | None
) -> None:
    """Count ``result``, append it to ``sink`` (one flushed line) and tell ``on_result``."""
    totals.add(result)
    if sink is not None:
        sink.write(result)
    if on_result is not None:
        on_result(result, totals)


async def arun_batch(
    inputs: Sequence[ArticleInput],
    summarizer: Summarizer,
    *,
    sink: JsonlSink | None = None,
    concurrency: int = 8,
    on_result: OnResult | None = None,
) -> Totals:
    """Summarise the ``inputs`` that ``sink`` does not hold yet, appending each result to it.

    The summarizer is closed at the end (its embedded server stopped, if any).

    Args:
        inputs: The articles, as ``read_inputs`` gives them.
        summarizer: Does the work; its endpoint is checked before anything is sent.
        sink: The JSONL output that makes the run resumable; without it nothing is
            skipped and nothing written.
        concurrency: Articles in flight at once.
        on_result: Called with each result as it comes, and the totals so far.

    Returns:
        What the run did: done, from cache, failed, skipped, tokens, exit statuses.

    Raises:
        ConfigurationError: No endpoint can be used, while some article is readable.
    """
    todo, totals = pending(inputs, sink)
    if any(item.error is None for item in todo):
        summarizer.preflight()
    async with summarizer:
        async for result in asummarize_many(todo, summarizer, concurrency=concurrency):
            deliver(result, totals, sink, on_result)
    return totals


def run_batch(
    inputs: Sequence[ArticleInput],
    settings: Settings | None = None,
    *,
    output: Path,
    concurrency: int = 8,
    cache: Cache | None = None,
    retry_failed: bool = False,
) -> Totals:
    """Summarise ``inputs`` into the JSONL file ``output``, resuming what it already holds.

    Args:
        inputs: The articles, as ``read_inputs`` gives them.
        settings: Run settings; ``Settings()`` when omitted.
        output: The JSONL file: one record or error line per article, appended.
        concurrency: Articles in flight at once.
        cache: A ``Cache`` to read and fill; none when omitted.
        retry_failed: Redo the articles whose earlier attempt failed, removing their
            error lines, so that every article appears once.

    Raises:
        OutputError: ``output`` is one of the inputs, or not a file of this program's.
        OutputLockedError: Another run is writing ``output``.
        ConfigurationError: No endpoint can be used.
    """
    refuse_input_as_output(output, (item.source for item in inputs))
    sink = JsonlSink(output, retry_failed=retry_failed)
    try:
        summarizer = Summarizer(settings, cache=cache)
        return asyncio.run(arun_batch(inputs, summarizer, sink=sink, concurrency=concurrency))
    finally:
        sink.close()
