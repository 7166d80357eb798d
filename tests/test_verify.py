"""From draft to record items: merging, grounding, references, strict mode, dates."""

from __future__ import annotations

from typing import Any

import pytest

from summarizer import load_article
from summarizer.article import Article
from summarizer.draft import Draft
from summarizer.verify import verify_draft

from .conftest import SAMPLE_FR


@pytest.fixture(scope="module")
def article() -> Article:
    return load_article(SAMPLE_FR.read_text(encoding="utf-8"))


def _draft(**changes: Any) -> Draft:
    """A hand-built draft about the sample article, read leniently like a spent re-ask."""
    data: dict[str, Any] = {
        "headline": "h",
        "summary": "s",
        "actors": [
            {"id": "A1", "name": "Mike Pompeo", "kind": "person", "role": "Secretary of State",
             "sentences": [1], "quote": "Mike Pompeo"},
            {"id": "A2", "name": "Adel Abdel Mahdi", "kind": "person", "sentences": [1],
             "quote": "Adel Abdel Mahdi"},
            {"id": "A3", "name": "Pompeo", "kind": "person", "country": "USA",
             "mentions": ["le secrétaire d'Etat américain"], "sentences": [7],
             "quote": "Le secrétaire d'Etat Pompeo"},
        ],
        "stances": [
            {"holder": "A3", "topic": "Iranian attacks", "target": "A9", "position": "condemn",
             "paraphrase": "Pompeo condemns the attacks", "speech": "reported",
             "sentences": [2], "quote": "son indignation face aux attaques répétées"},
            {"holder": "A8", "topic": "x", "position": "support", "paraphrase": "x",
             "speech": "reported", "sentences": [2], "quote": "son indignation"},
        ],
        "demands": [],
        "events": [
            {"type": "assault", "description": "US strike kills Soleimani",
             "agents": ["A1", "A5"], "targets": [], "when": "3 janvier", "where": "Bagdad",
             "realis": "occurred", "killed": 2, "sentences": [8],
             "quote": "la frappe américaine du 3 janvier à Bagdad"},
        ],
    }  # fmt: skip
    data.update(changes)
    return Draft.model_validate(data, context={"lenient": True})


def test_same_person_under_two_names_is_merged_and_references_rewritten(article: Article) -> None:
    out = verify_draft(_draft(), article)
    assert [a.id for a in out.actors] == ["A1", "A2"]
    pompeo = out.actors[0]
    assert pompeo.name == "Mike Pompeo"
    assert (pompeo.role, pompeo.country) == ("Secretary of State", "USA")
    assert out.stances[0].holder == "A1"


def test_mentions_are_every_occurrence_with_exact_offsets(article: Article) -> None:
    pompeo = verify_draft(_draft(), article).actors[0]
    texts = [m.text for m in pompeo.mentions]
    assert texts.count("Mike Pompeo") == 3
    assert "le secrétaire d'Etat américain" in texts
    assert "Pompeo" in texts  # "Le secrétaire d'Etat Pompeo", not inside "Mike Pompeo"
    for mention in pompeo.mentions:
        assert article.text[mention.start : mention.end] == mention.text


def test_unknown_holder_drops_the_stance_and_unknown_target_is_cleared(article: Article) -> None:
    out = verify_draft(_draft(), article)
    assert len(out.stances) == 1
    assert out.dropped == 1
    assert out.stances[0].target is None
    assert any(
        f.code == "unknown_reference" and "target 'A9'" in f.message for f in out.stances[0].flags
    )
    assert any("holder 'A8'" in warning for warning in out.warnings)


def test_unknown_event_agent_is_removed_and_flagged(article: Article) -> None:
    event = verify_draft(_draft(), article).events[0]
    assert event.agents == ["A1"]
    assert [(f.code, f.message) for f in event.flags] == [
        ("unknown_reference", "agent 'A5' is not an actor; removed")
    ]


def test_event_date_resolves_against_the_month_dated_article(article: Article) -> None:
    event = verify_draft(_draft(), article).events[0]
    assert event.when is not None
    assert (event.when.text, event.when.value, event.when.precision) == (
        "3 janvier",
        "2020-01-03",
        "day",
    )


def test_ungrounded_evidence_is_flagged_by_default_and_dropped_when_strict(
    article: Article,
) -> None:
    draft = _draft(stances=[], events=[])
    bad = draft.actors[1].model_copy(update={"quote": "an invented phrase about Mahdi"})
    draft = draft.model_copy(update={"actors": [draft.actors[0], bad]})

    lenient = verify_draft(draft, article)
    assert [a.id for a in lenient.actors] == ["A1", "A2"]
    assert lenient.actors[1].evidence[0].match == "sentence"
    assert lenient.actors[1].flags
    assert lenient.flagged == 1
    assert lenient.grounded_share == 0.5

    strict = verify_draft(draft, article, strict=True)
    assert [a.id for a in strict.actors] == ["A1"]
    assert strict.dropped == 1


def test_actor_named_by_the_role_of_another_is_merged_into_it(article: Article) -> None:
    draft = _draft(stances=[], events=[])
    pompeo = draft.actors[0].model_copy(update={"role": "secrétaire d'Etat américain"})
    title = draft.actors[2].model_copy(
        update={"id": "A4", "name": "le secrétaire d'Etat américain", "mentions": [],
                "quote": "le secrétaire d'Etat américain", "sentences": [2]}
    )  # fmt: skip
    draft = draft.model_copy(update={"actors": [pompeo, draft.actors[1], title]})
    out = verify_draft(draft, article)
    assert [a.id for a in out.actors] == ["A1", "A2"]
    assert out.actors[0].name == "Mike Pompeo"
    assert "le secrétaire d'Etat américain" in [m.text for m in out.actors[0].mentions]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [(1, "2009-08-21"), (2, "2009-08-14")],
)
def test_event_date_is_read_with_the_tense_of_its_cited_sentence(
    sentence: int, expected: str
) -> None:
    wednesday = load_article(
        "Le conseil municipal se réunira vendredi à la mairie. "
        "Le maire avait démissionné vendredi après une longue séance.",
        date="2009-08-19",
        language="fr",
    )
    quote = wednesday.sentences[sentence - 1].text[:20]
    event = {
        "type": "consult", "description": "d", "agents": [], "targets": [],
        "when": "vendredi", "realis": "occurred", "sentences": [sentence], "quote": quote,
    }  # fmt: skip
    out = verify_draft(_draft(actors=[], stances=[], events=[event]), wednesday)
    assert out.events[0].when is not None
    assert out.events[0].when.value == expected


@pytest.mark.parametrize(
    ("text", "language", "when", "expected"),
    [
        (
            "Le train a déraillé dimanche près de Lyon. Vers 18 h 55, les secours sont arrivés.",
            "fr",
            "18 h 55",
            "2002-03-31T18:55",
        ),
        (
            "The train derailed on Sunday near Lyon. The day before, the line had been checked.",
            "en",
            "the day before",
            "2002-03-30",
        ),
    ],
)
def test_event_date_takes_the_day_named_in_an_earlier_sentence(
    text: str, language: str, when: str, expected: str
) -> None:
    article = load_article(text, date="2002-04-02", language=language)
    quote = article.sentences[1].text[:20]
    event = {
        "type": "other", "description": "d", "agents": [], "targets": [],
        "when": when, "realis": "occurred", "sentences": [2], "quote": quote,
    }  # fmt: skip
    out = verify_draft(_draft(actors=[], stances=[], events=[event]), article)
    assert out.events[0].when is not None
    assert out.events[0].when.value == expected


def test_a_clock_time_with_no_day_in_the_article_gets_no_value() -> None:
    article = load_article(
        "Le train a déraillé près de Lyon. Vers 18 h 55, les secours sont arrivés.",
        date="2002-04-02",
        language="fr",
    )
    event = {
        "type": "other", "description": "d", "agents": [], "targets": [],
        "when": "18 h 55", "realis": "occurred", "sentences": [2], "quote": "Vers 18 h 55",
    }  # fmt: skip
    out = verify_draft(_draft(actors=[], stances=[], events=[event]), article)
    assert out.events[0].when is not None
    assert (out.events[0].when.value, out.events[0].when.precision) == (None, "unknown")


def test_an_event_dated_by_a_reference_word_gets_timeml_reference_precision() -> None:
    article = load_article(
        "La mairie étudie actuellement le remplacement des canalisations.",
        date="1999-07-29",
        language="fr",
    )
    event = {
        "type": "other", "description": "d", "agents": [], "targets": [],
        "when": "actuellement", "realis": "occurred", "sentences": [1],
        "quote": "étudie actuellement",
    }  # fmt: skip
    out = verify_draft(_draft(actors=[], stances=[], events=[event]), article)
    assert out.events[0].when is not None
    assert (out.events[0].when.value, out.events[0].when.precision) == (
        "PRESENT_REF",
        "reference",
    )
