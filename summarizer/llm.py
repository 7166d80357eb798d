"""One structured call to an OpenAI-compatible server, with one retry budget.

The SDK's own retries are off (``max_retries=0``): a single tenacity policy, handed to
instructor, owns every retry. Transient failures (HTTP 429, 5xx, timeouts, dropped
connections) back off and try again; an answer that fails validation is sent back
with the error text (a re-ask), at most ``max_reasks`` times.
Both draw on the same ``max_attempts``. When the budget is spent the caller gets one
``SummarizerError`` naming the cause; an answer that still fails validation is read
leniently instead, so that ``verify`` can flag or drop the faulty items one by one.

``Settings.timeout`` bounds each request as a whole, not each read: a server that
trickles its answer a byte at a time is cut off like one that says nothing. HTTP 429
pauses every request to the endpoint (``RatePause``, shared by all articles of a
batch) for as long as ``Retry-After`` asks, up to ``MAX_RETRY_AFTER`` seconds, and says
so in the log; a server that asks for longer fails the article at once with a
``RateLimitError`` naming both figures. Nothing a server sends back reaches a message
with a credential in it (``errors.redact``).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from functools import lru_cache
from typing import Any, Generic, TypeVar

import httpx2
import instructor
import jiter
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from .article import is_html
from .config import Settings
from .connection import Endpoint, RatePause
from .draft import validation_context
from .errors import (
    AuthenticationError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    ModelOutputError,
    OutputTruncatedError,
    RateLimitError,
    RequestRejectedError,
    ServerError,
    SummarizerError,
    UnexpectedResponseError,
    redact,
    resource_error,
)
from .usage import Usage

__all__ = [
    "MAX_RETRY_AFTER",
    "Extraction",
    "extract",
]

log = logging.getLogger("summarizer")

T = TypeVar("T", bound=BaseModel)
Lenient = Callable[[str], tuple[T, list[str]]]
_PARSE_ERRORS = (ValidationError, json.JSONDecodeError)
_MAX_BACKOFF = 30.0
#: The longest ``Retry-After`` honoured, in seconds; a server asking for more is not
#: waited for.
MAX_RETRY_AFTER = 120.0


@dataclass(frozen=True, slots=True)
class Extraction(Generic[T]):
    """The parsed answer, whether it passed full validation, and what it cost.

    ``validation_errors`` holds the first line of each validation failure, in order;
    when ``validated`` is false the last of them is the one the answer still has.
    """

    value: T
    validated: bool
    usage: Usage
    reasks: int = 0
    validation_errors: tuple[str, ...] = ()
    repairs: list[str] = field(default_factory=list)

    @property
    def unresolved(self) -> str | None:
        """The validation error the answer still has, when it was read leniently."""
        if self.validated or not self.validation_errors:
            return None
        return self.validation_errors[-1]


@dataclass(slots=True)
class _Tally:
    """What an extraction in progress has spent, and the validation errors met."""

    calls: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    validation_errors: list[str] = field(default_factory=list)

    def usage(self) -> Usage:
        return Usage(self.calls, self.prompt_tokens, self.completion_tokens)

    def extraction(self, value: T, validated: bool, repairs: list[str]) -> Extraction[T]:
        return Extraction(
            value, validated, self.usage(), self.reasks, tuple(self.validation_errors), repairs
        )


class _Policy:
    """The retry decision and wait for one extraction."""

    def __init__(
        self, settings: Settings, tally: _Tally, endpoint: Endpoint, pause: RatePause
    ) -> None:
        self.max_reasks = settings.max_reasks
        self.tally = tally
        self.endpoint = endpoint
        self.pause = pause

    def should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, _PARSE_ERRORS):
            self.tally.validation_errors.append(_first_line(exc))
            if self.tally.reasks < self.max_reasks:
                self.tally.reasks += 1
                return True
            return False
        if _asked_wait(exc) > MAX_RETRY_AFTER:
            return False
        return _is_transient(exc)

    def wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _PARSE_ERRORS):
            return 0.0
        backoff: float = min(_MAX_BACKOFF, 0.5 * 2.0 ** (state.attempt_number - 1))
        backoff *= 0.5 + random.random() / 2
        if not isinstance(exc, openai.APIStatusError):
            return backoff
        asked = _asked_wait(exc)
        if exc.status_code != 429 and asked < 0:
            return backoff
        # A rate limit, or a server naming when to come back, concerns every article:
        # send() waits out one shared pause.
        seconds = asked if asked >= 0 else backoff
        if self.pause.extend(seconds):
            what = (
                "is rate-limiting requests (HTTP 429)"
                if exc.status_code == 429
                else f"answered HTTP {exc.status_code}"
            )
            reason = "as its Retry-After asks" if asked >= 0 else "before trying again"
            log.warning(
                "%s %s: pausing every request to it for %.3gs %s",
                self.endpoint.base_url,
                what,
                seconds,
                reason,
            )
        return 0.0


class _NoChoicesError(Exception):
    """A completion without choices: a server glitch, worth another attempt."""


class _DeadlineError(Exception):
    """The whole request took longer than the timeout, however busy the connection was."""


def _asked_wait(exc: BaseException) -> float:
    """Seconds a failed request's ``Retry-After`` asks for; -1 when it names none."""
    if not isinstance(exc, openai.APIStatusError):
        return -1.0
    asked = _retry_after(exc.response.headers)
    return -1.0 if asked is None else asked


def _is_transient(exc: BaseException) -> bool:
    if resource_error(exc) is not None:
        return False  # out of file handles or memory here: the server is not at fault
    if isinstance(exc, (openai.APIConnectionError, _NoChoicesError, _DeadlineError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def _retry_after(headers: Any) -> float | None:
    raw = headers.get("retry-after-ms")
    if raw is not None:
        try:
            return float(raw) / 1000
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        from datetime import datetime
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


@lru_cache(maxsize=32)
def _prepared(response_model: type[T]) -> type[T]:
    """The model as instructor wraps it, made once, with its JSON Schema computed once.

    instructor would rebuild the wrapper and regenerate the schema on every call; for a
    batch that is most of the library's CPU time per article.
    """
    from instructor.v2.core.function_calls import response_schema

    wrapped = response_schema(response_model)
    schema = wrapped.model_json_schema()
    generate = wrapped.model_json_schema

    def model_json_schema(cls: type[T], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return copy.deepcopy(schema) if not args and not kwargs else generate(*args, **kwargs)

    wrapped.model_json_schema = classmethod(model_json_schema)  # type: ignore[method-assign,assignment]
    return wrapped


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        return f"{where + ': ' if where else ''}{error['msg']}{more}"[:300]
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


async def extract(
    client: openai.AsyncOpenAI,
    endpoint: Endpoint,
    settings: Settings,
    messages: list[dict[str, str]],
    response_model: type[T],
    context: dict[str, Any],
    lenient: Lenient[T] | None = None,
    pause: RatePause | None = None,
) -> Extraction[T]:
    """Ask the endpoint to fill ``response_model`` and validate the answer.

    Args:
        client: An ``AsyncOpenAI`` client built with ``max_retries=0``.
        endpoint: Where to send it, with which model and mode.
        settings: Budget, sampling and limits.
        messages: The rendered prompt.
        response_model: The Pydantic model to fill.
        context: Validation context; ``verify`` relies on ``{"article": ...}``.
        lenient: Reads an answer that still fails validation once the re-ask budget is
            spent, returning what it could keep and what it dropped; without it such an
            answer is a ``ModelOutputError``.
        pause: The endpoint's rate-limit pause, shared by the extractions of a batch;
            one of its own when omitted.

    Returns:
        The answer, with ``validated`` false when it was read by ``lenient`` after
        the re-ask budget ran out.

    Raises:
        EndpointError: The server could not serve the request within the budget.
        ModelOutputError: No answer could be read as ``response_model`` at all.
    """
    tally = _Tally()
    pause = pause or RatePause()

    async def send(**kwargs: Any) -> Any:
        await pause.wait()
        tally.calls += 1
        kwargs = endpoint.shape(kwargs, response_model, settings.max_items)
        # Outside the deadline: the SDK imports its resources on first use, which is
        # the program's time, not the server's.
        completions = client.chat.completions
        try:
            async with asyncio.timeout(settings.timeout):
                response = await completions.create(**kwargs)
        except TimeoutError as exc:
            raise _DeadlineError(f"no complete answer within {settings.timeout:g}s") from exc
        except openai.APIStatusError as exc:
            # Scrubbed here, before instructor logs it or anything quotes it.
            _scrub(exc, endpoint.secrets)
            raise
        if isinstance(response, str) or not hasattr(response, "choices"):
            raise _not_a_completion(response, endpoint, tally.usage())
        if not response.choices:
            raise _NoChoicesError("the server returned a completion with no choices")
        if response.usage is not None:
            tally.prompt_tokens += response.usage.prompt_tokens or 0
            tally.completion_tokens += response.usage.completion_tokens or 0
        return response

    policy = _Policy(settings, tally, endpoint, pause)
    retrying = AsyncRetrying(
        stop=stop_after_attempt(settings.max_attempts),
        retry=retry_if_exception(policy.should_retry),
        wait=policy.wait,
        reraise=True,
    )
    # instructor types ``create`` for sync use; the function it wraps here is async.
    create: Any = instructor.patch(create=send, mode=endpoint.instructor_mode)
    request = endpoint.sampling(settings)
    request.update(model=endpoint.model, messages=messages)
    token = validation_context.set(context)
    try:
        value = await create(
            response_model=_prepared(response_model), max_retries=retrying, **request
        )
    except IncompleteOutputException as exc:
        salvaged = _salvage_truncated(exc.last_completion, lenient)
        if salvaged is not None:
            value, repairs = salvaged
            note = (
                f"the answer was cut off at the output limit of {settings.max_output_tokens} "
                "tokens; what came after is lost"
            )
            return tally.extraction(value, False, [note, *repairs])
        truncated = OutputTruncatedError(
            f"the model's answer was cut off at the output limit of {settings.max_output_tokens} "
            "tokens; raise Settings.max_output_tokens or use a larger model",
            usage=tally.usage(),
        )
        raise truncated from exc
    except InstructorRetryException as exc:
        cause = exc.__cause__
        if isinstance(cause, _PARSE_ERRORS) and exc.last_completion is not None:
            value, repairs = _read_leniently(exc.last_completion, lenient, tally)
            return tally.extraction(value, False, repairs)
        raise _endpoint_error(cause or exc, endpoint, settings, tally) from (cause or exc)
    except openai.OpenAIError as exc:
        raise _endpoint_error(exc, endpoint, settings, tally) from exc
    finally:
        validation_context.reset(token)
    return tally.extraction(value, True, [])


def _read_leniently(
    completion: Any, lenient: Lenient[T] | None, tally: _Tally
) -> tuple[T, list[str]]:
    problems = "; ".join(tally.validation_errors[-1:])
    if lenient is not None:
        try:
            return lenient(_completion_text(completion))
        except ValueError as exc:  # includes ValidationError and JSONDecodeError
            problems = problems or _first_line(exc)
    raise ModelOutputError(
        f"the model gave no usable answer after {tally.calls} attempt(s) "
        f"({tally.reasks} re-ask(s)): {problems}",
        usage=tally.usage(),
    )


def _salvage_truncated(completion: Any, lenient: Lenient[T] | None) -> tuple[T, list[str]] | None:
    """Read what a cut-off answer holds: its complete items, if it has a headline and summary."""
    if lenient is None:
        return None
    text = _completion_text(completion)
    start = text.find("{")
    if start < 0:
        return None
    try:
        partial = jiter.from_json(text[start:].encode(), partial_mode="trailing-strings")
        return lenient(json.dumps(partial))
    except ValueError:
        return None


def _completion_text(completion: Any) -> str:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return ""
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments or "")
    return str(message.content or "")


def _scrub(exc: openai.APIStatusError, secrets: tuple[str, ...]) -> None:
    """Take credentials a server echoed back out of its error, in place."""
    exc.message = redact(exc.message, secrets)
    exc.args = (exc.message,)
    if exc.body is not None:
        exc.body = json.loads(redact(json.dumps(exc.body), secrets))


def _not_a_completion(response: Any, endpoint: Endpoint, usage: Usage) -> UnexpectedResponseError:
    text = str(response).strip()
    if is_html(text) or text[:1] == "<":
        what = "an HTML page"
    elif not text:
        what = "an empty body"
    else:
        what = f"text that is not JSON ({redact(' '.join(text.split())[:80], endpoint.secrets)!r})"
    return UnexpectedResponseError(
        f"{endpoint.base_url} answered with {what}, not a chat completion: check that the "
        "base URL is the server's OpenAI-compatible API (it usually ends in /v1)",
        url=endpoint.base_url,
        usage=usage,
    )


def _endpoint_error(
    exc: BaseException, endpoint: Endpoint, settings: Settings, tally: _Tally
) -> SummarizerError:
    error = _map_error(exc, endpoint, settings, tally.calls, tally.usage())
    error.args = (redact(str(error), endpoint.secrets),)
    return error


def _map_error(
    exc: BaseException, endpoint: Endpoint, settings: Settings, calls: int, usage: Usage
) -> SummarizerError:
    url = endpoint.base_url
    tries = f"after {calls} attempt(s)"
    if isinstance(exc, SummarizerError):
        return exc
    resource = resource_error(exc, usage=usage)
    if resource is not None:
        return resource
    if isinstance(exc, _NoChoicesError):
        return ModelOutputError(
            f"{url} returned no choices in its completions ({tries})", usage=usage
        )
    if isinstance(exc, (openai.APITimeoutError, _DeadlineError)):
        return EndpointTimeoutError(
            f"{url} did not answer within {settings.timeout:g}s ({tries}); "
            "raise Settings.timeout or check the server",
            url=url,
            usage=usage,
        )
    if isinstance(exc, openai.APIConnectionError):
        if exc.__cause__ is None or isinstance(exc.__cause__, httpx2.ConnectError):
            return EndpointUnreachableError(
                f"cannot connect to {url} ({tries}): is the server running?",
                url=url,
                usage=usage,
            )
        return EndpointUnreachableError(
            f"the connection to {url} broke off before the answer was complete ({tries})",
            url=url,
            usage=usage,
        )
    if isinstance(exc, openai.APIStatusError):
        status, detail = exc.status_code, _server_message(exc)
        if status in (401, 403):
            return AuthenticationError(
                f"{url} refused the credentials (HTTP {status}): set Settings.api_key "
                "(OPENAI_API_KEY) to a valid key",
                url=url,
                usage=usage,
            )
        if status == 429:
            asked = _asked_wait(exc)
            if asked > MAX_RETRY_AFTER:
                return RateLimitError(
                    f"{url} is rate-limiting requests (HTTP 429, {tries}) and asks to wait "
                    f"{asked:.0f}s (Retry-After), longer than the {MAX_RETRY_AFTER:.0f}s "
                    "summarizer waits at most; try again later",
                    url=url,
                    usage=usage,
                )
            return RateLimitError(
                f"{url} is rate-limiting requests (HTTP 429, {tries}); Retry-After is "
                f"honoured up to {MAX_RETRY_AFTER:.0f}s",
                url=url,
                usage=usage,
            )
        if status >= 500:
            return ServerError(
                f"{url} failed with HTTP {status} ({tries}): {detail}", url=url, usage=usage
            )
        hint = ""
        if status in (400, 422) and "response_format" in detail:
            hint = "; the server may not support this response format: try another Settings.mode"
        if status == 404:
            hint = f"; check the base URL and that model {endpoint.model!r} exists there"
        return RequestRejectedError(
            f"{url} rejected the request (HTTP {status}): {detail}{hint}", url=url, usage=usage
        )
    return EndpointError(f"request to {url} failed: {_first_line(exc)}", url=url, usage=usage)


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return " ".join(str(message).split())[:300]
    return _first_line(exc)
