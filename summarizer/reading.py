"""Every request of one article: its parts read in waves, then merged into one record.

An article is read in the parts ``exchange.plan`` cuts (one, when it fits a request),
each part ``Settings.passes`` times, a later pass shown what the earlier ones found.
Parts are read in waves (``waves``): part 1 alone, then two parts at once, then four,
each shown the actors the waves before it named, so that one actor keeps one name
across parts. Each request holds one of the run's call slots while it is on the wire,
so a long article never has more calls in flight than the run's concurrency allows,
and a part waiting to retry leaves its slot to the others; every request has the
retry budget of ``llm.exchange``, and all draw on the article's token budget.
With a cache, each part's answer is kept as it comes, so a rerun sends only the
requests that were not answered.

A part that fails after its budget costs only its own sentences: the others are
merged into a record marked partial, which names the sentences not read and why.
Only when no part could be read does the article fail, with the first part's error.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from .actors import merge_actors
from .article import Article
from .assemble import assemble_record
from .cache import Cache
from .chunking import Chunk
from .config import Settings
from .connection import Endpoint, RatePause
from .draft import Draft, DraftActor, read_lenient
from .errors import SummarizerError
from .exchange import Extraction, Plan, Reask, Request, plan, prepare, read_answer
from .llm import exchange
from .mentions import is_named
from .merge import Answer, merge_drafts
from .prompts import PromptTemplate
from .record import ArticleSummary, ChunkReport, Unread
from .usage import TokenBudget, Usage

__all__ = [
    "PartRead",
    "Reader",
    "assemble_parts",
    "dump_extraction",
    "load_extraction",
    "read_part_answer",
    "waves",
]


@dataclass(slots=True)
class PartRead:
    """What became of one part: its answers, one per pass, what they cost, and the error
    that stopped it, if one did."""

    chunk: Chunk
    answers: list[Extraction[Draft]] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cached: int = 0
    error: SummarizerError | None = None


@dataclass(frozen=True, slots=True)
class Reader:
    """What reading one article needs: who answers, with what, under which limits.

    Attributes:
        settings: The run's settings (parts, passes, token budget, retry budget).
        endpoint: Who answers.
        client: The pooled client for the running event loop.
        pause: The endpoint's shared rate-limit pause.
        template: The prompt template.
        slots: The run's call slots: one held by every request while it is on the
            wire, none while it waits to retry.
        cache: Keeps each part's answer, when the article has several requests.
        answer_key: The cache key of one request's answer.
    """

    settings: Settings
    endpoint: Endpoint
    client: openai.AsyncOpenAI
    pause: RatePause
    template: PromptTemplate
    slots: asyncio.Semaphore
    cache: Cache | None = None
    answer_key: Callable[[Request], str] | None = None

    async def read(self, article: Article, started: float) -> ArticleSummary:
        """Read ``article`` in its parts and merge the answers into the verified record.

        Raises:
            InputError: The article cannot fit the model's context window.
            SummarizerError: No part could be read (the first part's error, with what
                every part cost).
        """
        settings = self.settings
        planned = plan(article, settings, template=self.template)
        budget = (
            TokenBudget(settings.max_tokens_per_article)
            if settings.max_tokens_per_article is not None
            else None
        )
        parts: list[PartRead] = []
        for wave in waves(planned.chunks):
            named = self._named(article, parts)
            # A task group: an unexpected error in one part cancels the others at once.
            try:
                async with asyncio.TaskGroup() as group:
                    tasks = [
                        group.create_task(self._read_part(article, planned, chunk, budget, named))
                        for chunk in wave
                    ]
            except BaseExceptionGroup as failed:
                raise failed.exceptions[0] from None
            parts.extend(task.result() for task in tasks)
        return assemble_parts(
            article,
            parts,
            endpoint=self.endpoint,
            prompt_version=self.template.version,
            settings=settings,
            seconds=time.perf_counter() - started,
        )

    @staticmethod
    def _named(article: Article, parts: list[PartRead]) -> list[DraftActor]:
        """The actors the parts read so far named, merged, whose names the text holds as
        written: an answer's invented name is never passed on to another part."""
        answers = [
            Answer(p.chunk, n, e.value) for p in parts for n, e in enumerate(p.answers, start=1)
        ]
        if not answers:
            return []
        merged, _ = merge_actors(merge_drafts(article, answers).draft.actors)
        return [a for a in merged if is_named(a.name, article)]

    async def _read_part(
        self,
        article: Article,
        planned: Plan,
        chunk: Chunk,
        budget: TokenBudget | None,
        named: list[DraftActor],
    ) -> PartRead:
        settings = self.settings
        part = PartRead(chunk)
        # One request per article is kept as its record; several, each as it comes.
        cache = self.cache if not chunk.whole or settings.passes > 1 else None
        for _ in range(settings.passes):
            known = (
                merge_drafts(article, [Answer(chunk, n, e.value) for n, e in enumerate(
                    part.answers, start=1)]).draft
                if part.answers
                else None
            )  # fmt: skip
            key = None
            if cache is not None and self.answer_key is not None:
                # An answer stands on its own sentences, whatever actors the prompt
                # listed: its key leaves them out, so a rerun after part 1 failed still
                # finds the answers of the parts after it.
                bare = prepare(
                    article, settings, self.endpoint, template=self.template,
                    planned=planned, chunk=chunk, known=known,
                )  # fmt: skip
                key = self.answer_key(bare)
                raw = cache.get_answer(key)
                kept = load_extraction(raw) if raw is not None else None
                if kept is not None:
                    part.answers.append(kept)
                    part.cached += 1
                    continue
            request = prepare(
                article, settings, self.endpoint, template=self.template,
                planned=planned, chunk=chunk, known=known, named=named,
            )  # fmt: skip
            try:
                extraction = await exchange(
                    self.client, self.endpoint, settings, request,
                    read_part_answer(article, chunk), self.pause, budget, self.slots,
                )  # fmt: skip
            except SummarizerError as exc:
                part.usage += exc.usage or Usage()
                part.error = exc
                break
            part.usage += extraction.usage
            part.answers.append(extraction)
            if cache is not None and key is not None:
                cache.put_answer(key, dump_extraction(extraction))
        return part


def waves(chunks: Sequence[Chunk]) -> list[list[Chunk]]:
    """The parts in the order they are read: the first alone, then twice as many at a
    time (1, 2, 4, 8 ...), each wave shown the actors the waves before it named.

    News names its main actors first, so most parts meet them under the names part 1
    gave; doubling keeps the rounds few (six for 40 parts) while every part sees the
    actors of at least the parts before its own wave.
    """
    out: list[list[Chunk]] = []
    at, size = 0, 1
    while at < len(chunks):
        out.append(list(chunks[at : at + size]))
        at += size
        size *= 2
    return out


def assemble_parts(
    article: Article,
    parts: list[PartRead],
    *,
    endpoint: Endpoint,
    prompt_version: str,
    settings: Settings,
    seconds: float = 0.0,
) -> ArticleSummary:
    """Merge what the parts of ``article`` brought into its verified record.

    Args:
        article: The article as read.
        parts: One per part, in order: its answers (one per pass) or its error.
        endpoint: Who answered.
        prompt_version: The template's version.
        settings: Passes, strictness and output language.
        seconds: Wall time of the whole summarisation.

    Raises:
        SummarizerError: No part brought an answer: the first part's error, with what
            every part cost.
    """
    usage = sum((p.usage for p in parts), Usage())
    answers = [
        (part.chunk, reading, extraction)
        for part in parts
        for reading, extraction in enumerate(part.answers, start=1)
    ]
    if not answers:
        error = next(p.error for p in parts if p.error is not None)
        error.usage = usage
        raise error
    merged = merge_drafts(article, [Answer(c, r, e.value) for c, r, e in answers])

    def where(chunk: Chunk) -> str:
        return f"{chunk.label()}: " if not chunk.whole else ""

    repairs = [f"{where(c)}{note}" for c, _, e in answers for note in e.repairs]
    unresolved = next((e.unresolved for c, _, e in answers if c.whole and e.unresolved), None)
    notes = [
        f"{c.label()}: the answer still failed validation after {e.reasks} re-ask(s); faulty "
        f"items were flagged or dropped: {e.unresolved}"
        for c, _, e in answers
        if not c.whole and e.unresolved
    ]
    notes += [
        f"{where(p.chunk)}pass {len(p.answers) + 1} failed: {p.error}"
        for p in parts
        if p.error is not None and p.answers
    ]
    return assemble_record(
        article,
        merged.draft,
        endpoint=endpoint,
        prompt_version=prompt_version,
        usage=usage,
        reasks=sum(e.reasks for _, _, e in answers),
        unresolved=unresolved,
        repairs=repairs,
        output_language=settings.output_language or article.language,
        strict=settings.strict,
        seconds=seconds,
        chunks=[_report(p, article) for p in parts],
        passes=settings.passes,
        duplicates=merged.duplicates,
        unread=_unread(parts, article),
        notes=notes,
    )


def read_part_answer(
    article: Article, chunk: Chunk
) -> Callable[[Request, ChatCompletion | Mapping[str, Any], bool], Extraction[Draft] | Reask]:
    """Reads an answer to the request for one part of ``article``: the draft, or a re-ask."""
    context = {"article": article, "chunk": chunk}

    def read(
        state: Request, answer: ChatCompletion | Mapping[str, Any], last: bool
    ) -> Extraction[Draft] | Reask:
        return read_answer(state, answer, Draft, context=context, lenient=read_lenient, last=last)

    return read


def _report(part: PartRead, article: Article) -> ChunkReport:
    start, end = part.chunk.span(article)
    return ChunkReport(
        index=part.chunk.index,
        first_sentence=part.chunk.first,
        last_sentence=part.chunk.last,
        start=start,
        end=end,
        passes=len(part.answers),
        attempts=part.usage.calls,
        cached=part.cached,
        prompt_tokens=part.usage.prompt_tokens,
        completion_tokens=part.usage.completion_tokens,
        error=None if part.error is None else str(part.error),
    )


def _unread(parts: list[PartRead], article: Article) -> list[Unread]:
    """The runs of sentences that no answered part read, each with its part's error."""
    done = {n for p in parts if p.answers for n in range(p.chunk.first, p.chunk.last + 1)}
    unread: list[Unread] = []
    for part in parts:
        if part.answers or part.error is None:
            continue
        reason = f"{part.chunk.label()}: {part.error}"
        for n in range(part.chunk.first, part.chunk.last + 1):
            if n in done:
                continue
            done.add(n)
            sentence = article.sentences[n - 1]
            last = unread[-1] if unread else None
            if last is not None and last.last_sentence == n - 1 and last.reason == reason:
                unread[-1] = last.model_copy(update={"last_sentence": n, "end": sentence.end})
            else:
                unread.append(
                    Unread(
                        first_sentence=n,
                        last_sentence=n,
                        start=sentence.start,
                        end=sentence.end,
                        reason=reason,
                    )
                )
    return unread


def dump_extraction(extraction: Extraction[Draft]) -> str:
    usage = extraction.usage
    return json.dumps(
        {
            "draft": extraction.value.model_dump(mode="json"),
            "validated": extraction.validated,
            "usage": usage.to_dict(),
            "reasks": extraction.reasks,
            "validation_errors": list(extraction.validation_errors),
            "repairs": list(extraction.repairs),
        },
        ensure_ascii=False,
    )


def load_extraction(raw: str, *, usage: bool = False) -> Extraction[Draft] | None:
    """An answer written by ``dump_extraction``; ``None`` when this version cannot read it.

    Args:
        raw: The JSON text.
        usage: Keep what the answer cost; else it costs nothing (a cache hit).
    """
    try:
        data = json.loads(raw)
        draft = Draft.model_validate(data["draft"], context={"lenient": True})
        return Extraction(
            draft,
            bool(data["validated"]),
            Usage.from_dict(data["usage"]) if usage else Usage(),
            int(data["reasks"]),
            tuple(data["validation_errors"]),
            list(data["repairs"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
