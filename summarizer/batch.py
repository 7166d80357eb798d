"""Many articles: inputs, bounded concurrency, resumable JSONL output, usage totals.

Inputs are files, folders (their ``.txt``/``.md``/``.jsonl`` files), glob patterns,
standard input, and JSONL files with one article per line (``id``, ``text``, and
optionally ``date``, ``language``, ``url``, ``title``). Each article becomes one JSONL
line: its record, or an error record naming the article and the cause.

Output is appended one whole line at a time and flushed, so an interrupted run (Ctrl-C
or ``kill -9``) loses nothing already finished. A rerun reads the file first, drops a
trailing partial line if the process died mid-write, and skips every article already
done; ``retry_failed`` also redoes those that failed, replacing their error lines.
"""

from __future__ import annotations

import asyncio
import glob
import json
import os
import sys
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from .article import decode_bytes, read_text
from .cache import Cache
from .config import Settings
from .errors import InputError, SummarizerError
from .pipeline import Summarizer
from .record import ArticleSummary

__all__ = [
    "ArticleInput",
    "BatchResult",
    "JsonlSink",
    "Totals",
    "asummarize_many",
    "estimate_cost",
    "read_inputs",
    "summarize_many",
]

_TEXT_SUFFIXES = (".txt", ".text", ".md")
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article to summarise, or the error met reading it."""

    id: str
    text: str = ""
    date: str | None = None
    language: str | None = None
    title: str | None = None
    url: str | None = None
    error: SummarizerError | None = None


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
            return self.record.quality.prompt_tokens, self.record.quality.completion_tokens
        usage = getattr(self.error, "usage", None)
        if usage is not None:
            return usage.prompt_tokens, usage.completion_tokens
        return 0, 0

    def to_json(self) -> str:
        """The JSONL line for this result (without the newline)."""
        if self.record is not None:
            return self.record.model_dump_json()
        assert self.error is not None
        prompt, completion = self.tokens
        return json.dumps(
            {
                "id": self.id,
                "error": {
                    "type": type(self.error).__name__,
                    "message": str(self.error),
                    "exit_code": self.error.exit_code,
                },
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion},
            },
            ensure_ascii=False,
        )


def read_inputs(sources: Sequence[str], *, stdin: TextIO | None = None) -> list[ArticleInput]:
    """Expand ``sources`` into articles, in order; unreadable ones carry their error.

    Raises:
        InputError: A folder or pattern that matches nothing (a mistake in the command,
            not in an article).
    """
    found: list[ArticleInput] = []
    for source in sources:
        if source == "-":
            found.extend(_from_stdin(stdin or sys.stdin))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in (*_TEXT_SUFFIXES, ".jsonl")
            )
            if not files:
                raise InputError(f"{source}: no .txt, .md or .jsonl files in this folder")
        elif _GLOB_CHARS & set(source) and not path.exists():
            files = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
            if not files:
                raise InputError(f"{source}: no file matches this pattern")
        else:
            files = [path]
        for file in files:
            if file.suffix.lower() == ".jsonl":
                found.extend(_from_jsonl(file))
            else:
                found.append(_from_file(file))
    return found


def _from_file(path: Path) -> ArticleInput:
    try:
        return ArticleInput(id=str(path), text=read_text(path))
    except InputError as exc:
        return ArticleInput(id=str(path), error=exc)


def _from_stdin(stdin: TextIO) -> list[ArticleInput]:
    data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("utf-8")
    try:
        text = decode_bytes(data, source="standard input")
    except InputError as exc:
        return [ArticleInput(id="-", error=exc)]
    if text.lstrip().startswith("{"):
        return list(_jsonl_lines(text.splitlines(), "-"))
    return [ArticleInput(id="-", text=text)]


def _from_jsonl(path: Path) -> list[ArticleInput]:
    try:
        text = read_text(path)
    except InputError as exc:
        return [ArticleInput(id=str(path), error=exc)]
    return list(_jsonl_lines(text.splitlines(), str(path)))


def _jsonl_lines(lines: Iterable[str], source: str) -> Iterator[ArticleInput]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            yield ArticleInput(id=where, error=InputError(f"{where}: not a JSON object ({exc})"))
            continue
        article_id = str(item.get("id") or where)
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            yield ArticleInput(id=article_id, error=InputError(f"{where}: no 'text' in this line"))
            continue
        yield ArticleInput(
            id=article_id,
            text=text,
            date=_opt(item, "date"),
            language=_opt(item, "language"),
            title=_opt(item, "title"),
            url=_opt(item, "url"),
        )


def _opt(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return str(value) if value not in (None, "") else None


async def asummarize_many(
    articles: Iterable[ArticleInput | str],
    summarizer: Summarizer,
    *,
    concurrency: int = 8,
) -> AsyncIterator[BatchResult]:
    """Summarise articles with at most ``concurrency`` in flight; yield results as they finish.

    Strings are taken as article texts, identified by their position. Errors are
    results, not exceptions: one bad article never stops the others.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
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
        record, cached = await summarizer.asummarize_cached(
            item.text, date=item.date, title=item.title, language=item.language, article_id=item.id
        )
    except SummarizerError as exc:
        return BatchResult(item.id, error=exc)
    except Exception as exc:  # a bug must cost one article, not the batch
        error = SummarizerError(f"{item.id}: unexpected {type(exc).__name__}: {exc}")
        error.__cause__ = exc
        return BatchResult(item.id, error=error)
    return BatchResult(item.id, record=record, cached=cached)


def summarize_many(
    articles: Iterable[ArticleInput | str],
    settings: Settings | None = None,
    *,
    concurrency: int = 8,
    cache: Cache | None = None,
) -> list[BatchResult]:
    """Summarise many articles concurrently; results in order of completion.

    Args:
        articles: Texts, or ``ArticleInput`` with ids and metadata (see ``read_inputs``).
        settings: Run settings; ``Settings()`` when omitted.
        concurrency: Articles in flight at once.
        cache: A ``Cache`` to read and fill; none when omitted.
    """

    async def run() -> list[BatchResult]:
        async with Summarizer(settings, cache=cache) as summarizer:
            return [r async for r in asummarize_many(articles, summarizer, concurrency=concurrency)]

    return asyncio.run(run())


class JsonlSink:
    """Append-only JSONL output that survives interruption and supports resuming.

    On opening, the file is read: a trailing partial line (the process died mid-write)
    is cut off, and the ids already done or failed are noted. ``retry_failed`` rewrites
    the file without the error lines (atomically), so every article appears once.
    """

    def __init__(self, path: Path, *, retry_failed: bool = False) -> None:
        self.path = path
        self.done: set[str] = set()
        self.failed: set[str] = set()
        if path.exists():
            self._recover(retry_failed)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")

    def _recover(self, retry_failed: bool) -> None:
        raw = self.path.read_bytes()
        complete = raw[: raw.rfind(b"\n") + 1]
        kept: list[bytes] = []
        for line in complete.splitlines(keepends=True):
            try:
                item = json.loads(line)
                article_id = str(item["id"])
            except (ValueError, KeyError, TypeError):
                kept.append(line)  # not ours to judge: keep it as it is
                continue
            if "error" in item:
                if retry_failed:
                    continue
                self.failed.add(article_id)
            else:
                self.done.add(article_id)
            kept.append(line)
        cleaned = b"".join(kept)
        if cleaned != raw:
            scratch = self.path.with_name(self.path.name + ".tmp")
            scratch.write_bytes(cleaned)
            os.replace(scratch, self.path)

    def seen(self, article_id: str) -> bool:
        return article_id in self.done or article_id in self.failed

    def write(self, result: BatchResult) -> None:
        self._file.write(result.to_json() + "\n")
        self._file.flush()
        (self.done if result.record is not None else self.failed).add(result.id)

    def close(self) -> None:
        self._file.close()


@dataclass(slots=True)
class Totals:
    """Running totals for a batch."""

    done: int = 0
    cached: int = 0
    failed: int = 0
    skipped: int = 0
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


def estimate_cost(backend: str, model: str, prompt_tokens: int, completion_tokens: int) -> str:
    """Estimated cost in US dollars from the price table, or why there is none."""
    if backend == "llama-cpp-python" or backend in ("ollama", "llama-server", "lmstudio"):
        return "$0 (local)"
    prices = _prices()
    price = prices.get(model) if backend == "openai" else None
    if price is None:
        return "unknown (no price for this model)"
    dollars = (prompt_tokens * price["input"] + completion_tokens * price["output"]) / 1_000_000
    return f"${dollars:.4f} (prices of {prices['_as_of']})"


def _prices() -> dict[str, Any]:
    text = resources.files("summarizer").joinpath("prices.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
