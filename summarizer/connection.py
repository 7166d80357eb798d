"""Internal: The connection: which server, which profile, which clients, and what identifies it.

One ``Connection`` owns everything about reaching a model that outlives one article:
the endpoint resolved from the settings, the embedded server when nothing else is
configured, one pooled client per event loop, the rate-limit pause every article
shares, and the identity the cache keys records by. A backend is one profile here:
its structured-output mode and its quirks (instructions folded into the first user
turn, a schema a grammar compiler can take, the hosted API's sampling parameters).

There is one code path, the openai SDK against a base URL; a profile only says how to
ask for JSON. Modes:

``json_schema``         ``response_format={"type": "json_schema", ...}``: hosted OpenAI,
                        vLLM, Ollama, llama.cpp's ``llama-server``, LM Studio.
``json_object_schema``  ``response_format={"type": "json_object", "schema": ...}``:
                        llama-cpp-python's server, which constrains decoding with it.
``json_object``         ``{"type": "json_object"}`` with the schema in the prompt.
``md_json``             no response format: the schema in the prompt and JSON read
                        from the answer; works with any chat server.
``tools``               a forced function call carrying the schema.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import instructor
import openai
from pydantic import BaseModel

from .choices import BACKENDS, MODES, Backend
from .config import Settings
from .errors import ConfigurationError, is_credential_name, redact
from .local import (
    LOCAL_MODEL_NAME,
    NO_ENDPOINT_HINT,
    LocalServer,
    local_extra_installed,
    local_model_path,
)
from .usage import Usage

__all__ = [
    "BACKENDS",
    "MODES",
    "OPENAI_BASE_URL",
    "Backend",
    "Connection",
    "Endpoint",
    "RatePause",
    "detect_backend",
    "fold_system",
]

_log = logging.getLogger("summarizer")


class _Redacting(logging.Filter):
    """Takes credentials out of a log line: the HTTP clients log each request's URL,
    query string (``?api_key=…``) included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            # An HTTP error's message names the URL too.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


# Filters act on the logger a line is logged to, not on its parents: each logger that
# writes request URLs gets one.
for _name in ("httpx", "httpx2", "openai._base_client"):
    logging.getLogger(_name).addFilter(_Redacting())

_INSTRUCTOR_MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    # The schema travels in response_format only: Endpoint.shape rewrites it for this server.
    "json_object_schema": instructor.Mode.JSON_SCHEMA,
    "json_object": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    "tools": instructor.Mode.TOOLS,
}
OPENAI_BASE_URL = "https://api.openai.com/v1"
_EMBEDDED_BACKEND = "llama-cpp-python"
# A 270M model repeats list items until a limit stops it: keep lists short.
_EMBEDDED_ITEMS = 4
_GRAMMAR_MAX_LENGTH = 200
# Hosted reasoning models take only their default temperature.
_REASONING_MODELS = re.compile(r"^(o\d|gpt-5)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A resolved server to talk to: where, with which key, model, profile and mode.

    ``base_url`` never holds credentials: a ``user:password@`` given in the URL is kept
    apart in ``basic_auth`` and sent as HTTP basic authentication, and a credential in
    its query string (``?api_key=…``, see ``errors.is_credential_name``) is kept apart in
    ``query_auth`` and sent with every request, so the URL can be shown, recorded and
    used in cache keys.
    """

    base_url: str
    model: str
    backend: Backend
    mode: str
    api_key: str | None = field(default=None, repr=False)
    basic_auth: tuple[str, str] | None = field(default=None, repr=False)
    query_auth: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential this endpoint sends, for ``errors.redact``."""
        found = [self.api_key or "", *(value for _, value in self.query_auth)]
        if self.basic_auth is not None:
            found += [self.basic_auth[1], self._basic_header().split(" ", 1)[1]]
        return tuple(s for s in found if s)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``openai.AsyncOpenAI`` that reach this endpoint."""
        # The SDK appends paths to the base URL as a string: a query string goes apart,
        # into every request's query.
        parts = urlsplit(self.base_url)
        options: dict[str, Any] = {
            "base_url": urlunsplit(parts._replace(query="")),
            "api_key": self.api_key or "not-needed",
        }
        if self.basic_auth is not None:
            # One Authorization header per request: the URL's credentials win, as they
            # would in a browser or curl.
            options["default_headers"] = {"Authorization": self._basic_header()}
        query = [*parse_qsl(parts.query, keep_blank_values=True), *self.query_auth]
        if query:
            options["default_query"] = dict(query)
        return options

    @property
    def instructor_mode(self) -> instructor.Mode:
        """The instructor mode that asks this endpoint for JSON in its mode."""
        return _INSTRUCTOR_MODES[self.mode]

    def sampling(self, settings: Settings) -> dict[str, Any]:
        """Sampling parameters in the form this endpoint accepts."""
        hosted = self.backend.hosted
        # The hosted API has replaced max_tokens, which its reasoning models refuse.
        request: dict[str, Any] = {
            "max_completion_tokens" if hosted else "max_tokens": settings.max_output_tokens
        }
        if not (hosted and _REASONING_MODELS.match(self.model)):
            request["temperature"] = settings.temperature
        if settings.seed is not None:
            request["seed"] = settings.seed
        return request

    def shape(
        self, request: dict[str, Any], response_model: type[BaseModel], max_items: int | None
    ) -> dict[str, Any]:
        """``request`` (keyword arguments for ``completions.create``) as this server takes it."""
        if self.mode == "json_object_schema":
            schema = _constrained_schema(response_model, max_items)
            request["response_format"] = {"type": "json_object", "schema": schema}
        if "response_format" in request:
            # Sent as is: the SDK would otherwise walk the whole schema on every request.
            request["extra_body"] = {
                **request.get("extra_body", {}),
                "response_format": request.pop("response_format"),
            }
        if self.backend.fold_system:
            request["messages"] = fold_system(request["messages"])
        return request

    def cost(self, usage: Usage, *, batch: bool = False) -> str:
        """What ``usage`` of this endpoint's model is estimated to cost (``batch``: at
        the provider's batch prices)."""
        return usage.cost(
            self.model, provider=self.backend.price_provider, local=self.backend.local, batch=batch
        )

    def _basic_header(self) -> str:
        user, password = self.basic_auth or ("", "")
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")

    @classmethod
    def from_settings(
        cls, settings: Settings, *, base_url: str, backend: str | None = None
    ) -> Endpoint:
        """Resolve backend, mode and model for ``base_url`` from the settings.

        Raises:
            ConfigurationError: An unsupported or malformed URL, unknown backend or mode,
                or no model name to send.
        """
        url, basic_auth, query_auth = _split_credentials(base_url)
        name = backend or settings.backend
        if name == "auto":
            name = detect_backend(url)
        if name not in BACKENDS:
            raise ConfigurationError(
                f"unknown backend {name!r}; choose one of: auto, {', '.join(BACKENDS)}"
            )
        profile = BACKENDS[name]
        mode = profile.mode if settings.mode == "auto" else settings.mode
        if mode not in MODES:
            raise ConfigurationError(
                f"unknown mode {mode!r}; choose one of: auto, {', '.join(MODES)}"
            )
        model = settings.model or profile.default_model
        if not model:
            raise ConfigurationError(
                f"no model name for {url}: set Settings.model (SUMMARIZER_MODEL)"
            )
        return cls(url, model, profile, mode, settings.api_key, basic_auth, query_auth)


def _split_credentials(
    base_url: str,
) -> tuple[str, tuple[str, str] | None, tuple[tuple[str, str], ...]]:
    """The base URL without credentials, and the credentials it had: ``user:password@``,
    and the query parameters that carry a credential (``?api_key=…``).

    Raises:
        ConfigurationError: A scheme other than http or https, or no host.
    """
    try:
        parts = urlsplit(base_url.strip())
        host = parts.hostname
        _ = parts.port  # raises for a port that is not a number in range
    except ValueError as exc:
        raise ConfigurationError(f"invalid base URL: {redact(str(exc))}") from None
    netloc = parts.netloc.rpartition("@")[2]
    query = parse_qsl(parts.query, keep_blank_values=True)
    query_auth = tuple((name, value) for name, value in query if is_credential_name(name))
    kept = urlencode([(name, value) for name, value in query if not is_credential_name(name)])
    shown = urlunsplit((parts.scheme, netloc, parts.path, kept, "")).rstrip("/")
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise ConfigurationError(f"unsupported base URL {shown}: {scheme}; use http:// or https://")
    if not host:
        raise ConfigurationError(f"invalid base URL {shown}: no host")
    credentials = None
    if parts.username is not None or parts.password is not None:
        credentials = (unquote(parts.username or ""), unquote(parts.password or ""))
    return shown, credentials, query_auth


def detect_backend(base_url: str) -> str:
    """Guess the backend profile from a base URL; ``generic`` when nothing tells."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if host == "api.openai.com":
        return "openai"
    port = parts.port
    if port == 11434 or "ollama" in host:
        return "ollama"
    if port == 1234:
        return "lmstudio"
    if port == 8080:
        return "llama-server"
    return "generic"


@lru_cache(maxsize=32)
def _constrained_schema(response_model: type[BaseModel], max_items: int | None) -> Any:
    return _grammar_schema(response_model.model_json_schema(), max_items)


def _grammar_schema(schema: Any, max_items: int | None = None) -> Any:
    """The schema without string lengths and patterns, for servers that compile it to a grammar.

    llama-cpp-python turns ``maxLength: n`` into n nested optional rules (a few hundred
    make its grammar parser fail) and mistranslates regex classes such as ``\\d``; either
    takes its server down. Lengths and patterns are still enforced by validation.
    Strings are capped at ``_GRAMMAR_MAX_LENGTH`` characters, which the parser handles,
    and ``max_items`` tightens every list's ``maxItems``: both bound how long a small
    model that repeats itself can go on.
    """
    if isinstance(schema, dict):
        out = {
            key: _grammar_schema(value, max_items)
            for key, value in schema.items()
            if key not in ("maxLength", "minLength", "pattern")
        }
        if out.get("type") == "string" and "enum" not in out:
            out["maxLength"] = min(
                schema.get("maxLength", _GRAMMAR_MAX_LENGTH), _GRAMMAR_MAX_LENGTH
            )
        if max_items is not None and out.get("type") == "array":
            out["maxItems"] = min(out.get("maxItems", max_items), max_items)
        return out
    if isinstance(schema, list):
        return [_grammar_schema(value, max_items) for value in schema]
    return schema


def fold_system(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Move leading system messages into the first user message, for servers that drop them."""
    system = [m for m in messages if m.get("role") == "system"]
    if not system:
        return messages
    rest = [m for m in messages if m.get("role") != "system"]
    instructions = "\n\n".join(str(m["content"]) for m in system)
    if rest and rest[0].get("role") == "user":
        first = {**rest[0], "content": f"{instructions}\n\n{rest[0]['content']}"}
        return [first, *rest[1:]]
    return [{"role": "user", "content": instructions}, *rest]


class RatePause:
    """One pause for every request to an endpoint, set when it answers HTTP 429.

    A rate limit belongs to the server, not to one article: while it lasts, no article
    of a batch sends anything, and the pause is announced once rather than per
    article. Time is ``time.monotonic``, so one pause serves any event loop.
    """

    def __init__(self) -> None:
        self._until = 0.0

    def extend(self, seconds: float) -> bool:
        """Pause until ``seconds`` from now, unless already paused longer.

        Returns:
            Whether no pause was running before, so that this one is news.
        """
        now = time.monotonic()
        was_idle = self._until <= now
        self._until = max(self._until, now + seconds)
        return was_idle

    async def wait(self) -> None:
        """Return when no pause is running."""
        while (left := self._until - time.monotonic()) > 0:
            await asyncio.sleep(left)


class Connection:
    """One endpoint for a run: resolved once, its clients pooled, its server owned.

    ``settings`` is what the run works with, fixed at construction: the settings
    given, or, when nothing names an endpoint, those of the embedded model (its name,
    short lists, its own context window). Resolving the endpoint may start the
    embedded server; ``close`` stops it.
    """

    def __init__(self, settings: Settings) -> None:
        self.embedded = not settings.endpoint_configured
        self.settings = _embedded_settings(settings) if self.embedded else settings
        #: The endpoint's rate-limit pause, shared by every article sent to it.
        self.pause = RatePause()
        self._server: LocalServer | None = None
        self._endpoint: Endpoint | None = None
        self._last_endpoint: Endpoint | None = None
        self._lock = threading.Lock()
        self._client: openai.AsyncOpenAI | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    @property
    def endpoint(self) -> Endpoint:
        """The endpoint in use, resolving it (and starting the embedded server) on first use."""
        with self._lock:
            if self._endpoint is None:
                self._endpoint = self._last_endpoint = self._resolve()
            return self._endpoint

    @property
    def resolved_endpoint(self) -> Endpoint | None:
        """The endpoint used so far, if any was resolved (kept after ``close``)."""
        return self._endpoint or self._last_endpoint

    def preflight(self) -> None:
        """Check that an endpoint can be used, without starting anything.

        Raises:
            ConfigurationError: No endpoint is configured and the embedded model is not
                available, or the configured one is incomplete (backend, mode, model).
        """
        if self.embedded:
            self._require_embedded()
        else:
            _ = self.endpoint

    def _require_embedded(self) -> None:
        if not self.settings.embedded or not local_extra_installed():
            raise ConfigurationError(NO_ENDPOINT_HINT)

    def _resolve(self) -> Endpoint:
        s = self.settings
        if not self.embedded:
            if s.base_url:
                return Endpoint.from_settings(s, base_url=s.base_url)
            # A key alone names the hosted API.
            return Endpoint.from_settings(s, base_url=OPENAI_BASE_URL, backend="openai")
        self._require_embedded()
        model_path = s.local_model_path or local_model_path()
        _log.warning(
            "no endpoint configured: using the embedded offline model %s (tiny, for trying "
            "things out; expect rough answers). Set Settings.api_key (OPENAI_API_KEY) or "
            "Settings.base_url for real use.",
            LOCAL_MODEL_NAME,
        )
        self._server = LocalServer(Path(model_path), context=s.local_context).start()
        return Endpoint.from_settings(s, base_url=self._server.base_url, backend=_EMBEDDED_BACKEND)

    def identity(self) -> dict[str, object]:
        """Everything about the connection that shapes a record, for cache keys.

        The embedded server's port changes from run to run, so it is named by its model
        file instead; nothing is started to find that out.
        """
        s = self.settings
        if self.embedded:
            where = f"embedded:{s.local_model_path.name if s.local_model_path else 'bundled'}"
            mode = s.mode if s.mode != "auto" else BACKENDS[_EMBEDDED_BACKEND].mode
            return {
                "endpoint": where,
                "model": s.model,
                "backend": _EMBEDDED_BACKEND,
                "mode": mode,
            }
        endpoint = self.endpoint
        return {
            "endpoint": endpoint.base_url,
            "model": endpoint.model,
            "backend": endpoint.backend.name,
            "mode": endpoint.mode,
        }

    async def ready(self) -> tuple[Endpoint, openai.AsyncOpenAI]:
        """The endpoint, and the client for the running event loop.

        Resolving may start the embedded server, so it runs off the event loop. One
        client per loop pools connections across the articles of a batch.
        """
        endpoint = await asyncio.to_thread(lambda: self.endpoint)
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = openai.AsyncOpenAI(
                **endpoint.client_options(), max_retries=0, timeout=self.settings.timeout
            )
            self._client_loop = loop
        return endpoint, self._client

    async def close_client(self) -> None:
        """Close the pooled client; the next ``client`` call opens another."""
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            await client.close()

    def close(self) -> None:
        """Stop the embedded server, if one was started."""
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
                self._endpoint = None


def _embedded_settings(settings: Settings) -> Settings:
    return settings.replace(
        model=settings.model or LOCAL_MODEL_NAME,
        max_items=settings.max_items or _EMBEDDED_ITEMS,
        context_window=settings.context_window or settings.local_context,
    )
