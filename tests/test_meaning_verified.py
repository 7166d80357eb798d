"""The meaning checks through verification: a contradicted field is flagged and counted per
field, dropped with ``strict``, re-asked naming its cue, and shown in the views."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer import load_article
from summarizer.article import Article
from summarizer.draft import Draft
from summarizer.verify import verify_draft

_STORY = (
    "Kordavia attacked Meridian on Tuesday, officials said. Meridian will hold talks "
    "with Kordavia next week. France condemned the attack."
)


def _story_draft(**event: object) -> Draft:
    data: dict[str, object] = {
        "headline": "h",
        "summary": "s",
        "actors": [
            {"id": "A1", "name": "Kordavia", "kind": "state", "sentences": [1],
             "quote": "Kordavia attacked Meridian"},
            {"id": "A2", "name": "Meridian", "kind": "person", "sentences": [1],
             "quote": "Kordavia attacked Meridian"},
            {"id": "A3", "name": "France", "kind": "person", "sentences": [3],
             "quote": "France condemned the attack"},
        ],
        "stances": [
            {"holder": "A3", "topic": "the attack", "position": "praise",
             "paraphrase": "praise", "speech": "reported", "sentences": [3],
             "quote": "France condemned the attack"},
        ],
        "events": [
            {"type": "assault", "description": "attack", "agents": ["A1"], "targets": ["A2"],
             "realis": "occurred", "sentences": [1], "quote": "Kordavia attacked Meridian",
             **event},
            {"type": "other", "description": "officials spoke", "realis": "occurred",
             "sentences": [1], "quote": "officials said"},
        ],
    }  # fmt: skip
    return Draft.model_validate(data, context={"lenient": True})


@pytest.fixture(scope="module")
def story() -> Article:
    return load_article(_STORY, language="en", date="2024-03-05")


def test_contradicted_fields_are_flagged_and_counted_per_field(story: Article) -> None:
    out = verify_draft(_story_draft(type="protest", agents=["A2"], targets=["A1"]), story)
    codes = {f.code for item in out.items for f in item.flags}
    assert codes >= {"type_not_in_evidence", "position_contradicted", "kind_contradicted"}
    fields = out.fields
    assert (fields["type"].items, fields["type"].judged, fields["type"].flagged) == (2, 1, 1)
    assert (fields["kind"].items, fields["kind"].judged, fields["kind"].flagged) == (3, 1, 1)
    assert fields["position"].flagged == 1


def test_roles_the_wrong_way_round_are_flagged(story: Article) -> None:
    out = verify_draft(_story_draft(agents=["A2"], targets=["A1"]), story)
    assert [f.code for f in out.events[0].flags] == ["roles_swapped"]
    assert out.fields["roles"].flagged == 1


def test_strict_drops_a_contradicted_item_and_keeps_an_unjudged_one(story: Article) -> None:
    out = verify_draft(_story_draft(realis="negated"), story, strict=True)
    assert [e.description for e in out.events] == ["officials spoke"]
    assert out.stances == []
    assert any("realis" in w for w in out.warnings)
    assert [a.name for a in out.actors] == ["Kordavia", "Meridian", "France"]


def test_a_contradicted_field_is_reasked_naming_the_cue(story: Article) -> None:
    data = _story_draft(realis="planned").model_dump()
    with pytest.raises(ValidationError) as raised:
        Draft.model_validate(data, context={"article": story})
    message = str(raised.value)
    assert "events[0].realis is 'planned'" in message
    assert "stances[0].position is 'praise', but its quote says 'condemned'" in message


def test_views_show_the_new_codes_and_what_was_judged(story: Article) -> None:
    from summarizer.render import render
    from summarizer.review_page import render_html

    from .records import verified_record

    record = verified_record(story, _story_draft(agents=["A2"], targets=["A1"]))
    page = render_html([record])
    assert "roles_swapped: Kordavia (A1) is listed as a target" in page
    assert "meaning checked" in page
    assert "roles 1/2 judged, 1 flagged" in page
    assert "roles 1/2 judged, 1 flagged" in render(record, "text")
