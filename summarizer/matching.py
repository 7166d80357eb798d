"""Internal: Matching a record's items to gold items, for ``summarizer eval``.

Per article, one to one and greedily by score (the best-scoring pair first,
so a predicted item goes to the gold item it overlaps most, not the first in the list):

- **Evidence credit.** Only evidence that is *grounded* (its quote proven verbatim in
  the text) earns credit: a quote that was not found, whose span is the sentence the
  model cited, earns nothing, nor does a misquote. A credited span supports a gold span
  when two overlap ratios, in the manner of IoU, both reach one half:
  ``|evidence ∩ gold| / min(|evidence|, |gold|)`` (they share most of the shorter
  one), and ``|evidence ∩ sentences(gold)| / |evidence|`` (most of the evidence lies
  in the sentence or sentences holding the gold span). The second keeps spans to a
  plausible length: a clause or a sentence is credited, a paragraph or the whole
  article is not. (A plain IoU against the gold span would refuse honest quotes: gold
  triggers are single words, quotes are clauses.)
- **Actors** (coreference-aware): a predicted actor matches a gold actor when their
  mentions overlap, each pair of mentions with IoU >= 0.5; the pair's score is the
  share of both actors' mentions that overlap the other's (Dice), so an actor goes to
  the gold actor whose mentions it shares most. Failing that, when one of its names is
  close to one of the gold names (rapidfuzz ``token_set_ratio`` >= 85; ties go to the
  closer plain ratio). Degenerate names and mentions (stop words only, single letters,
  punctuation) never match anything. Actors are matched on mentions, not evidence: an
  actor's quote is a clause that names others too. Gold actors of kind ``place`` are
  left out: places are not actors to summarizer.
- **Events**: a predicted event matches a gold event when credited evidence supports
  the gold trigger (strongest) or an argument span. *Typed* counts only matches whose
  type also agrees, on gold that uses summarizer's (PLOVER) types.
- **Stances / demands**: the holder (claimant) must be the predicted actor matched to
  the gold holder, and credited evidence must support the gold evidence span.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz

from .article import detect_language, split_sentences
from .grounding import fold
from .lexicon import STOP_WORDS, tokens
from .record import ArticleSummary, Evidence

__all__ = ["Span", "align_actors", "credited", "match_claims", "match_events", "sentence_spans"]

Span = tuple[int, int]
_NAME_MATCH = 85.0
# Overlap ratios a credited span needs against a gold span: see the module docstring.
_SHARED = 0.5
_IN_GOLD_SENTENCES = 0.5
_MENTION_IOU = 0.5


def credited(evidence: list[Evidence]) -> list[Span]:
    """Spans of the evidence that can earn credit: grounded quotes only."""
    return [
        (e.start, e.end)
        for e in evidence
        if e.grounded and e.start is not None and e.end is not None
    ]


def sentence_spans(text: str, language: str | None) -> list[Span]:
    """The sentences of a gold article, as spans (its language detected when not given)."""
    return [(s.start, s.end) for s in split_sentences(text, 0, language or detect_language(text))]


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _sentences_of(span: Span, sentences: Sequence[Span]) -> Span:
    """The sentence or sentences holding ``span`` (the span itself, outside any)."""
    holding = [s for s in sentences if _overlap(s, span) > 0]
    if not holding:
        return span
    return holding[0][0], holding[-1][1]


def _supports(evidence: Sequence[Span], gold: Sequence[Span], sentences: Sequence[Span]) -> bool:
    """Whether any credited span supports any gold span: see the module docstring."""
    for e in evidence:
        for g in gold:
            shared = _overlap(e, g)
            shorter = min(e[1] - e[0], g[1] - g[0])
            if shorter <= 0 or shared < _SHARED * shorter:
                continue
            if _overlap(e, _sentences_of(g, sentences)) >= _IN_GOLD_SENTENCES * (e[1] - e[0]):
                return True
    return False


def _iou(a: Span, b: Span) -> float:
    union = max(a[1], b[1]) - min(a[0], b[0])
    return _overlap(a, b) / union if union > 0 else 0.0


def _degenerate(name: str) -> bool:
    """A name that names no one: stop words, single letters, punctuation."""
    return not [w for w in tokens(fold(name).text) if len(w) > 1 and w not in STOP_WORDS]


def _greedy(scores: list[tuple[float, int, int]]) -> dict[int, int]:
    """One-to-one matching, strongest first: predicted index -> gold index."""
    used_p: set[int] = set()
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for _, p, g in sorted(scores, key=lambda x: (-x[0], x[1], x[2])):
        if p not in used_p and g not in used_g:
            out[p] = g
            used_p.add(p)
            used_g.add(g)
    return out


def align_actors(gold_actors: list[dict[str, Any]], record: ArticleSummary) -> dict[int, int]:
    scores: list[tuple[float, int, int]] = []
    gold_mentions = [
        [(m["start"], m["end"]) for m in g.get("mentions") or [] if not _degenerate(m["text"])]
        for g in gold_actors
    ]
    gold_names = [
        [
            n
            for n in [g["name"], *(m["text"] for m in g.get("mentions") or [])]
            if not _degenerate(n)
        ]
        for g in gold_actors
    ]
    for p, actor in enumerate(record.actors):
        if _degenerate(actor.name):
            continue
        mentions = [(m.start, m.end) for m in actor.mentions if not _degenerate(m.text)]
        names = [n for n in [actor.name, *(m.text for m in actor.mentions)] if not _degenerate(n)]
        for g in range(len(gold_actors)):
            shared = _mention_dice(mentions, gold_mentions[g])
            if shared > 0:
                # Any overlap of mentions outranks a match by name alone.
                scores.append((1.0 + shared, p, g))
                continue
            best = max(
                (_name_similarity(a, b) for a in names for b in gold_names[g]), default=(0.0, 0.0)
            )
            if best[0] >= _NAME_MATCH:
                scores.append((0.99 * best[0] / 100 + 0.01 * best[1] / 100, p, g))
    return _greedy(scores)


def _name_similarity(predicted: str, gold: str) -> tuple[float, float]:
    """``token_set_ratio`` and plain ratio of two names, folded.

    ``token_set_ratio`` is 100 whenever one name's words are all in the other: right for
    a surname against a full name, wrong for a "name" that is a whole sentence holding
    the gold name. So a predicted name may have at most one word more than the gold one.
    """
    a, b = tokens(fold(predicted).text), tokens(fold(gold).text)
    if len(a) > len(b) + 1:
        return 0.0, 0.0
    x, y = " ".join(a), " ".join(b)
    return fuzz.token_set_ratio(x, y), fuzz.ratio(x, y)


def _mention_dice(predicted: list[Span], gold: list[Span]) -> float:
    """Share of both actors' mentions that overlap one of the other's (IoU >= 0.5)."""
    if not predicted or not gold:
        return 0.0
    hit_p = sum(any(_iou(p, g) >= _MENTION_IOU for g in gold) for p in predicted)
    hit_g = sum(any(_iou(p, g) >= _MENTION_IOU for p in predicted) for g in gold)
    return (hit_p + hit_g) / (len(predicted) + len(gold))


def match_events(
    gold_events: list[dict[str, Any]], record: ArticleSummary, sentences: Sequence[Span]
) -> list[tuple[int, int]]:
    scores: list[tuple[float, int, int]] = []
    for p, event in enumerate(record.events):
        predicted = credited(event.evidence)
        for g, gold in enumerate(gold_events):
            trigger = gold.get("trigger")
            triggers = [(trigger["start"], trigger["end"])] if trigger else []
            arguments = [(a["start"], a["end"]) for a in gold.get("arguments") or []]
            if _supports(predicted, triggers, sentences):
                scores.append((2.0, p, g))
            elif _supports(predicted, arguments, sentences):
                scores.append((1.0, p, g))
    return sorted(_greedy(scores).items())


def match_claims(
    gold_items: list[dict[str, Any]],
    predicted: list[tuple[str, list[Span]]],
    role: str,
    gold_actor_index: dict[str, int],
    alignment: dict[int, int],
    position: dict[str, int],
    sentences: Sequence[Span],
) -> int:
    """How many predicted claims match a gold one: same (aligned) actor, overlapping evidence."""
    scores = []
    for p, (who, spans) in enumerate(predicted):
        aligned_to = alignment.get(position.get(who, -1))
        for g, gold in enumerate(gold_items):
            evidence = gold.get("evidence") or {}
            if (
                aligned_to is not None
                and gold_actor_index.get(str(gold.get(role))) == aligned_to
                and "start" in evidence
                and _supports(spans, [(evidence["start"], evidence["end"])], sentences)
            ):
                scores.append((1.0, p, g))
    return len(_greedy(scores))
