"""The retry policy and error mapping of one structured call (no network)."""

from __future__ import annotations

import httpx2
import openai
import pytest
from pydantic import BaseModel, ValidationError

from summarizer import Settings
from summarizer.backends import Endpoint
from summarizer.errors import (
    AuthenticationError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    RateLimitError,
    RequestRejectedError,
    ServerError,
)
from summarizer.llm import (
    Usage,
    _endpoint_error,
    _grammar_schema,
    _is_transient,
    _Policy,
    _retry_after,
)

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


def test_validation_errors_are_reasked_only_within_the_reask_budget() -> None:
    usage = Usage()
    policy = _Policy(Settings(max_attempts=4, max_reasks=1), usage)
    error = _validation_error()
    assert policy.should_retry(error) is True
    assert policy.should_retry(error) is False
    assert usage.reasks == 1
    assert (
        usage.validation_errors
        == ["x: Input should be a valid integer, unable to parse string as an integer"] * 2
    )


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
            "try another --mode",
        ),
    ],
)
def test_spent_budget_becomes_one_clear_error_naming_the_url(
    exc: Exception, error: type[Exception], words: str
) -> None:
    mapped = _endpoint_error(exc, _endpoint(), Settings(), Usage(attempts=3))
    assert isinstance(mapped, error)
    assert words in str(mapped)
    assert URL in str(mapped)


def test_grammar_schema_drops_lengths_and_patterns_and_caps_lists() -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^A\\d+$", "maxLength": 9},
            "items": {"type": "array", "maxItems": 15, "items": {"type": "string", "minLength": 1}},
        },
    }
    out = _grammar_schema(schema, max_items=4)
    assert out["properties"]["id"] == {"type": "string"}
    assert out["properties"]["items"] == {
        "type": "array",
        "maxItems": 4,
        "items": {"type": "string"},
    }
    assert _grammar_schema(schema)["properties"]["items"]["maxItems"] == 15
