"""The scorer against answers built from gold: honest ones score 1, exploits about 0.

No model is needed. For each gold article (``dev.jsonl`` and the sample's gold, which has
stances and demands) records are built straight from the gold annotations:

- *honest, sentences*: one actor per gold actor (its name and mentions), one event per
  gold event and one stance or demand per gold one, each quoting, grounded, the whole
  sentence that holds its gold span;
- *honest, clauses*: the same, quoting exactly the gold trigger or evidence span;
- *whole article*: every evidence span is the whole article (actors named "Actor N",
  with no mentions);
- *unverified quotes*: the honest actors, but every other item's quote was not found,
  so its span is the cited sentence and it is not grounded;
- *actors all "the"*: as many actors as gold has, each named "the", with every "the"
  of the article as a mention.

``summarizer.evaluate.score`` scores them (rules in ``summarizer.matching``) beside the
former rules (any overlap of any located span or mention; names by ``token_set_ratio``
>= 85; no check of grounding, length or degenerate names), re-implemented here.

Usage::

    python benchmarks/scorer.py [path/to/dev.jsonl ...]
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from summarizer.draft import EVENT_TYPES
from summarizer.evaluate import GoldArticle, Layer, load_gold, score
from summarizer.matching import sentence_spans
from summarizer.record import ArticleSummary, located_spans

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    ROOT / "examples" / "afp-2020-01-pompeo-fr.gold.json",
]
LAYERS = ("actors", "events", "stances", "demands")
Answer = Callable[[GoldArticle], ArticleSummary]


def _evidence(text: str, span: tuple[int, int], grounded: bool = True) -> dict[str, Any]:
    start, end = span
    return {"sentence": 1, "quote": text[start:end] if grounded else "not in the text",
            "start": start, "end": end, "match": "exact" if grounded else "sentence",
            "grounded": grounded}  # fmt: skip


def _record(gold: GoldArticle, actors: list[Any], items: dict[str, list[Any]]) -> ArticleSummary:
    return ArticleSummary.model_validate(
        {"headline": "h", "summary": "s", "language": gold.language or "en",
         "output_language": gold.language or "en", "text": gold.text, "actors": actors,
         "stances": items.get("stances", []), "demands": items.get("demands", []),
         "events": items.get("events", []),
         "quality": {"model": "m", "endpoint": "e", "backend": "b", "mode": "m",
                     "prompt_version": "p", "attempts": 1, "reasks": 0, "prompt_tokens": 1,
                     "completion_tokens": 1, "seconds": 0.0, "items": {},
                     "grounded_share": 1.0, "flagged": 0, "dropped": 0}}
    )  # fmt: skip


def _gold_actors(gold: GoldArticle) -> list[dict[str, Any]]:
    return [a for a in gold.gold.get("actors") or [] if a.get("kind") != "place"]


def _honest(gold: GoldArticle, quote: str, grounded: bool = True) -> ArticleSummary:
    """Items straight from gold; ``quote`` is "sentence" or "clause"."""
    sentences = sentence_spans(gold.text, gold.language)

    def span(start: int, end: int) -> tuple[int, int]:
        if quote == "clause":
            return start, end
        holding = [s for s in sentences if s[0] < end and start < s[1]] or [(start, end)]
        return holding[0][0], holding[-1][1]

    actors, ids = [], {}
    for n, actor in enumerate(_gold_actors(gold), start=1):
        ids[actor["name"]] = f"A{n}"
        mentions = [{"text": m["text"], "start": m["start"], "end": m["end"]}
                    for m in actor.get("mentions") or []]  # fmt: skip
        first = mentions[0] if mentions else None
        evidence = [_evidence(gold.text, (first["start"], first["end"]))] if first else []
        actors.append({"id": f"A{n}", "name": actor["name"], "kind": "person",
                       "mentions": mentions, "evidence": evidence})  # fmt: skip
    events = []
    for event in gold.gold.get("events") or []:
        anchor = event.get("trigger") or (event.get("arguments") or [None])[0]
        if anchor is None:
            continue
        evidence = [_evidence(gold.text, span(anchor["start"], anchor["end"]), grounded)]
        kind = event.get("type") if event.get("type") in EVENT_TYPES else "other"
        events.append({"type": kind,
                       "description": "d", "agents": [], "targets": [], "realis": "occurred",
                       "evidence": evidence})  # fmt: skip
    items: dict[str, list[Any]] = {"events": events}
    for layer, role in (("stances", "holder"), ("demands", "claimant")):
        items[layer] = []
        for claim in gold.gold.get(layer) or []:
            who, where = ids.get(str(claim.get(role))), claim.get("evidence") or {}
            if who is None or "start" not in where:
                continue
            evidence = [_evidence(gold.text, span(where["start"], where["end"]), grounded)]
            if layer == "stances":
                items[layer].append({"holder": who, "topic": "t", "position": "neutral",
                                     "paraphrase": "p", "speech": "reported",
                                     "evidence": evidence})  # fmt: skip
            else:
                items[layer].append({"claimant": who, "demand": "d", "evidence": evidence})
    return _record(gold, actors, items)


def _whole_article(gold: GoldArticle) -> ArticleSummary:
    whole = [_evidence(gold.text, (0, len(gold.text)))]
    actors = [{"id": f"A{n}", "name": f"Actor {n}", "kind": "person", "mentions": [],
               "evidence": whole} for n in range(1, len(_gold_actors(gold)) + 1)]  # fmt: skip
    honest = _honest(gold, "sentence").model_dump()
    for layer in ("events", "stances", "demands"):
        for item in honest[layer]:
            item["evidence"] = whole
    return _record(gold, actors, {k: honest[k] for k in ("events", "stances", "demands")})


def _unverified(gold: GoldArticle) -> ArticleSummary:
    return _honest(gold, "sentence", grounded=False)


def _all_the(gold: GoldArticle) -> ArticleSummary:
    mentions = [{"text": m.group(), "start": m.start(), "end": m.end()}
                for m in re.finditer(r"\b[Tt]he\b", gold.text)]  # fmt: skip
    actors = [{"id": f"A{n}", "name": "the", "kind": "person", "mentions": mentions,
               "evidence": []} for n in range(1, len(_gold_actors(gold)) + 1)]  # fmt: skip
    return _record(gold, actors, {})


def _former_f1(golds: list[GoldArticle], answer: Answer) -> dict[str, float | None]:
    """The former rules: any overlap of located spans or mentions, names by token set."""
    layers = {name: Layer() for name in LAYERS}
    for gold in golds:
        record = answer(gold)
        g = gold.gold
        actors = _gold_actors(gold)
        pairs = []
        for p, actor in enumerate(record.actors):
            spans = [(m.start, m.end) for m in actor.mentions] + located_spans(actor.evidence)
            names = [actor.name, *(m.text for m in actor.mentions)]
            for q, ga in enumerate(actors):
                gold_spans = [(m["start"], m["end"]) for m in ga.get("mentions") or []]
                gold_names = [ga["name"], *(m["text"] for m in ga.get("mentions") or [])]
                if _any_overlap(spans, gold_spans) or any(
                    fuzz.token_set_ratio(a.casefold(), b.casefold()) >= 85
                    for a in names for b in gold_names
                ):  # fmt: skip
                    pairs.append((p, q))
        alignment = _one_to_one(pairs)
        if "actors" in gold.layers:
            layers["actors"].add(len(alignment), len(record.actors), len(actors))
        if "events" in gold.layers:
            gold_events = g.get("events") or []
            event_pairs = []
            for p, event in enumerate(record.events):
                for q, ge in enumerate(gold_events):
                    spans = [(a["start"], a["end"]) for a in ge.get("arguments") or []]
                    if ge.get("trigger"):
                        spans.append((ge["trigger"]["start"], ge["trigger"]["end"]))
                    if _any_overlap(located_spans(event.evidence), spans):
                        event_pairs.append((p, q))
            matched = len(_one_to_one(event_pairs))
            layers["events"].add(matched, len(record.events), len(gold_events))
        position = {a.id: i for i, a in enumerate(record.actors)}
        by_name = {a["name"]: i for i, a in enumerate(actors)}
        for layer, role in (("stances", "holder"), ("demands", "claimant")):
            if layer not in gold.layers:
                continue
            items = record.stances if layer == "stances" else record.demands
            gold_items = g.get(layer) or []
            claim_pairs = []
            for p, item in enumerate(items):
                who = item.holder if layer == "stances" else item.claimant  # type: ignore[union-attr]
                for q, gi in enumerate(gold_items):
                    ev = gi.get("evidence") or {}
                    if (
                        alignment.get(position.get(who, -1)) == by_name.get(str(gi.get(role)))
                        and "start" in ev
                        and _any_overlap(located_spans(item.evidence), [(ev["start"], ev["end"])])
                    ):
                        claim_pairs.append((p, q))
            layers[layer].add(len(_one_to_one(claim_pairs)), len(items), len(gold_items))
    return {name: layer.f1 for name, layer in layers.items()}


def _any_overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _one_to_one(pairs: list[tuple[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for p, q in pairs:
        if p not in out and q not in out.values():
            out[p] = q
    return out


def main(paths: list[Path]) -> None:
    golds = [gold for path in paths for gold in load_gold(path)]
    answers: list[tuple[str, Answer]] = [
        ("honest, sentences", lambda g: _honest(g, "sentence")),
        ("honest, clauses", lambda g: _honest(g, "clause")),
        ("whole article", _whole_article),
        ("unverified quotes", _unverified),
        ('actors all "the"', _all_the),
    ]
    print(f"{len(golds)} gold articles; F1 per layer, summarizer's scorer (former rules)")
    print(f"{'answer':20} " + " ".join(f"{name:>17}" for name in LAYERS))
    for label, answer in answers:
        report = score((gold, answer(gold), None) for gold in golds)
        former = _former_f1(golds, answer)
        cells = []
        for name in LAYERS:
            ours, old = report.layers[name].f1, former[name]
            cells.append(f"{_fmt(ours):>7} ({_fmt(old)})".rjust(17))
        print(f"{label:20} " + " ".join(cells))


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
