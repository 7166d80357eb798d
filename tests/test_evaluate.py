"""The scorer, on hand-built records against hand-built gold, and one recorded run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.evaluate import GoldArticle, Report, format_report, load_gold, rouge_l, score
from summarizer.record import ArticleSummary, Claim

from .conftest import EXAMPLES
from .records import hand_built_record

TEXT = "Mayor Ana Diaz met the union. The union called a strike on Monday. Police watched."
#         0         1         2         3         4         5         6         7
#         0123456789012345678901234567890123456789012345678901234567890123456789012345678


def _gold(**layers: Any) -> GoldArticle:
    """Hand-built gold for TEXT: two actors (and a place), one event, one demand."""
    gold: dict[str, Any] = {
        "summary": "Ana Diaz met the union, which called a strike.",
        "actors": [
            {"name": "Ana Diaz", "kind": "person",
             "mentions": [{"text": "Ana Diaz", "start": 6, "end": 14}]},
            {"name": "the union", "kind": "organization",
             "mentions": [{"text": "the union", "start": 19, "end": 28},
                          {"text": "The union", "start": 30, "end": 39}]},
            {"name": "Town", "kind": "place", "mentions": [{"text": "Town", "start": 0, "end": 0}]},
        ],
        "events": [{"type": "protest", "trigger": {"text": "strike", "start": 49, "end": 55}}],
        "demands": [{"claimant": "the union", "addressee": None, "demand": "strike",
                     "evidence": {"text": "called a strike", "start": 40, "end": 55}}],
    }  # fmt: skip
    gold.update(layers)
    return GoldArticle("g1", TEXT, "en", "2024-01-01", None, gold, frozenset(gold))


def _evidence(
    start: int, end: int, *, match: str = "exact", grounded: bool = True
) -> dict[str, Any]:
    return {
        "sentence": 1,
        "quote": TEXT[start:end] if grounded else "words the article does not have",
        "start": start,
        "end": end,
        "match": match,
        "grounded": grounded,
    }


def _record(
    actors: Sequence[Any],
    events: Sequence[Any] = (),
    demands: Sequence[Any] = (),
    summary: str = "x",
) -> ArticleSummary:
    """A hand-built record about TEXT."""
    return hand_built_record(
        TEXT, summary=summary, actors=list(actors), events=list(events), demands=list(demands)
    )


def _actor(
    actor_id: str, name: str, start: int, end: int, *more: tuple[int, int]
) -> dict[str, Any]:
    mentions = [{"text": TEXT[s:e], "start": s, "end": e} for s, e in [(start, end), *more]]
    return {"id": actor_id, "name": name, "kind": "person", "mentions": mentions,
            "evidence": [_evidence(start, end)]}  # fmt: skip


def _event(kind: str, start: int, end: int, **evidence: Any) -> dict[str, Any]:
    return {"type": kind, "description": "d", "agents": [], "targets": [], "realis": "occurred",
            "evidence": [_evidence(start, end, **evidence)]}  # fmt: skip


def _demand(claimant: str, start: int, end: int, **evidence: Any) -> dict[str, Any]:
    return {"claimant": claimant, "demand": "d", "evidence": [_evidence(start, end, **evidence)]}


PERFECT = _record(
    [_actor("A1", "Ana Diaz", 6, 14), _actor("A2", "the union", 19, 28)],
    [_event("protest", 40, 55)],
    [_demand("A2", 40, 55)],
    summary="Ana Diaz met the union, which called a strike.",
)


def _scores(record: ArticleSummary | None, gold: GoldArticle | None = None) -> Report:
    return score([(gold or _gold(), record, None if record else "failed")])


def test_perfect_prediction_scores_one_everywhere() -> None:
    report = _scores(PERFECT)
    for name in ("actors", "events", "events_typed", "demands"):
        layer = report.layers[name]
        assert (layer.precision, layer.recall, layer.f1) == (1.0, 1.0, 1.0), name
    assert report.layers["actors"].gold == 2, "places are not scored as actors"
    assert report.rouge_l == [1.0]


def test_empty_prediction_has_zero_recall_and_no_precision() -> None:
    layer = _scores(_record([])).layers["actors"]
    assert (layer.tp, layer.predicted, layer.gold) == (0, 0, 2)
    assert (layer.precision, layer.recall, layer.f1) == (None, 0.0, 0.0)


def test_partial_prediction_by_name_when_spans_do_not_overlap() -> None:
    # "Diaz" named but evidence elsewhere; one spurious actor.
    record = _record([_actor("A1", "Ana Diaz", 62, 68), _actor("A2", "Police", 69, 75)])
    layer = _scores(record).layers["actors"]
    assert (layer.tp, layer.predicted, layer.gold) == (1, 2, 2)
    assert (layer.precision, layer.recall, layer.f1) == (0.5, 0.5, 0.5)


def test_duplicated_predictions_count_once_against_one_gold_item() -> None:
    record = _record([_actor("A1", "Ana Diaz", 6, 14), _actor("A2", "Diaz", 10, 14)])
    layer = _scores(record).layers["actors"]
    assert (layer.tp, layer.predicted) == (1, 2)
    assert layer.precision == 0.5
    assert layer.recall == 0.5


def test_wrong_event_type_is_detected_but_not_typed() -> None:
    record = _record([_actor("A2", "the union", 19, 28)], [_event("assault", 45, 55)])
    report = _scores(record)
    assert report.layers["events"].tp == 1
    assert report.layers["events_typed"].tp == 0


def test_demand_needs_the_aligned_claimant_and_overlapping_evidence() -> None:
    wrong_claimant = _record(
        [_actor("A1", "Ana Diaz", 6, 14), _actor("A2", "the union", 19, 28)], [],
        [_demand("A1", 40, 55)],
    )  # fmt: skip
    assert _scores(wrong_claimant).layers["demands"].tp == 0
    wrong_place = _record(
        [_actor("A1", "Ana Diaz", 6, 14), _actor("A2", "the union", 19, 28)], [],
        [_demand("A2", 0, 5)],
    )  # fmt: skip
    assert _scores(wrong_place).layers["demands"].tp == 0


def _f1(report: Report, *layers: str) -> list[float | None]:
    return [report.layers[name].f1 for name in layers]


def test_evidence_spanning_the_whole_article_earns_nothing() -> None:
    whole = len(TEXT)
    record = _record(
        [_actor("A1", "Someone", 0, whole), _actor("A2", TEXT, 0, whole)],
        [_event("protest", 0, whole)],
        [_demand("A2", 0, whole)],
    )
    assert _f1(_scores(record), "actors", "events", "demands") == [0.0, 0.0, 0.0]


def test_unverified_and_misquoted_evidence_earns_nothing_through_its_sentence() -> None:
    sentence = (30, 66)  # "The union called a strike on Monday.", cited for an unfound quote
    record = _record(
        PERFECT.model_dump()["actors"],
        [_event("protest", *sentence, match="sentence", grounded=False),
         _event("protest", 40, 55, match="fuzzy", grounded=False)],
        [_demand("A2", *sentence, match="sentence", grounded=False)],
    )  # fmt: skip
    report = _scores(record)
    assert _f1(report, "events", "demands") == [0.0, 0.0]
    assert report.layers["actors"].f1 == 1.0, "the actors themselves are right"


def test_actors_named_by_stop_words_letters_or_punctuation_match_nothing() -> None:
    the = [_actor(f"A{n}", "the", 19, 22, (30, 33)) for n in range(1, 4)]
    odd = [_actor("A4", "A", 6, 7), _actor("A5", ",", 28, 29), _actor("A6", "of the", 19, 22)]
    layer = _scores(_record([*the, *odd])).layers["actors"]
    assert (layer.tp, layer.predicted) == (0, 6)


def test_an_actor_goes_to_the_gold_actor_it_overlaps_most_not_the_first_listed() -> None:
    # A1 shares one mention with Ana Diaz and both with the union; A2 only Ana Diaz's.
    record = _record(
        [_actor("A1", "the union", 10, 14, (19, 28), (30, 39)), _actor("A2", "Ana Diaz", 6, 14)]
    )
    layer = _scores(record).layers["actors"]
    assert (layer.tp, layer.predicted, layer.gold) == (2, 2, 2)


def test_an_honest_answer_quoting_whole_sentences_still_scores_one() -> None:
    first, second = (0, 29), (30, 66)
    record = _record(
        [_actor("A1", "Ana Diaz", 6, 14), _actor("A2", "the union", 19, 28, (30, 39))],
        [_event("protest", *second)],
        [_demand("A2", first[0], second[1])],
    )
    assert _f1(_scores(record), "actors", "events", "demands") == [1.0, 1.0, 1.0]


def test_the_share_of_supported_headline_and_summary_sentences_is_reported() -> None:
    claims = [
        {"part": "headline", "text": "Ana Diaz met the union", "supported": True},
        {"part": "summary", "text": "Ana Diaz met 40 unions.", "supported": False,
         "flags": [{"code": "number_not_in_article", "message": "'40'"}]},
    ]  # fmt: skip
    quality = PERFECT.quality.model_copy(
        update={"claims": [Claim.model_validate(c) for c in claims]}
    )
    record = PERFECT.model_copy(update={"quality": quality})
    report = _scores(record)
    assert report.as_dict()["claims_supported"] == 0.5
    assert "sentences supported 0.500" in format_report(report)


def test_layers_without_gold_are_not_scored() -> None:
    gold = _gold()
    only_actors = GoldArticle(
        gold.id, gold.text, "en", None, None, gold.gold, frozenset({"actors"})
    )
    report = _scores(PERFECT, only_actors)
    assert report.layers["events"].articles == 0
    assert report.rouge_l == []


def test_failed_articles_are_counted_and_named() -> None:
    report = _scores(None)
    assert (report.articles, report.failed) == (1, 1)
    assert report.errors == ["g1: failed"]


def test_rouge_l_treats_accented_words_as_words() -> None:
    assert rouge_l("le président a parlé", "le président a parlé") == 1.0
    assert rouge_l("le president", "le président") == pytest.approx(0.5)


def test_gold_loads_from_jsonl_and_from_one_json_object(tmp_path: Path) -> None:
    sample = load_gold(EXAMPLES / "afp-2020-01-pompeo-fr.gold.json")
    assert [a.id for a in sample] == ["afp-2020-01-pompeo-fr"]
    assert sample[0].layers >= {"actors", "stances", "demands", "events", "summary"}
    lines = tmp_path / "gold.jsonl"
    row = {"id": "x", "text": "t", "gold": {"actors": []}, "meta": {"annotated_layers": ["actors"]}}
    lines.write_text(json.dumps(row) + "\n" + json.dumps({**row, "id": "y"}) + "\n")
    assert [(a.id, a.layers) for a in load_gold(lines)] == [
        ("x", frozenset({"actors"})), ("y", frozenset({"actors"})),
    ]  # fmt: skip


@pytest.mark.vcr
def test_recorded_eval_on_the_sample_gold_prints_a_table_and_json(
    llm_base_url: str, vcr: Any
) -> None:
    args = [
        "eval", str(EXAMPLES / "afp-2020-01-pompeo-fr.gold.json"), "--base-url", llm_base_url,
        "--backend", "llama-cpp-python", "--model", "gemma-3-270m", "--max-items", "4", "--json",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 1
    assert report["failed"] == 0
    assert set(report["layers"]) == {"actors", "events", "events_typed", "stances", "demands"}
    assert report["layers"]["actors"]["gold"] == 11
    assert report["layers"]["stances"]["gold"] == 7
    assert 0.0 <= report["summary_rouge_l"] <= 1.0
    assert report["prompt_tokens"] > 0
