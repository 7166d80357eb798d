"""Which actors are one: a person or body under several names is merged, and names that
only share a word, an affiliation or a surname stay apart."""

from __future__ import annotations

import pytest

from summarizer import load_article
from summarizer.verify import verify_draft

from .records import lenient_draft


def test_people_sharing_a_name_word_are_not_merged() -> None:
    article = load_article(
        "Ahmed Mohamed, 14, was arrested at school. Mohamed brought a clock he had made.\n"
        "His father, Mohamed El-Hassan Mohamed, said his son had done nothing wrong.",
        language="en",
    )
    draft = lenient_draft(
        actors=[
            {"id": "A1", "name": "Mohamed", "kind": "person", "mentions": ["Ahmed Mohamed"],
             "sentences": [2], "quote": "Mohamed brought a clock"},
            {"id": "A2", "name": "Mohamed El-Hassan Mohamed", "kind": "person",
             "sentences": [3], "quote": "His father, Mohamed El-Hassan Mohamed"},
        ],
    )  # fmt: skip
    out = verify_draft(draft, article)
    assert [a.name for a in out.actors] == ["Mohamed", "Mohamed El-Hassan Mohamed"]


def test_a_surname_that_begins_like_a_determiner_merges_with_the_full_name() -> None:
    article = load_article(
        "Anna Alvarez met the unions. Later, Alvarez said the talks had failed.", language="en"
    )
    draft = lenient_draft(
        actors=[
            {"id": "A1", "name": "Anna Alvarez", "kind": "person", "sentences": [1],
             "quote": "Anna Alvarez met the unions"},
            {"id": "A2", "name": "Alvarez", "kind": "person", "sentences": [2],
             "quote": "Alvarez said the talks had failed"},
        ],
    )  # fmt: skip
    assert [a.name for a in verify_draft(draft, article).actors] == ["Anna Alvarez"]


def test_a_title_an_article_or_an_acronym_does_not_keep_one_actor_apart() -> None:
    article = load_article(
        "U.S. President Donald Trump spoke to the World Health Organisation. "
        "President Trump said the US would leave. The WHO regretted it. The US did.",
        language="en",
    )
    draft = lenient_draft(
        actors=[
            {"id": "A1", "name": "U.S. President Donald Trump", "kind": "person",
             "sentences": [1], "quote": "U.S. President Donald Trump"},
            {"id": "A2", "name": "World Health Organisation", "kind": "organization",
             "sentences": [1], "quote": "World Health Organisation"},
            {"id": "A3", "name": "President Trump", "kind": "person", "sentences": [2],
             "quote": "President Trump said"},
            {"id": "A4", "name": "US", "kind": "state", "sentences": [2], "quote": "the US"},
            {"id": "A5", "name": "The World Health Organisation", "kind": "organization",
             "mentions": ["WHO"], "sentences": [3], "quote": "The WHO regretted it"},
            {"id": "A6", "name": "US", "kind": "state", "sentences": [4], "quote": "The US did"},
            {"id": "A7", "name": "W.H.O.", "kind": "organization", "sentences": [3],
             "quote": "The WHO regretted it"},
        ],
    )  # fmt: skip
    names = [a.name for a in verify_draft(draft, article).actors]
    assert names == ["U.S. President Donald Trump", "The World Health Organisation", "US"]


def test_one_person_under_two_titles_and_a_place_with_its_region_merge() -> None:
    article = load_article(
        "Facebook creator Mark Zuckerberg lives in Irving, Texas. Facebook co-founder Mark "
        "Zuckerberg spoke in Irving. Priscilla Zuckerberg did not.",
        language="en",
    )
    draft = lenient_draft(
        actors=[
            {"id": "A1", "name": "Facebook creator Mark Zuckerberg", "kind": "person",
             "sentences": [1], "quote": "Facebook creator Mark Zuckerberg"},
            {"id": "A2", "name": "Irving, Texas", "kind": "other", "sentences": [1],
             "quote": "Irving, Texas"},
            {"id": "A3", "name": "Facebook co-founder Mark Zuckerberg", "kind": "person",
             "sentences": [2], "quote": "Facebook co-founder Mark Zuckerberg"},
            {"id": "A4", "name": "Irving", "kind": "other", "sentences": [2],
             "quote": "spoke in Irving"},
            {"id": "A5", "name": "Priscilla Zuckerberg", "kind": "person", "sentences": [3],
             "quote": "Priscilla Zuckerberg did not"},
        ],
    )  # fmt: skip
    assert [a.id for a in verify_draft(draft, article).actors] == ["A1", "A2", "A5"]


def test_a_body_and_a_longer_name_ending_with_it_stay_apart() -> None:
    """A qualifier may make another body: "Free Syrian Army" is not the Syrian Army, and a
    government's "Ministry of Health" is not Gaza's."""
    from summarizer.actors import merge_actors
    from summarizer.draft import DraftActor

    pairs = [
        ("Syrian Army", "Free Syrian Army"), ("Democratic Party", "Liberal Democratic Party"),
        ("Ministry of Health", "Gaza Ministry of Health"),
        ("Supreme Court", "Israeli Supreme Court"),
        ("Home Office", "The United Kingdom Home Office"),
    ]  # fmt: skip
    for short, long in pairs:
        actors = [
            DraftActor(id=f"A{n}", name=name, kind="government", sentences=[1], quote="x")
            for n, name in enumerate((long, short), start=1)
        ]
        assert len(merge_actors(actors)[0]) == 2, (short, long)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Anna Kovacs of DAB", "Peter Ilic of DAB"),
        ("Anna Kovacs de la DAB", "Peter Ilic de la DAB"),
        ("Leigh Block", "Mary & Leigh Block"),
        ("Bill Gates", "Bill and Melinda Gates"),
        ("Jean Dupont", "Marie et Jean Dupont"),
    ],
)
def test_people_sharing_only_an_affiliation_or_a_couple_and_one_of_them_stay_apart(
    first: str, second: str
) -> None:
    from summarizer.actors import merge_actors
    from summarizer.draft import DraftActor

    for pair in ((first, second), (second, first)):
        actors = [
            DraftActor(id=f"A{n}", name=name, kind="person", sentences=[1], quote="x")
            for n, name in enumerate(pair, start=1)
        ]
        assert len(merge_actors(actors)[0]) == 2, pair


def test_a_name_after_from_or_by_is_another_entity() -> None:
    article = load_article(
        "Lady Cassandra from Doctor Who was chosen. Doctor Who returns in May.", language="en"
    )
    draft = lenient_draft(
        actors=[
            {"id": "A1", "name": "Lady Cassandra from Doctor Who", "kind": "person",
             "sentences": [1], "quote": "Lady Cassandra from Doctor Who"},
            {"id": "A2", "name": "Doctor Who", "kind": "person", "sentences": [2],
             "quote": "Doctor Who returns in May"},
        ],
    )  # fmt: skip
    assert [a.id for a in verify_draft(draft, article).actors] == ["A1", "A2"]


def test_a_surname_shared_by_two_people_merges_with_neither() -> None:
    article = load_article(
        "Hillary Clinton and Bill Clinton arrived. Clinton spoke first.", language="en"
    )
    draft = lenient_draft(
        actors=[
            {"id": "A1", "name": "Hillary Clinton", "kind": "person", "sentences": [1],
             "quote": "Hillary Clinton"},
            {"id": "A2", "name": "Bill Clinton", "kind": "person", "sentences": [1],
             "quote": "Bill Clinton"},
            {"id": "A3", "name": "Clinton", "kind": "person", "sentences": [2],
             "quote": "Clinton spoke first"},
        ],
    )  # fmt: skip
    assert [a.id for a in verify_draft(draft, article).actors] == ["A1", "A2", "A3"]
