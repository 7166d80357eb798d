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
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from .batch import BatchResult, Totals, asummarize_many
from .cache import Cache
from .config import Settings
from .errors import resource_error
from .identity import input_digests
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

_log = logging.getLogger("summarizer")

#: Called with each result as it comes, and the totals that include it.
OnResult = Callable[[BatchResult, Totals], None]


def pending(
    inputs: Sequence[ArticleInput], sink: JsonlSink | None
) -> tuple[list[ArticleInput], Totals]:
    """The inputs ``sink`` does not hold yet, and the totals a run over them starts from.

    An input is held when a line has its id (or another name of it) and its text (see
    ``identity``); the skipped ones are named on stderr. An input whose id a line has
    for another text is not held: it is done, under its id qualified with its feed
    (``tuesday.jsonl#1``) when it has one, else with its text's digest as well (see
    ``_apart``), so that the file's ids stay unique.
    """
    if sink is None:
        return list(inputs), Totals(pending=len(inputs))
    todo: list[ArticleInput] = []
    skipped: list[tuple[str, str]] = []
    for item in inputs:
        held = sink.holding(item)
        if held is not None:
            skipped.append((item.id, held))
            continue
        if sink.seen(item.id):
            item = _apart(item, sink)
        sink.expect(item)
        todo.append(item)
    _say_skipped(sink.path, skipped)
    return todo, Totals(pending=len(todo), skipped=len(skipped))


def _apart(item: ArticleInput, sink: JsonlSink) -> ArticleInput:
    """``item``, whose id ``sink`` holds for another text, under an id no line has: its
    id qualified with its feed (``tuesday.jsonl#1``), or, when that is taken too (the
    article was edited again), with the digest of its text as well
    (``tuesday.jsonl#1@1a2b3c4d``), so that the file's ids stay unique."""
    source = item.source
    qualified = f"{source}#{item.id}"
    if source in (None, "-") or item.id == source or item.id.startswith(f"{source}#"):
        qualified = item.id
    if qualified == item.id or sink.seen(qualified):
        digest = next(input_digests(item), None)
        qualified = f"{qualified}@{digest[:8]}" if digest is not None else qualified
        base, number = qualified, 2
        while sink.seen(qualified):  # no digest, or eight hex digits shared: count
            qualified, number = f"{base}~{number}", number + 1
    _log.warning(
        "%s: %s holds another article (or another text of it) under this id; this one is "
        "summarised as %s",
        item.id, sink.path, qualified,
    )  # fmt: skip
    return replace(item, id=qualified)


def _say_skipped(path: Path, skipped: list[tuple[str, str]]) -> None:
    """Name what resuming skips: the articles the output holds, and under which id."""
    same = [given for given, held in skipped if given == held]
    if same:
        more = f" and {len(same) - 5} more" if len(same) > 5 else ""
        _log.warning(
            "skipping %d article(s) already in %s (same id and text): %s%s",
            len(same), path, ", ".join(same[:5]), more,
        )  # fmt: skip
    renamed = [(given, held) for given, held in skipped if given != held]
    for given, held in renamed[:5]:
        _log.warning("skipping %s: already in %s as %s (same article and text)", given, path, held)
    if len(renamed) > 5:
        _log.warning(
            "skipping %d more articles already in %s under another id", len(renamed) - 5, path
        )


def deliver(
    result: BatchResult, totals: Totals, sink: JsonlSink | None, on_result: OnResult | None
) -> None:
    """Count ``result``, append it to ``sink`` (one flushed line) and tell ``on_result``.

    With a sink the result is saved before it is shown, so showing it failing for want
    of a file handle (a view importing a module on first use) is said and the run goes
    on; without one, showing it is all there is, and the failure stops the run.
    """
    totals.add(result)
    if sink is not None:
        sink.write(result)
    if on_result is not None:
        try:
            on_result(result, totals)
        except OSError as exc:
            error = resource_error(exc)
            if error is None or sink is None:
                raise
            _log.warning("%s is saved but could not be shown: %s", result.id, error)


async def arun_batch(
    inputs: Sequence[ArticleInput],
    summarizer: Summarizer,
    *,
    sink: JsonlSink | None = None,
    on_result: OnResult | None = None,
) -> Totals:
    """Summarise the ``inputs`` that ``sink`` does not hold yet, appending each result to it.

    The summarizer is closed at the end (its embedded server stopped, if any).

    Args:
        inputs: The articles, as ``read_inputs`` gives them.
        summarizer: Does the work (``settings.concurrency`` articles at once); its
            endpoint is checked before anything is sent.
        sink: The JSONL output that makes the run resumable; without it nothing is
            skipped and nothing written.
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
        async for result in asummarize_many(todo, summarizer):
            deliver(result, totals, sink, on_result)
    return totals


def run_batch(
    inputs: Sequence[ArticleInput],
    settings: Settings | None = None,
    *,
    output: Path,
    cache: Cache | None = None,
    retry_failed: bool = False,
) -> Totals:
    """Summarise ``inputs`` into the JSONL file ``output``, resuming what it already holds.

    Args:
        inputs: The articles, as ``read_inputs`` gives them.
        settings: Run settings (``concurrency``: articles in flight at once);
            ``Settings()`` when omitted.
        output: The JSONL file: one record or error line per article, appended.
        cache: A ``Cache`` to read and fill; none when omitted.
        retry_failed: Redo the articles of ``inputs`` whose earlier attempt failed,
            removing their error lines (and no others), so that every article appears once.

    Raises:
        OutputError: ``output`` is one of the inputs, or not a file of this program's.
        OutputLockedError: Another run is writing ``output``.
        ConfigurationError: No endpoint can be used.
    """
    refuse_input_as_output(output, (item.source for item in inputs))
    sink = JsonlSink(output, retry_failed=retry_failed, inputs=inputs)
    try:
        summarizer = Summarizer(settings, cache=cache)
        return asyncio.run(arun_batch(inputs, summarizer, sink=sink))
    finally:
        sink.close()
