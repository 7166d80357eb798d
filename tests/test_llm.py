"""The retry policy and error mapping of one structured call (no network)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import openai
import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from summarizer import Settings
from summarizer.connection import Endpoint, RatePause, _grammar_schema
from summarizer.errors import (
    AuthenticationError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    ModelOutputError,
    RateLimitError,
    RequestRejectedError,
    ServerError,
)
from summarizer.exchange import Extraction
from summarizer.llm import (
    _endpoint_error,
    _is_transient,
    _Policy,
    _retry_after,
    extract,
)
from summarizer.usage import Usage

URL = "http://127.0.0.1:9999/v1"
REQUEST = httpx2.Request("POST", URL + "/chat/completions")


def _status(
    code: int, body: object = None, headers: dict[str, str] | None = None
) -> openai.APIStatusError:
    """A hand-built status error, as the SDK raises it for a response with this code."""
    response = httpx2.Response(code, request=REQUEST, headers=headers or {})
    classes = {
        401: openai.AuthenticationError,
        429: openai.RateLimitError,
        400: openai.BadRequestError,
    }
    cls = classes.get(code, openai.InternalServerError if code >= 500 else openai.APIStatusError)
    return cls(f"Error code: {code}", response=response, body=body)


def _endpoint() -> Endpoint:
    return Endpoint.from_settings(Settings(model="m"), base_url=URL, backend="generic")


def _validation_error() -> ValidationError:
    class M(BaseModel):
        x: int

    try:
        M.model_validate({"x": "not a number"})
    except ValidationError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (openai.APIConnectionError(request=REQUEST), True),
        (openai.APITimeoutError(request=REQUEST), True),
        (_status(429), True),
        (_status(503), True),
        (_status(500), True),
        (_status(401), False),
        (_status(400), False),
        (ValueError("x"), False),
    ],
)
def test_transient_failures_are_retried_and_others_are_not(exc: Exception, transient: bool) -> None:
    assert _is_transient(exc) is transient


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_headers_are_honoured(headers: dict[str, str], seconds: float | None) -> None:
    assert _retry_after(httpx2.Headers(headers)) == seconds


@pytest.mark.parametrize(
    ("exc", "error", "words"),
    [
        (
            openai.APIConnectionError(request=REQUEST),
            EndpointUnreachableError,
            "cannot connect to " + URL,
        ),
        (openai.APITimeoutError(request=REQUEST), EndpointTimeoutError, "did not answer within"),
        (_status(401), AuthenticationError, "OPENAI_API_KEY"),
        (_status(429), RateLimitError, "rate-limiting"),
        (
            _status(502, {"error": {"message": "bad gateway"}}),
            ServerError,
            "HTTP 502 (after 3 attempt(s)): bad gateway",
        ),
        (
            _status(400, {"error": {"message": "response_format json_schema not supported"}}),
            RequestRejectedError,
            "try another Settings.mode",
        ),
    ],
)
def test_spent_budget_becomes_one_clear_error_naming_the_url(
    exc: Exception, error: type[Exception], words: str
) -> None:
    mapped = _endpoint_error(exc, _endpoint(), Settings(), Usage(calls=3))
    assert isinstance(mapped, error)
    assert words in str(mapped)
    assert URL in str(mapped)


def test_grammar_schema_bounds_strings_drops_patterns_and_caps_lists() -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^A\\d+$", "maxLength": 9},
            "text": {"type": "string", "maxLength": 800, "minLength": 1},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "items": {"type": "array", "maxItems": 15, "items": {"type": "string"}},
        },
    }
    out = _grammar_schema(schema, max_items=4)["properties"]
    assert out["id"] == {"type": "string", "maxLength": 9}
    assert out["text"] == {"type": "string", "maxLength": 200}, "long bounds crash the parser"
    assert out["kind"] == {"type": "string", "enum": ["a", "b"]}
    assert out["items"] == {
        "type": "array",
        "maxItems": 4,
        "items": {"type": "string", "maxLength": 200},
    }
    assert _grammar_schema(schema)["properties"]["items"]["maxItems"] == 15


class Word(BaseModel):
    """A test-only response model whose rule the tiny model cannot guess unaided."""

    word: str

    @field_validator("word")
    @classmethod
    def _must_be_banana(cls, value: str) -> str:
        if value != "BANANA":
            raise ValueError("word must be exactly BANANA, in capitals")
        return value


class Name(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _starts_with_z(cls, value: str) -> str:
        if not value.startswith("Z"):
            raise ValueError("name must start with Z")
        return value


class Names(BaseModel):
    """A test-only response model: names that must all start with Z."""

    names: list[Name] = Field(min_length=1)


def _keep_valid_names(raw: str) -> tuple[Names, list[str]]:
    """A lenient reader for ``Names``: keeps the valid names, reports the others."""
    data = json.loads(raw[raw.find("{") : raw.rfind("}") + 1])
    kept, dropped = [], []
    for item in data.get("names", []):
        try:
            kept.append(Name.model_validate(item))
        except ValidationError:
            dropped.append(f"dropped {item!r}")
    return Names.model_construct(names=kept), dropped


def _recording_client(llm_base_url: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=llm_base_url, api_key="not-needed", max_retries=0)


def _local_endpoint(settings: Settings) -> Endpoint:
    return Endpoint.from_settings(
        settings, base_url=settings.base_url or "", backend="llama-cpp-python"
    )


@pytest.mark.vcr
def test_answer_failing_validation_is_sent_back_with_the_error(
    recorded_settings: Settings, vcr: Any
) -> None:
    messages = [{"role": "user", "content": "Answer with a JSON object holding one fruit name."}]

    async def run() -> Extraction[Word]:
        client = _recording_client(recorded_settings.base_url or "")
        try:
            return await extract(
                client, _local_endpoint(recorded_settings), recorded_settings, messages, Word, {}
            )
        finally:
            await client.close()

    with pytest.raises(ModelOutputError, match=r"after 2 attempt\(s\) \(1 re-ask\(s\)\)"):
        asyncio.run(run())
    assert len(vcr.requests) == 2
    first, second = (json.loads(r.body) for r in vcr.requests)
    assert len(second["messages"]) > len(first["messages"])
    followup = json.dumps(second["messages"][len(first["messages"]) :])
    assert "BANANA" in followup, "the validation error goes back to the model"


@pytest.mark.vcr
def test_answer_still_invalid_when_the_budget_is_spent_is_read_leniently(
    recorded_settings: Settings, vcr: Any
) -> None:
    messages = [
        {"role": "user", "content": "List the people in: Mike Pompeo phoned Adel Abdel Mahdi."}
    ]

    async def run() -> Extraction[Names]:
        client = _recording_client(recorded_settings.base_url or "")
        try:
            return await extract(
                client, _local_endpoint(recorded_settings), recorded_settings, messages, Names, {},
                _keep_valid_names,
            )  # fmt: skip
        finally:
            await client.close()

    result = asyncio.run(run())
    assert result.validated is False
    assert (result.usage.calls, result.reasks) == (2, 1)
    assert result.usage.prompt_tokens > 0
    assert all(n.name.startswith("Z") for n in result.value.names)
    assert result.repairs, "the invalid names are reported, not silently lost"
    assert len(result.validation_errors) == 2
    assert result.unresolved == result.validation_errors[-1]


def test_sampling_parameters_follow_the_endpoint() -> None:
    settings = Settings(api_key="k", max_output_tokens=900)
    hosted = Endpoint.from_settings(settings, base_url="https://api.openai.com/v1")
    assert hosted.sampling(settings) == {
        "max_completion_tokens": 900,
        "temperature": 0.0,
        "seed": 0,
    }
    reasoning = Endpoint.from_settings(
        settings.replace(model="gpt-5-mini"), base_url=hosted.base_url
    )
    assert reasoning.sampling(settings) == {"max_completion_tokens": 900, "seed": 0}
    local = Endpoint.from_settings(settings.replace(model="m"), base_url="http://h:8080/v1")
    assert local.sampling(settings) == {"max_tokens": 900, "temperature": 0.0, "seed": 0}


def test_no_file_handle_for_a_socket_is_a_resource_error_not_a_dead_server() -> None:
    import errno

    from summarizer.errors import ResourceError

    try:
        try:
            raise OSError(errno.EMFILE, "Too many open files")
        except OSError as cause:
            raise httpx2.ConnectError("connect failed") from cause
    except httpx2.ConnectError as connect:
        exc = openai.APIConnectionError(request=REQUEST)
        exc.__cause__ = connect
    assert not _is_transient(exc)
    mapped = _endpoint_error(exc, _endpoint(), Settings(), Usage(calls=1))
    assert isinstance(mapped, ResourceError)
    assert mapped.exit_code == 7
    assert "too many open files" in str(mapped)


def test_a_server_naming_when_to_come_back_pauses_every_request_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tenacity import RetryCallState

    pause = RatePause()
    policy = _Policy(_endpoint(), pause)
    state = RetryCallState(None, None, (), {})
    error = _status(503, headers={"retry-after": "3"})
    state.set_exception((type(error), error, None))
    with caplog.at_level("WARNING", logger="summarizer"):
        assert policy.wait(state) == 0.0, "the wait happens in the shared pause"
        policy.wait(state)
    assert len(caplog.records) == 1, "said once while the pause lasts"
    assert f"{URL} answered HTTP 503: pausing every request to it for 3s" in caplog.text

    async def paused_for() -> float:
        started = asyncio.get_running_loop().time()
        await pause.wait()
        return asyncio.get_running_loop().time() - started

    assert asyncio.run(paused_for()) >= 2.5
