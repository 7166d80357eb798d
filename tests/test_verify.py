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
    assert [(f.code, f.message) for f in event.flags if f.code == "unknown_reference"] == [
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
    assert [a.id for a in strict.actors] == ["A1", "A2"]
    assert strict.actors[1].evidence == []
    assert strict.actors[1].flags == []
    assert any("A2" in w and "quote dropped" in w for w in strict.warnings)


def test_strict_keeps_a_misquoted_actor_the_text_names_so_clean_events_keep_their_agent(
    article: Article,
) -> None:
    draft = _draft(stances=[])
    misquoted = draft.actors[0].model_copy(update={"quote": "Mike Pompeo a téléphoné mardi"})
    draft = draft.model_copy(update={"actors": [misquoted, draft.actors[1]]})
    strict = verify_draft(draft, article, strict=True)
    assert [a.id for a in strict.actors] == ["A1", "A2"]
    assert strict.events[0].agents == ["A1"]


def test_strict_drops_an_actor_the_text_never_names(article: Article) -> None:
    draft = _draft(stances=[], events=[])
    ghost = draft.actors[1].model_copy(update={"name": "Hassan Rohani"})
    draft = draft.model_copy(update={"actors": [draft.actors[0], ghost]})
    strict = verify_draft(draft, article, strict=True)
    assert [a.id for a in strict.actors] == ["A1"]
    assert strict.dropped == 1


def test_a_quote_found_in_another_sentence_is_moved_and_says_so(article: Article) -> None:
    draft = _draft(stances=[], events=[])
    moved = draft.actors[1].model_copy(update={"sentences": [3]})
    draft = draft.model_copy(update={"actors": [draft.actors[0], moved]})
    evidence = verify_draft(draft, article).actors[1].evidence[0]
    assert evidence.sentence == 1
    assert evidence.grounded
    assert [f.code for f in evidence.flags] == ["cited_sentence_corrected"]
    assert verify_draft(draft, article).actors[1].flags == []


def test_event_when_and_where_absent_from_the_evidence_are_flagged(article: Article) -> None:
    event = (
        _draft()
        .events[0]
        .model_copy(update={"when": "dimanche", "where": "Téhéran", "killed": None})
    )
    flags = verify_draft(_draft(events=[event.model_dump()]), article).events[0].flags
    codes = [f.code for f in flags]
    assert "when_not_in_evidence" in codes
    assert "where_not_in_evidence" in codes
    clean = _draft().events[0].model_copy(update={"killed": None})
    codes = [
        f.code for f in verify_draft(_draft(events=[clean.model_dump()]), article).events[0].flags
    ]
    assert "when_not_in_evidence" not in codes
    assert "where_not_in_evidence" not in codes


def test_numbers_of_a_paraphrase_missing_from_the_evidence_are_flagged(article: Article) -> None:
    event = _draft().events[0]
    flags = verify_draft(_draft(), article).events[0].flags
    assert ("number_not_in_evidence", "2 not in the evidence sentences") in [
        (f.code, f.message) for f in flags
    ]
    stated = event.model_copy(update={"killed": None, "description": "Frappe du 3 janvier"})
    flags = verify_draft(_draft(events=[stated.model_dump()]), article).events[0].flags
    assert "number_not_in_evidence" not in [f.code for f in flags]
    wrong = event.model_copy(update={"killed": None, "description": "Frappe du 4 janvier"})
    flags = verify_draft(_draft(events=[wrong.model_dump()]), article).events[0].flags
    assert "number_not_in_evidence" in [f.code for f in flags]


def test_number_words_count_only_in_the_article_language() -> None:
    article = load_article("Deux soldats ont été tués mardi à Kessa.", language="fr")
    draft = _draft(
        actors=[{"id": "A1", "name": "Kessa", "kind": "other", "sentences": [1],
                 "quote": "Kessa"}],
        stances=[],
        events=[{"type": "assault", "description": "Two soldiers killed", "agents": [],
                 "targets": [], "realis": "occurred", "sentences": [1],
                 "quote": "Deux soldats ont été tués"}],
    )  # fmt: skip
    english = verify_draft(draft, article, output_language="en").events[0]
    assert "number_not_in_evidence" not in [f.code for f in english.flags]
    three = draft.events[0].model_copy(update={"description": "trois soldats tués"})
    french = verify_draft(draft.model_copy(update={"events": [three]}), article).events[0]
    assert "number_not_in_evidence" in [f.code for f in french.flags]


def test_a_holder_named_nowhere_near_the_evidence_is_flagged(article: Article) -> None:
    far = (
        _draft()
        .stances[0]
        .model_copy(
            update={"holder": "A2", "sentences": [9], "quote": "Washington refuse de discuter"}
        )
    )
    stance = verify_draft(_draft(stances=[far.model_dump()]), article).stances[0]
    assert "holder_not_in_evidence" in [f.code for f in stance.flags]
    near = verify_draft(_draft(), article).stances[0]
    assert "holder_not_in_evidence" not in [f.code for f in near.flags]


def test_an_actor_name_the_text_never_writes_is_flagged_even_when_mentions_are_found(
    article: Article,
) -> None:
    draft = _draft(stances=[], events=[])
    renamed = draft.actors[1].model_copy(
        update={"name": "Abdel Mahdi Adel", "mentions": ["Adel Abdel Mahdi"]}
    )
    draft = draft.model_copy(update={"actors": [draft.actors[0], renamed]})
    actor = verify_draft(draft, article).actors[1]
    assert actor.mentions
    assert [f.code for f in actor.flags] == ["name_not_found"]


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


def test_a_clock_time_with_no_day_in_the_article_takes_the_article_day() -> None:
    # TimeML's convention for news, which the resolver follows: the day of the report.
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
    assert (out.events[0].when.value, out.events[0].when.precision) == ("2002-04-02T18:55", "time")


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


def test_an_actor_name_written_inside_a_longer_mention_is_not_flagged() -> None:
    article = load_article(
        "The U.S. Department of Agriculture warned farmers. The U.S. said prices would rise.",
        language="en",
    )
    draft = _draft(
        actors=[{"id": "A1", "name": "U.S.", "kind": "state", "mentions": ["The U.S."],
                 "sentences": [2], "quote": "The U.S. said prices would rise"}],
        stances=[], events=[],
    )  # fmt: skip
    assert verify_draft(draft, article).actors[0].flags == []


def test_an_actor_named_by_a_stop_word_is_flagged_as_naming_no_one() -> None:
    article = load_article("The minister spoke. The talks went on.", language="en")
    draft = _draft(
        actors=[{"id": "A1", "name": "The", "kind": "person", "sentences": [1],
                 "quote": "The minister spoke"}],
        stances=[], events=[],
    )  # fmt: skip
    [actor] = verify_draft(draft, article).actors
    assert [f.message for f in actor.flags if f.code == "name_not_found"] == ["'The' names no one"]
