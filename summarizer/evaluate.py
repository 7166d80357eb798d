"""Internal: Scoring records against gold annotations: ``summarizer eval``.

Gold files are JSONL (or one JSON object), one article per line, in the format of the
project's evaluation data (``docs/gold-format.md`` in the repository): ``id``, ``text``,
``language``, ``date``, ``title`` and ``gold`` with ``summary``, ``actors`` (name, kind,
mentions with offsets), ``events`` (type, trigger span, arguments) and, where annotated,
``stances`` and ``demands`` (holder/claimant by actor name, evidence span).
``meta.annotated_layers``, when present, says which layers carry gold; the others are
not scored for that article.

Items are matched to gold one to one, best-scoring pair first; evidence earns credit
only when grounded and of plausible length: see ``summarizer.matching`` for the rules.
The summary is scored with ROUGE-L F1 (``rouge-score``) with a Unicode word tokenizer,
so accented text is scored as words.

Precision, recall and F1 are micro-averaged: true positives, predictions and gold
items are summed over the articles that have the layer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .batch import asummarize_many
from .draft import EVENT_TYPES
from .errors import InputError
from .inputs import ArticleInput
from .jsonl import jsonl_lines
from .matching import align_actors, credited, match_claims, match_events, sentence_spans
from .pipeline import Summarizer
from .record import ArticleSummary

__all__ = [
    "GoldArticle",
    "Layer",
    "Report",
    "format_report",
    "load_gold",
    "rouge_l",
    "run_eval",
    "score",
]

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One gold-annotated article."""

    id: str
    text: str
    language: str | None
    date: str | None
    title: str | None
    gold: dict[str, Any]
    layers: frozenset[str]


def load_gold(path: Path) -> list[GoldArticle]:
    """Read gold articles from a JSONL file, or from a file holding one JSON object.

    Raises:
        InputError: The file cannot be read, or a line is not a gold article.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from exc
    stripped = raw.strip()
    try:
        items = (
            [json.loads(stripped)]
            if stripped.startswith("{") and "\n{" not in stripped
            else [json.loads(line) for line in jsonl_lines(raw) if line.strip()]
        )
    except ValueError as exc:
        raise InputError(f"{path}: not JSON or JSONL ({exc})") from exc
    articles = []
    for n, item in enumerate(items, start=1):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("text"), str)
            or "gold" not in item
        ):
            raise InputError(f"{path}: item {n} has no 'text' and 'gold'")
        gold = item["gold"] or {}
        layers = (item.get("meta") or {}).get("annotated_layers") or [
            k for k, v in gold.items() if v
        ]
        articles.append(
            GoldArticle(
                id=str(item.get("id") or f"{path.name}:{n}"),
                text=item["text"],
                language=item.get("language"),
                date=item.get("date"),
                title=item.get("title"),
                gold=gold,
                layers=frozenset(layers),
            )
        )
    return articles


@dataclass(slots=True)
class Layer:
    """Counts for one layer: true positives, predictions, gold items."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0
    articles: int = 0

    @property
    def precision(self) -> float | None:
        """``None`` when nothing was predicted."""
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """``None`` when there is no gold."""
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """0 when nothing matched; ``None`` only when there was nothing to find or say."""
        if not self.gold and not self.predicted:
            return None
        if not self.tp:
            return 0.0
        p, r = self.tp / self.predicted, self.tp / self.gold
        return 2 * p * r / (p + r)

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.gold += gold
        self.articles += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision, "recall": self.recall, "f1": self.f1, "tp": self.tp,
            "predicted": self.predicted, "gold": self.gold, "articles": self.articles,
        }  # fmt: skip


@dataclass(slots=True)
class Report:
    """Scores over a gold set, and how the runs went."""

    layers: dict[str, Layer] = field(
        default_factory=lambda: {
            k: Layer() for k in ("actors", "events", "events_typed", "stances", "demands")
        }
    )
    rouge_l: list[float] = field(default_factory=list)
    grounded: list[float] = field(default_factory=list)
    claims_supported: list[float] = field(default_factory=list)
    articles: int = 0
    failed: int = 0
    first_try_valid: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        ran = self.articles - self.failed
        return {
            "articles": self.articles,
            "failed": self.failed,
            "layers": {name: layer.as_dict() for name, layer in self.layers.items()},
            "summary_rouge_l": mean(self.rouge_l),
            "grounded_share": mean(self.grounded),
            "claims_supported": mean(self.claims_supported),
            "schema_valid_first_try": self.first_try_valid / ran if ran else None,
            "reasks": self.reasks,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "seconds": round(self.seconds, 2),
            "errors": self.errors,
        }


def score(pairs: Iterable[tuple[GoldArticle, ArticleSummary | None, str | None]]) -> Report:
    """Score (gold, record or None, error or None) triples into one report."""
    report = Report()
    for gold, record, error in pairs:
        report.articles += 1
        if record is None:
            report.failed += 1
            report.errors.append(f"{gold.id}: {error}")
            continue
        _score_article(gold, record, report)
        q = record.quality
        report.first_try_valid += q.attempts == 1 and q.reasks == 0
        report.reasks += q.reasks
        report.prompt_tokens += q.prompt_tokens
        report.completion_tokens += q.completion_tokens
        report.seconds += q.seconds
        if q.grounded_share is not None:
            report.grounded.append(q.grounded_share)
        if q.claims:
            report.claims_supported.append(sum(c.supported for c in q.claims) / len(q.claims))
    return report


def _score_article(gold: GoldArticle, record: ArticleSummary, report: Report) -> None:
    """Add one article's matches to ``report``."""
    g = gold.gold
    sentences = sentence_spans(gold.text, gold.language)
    gold_actors = [a for a in g.get("actors") or [] if a.get("kind") != "place"]
    alignment = align_actors(gold_actors, record)
    if "actors" in gold.layers:
        report.layers["actors"].add(len(alignment), len(record.actors), len(gold_actors))
    if "events" in gold.layers:
        gold_events = g.get("events") or []
        matched = match_events(gold_events, record, sentences)
        report.layers["events"].add(len(matched), len(record.events), len(gold_events))
        if gold_events and all(e.get("type") in EVENT_TYPES for e in gold_events):
            typed = sum(record.events[p].type == gold_events[q].get("type") for p, q in matched)
            report.layers["events_typed"].add(typed, len(record.events), len(gold_events))
    by_name = {a["name"]: i for i, a in enumerate(gold_actors)}
    position = {a.id: i for i, a in enumerate(record.actors)}
    claims = {
        "stances": ("holder", [(c.holder, credited(c.evidence)) for c in record.stances]),
        "demands": ("claimant", [(c.claimant, credited(c.evidence)) for c in record.demands]),
    }
    for layer, (role, predicted) in claims.items():
        if layer in gold.layers:
            gold_items = g.get(layer) or []
            tp = match_claims(gold_items, predicted, role, by_name, alignment, position, sentences)
            report.layers[layer].add(tp, len(predicted), len(gold_items))
    human = g.get("summary")
    if human and "summary" in gold.layers:
        report.rouge_l.append(rouge_l(record.summary, human))


async def run_eval(articles: Sequence[GoldArticle], summarizer: Summarizer) -> Report:
    """Summarise every gold article with ``summarizer`` and score the records."""
    inputs = [
        ArticleInput(a.id, a.text, date=a.date, language=a.language, title=a.title)
        for a in articles
    ]
    by_id = {a.id: a for a in articles}
    pairs = []
    async for result in asummarize_many(inputs, summarizer):
        error = None if result.error is None else f"{type(result.error).__name__}: {result.error}"
        pairs.append((by_id[result.id], result.record, error))
    pairs.sort(key=lambda pair: pair[0].id)
    return score(pairs)


def format_report(report: Report, *, title: str = "") -> str:
    """The report as a plain-text table."""

    def figure(value: float | None) -> str:
        return "  n/a" if value is None else f"{value:5.3f}"

    data = report.as_dict()
    lines = [title] if title else []
    lines.append(f"{report.articles} articles, {report.failed} failed")
    lines.append(f"{'layer':13} {'P':>6} {'R':>6} {'F1':>6}   tp/predicted/gold  articles")
    for name, layer in report.layers.items():
        if not layer.articles:
            continue
        counts = f"{layer.tp}/{layer.predicted}/{layer.gold}"
        lines.append(
            f"{name:13} {figure(layer.precision):>6} {figure(layer.recall):>6} "
            f"{figure(layer.f1):>6}   {counts:>17}  {layer.articles:>8}"
        )
    lines.append(
        f"summary ROUGE-L F1: {figure(data['summary_rouge_l'])} ({len(report.rouge_l)} articles)"
        f" · headline and summary sentences supported {figure(data['claims_supported'])}"
    )
    lines.append(
        f"grounded share {figure(data['grounded_share'])} · schema-valid first try "
        f"{figure(data['schema_valid_first_try'])} · re-asks {report.reasks} · tokens "
        f"{report.prompt_tokens} + {report.completion_tokens} · {report.seconds:.1f} s"
    )
    lines += [f"failed: {e}" for e in report.errors]
    return "\n".join(lines)


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 between two texts, on Unicode words, case-folded."""
    return float(_rouge_scorer().score(reference, prediction)["rougeL"].fmeasure)


@cache
def _rouge_scorer() -> Any:
    from rouge_score import rouge_scorer, tokenizers

    class _Words(tokenizers.Tokenizer):  # type: ignore[misc]
        def tokenize(self, text: str) -> list[str]:
            return _WORD.findall(text.casefold())

    return rouge_scorer.RougeScorer(["rougeL"], tokenizer=_Words())
