"""Internal: One draft from the answers of a long article's parts and passes.

Each answer numbers its actors from A1. The merged draft renumbers them, so ids never
collide, and leaves to ``verify`` (``actors.merge_actors``) to merge the actors that
name one entity: across parts by the same rules as within one answer (a shared name or
mention, a surname, a role). A stance, demand or event found again, in the overlap of
two parts or by a later pass, is kept once: an item whose evidence overlaps the evidence
of an item of the same kind from an earlier answer is left out. Items of one answer
are never merged with each other: the model listed them as distinct.

Headline and summary are the first part's first answer: news puts its gist first.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from .article import Article
from .chunking import Chunk
from .draft import Draft, DraftActor, DraftDemand, DraftEvent, DraftStance
from .grounding import locate

__all__ = ["Answer", "Merged", "merge_drafts"]

_Evidenced = DraftStance | DraftDemand | DraftEvent


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: the part it read, which pass it was (from 1), and the draft."""

    chunk: Chunk
    reading: int
    draft: Draft


@dataclass(frozen=True, slots=True)
class Merged:
    """The merged draft, and how many items were left out as found twice."""

    draft: Draft
    duplicates: int


def merge_drafts(article: Article, answers: Sequence[Answer]) -> Merged:
    """Merge the answers for the parts of ``article`` into one draft.

    Args:
        article: The article the parts belong to.
        answers: Every answer kept, in any order; they are taken part by part, and
            pass by pass within a part.

    Raises:
        ValueError: No answers.
    """
    if not answers:
        raise ValueError("no answers to merge")
    ordered = sorted(answers, key=lambda a: (a.chunk.index, a.reading))
    if len(ordered) == 1:
        return Merged(ordered[0].draft, 0)
    actors: list[DraftActor] = []
    kept: dict[str, list[_Evidenced]] = {"stances": [], "demands": [], "events": []}
    spans = {kind: _Spans() for kind in kept}
    duplicates = 0
    for n, answer in enumerate(ordered):
        draft = answer.draft
        ids = {actor.id: f"A{len(actors) + i}" for i, actor in enumerate(draft.actors, start=1)}
        actors.extend(a.model_copy(update={"id": ids[a.id]}) for a in draft.actors)

        def ref(
            value: str | None, ids: dict[str, str] = ids, answer: Answer = answer
        ) -> str | None:
            if value is None:
                return None
            # A reference to no actor of its own answer stays one, recognisably.
            return ids.get(value, f"{value} ({answer.chunk.label()})")

        renamed: dict[str, list[_Evidenced]] = {
            "stances": [
                s.model_copy(update={"holder": ref(s.holder), "target": ref(s.target)})
                for s in draft.stances
            ],
            "demands": [
                d.model_copy(update={"claimant": ref(d.claimant), "addressee": ref(d.addressee)})
                for d in draft.demands
            ],
            "events": [
                e.model_copy(
                    update={
                        "agents": [ref(a) for a in e.agents],
                        "targets": [ref(t) for t in e.targets],
                    }
                )
                for e in draft.events
            ],
        }
        for kind, items in renamed.items():
            for item in items:
                span = _span(item, article)
                if span is not None and spans[kind].overlaps(span, besides=n):
                    duplicates += 1
                    continue
                kept[kind].append(item)
                if span is not None:
                    spans[kind].add(span, n)
    first = ordered[0].draft
    merged = Draft.model_construct(
        headline=first.headline,
        summary=first.summary,
        actors=actors,
        stances=kept["stances"],
        demands=kept["demands"],
        events=kept["events"],
    )
    return Merged(merged, duplicates)


def _span(item: _Evidenced, article: Article) -> tuple[int, int] | None:
    """Where the item's evidence stands: its quote, else the sentences it cites."""
    found = locate(item.quote, article, item.sentences)
    if found.start is not None and found.end is not None and found.match != "sentence":
        return found.start, found.end
    cited = [s for s in (article.sentence(n) for n in item.sentences) if s is not None]
    if not cited:
        return None
    return min(s.start for s in cited), max(s.end for s in cited)


class _Spans:
    """Evidence spans kept so far, sorted by start, each with the answer it came from."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[tuple[int, int, int]] = []  # start, end, answer
        self.longest = 0

    def add(self, span: tuple[int, int], answer: int) -> None:
        at = bisect.bisect_right(self.starts, span[0])
        self.starts.insert(at, span[0])
        self.spans.insert(at, (span[0], span[1], answer))
        self.longest = max(self.longest, span[1] - span[0])

    def overlaps(self, span: tuple[int, int], *, besides: int) -> bool:
        """Whether a span of another answer than ``besides`` overlaps ``span``."""
        start, end = span
        # Only spans starting less than the longest span's length before it can reach it.
        low = bisect.bisect_left(self.starts, start - self.longest)
        high = bisect.bisect_left(self.starts, end)
        return any(
            s < end and start < e and answer != besides for s, e, answer in self.spans[low:high]
        )
