"""The model-facing draft: validation against the article, and lenient reading."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from summarizer import load_article
from summarizer.draft import Draft, read_lenient

from .conftest import SAMPLE_FR


def _answer(**changes: Any) -> dict[str, Any]:
    """A hand-built model answer about the sample article."""
    answer: dict[str, Any] = {
        "headline": "Pompeo presses Baghdad",
        "summary": "Mike Pompeo called Adel Abdel Mahdi.",
        "actors": [
            {"id": "A1", "name": "Mike Pompeo", "kind": "person", "sentences": [1],
             "quote": "Mike Pompeo a appelé lundi"},
            {"id": "A2", "name": "Adel Abdel Mahdi", "kind": "person", "sentences": [1],
             "quote": "le Premier ministre irakien Adel Abdel Mahdi"},
        ],
        "stances": [],
        "demands": [
            {"claimant": "A1", "addressee": "A2", "demand": "preserve Iraq's sovereignty",
             "sentences": [1], "quote": "préserver la souveraineté de l'Irak"},
        ],
        "events": [],
    }  # fmt: skip
    answer.update(changes)
    return answer


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    return {"article": load_article(SAMPLE_FR.read_text(encoding="utf-8"))}


def test_answer_consistent_with_the_article_validates(context: dict[str, Any]) -> None:
    draft = Draft.model_validate(_answer(), context=context)
    assert [a.id for a in draft.actors] == ["A1", "A2"]


def test_unknown_actor_reference_is_an_error_naming_the_known_ids(context: dict[str, Any]) -> None:
    answer = _answer()
    answer["demands"][0]["addressee"] = "A7"
    with pytest.raises(ValidationError, match=r"'A7', which is not an actor id \(known: A1, A2\)"):
        Draft.model_validate(answer, context=context)


def test_citing_a_sentence_that_does_not_exist_is_an_error(context: dict[str, Any]) -> None:
    answer = _answer()
    answer["actors"][0]["sentences"] = [40]
    with pytest.raises(ValidationError, match="the article has sentences 1 to 9"):
        Draft.model_validate(answer, context=context)


def test_quote_not_in_the_article_is_an_error(context: dict[str, Any]) -> None:
    answer = _answer()
    answer["demands"][0]["quote"] = "withdraw all troops at once"
    with pytest.raises(ValidationError, match="is not in the article"):
        Draft.model_validate(answer, context=context)


def test_duplicate_actor_ids_are_an_error(context: dict[str, Any]) -> None:
    answer = _answer()
    answer["actors"][1]["id"] = "A1"
    with pytest.raises(ValidationError, match="A1 is used for more than one actor"):
        Draft.model_validate(answer, context=context)


def test_lenient_context_checks_structure_only(context: dict[str, Any]) -> None:
    answer = _answer()
    answer["demands"][0]["addressee"] = "A7"
    draft = Draft.model_validate(answer, context={**context, "lenient": True})
    assert draft.demands[0].addressee == "A7"


def test_loose_actor_ids_are_read_as_canonical_ones() -> None:
    answer = _answer()
    answer["actors"][0]["id"] = "a01"
    answer["demands"][0]["claimant"] = " A001 "
    draft = Draft.model_validate(answer)
    assert draft.actors[0].id == "A1"
    assert draft.demands[0].claimant == "A1"


def test_read_lenient_keeps_valid_items_and_names_the_dropped_ones() -> None:
    answer = _answer()
    answer["actors"].append({"id": "X", "name": "", "kind": "martian"})
    raw = "Here you go: " + json.dumps(answer) + " hope it helps"
    draft, dropped = read_lenient(raw)
    assert [a.id for a in draft.actors] == ["A1", "A2"]
    assert len(dropped) == 1
    assert dropped[0].startswith("dropped actors[2]:")


def test_read_lenient_accepts_raw_line_breaks_inside_strings() -> None:
    raw = json.dumps(_answer()).replace("Pompeo presses Baghdad", "Pompeo\npresses\tBaghdad")
    draft, dropped = read_lenient(raw)
    assert draft.headline == "Pompeo\npresses\tBaghdad"
    assert dropped == []


def test_read_lenient_refuses_an_answer_without_summary() -> None:
    with pytest.raises(ValueError, match="summary"):
        read_lenient(json.dumps({"headline": "x", "actors": []}))
    with pytest.raises(ValueError, match="no JSON object"):
        read_lenient("I cannot help with that.")


def test_a_blank_place_or_date_is_left_out_not_kept_empty() -> None:
    event = {"type": "request", "description": "Pompeo called Abdel Mahdi", "agents": ["A1"],
             "targets": ["A2"], "when": " ", "where": "", "realis": "occurred",
             "sentences": [1], "quote": "Mike Pompeo a appelé lundi"}  # fmt: skip
    draft = Draft.model_validate(_answer(events=[event]))
    assert draft.events[0].where is None
    assert draft.events[0].when is None


def test_read_lenient_clears_an_unusable_optional_field_and_keeps_the_item() -> None:
    answer = _answer()
    answer["stances"] = [
        {"holder": "A1", "topic": "Iraq's sovereignty", "target": "Iraq", "position": "demand",
         "paraphrase": "Pompeo asks Baghdad to preserve its sovereignty", "speech": "reported",
         "sentences": [1], "quote": "préserver la souveraineté de l'Irak"},
    ]  # fmt: skip
    answer["events"] = [
        {"type": "request", "description": "Pompeo called Abdel Mahdi",
         "agents": ["A1", "Washington", "A9x"], "targets": ["A2"], "realis": "occurred",
         "killed": -3, "sentences": [1], "quote": "Mike Pompeo a appelé lundi"},
    ]  # fmt: skip
    draft, notes = read_lenient(json.dumps(answer))
    assert draft.stances[0].target is None
    assert draft.stances[0].holder == "A1"
    assert draft.events[0].agents == ["A1"]
    assert draft.events[0].killed is None
    assert any(n.startswith("cleared stances[0].target") for n in notes)
    assert not any(n.startswith("dropped") for n in notes)


def test_read_lenient_still_drops_an_item_whose_required_field_is_unusable() -> None:
    answer = _answer()
    answer["demands"][0]["claimant"] = "Mike Pompeo"
    draft, notes = read_lenient(json.dumps(answer))
    assert draft.demands == []
    assert notes[0].startswith("dropped demands[0]: claimant")
