"""Backend profiles: which structured-output mode each kind of server honours.

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

import base64
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from .config import Settings
from .errors import ConfigurationError

__all__ = [
    "BACKENDS",
    "MODES",
    "OPENAI_BASE_URL",
    "Backend",
    "Endpoint",
    "detect_backend",
    "split_credentials",
]

MODES: tuple[str, ...] = ("json_schema", "json_object_schema", "json_object", "md_json", "tools")
OPENAI_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True, slots=True)
class Backend:
    """A kind of server and how to get structured output from it."""

    name: str
    mode: str
    default_model: str | None
    description: str
    #: The server drops ``system`` messages (llama-cpp-python's Gemma chat format
    #: does, silently), so instructions must travel in the first user message.
    fold_system: bool = False


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("openai", "json_schema", "gpt-4o-mini", "hosted OpenAI API"),
        Backend("vllm", "json_schema", None, "vLLM OpenAI-compatible server"),
        Backend("ollama", "json_schema", None, "Ollama's /v1 endpoint"),
        Backend("llama-server", "json_schema", None, "llama.cpp's llama-server"),
        Backend("lmstudio", "json_schema", None, "LM Studio's local server"),
        Backend(
            "llama-cpp-python",
            "json_object_schema",
            None,
            "llama-cpp-python's server (grammar-constrained json_object)",
            fold_system=True,
        ),
        Backend("generic", "md_json", None, "any other OpenAI-compatible chat server"),
    )
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A resolved server to talk to: where, with which key, model, profile and mode.

    ``base_url`` never holds credentials: a ``user:password@`` given in the URL is kept
    apart in ``basic_auth`` and sent as HTTP basic authentication, so the URL can be
    shown, recorded and used in cache keys.
    """

    base_url: str
    model: str
    backend: Backend
    mode: str
    api_key: str | None = field(default=None, repr=False)
    basic_auth: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential this endpoint sends, for ``errors.redact``."""
        found = [self.api_key or ""]
        if self.basic_auth is not None:
            found += [self.basic_auth[1], self._basic_header().split(" ", 1)[1]]
        return tuple(s for s in found if s)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``openai.AsyncOpenAI`` that reach this endpoint."""
        options: dict[str, Any] = {
            "base_url": self.base_url,
            "api_key": self.api_key or "not-needed",
        }
        if self.basic_auth is not None:
            # One Authorization header per request: the URL's credentials win, as they
            # would in a browser or curl.
            options["default_headers"] = {"Authorization": self._basic_header()}
        return options

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
        url, basic_auth = split_credentials(base_url)
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
                f"no model name for {url}: pass --model or set SUMMARIZER_MODEL"
            )
        return cls(url, model, profile, mode, settings.api_key, basic_auth)


def split_credentials(base_url: str) -> tuple[str, tuple[str, str] | None]:
    """The base URL without ``user:password@``, and those credentials if it had them.

    Raises:
        ConfigurationError: A scheme other than http or https, or no host.
    """
    try:
        parts = urlsplit(base_url.strip())
        host = parts.hostname
        _ = parts.port  # raises for a port that is not a number in range
    except ValueError as exc:
        raise ConfigurationError(f"invalid base URL: {exc}") from None
    netloc = parts.netloc.rpartition("@")[2]
    shown = urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")).rstrip("/")
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise ConfigurationError(f"unsupported base URL {shown}: {scheme}; use http:// or https://")
    if not host:
        raise ConfigurationError(f"invalid base URL {shown}: no host")
    credentials = None
    if parts.username is not None or parts.password is not None:
        credentials = (unquote(parts.username or ""), unquote(parts.password or ""))
    return shown, credentials


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
