"""The request/answer seam: prepare and finish, with hand-built answers (no network)."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from summarizer import ArticleSummary, Settings, load_article
from summarizer.connection import Endpoint
from summarizer.errors import (
    ConfigurationError,
    InputError,
    ModelOutputError,
    OutputTruncatedError,
)
from summarizer.exchange import Reask, Request, finish, plan, prepare

TEXT = (
    "Lyon, 5 March 2024 - The mayor of Lyon, Grégory Doucet, asked the state on Tuesday "
    "to fund a new tram line. The prefect said no decision had been taken."
)


def _article() -> Any:
    return load_article(TEXT, language="en", article_id="lyon-1")


def _endpoint(backend: str = "vllm", **settings: Any) -> tuple[Endpoint, Settings]:
    s = Settings(model="m", **settings)
    return Endpoint.from_settings(s, base_url="http://127.0.0.1:9/v1", backend=backend), s


def _hand_built_completion(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    """A chat completion as a server's JSON would hold it, written by hand for the test."""
    return {
        "id": "c1",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


GOOD = {
    "headline": "Lyon mayor asks the state to fund a tram line",
    "summary": "Grégory Doucet asked the state to fund a new tram line.",
    "actors": [
        {
            "id": "A1",
            "name": "Grégory Doucet",
            "kind": "person",
            "role": "mayor of Lyon",
            "sentences": [1],
            "quote": "The mayor of Lyon, Grégory Doucet",
        }
    ],
}


def test_prepare_gives_plain_data_that_survives_json_and_pickle() -> None:
    endpoint, settings = _endpoint(api_key="sk-secret-never-in-a-request")
    request = prepare(_article(), settings, endpoint)
    assert request.id == "lyon-1"
    assert request.body["model"] == "m"
    assert request.body["response_format"]["type"] == "json_schema"
    assert "[S1]" in json.dumps(request.body["messages"])
    assert Request.from_dict(json.loads(json.dumps(request.to_dict()))) == request
    assert pickle.loads(pickle.dumps(request)) == request
    assert "sk-secret" not in json.dumps(request.to_dict()), "credentials stay with the client"
    line = request.batch_line()
    assert line["custom_id"] == "lyon-1"
    assert line["url"] == "/v1/chat/completions"
    assert line["body"] is request.body


def test_prepare_shapes_the_body_for_a_grammar_constrained_server() -> None:
    endpoint, settings = _endpoint(backend="llama-cpp-python", max_items=4)
    body = prepare(_article(), settings, endpoint).body
    assert body["response_format"]["type"] == "json_object"
    assert body["response_format"]["schema"]["properties"]["actors"]["maxItems"] == 4
    assert [m["role"] for m in body["messages"]] == ["user"], "instructions folded in"


def test_prepare_refuses_a_window_that_leaves_no_room_for_the_article() -> None:
    endpoint, settings = _endpoint(context_window=200, max_output_tokens=100)
    with pytest.raises(ConfigurationError, match="context window of 200 tokens leaves 0 for the"):
        prepare(_article(), settings, endpoint)


def test_prepare_without_a_part_refuses_an_article_read_in_several() -> None:
    endpoint, settings = _endpoint(chunk_tokens=64)
    article = load_article(" ".join(["The dockers met again the next day."] * 40))
    chunks = plan(article, settings).chunks
    assert len(chunks) > 1
    with pytest.raises(InputError, match=f"read in {len(chunks)} parts"):
        prepare(article, settings, endpoint)
    second = prepare(article, settings, endpoint, chunk=chunks[1])
    prompt = second.body["messages"][-1]["content"]
    assert f"part 2 of {len(chunks)}" in prompt
    assert f"[S{chunks[1].first}] " in prompt
    assert f"[S{chunks[1].last}] " in prompt
    assert "[S1] " not in prompt, "a part shows only its own sentences, numbered as in the whole"


def test_finish_turns_a_valid_answer_into_the_verified_record() -> None:
    endpoint, settings = _endpoint()
    article = _article()
    request = prepare(article, settings, endpoint)
    record = finish(article, request, _hand_built_completion(json.dumps(GOOD)))
    assert isinstance(record, ArticleSummary)
    assert record.id == "lyon-1"
    assert record.actors[0].evidence[0].grounded
    assert (record.quality.attempts, record.quality.prompt_tokens) == (1, 100)
    assert record.quality.endpoint == "http://127.0.0.1:9/v1"


def test_an_invalid_answer_becomes_the_next_round_carrying_its_error() -> None:
    endpoint, settings = _endpoint(max_reasks=1)
    article = _article()
    request = prepare(article, settings, endpoint)
    bad = {**GOOD, "actors": [{**GOOD["actors"][0], "sentences": [9]}]}
    answer = _hand_built_completion(json.dumps(bad))
    outcome = finish(article, request, answer)
    assert isinstance(outcome, Reask)
    following = outcome.request
    assert following.reasks == 1
    assert following.spent.calls == 1
    assert len(following.errors) == 1
    added = following.body["messages"][len(request.body["messages"]) :]
    assert [m["role"] for m in added] == ["assistant", "user"]
    assert "9" in added[1]["content"], "the validation error goes back to the model"
    assert request.body["messages"] != following.body["messages"], "the first round is untouched"
    # The budget is spent: the same answer is read leniently and flagged.
    record = finish(article, following, answer)
    assert isinstance(record, ArticleSummary)
    assert record.quality.reasks == 1
    assert record.quality.attempts == 2
    assert record.quality.warnings[0].startswith("the answer still failed validation")


@pytest.mark.parametrize("mode", ["json_schema", "json_object_schema", "json_object", "tools"])
def test_requests_share_the_prepared_schema_without_changing_it(mode: str) -> None:
    endpoint, settings = _endpoint(mode=mode, max_reasks=1)
    article = _article()
    first = prepare(article, settings, endpoint)
    before = json.dumps(first.body, sort_keys=True)
    bad = {**GOOD, "actors": [{**GOOD["actors"][0], "sentences": [9]}]}
    outcome = finish(article, first, _hand_built_completion(json.dumps(bad)))
    assert isinstance(outcome, Reask)
    outcome.request.body["messages"].append({"role": "user", "content": "changed"})
    second = prepare(article, settings, endpoint)
    assert json.dumps(first.body, sort_keys=True) == before, "a re-ask left the first untouched"
    assert json.dumps(second.body, sort_keys=True) == before, "the next article's body is the same"


def test_the_last_attempt_reads_an_invalid_answer_without_asking_again() -> None:
    endpoint, settings = _endpoint(max_reasks=1)
    article = _article()
    request = prepare(article, settings, endpoint)
    bad = {**GOOD, "actors": [{**GOOD["actors"][0], "sentences": [9]}]}
    outcome = finish(article, request, _hand_built_completion(json.dumps(bad)), last=True)
    assert isinstance(outcome, ArticleSummary)
    assert outcome.quality.reasks == 0


def test_an_answer_that_is_no_json_at_all_is_a_model_output_error_once_rounds_are_spent() -> None:
    endpoint, settings = _endpoint(max_reasks=0, max_attempts=1)
    article = _article()
    request = prepare(article, settings, endpoint)
    with pytest.raises(ModelOutputError, match=r"after 1 attempt\(s\)") as caught:
        finish(article, request, _hand_built_completion("I cannot help with that."))
    assert caught.value.usage is not None
    assert caught.value.usage.prompt_tokens == 100


def test_a_cut_off_answer_keeps_its_complete_items_or_says_it_was_cut() -> None:
    endpoint, settings = _endpoint(max_output_tokens=64)
    article = _article()
    request = prepare(article, settings, endpoint)
    cut = json.dumps(GOOD)[:-40]
    record = finish(article, request, _hand_built_completion(cut, "length"))
    assert isinstance(record, ArticleSummary)
    assert any("cut off after 20 tokens, short of the 64" in w for w in record.quality.warnings)
    with pytest.raises(OutputTruncatedError, match="20 tokens, short of the 64 asked for"):
        finish(article, request, _hand_built_completion('{"head', "length"))


def test_a_string_the_cut_fell_inside_is_left_out_not_kept_half_written() -> None:
    endpoint, settings = _endpoint(max_output_tokens=64)
    article = _article()
    request = prepare(article, settings, endpoint)
    whole = json.dumps(GOOD, ensure_ascii=False)
    cut = whole[: whole.index(GOOD["summary"]) + 6]  # the summary's first six letters
    with pytest.raises(OutputTruncatedError):
        finish(article, request, _hand_built_completion(cut, "length"))


def test_something_that_is_not_a_completion_is_named() -> None:
    endpoint, settings = _endpoint()
    article = _article()
    request = prepare(article, settings, endpoint)
    with pytest.raises(ModelOutputError, match="not a chat completion"):
        finish(article, request, {"error": "nope"})


def test_a_request_file_line_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="not a request"):
        Request.from_dict({"id": "x"})
    endpoint, settings = _endpoint()
    data = prepare(_article(), settings, endpoint).to_dict()
    with pytest.raises(ValueError, match="not a request"):
        Request.from_dict({**data, "backend": "nonsense"})
