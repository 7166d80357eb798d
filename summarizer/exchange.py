"""The request/answer seam: the model call split into two pure, picklable steps.

::

    prepare(article, settings, endpoint)  ->  Request          no network, no state
        an executor sends Request.body:  the in-process client (llm.py), an OpenAI
        batch file (batchfile.py), Ray Data actors (ray.py)
    finish(article, request, answer)      ->  ArticleSummary | Reask

A ``Request`` is plain data. ``Request.body`` is the JSON a chat-completions endpoint
takes, exactly as sent (one line of an OpenAI batch file, under ``body``); what is
needed to read the answer travels beside it: who answers, the prompt's version, the
output language, strictness, the re-ask budget, and what earlier rounds spent and met.
A re-ask is one more round: ``Reask.request`` is the same conversation with the answer
and its validation errors appended, sent by whichever executor sent the first.

instructor does the structured-output work: its mode handlers shape the request, parse
the answer and word the re-ask. What does not change from call to call (the wrapped
response model, its schema, the mode's handlers) is prepared once per process.
The retry loop belongs to the executor: ``llm.py`` keeps the in-process one, with one
budget for transient errors and re-asks.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache, lru_cache
from typing import Any, Generic, TypeVar

import jiter
from instructor.v2.core.errors import ResponseParsingError
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from .article import Article
from .assemble import assemble_record
from .chunking import KNOWN_TOKENS, NAMED_TOKENS, Chunk, Room, estimate_tokens, plan_chunks
from .config import Settings
from .connection import BACKENDS, Endpoint
from .draft import Draft, DraftActor, read_lenient, validation_context
from .errors import InputError, ModelOutputError, OutputTruncatedError
from .prompts import PromptTemplate, load_template, render_messages
from .record import ArticleSummary
from .usage import Usage

__all__ = [
    "Extraction",
    "Lenient",
    "Plan",
    "Reask",
    "Request",
    "build_request",
    "completion_usage",
    "finish",
    "first_line",
    "plan",
    "prepare",
    "read_answer",
    "request_id",
]

_T = TypeVar("_T", bound=BaseModel)
#: Reads an answer that still fails validation once no round is left: what it could
#: keep, and a message for each thing it dropped.
Lenient = Callable[[str], tuple[_T, list[str]]]
#: What an answer that is not what was asked for raises; the answer is sent back.
_PARSE_ERRORS = (ValidationError, json.JSONDecodeError, ResponseParsingError)


@dataclass(frozen=True, slots=True)
class Request:
    """One round of a model call, as plain data: what to send, and how to read the answer.

    Attributes:
        id: The request's id (``custom_id`` in a batch file, see ``request_id``).
        body: The chat-completions request body, as sent.
        model: The model asked.
        base_url: The server (no credentials: ``Endpoint.base_url``).
        backend: The backend profile's name.
        mode: The structured-output mode.
        prompt_version: The template's version, for the record.
        output_language: The language asked for in summaries and paraphrases.
        strict: Drop unverifiable items instead of flagging them.
        max_reasks: Rounds that may go to fixing an invalid answer, in all.
        max_output_tokens: The output limit asked for, named when an answer is cut off.
        reasks: Re-asks before this round.
        errors: The first line of each validation failure of earlier rounds.
        spent: What earlier rounds (and failed attempts) cost.
        cache_key: The record cache's key for the article, when a cache is used.
    """

    id: str
    body: dict[str, Any]
    model: str
    base_url: str
    backend: str
    mode: str
    prompt_version: str = ""
    output_language: str | None = None
    strict: bool = False
    max_reasks: int = 0
    max_output_tokens: int = 4096
    reasks: int = 0
    errors: tuple[str, ...] = ()
    spent: Usage = field(default_factory=Usage)
    cache_key: str | None = None

    @property
    def endpoint(self) -> Endpoint:
        """Who answers, for the record's quality block (no credentials)."""
        return Endpoint(self.base_url, self.model, BACKENDS[self.backend], self.mode)

    def charged(self, usage: Usage) -> Request:
        """This round after an attempt that cost ``usage`` and brought no answer."""
        return replace(self, spent=self.spent + usage)

    def batch_line(self) -> dict[str, Any]:
        """The request as one line of an OpenAI batch input file."""
        return {
            "custom_id": self.id,
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": self.body,
        }

    def to_dict(self) -> dict[str, Any]:
        """The request as JSON-able data; ``from_dict`` reads it back."""
        data = asdict(self)
        data["errors"] = list(self.errors)
        data["spent"] = self.spent.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Request:
        """Read a request written by ``to_dict``.

        Raises:
            ValueError: The data is not such a request.
        """
        try:
            values = dict(data)
            values["errors"] = tuple(values.get("errors", ()))
            values["spent"] = Usage.from_dict(values.get("spent", {}))
            request = cls(**values)
        except TypeError as exc:
            raise ValueError(f"not a request: {exc}") from None
        if request.backend not in BACKENDS or not isinstance(request.body, dict):
            raise ValueError(f"not a request: backend {request.backend!r}")
        return request


@dataclass(frozen=True, slots=True)
class Reask:
    """The answer failed validation and a round is left: send ``request`` next."""

    request: Request


@dataclass(frozen=True, slots=True)
class Extraction(Generic[_T]):
    """A parsed answer, whether it passed full validation, and what the rounds cost.

    ``validation_errors`` holds the first line of each validation failure, in order;
    when ``validated`` is false the last of them is the one the answer still has.
    """

    value: _T
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


@cache
def _handlers(mode: str) -> Any:
    """instructor's request, parse and re-ask handlers for ``mode``, looked up once."""
    from instructor.v2.core.providers import Provider
    from instructor.v2.core.registry import mode_registry
    from instructor.v2.core.response import handle_response_model

    instructor_mode = Endpoint("", "", BACKENDS["generic"], mode).instructor_mode
    handle_response_model(None, instructor_mode)  # loads instructor's handler registry
    return mode_registry.get_handlers(Provider.OPENAI, instructor_mode)


@lru_cache(maxsize=32)
def _prepared(response_model: type[_T]) -> type[_T]:
    """The model as instructor wraps it, made once, with its JSON Schema computed once.

    instructor would rebuild the wrapper and regenerate the schema on every call; for a
    batch that is most of the library's CPU time per article. Requests share the schema's
    nested parts (as they share the grammar schema): each gets its own top level, which
    is all instructor's handlers write to, and a re-ask copies the body before changing it.
    """
    from instructor.v2.core.function_calls import response_schema
    from instructor.v2.core.response_model import prepare_response_model

    wrapped = response_schema(response_model)
    schema = wrapped.model_json_schema()
    generate = wrapped.model_json_schema

    def model_json_schema(cls: type[_T], *args: Any, **kwargs: Any) -> dict[str, Any]:
        return dict(schema) if not args and not kwargs else generate(*args, **kwargs)

    wrapped.model_json_schema = classmethod(model_json_schema)  # type: ignore[method-assign,assignment]
    prepared = prepare_response_model(wrapped)
    assert prepared is not None
    return prepared


def build_request(
    endpoint: Endpoint,
    settings: Settings,
    messages: list[dict[str, str]],
    response_model: type[BaseModel],
    *,
    id: str = "",
    prompt_version: str = "",
    output_language: str | None = None,
    cache_key: str | None = None,
) -> Request:
    """The first round of asking ``endpoint`` to fill ``response_model``."""
    handlers = _handlers(endpoint.mode)
    kwargs: dict[str, Any] = {"messages": messages, "model": endpoint.model}
    kwargs.update(endpoint.sampling(settings))
    _, kwargs = handlers.request_handler(response_model=_prepared(response_model), kwargs=kwargs)
    if handlers.message_converter is not None:
        kwargs["messages"] = handlers.message_converter(kwargs["messages"])
    shaped = endpoint.shape(kwargs, response_model, settings.max_items)
    body = {key: value for key, value in shaped.items() if key != "extra_body"}
    body.update(shaped.get("extra_body", {}))
    return Request(
        id=id,
        body=body,
        model=endpoint.model,
        base_url=endpoint.base_url,
        backend=endpoint.backend.name,
        mode=endpoint.mode,
        prompt_version=prompt_version,
        output_language=output_language,
        strict=settings.strict,
        max_reasks=settings.max_reasks,
        max_output_tokens=settings.max_output_tokens,
        cache_key=cache_key,
    )


def _as_completion(answer: ChatCompletion | Mapping[str, Any]) -> ChatCompletion:
    """The answer as a chat completion, whether it came as one or as its JSON.

    Raises:
        ModelOutputError: The answer is not a chat completion.
    """
    if isinstance(answer, ChatCompletion):
        return answer
    try:
        return ChatCompletion.model_validate(answer)
    except ValidationError as exc:
        raise ModelOutputError(f"the answer is not a chat completion: {first_line(exc)}") from None


def read_answer(
    request: Request,
    answer: ChatCompletion | Mapping[str, Any],
    response_model: type[_T],
    *,
    context: dict[str, Any],
    lenient: Lenient[_T] | None = None,
    last: bool = False,
) -> Extraction[_T] | Reask:
    """Parse and validate one answer to ``request``.

    Args:
        request: The round the answer is to.
        answer: The chat completion, or its JSON.
        response_model: The model the request asked to fill.
        context: Validation context; ``verify`` relies on ``{"article": ...}``.
        lenient: Reads an answer that still fails validation when no round is left.
        last: No further round can be sent, whatever the re-ask budget says.

    Returns:
        The value, or the next round when the answer failed validation and a re-ask is
        left.

    Raises:
        ModelOutputError: No answer could be read as ``response_model`` at all.
        OutputTruncatedError: The answer was cut off and nothing could be kept.
    """
    from instructor.core.exceptions import IncompleteOutputException

    completion = _as_completion(answer)
    spent = request.spent + completion_usage(completion)
    if not completion.choices:
        raise ModelOutputError(
            f"{request.base_url} returned a completion with no choices", usage=spent
        )
    handlers = _handlers(request.mode)
    token = validation_context.set(context)
    try:
        value = handlers.response_parser(
            response=completion,
            response_model=_prepared(response_model),
            validation_context=None,
            strict=True,
            stream=False,
            is_async=True,
        )
    except IncompleteOutputException:
        salvaged = _salvage_truncated(completion, lenient)
        where, remedy = _cut_off(completion, request.max_output_tokens)
        if salvaged is None:
            raise OutputTruncatedError(
                f"the model's answer was cut off {where}; {remedy}", usage=spent
            ) from None
        value, repairs = salvaged
        note = f"the answer was cut off {where}; what came after is lost"
        return Extraction(value, False, spent, request.reasks, request.errors, [note, *repairs])
    except _PARSE_ERRORS as exc:
        errors = (*request.errors, first_line(exc))
        if not last and request.reasks < request.max_reasks:
            body = handlers.reask_handler(
                kwargs=copy.deepcopy(request.body), response=completion, exception=exc
            )
            following = replace(
                request, body=body, reasks=request.reasks + 1, errors=errors, spent=spent
            )
            return Reask(following)
        if isinstance(exc, ResponseParsingError):
            # Not in the form the mode asks for (no tool call in tools mode): nothing to
            # read leniently either.
            raise ModelOutputError(
                f"the model's answer is not in the form {request.mode} mode asks for after "
                f"{spent.calls} attempt(s): {first_line(exc)}",
                usage=spent,
            ) from None
        value, repairs = _read_leniently(completion, lenient, errors, spent, request.reasks)
        return Extraction(value, False, spent, request.reasks, errors, repairs)
    finally:
        validation_context.reset(token)
    return Extraction(value, True, spent, request.reasks, request.errors)


#: The least room worth a list of the actors earlier parts named.
_MIN_NAMED_TOKENS = 60


@dataclass(frozen=True, slots=True)
class Plan:
    """How an article is read, worked out once: the parts it is read in, one request each
    (per pass), and the room every request of it has."""

    chunks: tuple[Chunk, ...]
    room: Room


def plan(article: Article, settings: Settings, *, template: PromptTemplate | None = None) -> Plan:
    """How ``article`` is read: its parts (one when it fits) and their room.

    Raises:
        ConfigurationError: The context window leaves no room for the article beside the
            instructions and the answer.
        InputError: A sentence alone does not fit the context window.
    """
    template = template or load_template(settings.prompt)
    messages = render_messages(article, template, chunk=Chunk(1, 2, 1, 1, 1))
    overhead = sum(estimate_tokens(m["content"]) for m in messages)
    overhead -= estimate_tokens(article.sentences[0].text) if article.sentences else 0
    if settings.passes > 1:
        overhead += KNOWN_TOKENS
    room = Room.of(settings, overhead)
    chunks = plan_chunks(article, room.part)
    if room.article is not None:
        for chunk in chunks:
            size = sum(estimate_tokens(s.text) for s in chunk.sentences(article))
            if size > room.article:
                raise InputError(
                    f"{article.id or 'input'}: sentence {chunk.first} alone is about {size} "
                    f"tokens, more than the {room.article} the context window of "
                    f"{room.window} tokens leaves for the article; sentences are "
                    "never cut: use a model with a longer context"
                )
    return Plan(chunks, room)


def prepare(
    article: Article,
    settings: Settings,
    endpoint: Endpoint,
    *,
    template: PromptTemplate | None = None,
    output_language: str | None = None,
    cache_key: str | None = None,
    planned: Plan | None = None,
    chunk: Chunk | None = None,
    known: Draft | None = None,
    named: Sequence[DraftActor] | None = None,
) -> Request:
    """The first request for ``article``, or for one part of it: the rendered prompt,
    shaped for ``endpoint``.

    Args:
        article: The article as read.
        settings: The run's settings (sampling, limits, strictness, re-ask budget).
        endpoint: Who will answer; its credentials do not enter the request.
        template: The prompt template; ``settings.prompt``'s when omitted.
        output_language: The summary's language; the article's when omitted.
        cache_key: The record cache's key, carried for executors that fill the cache.
        planned: The article's ``plan``; worked out here when omitted.
        chunk: The part of it to read. When omitted the article must fit one request.
        known: What earlier passes over the part found, for a later pass.
        named: The actors earlier parts named (see ``render_messages``), listed in the
            room the part leaves in the context window, up to ``NAMED_TOKENS``.

    Raises:
        InputError: The article needs more than one request and no part was named, or
            cannot fit the model's context window at all.
    """
    template = template or load_template(settings.prompt)
    if chunk is None:
        planned = planned or plan(article, settings, template=template)
        chunks = planned.chunks
        if len(chunks) > 1:
            raise InputError(
                f"{article.id or 'input'}: the article is read in {len(chunks)} parts, one "
                "request each; this executor sends one request per article: summarise it "
                "with 'summarizer run' (or Summarizer), which reads it part by part"
            )
        chunk = chunks[0]
    output_language = output_language or settings.output_language or article.language
    messages = render_messages(
        article, template, output_language=output_language, chunk=chunk, known=known
    )
    if named and not chunk.whole:
        # The actors earlier parts named take what room the part leaves, up to
        # NAMED_TOKENS: no part is made smaller for them.
        planned = planned or plan(article, settings, template=template)
        left = planned.room.beside(sum(estimate_tokens(m["content"]) for m in messages))
        room = NAMED_TOKENS if left is None else min(NAMED_TOKENS, left)
        if room >= _MIN_NAMED_TOKENS:
            messages = render_messages(
                article,
                template,
                output_language=output_language,
                chunk=chunk,
                known=known,
                named=named,
                named_tokens=room,
            )
    return build_request(
        endpoint,
        settings,
        messages,
        Draft,
        id=request_id(article.id or "", chunk),
        prompt_version=template.version,
        output_language=output_language,
        cache_key=cache_key,
    )


def request_id(article_id: str, chunk: Chunk) -> str:
    """The id of the request for ``chunk`` of the article ``article_id`` (a batch file's
    ``custom_id``): the article's id, ``#part2`` after it for a part of a long one.

    ``%`` and ``#`` in the article's id are escaped (``%25``, ``%23``) so that no
    article's id reads as a part of another's; ordinary ids stay as they are.
    """
    escaped = article_id.replace("%", "%25").replace("#", "%23")
    return escaped if chunk.whole else f"{escaped}#part{chunk.index}"


def finish(
    article: Article,
    request: Request,
    answer: ChatCompletion | Mapping[str, Any],
    *,
    last: bool = False,
    seconds: float = 0.0,
) -> ArticleSummary | Reask:
    """Read the answer to ``request`` into the verified record, or the next round.

    Args:
        article: The article the request was prepared from.
        request: The round answered.
        answer: The chat completion, or its JSON (a batch result's ``response.body``).
        last: No further round can be sent: an invalid answer is read leniently now.
        seconds: Wall time of the whole summarisation, for the quality block.

    Raises:
        ModelOutputError: No usable answer.
        OutputTruncatedError: The answer was cut off and nothing could be kept.
    """
    read = read_answer(
        request, answer, Draft, context={"article": article}, lenient=read_lenient, last=last
    )
    if isinstance(read, Reask):
        return read
    return assemble_record(
        article,
        read.value,
        endpoint=request.endpoint,
        prompt_version=request.prompt_version,
        usage=read.usage,
        reasks=read.reasks,
        unresolved=read.unresolved,
        repairs=read.repairs,
        output_language=request.output_language,
        strict=request.strict,
        seconds=seconds,
    )


def completion_usage(completion: ChatCompletion) -> Usage:
    """What one answer says it cost (one call)."""
    usage = completion.usage
    if usage is None:
        return Usage(calls=1)
    return Usage(1, usage.prompt_tokens or 0, usage.completion_tokens or 0)


def _read_leniently(
    completion: ChatCompletion,
    lenient: Lenient[_T] | None,
    errors: tuple[str, ...],
    spent: Usage,
    reasks: int,
) -> tuple[_T, list[str]]:
    problems = "; ".join(errors[-1:])
    if lenient is not None:
        try:
            return lenient(_completion_text(completion))
        except ValueError as exc:  # includes ValidationError and JSONDecodeError
            problems = problems or first_line(exc)
    raise ModelOutputError(
        f"the model gave no usable answer after {spent.calls} attempt(s) "
        f"({reasks} re-ask(s)): {problems}",
        usage=spent,
    )


def _cut_off(completion: ChatCompletion, asked: int) -> tuple[str, str]:
    """Where a cut-off answer stopped, and what would let it finish.

    A server may stop an answer below the limit the request asked for (a limit of its
    own, e.g. llama.cpp's ``--n-predict``): the tokens the answer used say which limit
    it was, and naming only the one asked for would send the reader to the wrong knob.
    """
    used = completion.usage.completion_tokens if completion.usage is not None else None
    if not used:
        return f"at the output limit of {asked} tokens", _RAISE_ASKED
    if used < asked:
        return (
            f"after {used} tokens, short of the {asked} asked for: the server stopped it at "
            "a lower limit of its own",
            "raise the server's own limit on answer length or use a larger model",
        )
    return f"after {used} tokens, at the output limit of {asked} asked for", _RAISE_ASKED


_RAISE_ASKED = "raise Settings.max_output_tokens or use a larger model"


def _salvage_truncated(
    completion: ChatCompletion, lenient: Lenient[_T] | None
) -> tuple[_T, list[str]] | None:
    """Read what a cut-off answer holds: its complete items, if it has a headline and summary.

    A string the cut fell inside is left out, not kept half-written ("Someth" for a summary):
    the item or field it belongs to is then missing, never wrong."""
    if lenient is None:
        return None
    text = _completion_text(completion)
    start = text.find("{")
    if start < 0:
        return None
    try:
        partial = jiter.from_json(text[start:].encode(), partial_mode="on")
        return lenient(json.dumps(partial))
    except ValueError:
        return None


def _completion_text(completion: ChatCompletion) -> str:
    if not completion.choices:
        return ""
    message = completion.choices[0].message
    if message.tool_calls:
        call = message.tool_calls[0]
        return str(getattr(getattr(call, "function", None), "arguments", "") or "")
    return str(message.content or "")


def first_line(exc: BaseException) -> str:
    """The first line of an error, with a validation error's location."""
    if isinstance(exc, ValidationError) and exc.errors():
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        return f"{where + ': ' if where else ''}{error['msg']}{more}"[:300]
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
