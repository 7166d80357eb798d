"""Recorded end-to-end runs against the real local server (Gemma 3 270M).

The tiny model answers badly: these tests pin how the program handles its answers
(re-asks, flags, grounding, schema validity), not how good the answers are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from summarizer import (
    ArticleInput,
    ArticleSummary,
    InputError,
    Settings,
    Summarizer,
    load_article,
)

from .conftest import LONG_EN, ROOT, SAMPLE_EN, SAMPLE_FR


def _record_schema() -> dict[str, Any]:
    return json.loads((ROOT / "schemas" / "record.schema.json").read_text(encoding="utf-8"))


def _check_invariants(record: ArticleSummary, settings: Settings) -> None:
    """What must hold for any model answer, good or bad."""
    jsonschema.validate(json.loads(record.model_dump_json()), _record_schema())
    q = record.quality
    assert q.attempts == len(q.chunks) * q.passes + q.reasks, "recordings hold no failures"
    assert q.reasks <= settings.max_reasks * len(q.chunks) * q.passes
    assert q.prompt_tokens > 0
    assert q.completion_tokens > 0
    assert q.items == {
        "actors": len(record.actors),
        "stances": len(record.stances),
        "demands": len(record.demands),
        "events": len(record.events),
    }
    ids = {a.id for a in record.actors}
    for stance in record.stances:
        assert stance.holder in ids
        assert stance.target is None or stance.target in ids
    for demand in record.demands:
        assert demand.claimant in ids
        assert demand.addressee is None or demand.addressee in ids
    for event in record.events:
        assert set(event.agents) <= ids
        assert set(event.targets) <= ids
    for item in [*record.actors, *record.stances, *record.demands, *record.events]:
        for evidence in item.evidence:
            if evidence.match == "exact":
                assert record.text[evidence.start : evidence.end] == evidence.quote.strip()
            if not evidence.grounded:
                assert item.flags, f"ungrounded evidence must be flagged: {evidence}"
            if evidence.match != "unverified":
                assert 0 <= evidence.start < evidence.end <= len(record.text)
    for actor in record.actors:
        for mention in actor.mentions:
            assert record.text[mention.start : mention.end] == mention.text


@pytest.mark.vcr
def test_long_english_article_is_read_in_parts_into_one_record(
    recorded_settings: Settings, vcr: Any
) -> None:
    text = LONG_EN.read_text(encoding="utf-8")
    settings = recorded_settings.replace(chunk_tokens=200)
    with Summarizer(settings.replace(concurrency=1)) as summarizer:
        record = summarizer.summarize(ArticleInput(LONG_EN.name, text))

    _check_invariants(record, settings)
    chunks = record.quality.chunks
    assert len(chunks) >= 3
    assert all(c.passes == 1 and c.error is None for c in chunks)
    assert chunks[0].first_sentence == 1
    assert chunks[-1].last_sentence == 22, "every sentence of the body is read"
    assert not record.quality.partial
    assert vcr.play_count == record.quality.attempts, "one request per part, and its re-asks"
    # Offsets index the whole text: each part's span is its sentences where they stand,
    # and every located quote (checked by the invariants) is in the text.
    article = load_article(text)
    for chunk in chunks:
        first, last = (
            article.sentences[chunk.first_sentence - 1],
            article.sentences[chunk.last_sentence - 1],
        )
        assert (chunk.start, chunk.end) == (first.start, last.end)
    # The tiny model's faults are reported part by part.
    assert any(w.startswith("part 4 of ") for w in record.quality.warnings)
    assert record.title == "Dock strike spreads along the coast as talks in Rotterdam stall"
    assert record.article_date is not None
    assert record.article_date.value == "2024-03-14"


@pytest.mark.vcr
def test_french_sample_gives_a_schema_valid_record_with_month_precision_date(
    recorded_settings: Settings, vcr: Any
) -> None:
    text = SAMPLE_FR.read_text(encoding="utf-8")
    with Summarizer(recorded_settings) as summarizer:
        record = summarizer.summarize(ArticleInput(SAMPLE_FR.name, text))

    _check_invariants(record, recorded_settings)
    assert record.language == "fr"
    assert record.article_date is not None
    assert (record.article_date.value, record.article_date.precision) == ("2020-01", "month")
    assert record.text == text
    assert record.quality.backend == "llama-cpp-python"
    assert record.quality.mode == "json_object_schema"
    assert record.quality.prompt_version.startswith("extract-1+")


@pytest.mark.vcr
@pytest.mark.default_cassette(
    "test_french_sample_gives_a_schema_valid_record_with_month_precision_date.yaml"
)
def test_quickstart_record_flags_its_invented_headline(
    recorded_settings: Settings, vcr: Any
) -> None:
    text = SAMPLE_FR.read_text(encoding="utf-8")
    with Summarizer(recorded_settings) as summarizer:
        record = summarizer.summarize(ArticleInput(SAMPLE_FR.name, text))

    # The model wrote, in English for a French article: "The US has been in a war with
    # Iran since 2019, …": the article says nothing of a war, nor of 2019.
    headline = [c for c in record.quality.claims if c.part == "headline"]
    invented = next(c for c in headline if "since 2019" in c.text)
    assert not invented.supported
    codes = {f.code for f in invented.flags}
    assert {"number_not_in_article", "wrong_language"} <= codes
    assert "'2019' is not a number of the article" in [f.message for f in invented.flags]
    assert all("wrong_language" in {f.code for f in c.flags} for c in headline)
    # Its summary was a lone comma.
    assert [[f.code for f in c.flags] for c in record.quality.claims if c.part == "summary"] == [
        ["empty_claim"]
    ]
    assert any("not supported by the article" in w for w in record.quality.warnings)
    assert record.quality.summary_support is None, "an English summary of a French article"


@pytest.mark.vcr
def test_constrained_request_carries_the_schema_and_folds_instructions_into_the_user_turn(
    recorded_settings: Settings, vcr: Any
) -> None:
    text = SAMPLE_FR.read_text(encoding="utf-8")
    with Summarizer(recorded_settings) as summarizer:
        summarizer.summarize(text)

    first = json.loads(vcr.requests[0].body)
    assert first["response_format"]["type"] == "json_object"
    schema = first["response_format"]["schema"]
    assert set(schema["properties"]) == {
        "headline",
        "summary",
        "actors",
        "stances",
        "demands",
        "events",
    }
    assert schema["properties"]["actors"]["maxItems"] == recorded_settings.max_items
    # Gemma's chat format drops system messages: the instructions open the user turn.
    assert [m["role"] for m in first["messages"]] == ["user"]
    assert first["messages"][0]["content"].startswith("You extract a structured summary")
    assert "<article>\n[S1] Le chef de la diplomatie" in first["messages"][0]["content"]


@pytest.mark.vcr
def test_english_article_reads_header_title_and_day_date(
    recorded_settings: Settings, vcr: Any
) -> None:
    text = SAMPLE_EN.read_text(encoding="utf-8")
    with Summarizer(recorded_settings) as summarizer:
        record = summarizer.summarize(text)

    _check_invariants(record, recorded_settings)
    assert record.language == "en"
    assert record.title == "Lyon mayor asks state to fund new tram line"
    assert record.article_date is not None
    assert (record.article_date.value, record.article_date.precision) == ("2024-03-04", "day")
    request = json.loads(vcr.requests[0].body)
    user = request["messages"][-1]["content"]
    assert "[S1] The mayor of Lyon" in user
    assert "Date: 2024-03-04" not in user, "the metadata header is not part of the article body"


@pytest.mark.vcr
def test_output_language_is_asked_for_in_the_prompt(recorded_settings: Settings, vcr: Any) -> None:
    settings = recorded_settings.replace(output_language="en", max_reasks=0)
    text = SAMPLE_FR.read_text(encoding="utf-8")
    with Summarizer(settings) as summarizer:
        record = summarizer.summarize(text)

    _check_invariants(record, settings)
    assert record.output_language == "en"
    assert record.language == "fr"
    prompt = json.loads(vcr.requests[0].body)["messages"][0]["content"]
    assert "in English" in prompt
    assert record.quality.attempts == 1


def test_record_schema_in_repository_matches_models(tmp_path: Path) -> None:
    from summarizer.schemas import check_schemas

    assert check_schemas(ROOT / "schemas") == [], "run `summarizer schema` and commit the result"
    assert check_schemas(tmp_path) == ["record.schema.json", "draft.schema.json"]


def test_an_input_carrying_its_reading_error_raises_it_before_any_request() -> None:
    error = InputError("a.txt: the article is empty")
    summarizer = Summarizer(Settings(base_url="http://127.0.0.1:9/v1", model="m"))
    with pytest.raises(InputError) as raised:
        summarizer.summarize(ArticleInput("a.txt", error=error))
    assert raised.value is error
    assert summarizer.resolved_endpoint is None
