"""Internal: The in-process executor of the request/answer seam: one budget for every attempt.

``exchange`` sends a ``Request`` (``exchange.prepare``) with the pooled async client and
hands each answer to a ``finish`` step, which gives the result or the next round (a
re-ask). The SDK's own retries are off (``max_retries=0``): a single tenacity policy
owns every retry. Transient failures (HTTP 429, 5xx, timeouts, dropped connections)
back off and try again; an HTTP 200 that is no chat completion is resent once only; a
re-ask goes out at once. Both draw on the same
``max_attempts``, and the last attempt tells ``finish`` so, which then reads an invalid
answer leniently (``verify`` flags or drops the faulty items one by one). When the
budget is spent the caller gets one ``SummarizerError`` naming the cause.

``Settings.timeout`` bounds each request as a whole, not each read: a server that
trickles its answer a byte at a time is cut off like one that says nothing. HTTP 429
pauses every request to the endpoint (``RatePause``, shared by all articles of a
batch) for as long as ``Retry-After`` asks, up to ``_MAX_RETRY_AFTER`` seconds, and says
so in the log; a server that asks for longer fails the article at once with a
``RateLimitError`` naming both figures. Nothing a server sends back reaches a message
with a credential in it (``errors.redact``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable
from datetime import UTC
from typing import Any, TypeVar

import httpx2
import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from .article import is_html
from .chunking import estimate_tokens
from .config import Settings
from .connection import Endpoint, RatePause
from .errors import (
    AuthenticationError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    ModelOutputError,
    RateLimitError,
    RequestRejectedError,
    ServerError,
    SummarizerError,
    TokenBudgetError,
    UnexpectedResponseError,
    redact,
    resource_error,
    scrub,
)
from .exchange import (
    Extraction,
    Lenient,
    Reask,
    Request,
    build_request,
    completion_usage,
    first_line,
    read_answer,
)
from .usage import TokenBudget, Usage

__all__ = [
    "exchange",
    "extract",
]

_log = logging.getLogger("summarizer")

_R = TypeVar("_R")
_T = TypeVar("_T", bound=BaseModel)
#: The wait before the second attempt, in seconds; it doubles with each further one, up to
#: ``_MAX_BACKOFF`` (and is jittered down by up to half).
_FIRST_BACKOFF = 0.5
_MAX_BACKOFF = 30.0
#: The longest ``Retry-After`` honoured, in seconds; a server asking for more is not
#: waited for.
_MAX_RETRY_AFTER = 120.0


class _Reasked(Exception):
    """The answer failed validation and the next round is a re-ask: try again at once."""


class _Policy:
    """The retry decision and wait for one exchange."""

    def __init__(self, endpoint: Endpoint, pause: RatePause) -> None:
        self.endpoint = endpoint
        self.pause = pause

    def should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, _Reasked):
            return True
        if _asked_wait(exc) > _MAX_RETRY_AFTER:
            return False
        return _is_transient(exc)

    def wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Reasked):
            return 0.0
        backoff: float = min(_MAX_BACKOFF, _FIRST_BACKOFF * 2.0 ** (state.attempt_number - 1))
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
            _log.warning(
                "%s %s: pausing every request to it for %.3gs %s",
                self.endpoint.base_url,
                what,
                seconds,
                reason,
            )
        return 0.0


class _NoChoicesError(Exception):
    """A completion without choices: a server glitch, worth another attempt."""


class _NotJSONError(Exception):
    """An answer that says it is JSON and is not: a glitch of the server, worth a retry."""


class _NotACompletionError(Exception):
    """A 200 whose body is no chat completion (a web page, ``{"status": "ok"}``): a
    proxy or server between restarts may give one by mistake, so it is resent once;
    a second one is the base URL's fault and ends the exchange."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


#: How many times a 200 that is no chat completion is resent before the run gives up.
_NOT_A_COMPLETION_RESENDS = 1


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
    transient = (
        openai.APIConnectionError,
        _NoChoicesError,
        _NotJSONError,
        _NotACompletionError,
        _DeadlineError,
    )
    if isinstance(exc, transient):
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


async def _send(
    client: openai.AsyncOpenAI,
    endpoint: Endpoint,
    settings: Settings,
    request: Request,
    pause: RatePause,
    slots: asyncio.Semaphore | None = None,
) -> ChatCompletion:
    """Send one round's body as it is; the answer, or the error that stopped it.

    With ``slots``, the request holds one only while it is on the wire: never while it
    waits out a rate-limit pause, nor (in ``exchange``) a backoff between attempts.
    """
    await pause.wait()
    async with slots if slots is not None else contextlib.nullcontext():
        # A pause may have begun while this request waited for a slot.
        await pause.wait()
        return await _post(client, endpoint, settings, request)


async def _post(
    client: openai.AsyncOpenAI, endpoint: Endpoint, settings: Settings, request: Request
) -> ChatCompletion:
    try:
        async with asyncio.timeout(settings.timeout):
            # The body goes on the wire as it is: the SDK's typed ``create`` would walk
            # every parameter and the whole schema again on each request.
            response: Any = await client.post(
                "/chat/completions", body=request.body, cast_to=ChatCompletion
            )
    except TimeoutError as exc:
        raise _DeadlineError(f"no complete answer within {settings.timeout:g}s") from exc
    except json.JSONDecodeError as exc:
        raise _NotJSONError(f"an answer sent as JSON that is not JSON ({exc.msg})") from exc
    except openai.APIStatusError as exc:
        # Scrubbed here, before anything logs or quotes it.
        _scrub(exc, endpoint.secrets)
        raise
    # The SDK builds its model without validating it: a JSON body of another shape
    # arrives as a ChatCompletion whose ``choices`` is None, a choice without its
    # message as one whose ``message`` is None.
    if not isinstance(response, ChatCompletion) or not isinstance(response.choices, list):
        raise _NotACompletionError(_what_came(response, endpoint.secrets))
    if not response.choices:
        raise _NoChoicesError("the server returned a completion with no choices")
    if not all(isinstance(getattr(c, "message", None), BaseModel) for c in response.choices):
        raise _NotACompletionError("a completion whose choice carries no message")
    return _without_secrets(response, endpoint.secrets)


def _without_secrets(completion: ChatCompletion, secrets: tuple[str, ...]) -> ChatCompletion:
    """The answer with any credential it echoes taken out, before anything reads it: a
    model can be talked into repeating the key, which must reach no record, report,
    cache or re-ask."""
    if not secrets:
        return completion
    data = completion.model_dump(mode="json")
    clean = scrub(data, secrets)
    return completion if clean == data else ChatCompletion.model_validate(clean)


async def exchange(
    client: openai.AsyncOpenAI,
    endpoint: Endpoint,
    settings: Settings,
    request: Request,
    finish: Callable[[Request, ChatCompletion, bool], _R | Reask],
    pause: RatePause | None = None,
    budget: TokenBudget | None = None,
    slots: asyncio.Semaphore | None = None,
) -> _R:
    """Send ``request`` and its re-asks until ``finish`` reads a result, within one budget.

    Args:
        client: An ``AsyncOpenAI`` client built with ``max_retries=0``.
        endpoint: Where to send it (its credentials are the client's).
        settings: The budget (``max_attempts``) and the deadline of each request.
        request: The first round (``exchange.prepare`` or ``exchange.build_request``).
        finish: Reads an answer: the result, or the next round; told whether the
            budget allows no further attempt.
        pause: The endpoint's rate-limit pause, shared by the exchanges of a batch;
            one of its own when omitted.
        budget: The article's token budget, checked before every attempt and charged
            with every answer; none when omitted.
        slots: The run's call slots: each attempt holds one while it is on the wire,
            none while it waits to retry; no limit when omitted.

    Raises:
        EndpointError: The server could not serve the request within the budget.
        ModelOutputError: No answer could be read.
        TokenBudgetError: The token budget does not allow the next attempt.
    """
    pause = pause or RatePause()
    state = request
    strange = 0  # answers that were no chat completion
    retrying = AsyncRetrying(
        stop=stop_after_attempt(settings.max_attempts),
        retry=retry_if_exception(_Policy(endpoint, pause).should_retry),
        wait=_Policy(endpoint, pause).wait,
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                last = attempt.retry_state.attempt_number >= settings.max_attempts
                needed = await _reserve(budget, state) if budget is not None else 0
                try:
                    answer = await _send(client, endpoint, settings, state, pause, slots)
                except BaseException as exc:
                    state = state.charged(Usage(calls=1))
                    if budget is not None:
                        await budget.settle(needed)
                    if isinstance(exc, _NotACompletionError):
                        strange += 1
                        if strange > _NOT_A_COMPLETION_RESENDS:
                            raise _endpoint_error(exc, endpoint, settings, state.spent) from None
                    raise
                if budget is not None:
                    await budget.settle(needed, completion_usage(answer))
                outcome = finish(state, answer, last)
                if isinstance(outcome, Reask):
                    state = outcome.request
                    raise _Reasked
                return outcome
    except SummarizerError:
        raise
    except (
        openai.OpenAIError,
        _NoChoicesError,
        _NotJSONError,
        _NotACompletionError,
        _DeadlineError,
        OSError,
    ) as exc:
        raise _endpoint_error(exc, endpoint, settings, state.spent) from exc
    raise AssertionError("the retry loop ends by returning or raising")  # pragma: no cover


async def _reserve(budget: TokenBudget, request: Request) -> int:
    """Reserve the budget for ``request``'s prompt; what was reserved.

    Raises:
        TokenBudgetError: What is spent and reserved leaves no room for it.
    """
    messages = request.body.get("messages", [])
    needed = sum(estimate_tokens(str(m.get("content", ""))) for m in messages)
    if not await budget.reserve(needed):
        raise TokenBudgetError(
            f"the token budget of {budget.limit} per article is spent: {budget.spent} used "
            f"and {budget.reserved} held by requests in flight, and the next request needs "
            f"about {needed} for its prompt alone; raise Settings.max_tokens_per_article",
            usage=request.spent,
        )
    return needed


async def extract(
    client: openai.AsyncOpenAI,
    endpoint: Endpoint,
    settings: Settings,
    messages: list[dict[str, str]],
    response_model: type[_T],
    context: dict[str, Any],
    lenient: Lenient[_T] | None = None,
    pause: RatePause | None = None,
) -> Extraction[_T]:
    """Ask the endpoint to fill ``response_model`` and validate the answer.

    ``exchange`` with ``read_answer``: the same seam as an article's, for any model.

    Args:
        client: An ``AsyncOpenAI`` client built with ``max_retries=0``.
        endpoint: Where to send it, with which model and mode.
        settings: Budget, sampling and limits.
        messages: The rendered prompt.
        response_model: The Pydantic model to fill.
        context: Validation context.
        lenient: Reads an answer that still fails validation once the re-ask budget is
            spent; without it such an answer is a ``ModelOutputError``.
        pause: The endpoint's rate-limit pause; one of its own when omitted.

    Raises:
        EndpointError: The server could not serve the request within the budget.
        ModelOutputError: No answer could be read as ``response_model`` at all.
    """
    request = build_request(endpoint, settings, messages, response_model)

    def read(state: Request, answer: ChatCompletion, last: bool) -> Extraction[_T] | Reask:
        return read_answer(
            state, answer, response_model, context=context, lenient=lenient, last=last
        )

    return await exchange(client, endpoint, settings, request, read, pause)


def _scrub(exc: openai.APIStatusError, secrets: tuple[str, ...]) -> None:
    """Take credentials a server echoed back out of its error, in place."""
    exc.message = redact(exc.message, secrets)
    exc.args = (exc.message,)
    if exc.body is not None:
        exc.body = json.loads(redact(json.dumps(exc.body), secrets))


def _what_came(response: Any, secrets: tuple[str, ...]) -> str:
    """What a body that is no chat completion is, in a few words for the error."""
    if isinstance(response, BaseModel):
        response = response.model_dump(mode="json", exclude_unset=True)
    if isinstance(response, (dict, list, int, float, bool)) or response is None:
        shown = json.dumps(response)
        return f"JSON of another shape ({redact(shown[:80], secrets)!r})"
    text = str(response).strip()
    if is_html(text) or text[:1] == "<":
        return "an HTML page"
    if not text:
        return "an empty body"
    return f"text that is not JSON ({redact(' '.join(text.split())[:80], secrets)!r})"


def _endpoint_error(
    exc: BaseException, endpoint: Endpoint, settings: Settings, usage: Usage
) -> SummarizerError:
    error = _map_error(exc, endpoint, settings, usage.calls, usage)
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
    if isinstance(exc, _NotACompletionError):
        return UnexpectedResponseError(
            f"{url} answered with {exc.what}, not a chat completion ({tries}): check that the "
            "base URL is the server's OpenAI-compatible API (it usually ends in /v1)",
            url=url,
            usage=usage,
        )
    if isinstance(exc, _NotJSONError):
        return UnexpectedResponseError(
            f"{url} answered with a body that says it is JSON and is not ({tries}): check "
            "that the base URL is the server's OpenAI-compatible API",
            url=url,
            usage=usage,
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
            if asked > _MAX_RETRY_AFTER:
                return RateLimitError(
                    f"{url} is rate-limiting requests (HTTP 429, {tries}) and asks to wait "
                    f"{asked:.0f}s (Retry-After), longer than the {_MAX_RETRY_AFTER:.0f}s "
                    "summarizer waits at most; try again later",
                    url=url,
                    usage=usage,
                )
            return RateLimitError(
                f"{url} is rate-limiting requests (HTTP 429, {tries}); Retry-After is "
                f"honoured up to {_MAX_RETRY_AFTER:.0f}s",
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
    return EndpointError(f"request to {url} failed: {first_line(exc)}", url=url, usage=usage)


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return " ".join(str(message).split())[:300]
    return first_line(exc)
