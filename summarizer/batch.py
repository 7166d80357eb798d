"""Many articles: inputs, bounded concurrency, resumable JSONL output, usage totals.

Inputs are files, folders (their ``.txt``/``.md``/``.jsonl`` files), glob patterns,
standard input, and JSONL files with one article per line (``id``, ``text``, and
optionally ``date``, ``language``, ``url``, ``title``). Each article becomes one JSONL
line: its record, or an error record naming the article and the cause.

Ids must tell articles apart, or resuming would take one article for another: an id
that two inputs share is qualified with its source (``feed.jsonl#1``), and an input
that repeats an id is refused. Writing the output is ``output``'s concern.
"""

from __future__ import annotations

import asyncio
import json
import logging
import stat
import sys
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from .article import decode_bytes, read_text
from .cache import Cache
from .config import Settings
from .errors import DuplicateIdError, InputError, SummarizerError
from .globbing import expand_pattern
from .pipeline import Summarizer
from .record import ArticleSummary

__all__ = [
    "ArticleInput",
    "BatchResult",
    "Totals",
    "asummarize_many",
    "estimate_cost",
    "read_inputs",
    "summarize_many",
]

_TEXT_SUFFIXES = (".txt", ".text", ".md")
_GLOB_CHARS = frozenset("*?[")

log = logging.getLogger("summarizer")


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
    source: str | None = None
    """The file (or ``-``) the article was read from, when it was read by ``read_inputs``."""


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

    In folders and patterns, anything but a regular file (a named pipe, a socket, a
    device) is skipped with a warning: reading it could block the run. Named on its own,
    such a file is read as a stream, like standard input.

    Raises:
        InputError: A folder or pattern that matches nothing (a mistake in the command,
            not in an article).
        DuplicateIdError: One input gives two articles the same id (or a file is given
            twice).
    """
    found: list[ArticleInput] = []
    for source in sources:
        if source == "-":
            found.extend(_from_stdin(stdin or sys.stdin))
            continue
        path = Path(source)
        if path.is_dir():
            files = _regular(sorted(path.rglob("*")), (*_TEXT_SUFFIXES, ".jsonl"))
            if not files:
                raise InputError(f"{source}: no .txt, .md or .jsonl files in this folder")
        elif _GLOB_CHARS & set(source) and not path.exists():
            files = _regular(expand_pattern(source), None)
            if not files:
                raise InputError(f"{source}: no file matches this pattern")
        else:
            files = [path]
        for file in files:
            if file.suffix.lower() == ".jsonl":
                found.extend(_from_jsonl(file))
            else:
                found.append(_from_file(file))
    return _unique_ids(found)


def _regular(paths: Iterable[Path], suffixes: tuple[str, ...] | None) -> list[Path]:
    """The regular files among ``paths`` (with one of ``suffixes``); warn about the rest."""
    kept: list[Path] = []
    for path in paths:
        if suffixes is not None and path.suffix.lower() not in suffixes:
            continue
        if path.is_file():
            kept.append(path)
        elif not path.is_dir():
            log.warning("skipping %s: %s, not a regular file", path, _kind_of(path))
    return kept


def _kind_of(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "a broken link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _unique_ids(found: list[ArticleInput]) -> list[ArticleInput]:
    """Qualify ids shared between inputs with their source; refuse ids an input repeats."""
    where: defaultdict[str, list[str | None]] = defaultdict(list)
    for item in found:
        where[item.id].append(item.source)
    shared = {i for i, sources in where.items() if len(sources) > 1}
    if not shared:
        return found
    repeated: defaultdict[str, list[str]] = defaultdict(list)
    for article_id in sorted(shared):
        for source in dict.fromkeys(where[article_id]):
            if where[article_id].count(source) > 1:
                repeated[str(source)].append(article_id)
    if repeated:
        raise DuplicateIdError(
            "the same id for two articles would make resuming skip one of them: "
            + "; ".join(_repeats(source, ids) for source, ids in repeated.items())
        )
    unique = [
        replace(item, id=f"{item.source}#{item.id}") if item.id in shared else item
        for item in found
    ]
    clashes = sorted(i for i, n in Counter(u.id for u in unique).items() if n > 1)
    if clashes:
        raise DuplicateIdError(
            f"ids still shared after adding their source: {', '.join(clashes[:5])}; "
            "give the articles unique ids"
        )
    return unique


def _repeats(source: str, ids: list[str]) -> str:
    if ids == [source]:
        return f"{source} is given more than once"
    more = f" (and {len(ids) - 5} more)" if len(ids) > 5 else ""
    return f"{source} repeats id {', '.join(ids[:5])}{more}"


def _from_file(path: Path) -> ArticleInput:
    try:
        return ArticleInput(id=str(path), text=read_text(path), source=str(path))
    except InputError as exc:
        return ArticleInput(id=str(path), error=exc, source=str(path))


def _from_stdin(stdin: TextIO) -> list[ArticleInput]:
    data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("utf-8")
    try:
        text = decode_bytes(data, source="standard input")
    except InputError as exc:
        return [ArticleInput(id="-", error=exc, source="-")]
    if text.lstrip().startswith("{"):
        return list(_jsonl_lines(text.splitlines(), "-"))
    return [ArticleInput(id="-", text=text, source="-")]


def _from_jsonl(path: Path) -> list[ArticleInput]:
    try:
        text = read_text(path)
    except InputError as exc:
        return [ArticleInput(id=str(path), error=exc, source=str(path))]
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
            error = InputError(f"{where}: not a JSON object ({exc})")
            yield ArticleInput(id=where, error=error, source=source)
            continue
        article_id, problem = _jsonl_id(item.get("id"), where)
        text, text_problem = _jsonl_text(item.get("text"))
        problem = problem or text_problem
        if problem is not None:
            error = InputError(f"{where}: {problem}")
            yield ArticleInput(id=article_id, error=error, source=source)
            continue
        yield ArticleInput(
            id=article_id,
            text=text,
            date=_opt(item, "date"),
            language=_opt(item, "language"),
            title=_opt(item, "title"),
            url=_opt(item, "url"),
            source=source,
        )


def _jsonl_id(value: object, where: str) -> tuple[str, str | None]:
    """A JSONL line's id (its position when it has none), and what is wrong with it."""
    if value is None or value == "":
        return where, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value), None
    return where, f"'id' must be a string or a number, not {_json_type(value)}"


_JSON_TYPES = {
    bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"
}  # fmt: skip


def _jsonl_text(value: object) -> tuple[str, str | None]:
    """A JSONL line's text, and what is wrong with it."""
    if isinstance(value, str):
        return value, None if value.strip() else "no 'text' in this line"
    if value is None:
        return "", "no 'text' in this line"
    return "", f"'text' must be a string, not {_json_type(value)}"


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


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
