"""Many articles at once: bounded concurrency, results as they finish, running totals.

Each article becomes a ``BatchResult``: its record, or the error met, never an
exception that stops the others. Reading inputs is ``inputs``' concern, writing them
``output``'s, and the resumable run to a JSONL file ``runner``'s.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

from .cache import Cache
from .config import Settings
from .errors import PARTIAL_EXIT_CODE, SummarizerError, error_to_dict, resource_error
from .inputs import ArticleInput
from .jsonl import dump_json
from .pipeline import Summarizer
from .record import ArticleSummary
from .usage import Usage

__all__ = [
    "BatchResult",
    "Totals",
    "asummarize_many",
    "summarize_many",
]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What became of one article."""

    id: str
    record: ArticleSummary | None = None
    error: SummarizerError | None = None
    cached: bool = False

    @property
    def tokens(self) -> tuple[int, int]:
        """Prompt and completion tokens this run spent on the article (0 when cached)."""
        if self.record is not None and not self.cached:
            q = self.record.quality
            opinion = q.second_opinion
            extra = (
                (0, 0) if opinion is None else (opinion.prompt_tokens, opinion.completion_tokens)
            )
            return q.prompt_tokens + extra[0], q.completion_tokens + extra[1]
        usage = self.error.usage if self.error is not None else None
        if usage is not None:
            return usage.prompt_tokens, usage.completion_tokens
        return 0, 0

    def to_json(self, *, digest: str | None = None) -> str:
        """The JSONL line for this result (without the newline).

        Args:
            digest: The SHA-256 of the article's text, carried by an error line as
                ``text_sha256`` so that resuming knows which article failed (a record
                carries the text itself).
        """
        if self.record is not None:
            return dump_json(self.record)
        assert self.error is not None
        prompt, completion = self.tokens
        line: dict[str, object] = {
            "id": self.id,
            "error": error_to_dict(self.error),
            "usage": Usage(prompt_tokens=prompt, completion_tokens=completion).to_dict(calls=False),
        }
        if digest is not None:
            line["text_sha256"] = digest
        return dump_json(line)


async def asummarize_many(
    articles: Iterable[ArticleInput | str],
    summarizer: Summarizer,
) -> AsyncIterator[BatchResult]:
    """Summarise articles, ``summarizer.settings.concurrency`` at a time; yield results as
    they finish.

    Strings are taken as article texts, identified by their position. Errors are
    results, not exceptions: one bad article never stops the others.
    """
    # The parts of long articles share the same limit on requests in flight.
    concurrency = summarizer.settings.concurrency
    queue: asyncio.Queue[ArticleInput | None] = asyncio.Queue(maxsize=concurrency * 2)
    results: asyncio.Queue[BatchResult | None] = asyncio.Queue()

    async def feed() -> None:
        for n, item in enumerate(articles):
            await queue.put(item if isinstance(item, ArticleInput) else ArticleInput(str(n), item))
        for _ in range(concurrency):
            await queue.put(None)

    async def work() -> None:
        try:
            while (item := await queue.get()) is not None:
                await results.put(await _one(summarizer, item))
        finally:
            # Always signal the end, or the consumer would wait for this worker forever.
            await results.put(None)

    tasks = [
        asyncio.create_task(feed()),
        *(asyncio.create_task(work()) for _ in range(concurrency)),
    ]
    try:
        running = concurrency
        while running:
            result = await results.get()
            if result is None:
                running -= 1
            else:
                yield result
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _one(summarizer: Summarizer, item: ArticleInput) -> BatchResult:
    if item.error is not None:
        return BatchResult(item.id, error=item.error)
    try:
        record, cached = await summarizer.asummarize_cached(item)
    except SummarizerError as exc:
        return BatchResult(item.id, error=exc)
    except Exception as exc:  # a bug must cost one article, not the batch
        # So must the system running out of file handles on some file of a library.
        error = resource_error(exc) or SummarizerError(
            f"{item.id}: unexpected {type(exc).__name__}: {exc}"
        )
        error.__cause__ = exc
        return BatchResult(item.id, error=error)
    return BatchResult(item.id, record=record, cached=cached)


def summarize_many(
    articles: Iterable[ArticleInput | str],
    settings: Settings | None = None,
    *,
    cache: Cache | None = None,
) -> list[BatchResult]:
    """Summarise many articles concurrently; results in order of completion.

    Args:
        articles: Texts, or ``ArticleInput`` with ids and metadata (see ``read_inputs``).
        settings: Run settings (``concurrency``: articles in flight at once);
            ``Settings()`` when omitted.
        cache: A ``Cache`` to read and fill; none when omitted.
    """

    async def run() -> list[BatchResult]:
        async with Summarizer(settings, cache=cache) as summarizer:
            return [r async for r in asummarize_many(articles, summarizer)]

    return asyncio.run(run())


@dataclass(slots=True)
class Totals:
    """Running totals for a batch."""

    pending: int = 0
    """Articles this run has to do (those not skipped)."""
    done: int = 0
    cached: int = 0
    failed: int = 0
    skipped: int = 0
    partial: int = 0
    """Records kept with some of their article not read (``quality.partial``)."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    exit_codes: set[int] = field(default_factory=set)

    def add(self, result: BatchResult) -> None:
        prompt, completion = result.tokens
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        if result.error is not None:
            self.failed += 1
            self.exit_codes.add(result.error.exit_code)
        else:
            self.done += 1
            self.cached += result.cached
            if result.record is not None and result.record.quality.partial:
                self.partial += 1
                self.exit_codes.add(PARTIAL_EXIT_CODE)
