"""One frozen ``Settings`` object, resolved from arguments, then environment, then defaults.

Nothing in the package reads the environment at import time: ``Settings.from_env`` is
the only place that does, and only when a caller asks for it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigurationError, redact

__all__ = [
    "CONNECTION_FIELDS",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_INPUT_BYTES",
    "MAX_CONCURRENCY",
    "NOT_IN_RECORD",
    "Settings",
]

#: The most bytes one input (a file, a JSONL feed, standard input) may hold: enough for
#: any article and a feed of thousands, and a stop for ``/dev/zero`` or a mistyped
#: path to a disk image before it fills the memory.
DEFAULT_MAX_INPUT_BYTES = 50_000_000
#: The requests a run has in flight at once unless told otherwise, and the most it may
#: (``Settings.concurrency``).
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 256

#: Environment variables ``Settings.from_env`` reads, by settings field.
_ENV_VARS: Mapping[str, str] = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "SUMMARIZER_MODEL",
    "backend": "SUMMARIZER_BACKEND",
    "mode": "SUMMARIZER_MODE",
    "timeout": "SUMMARIZER_TIMEOUT",
    "local_model_path": "SUMMARIZER_LOCAL_MODEL",
    "prompt": "SUMMARIZER_PROMPT",
    "cache_dir": "SUMMARIZER_CACHE_DIR",
    "max_input_bytes": "SUMMARIZER_MAX_INPUT_BYTES",
    "verify_model": "SUMMARIZER_VERIFY_MODEL",
    "verify_base_url": "SUMMARIZER_VERIFY_BASE_URL",
    "verify_api_key": "SUMMARIZER_VERIFY_API_KEY",
}


#: Settings that cannot change a record, each with the reason: they are left out of its
#: cache key. Every other field is in the key (``Settings.record_identity``), so a new
#: setting changes the key unless it is named here or in ``CONNECTION_FIELDS``.
NOT_IN_RECORD: Mapping[str, str] = {
    "timeout": "decides whether an answer comes in time, not what it says",
    "max_tokens_per_article": "decides whether a request is sent; a record it cuts short "
    "is partial, and a partial record is never kept",
    "cache_dir": "where records are kept",
    "max_input_bytes": "which inputs are read at all",
    "concurrency": "how many requests are in flight at once, not what they ask",
    "verify_api_key": "a credential: who may ask the verifier, not what it answers",
}
#: Settings that name the server and the model. The cache key holds what they resolve
#: to (``Connection.identity``: the server without its credentials, the model, backend and
#: mode, the embedded model's file), not the words that named them, so that ``auto`` and
#: the backend it finds, or a changed password, share records. The embedded server's
#: ``local_context`` reaches the key as the run's ``context_window``.
CONNECTION_FIELDS = frozenset(
    {"model", "base_url", "api_key", "backend", "mode", "embedded", "local_model_path",
     "local_context"}
)  # fmt: skip
#: Settings holding a URL, in the key without the credentials it may carry.
_URL_FIELDS = frozenset({"verify_base_url"})


class _Default(int):
    """A default value that yields to the fields it must fit (never given by a caller)."""


_DEFAULT_REASKS = _Default(1)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs to know, fixed for its whole duration.

    Attributes:
        model: Model name sent to the endpoint; ``None`` takes the backend's default.
        base_url: OpenAI-compatible base URL (``http://host:port/v1``); ``None`` means
            the hosted OpenAI API when a key is set, else the embedded local model.
            A ``user:password@`` in it is sent as HTTP basic authentication and
            shown nowhere, this object's repr included.
        api_key: Key sent as a bearer token. Never printed or recorded.
        backend: Backend profile name, or ``"auto"`` to infer it from the URL.
        mode: Structured-output mode, or ``"auto"`` to take the profile's.
        timeout: Seconds one HTTP request may take in all, from sending it to the
            last byte of the answer (a deadline, not a pause between reads).
        max_attempts: Requests one extraction may make in all (transient errors and
            re-asks share this budget).
        max_reasks: How many of those attempts may be spent on asking the model to fix
            an answer that failed validation; by default 1, or 0 when ``max_attempts``
            is 1.
        max_output_tokens: Cap on the tokens the model may generate per answer.
        max_items: Cap on each list's length in a grammar-constrained answer, so a small
            model that repeats itself stops early; ``None`` keeps the schema's limits.
        prompt: Name of the prompt template, ``prompts/<name>.txt``.
        context_window: The model's context length in tokens, when known: an article
            whose prompt would not fit beside the answer is read in parts that do
            (never truncated). The embedded default knows its own.
        chunk_tokens: The most article tokens one request reads; a longer article is
            read in parts of whole sentences (see ``chunking``). ``None`` takes
            ``chunking.DEFAULT_CHUNK_TOKENS``, or less when the context window is smaller.
        passes: Times each part is read: later passes are shown what earlier ones found
            and add only items whose evidence is new, for recall.
        max_tokens_per_article: Prompt and completion tokens one article may spend over
            all its requests, re-asks included; when it is spent no further request is
            sent and the record is kept, marked partial. ``None`` sets no limit.
        temperature: Sampling temperature.
        seed: Sampling seed, for servers that honour it; ``None`` sends none.
        output_language: Language of summary and paraphrases (ISO 639-1); ``None``
            means the article's own.
        strict: Drop items whose evidence cannot be verified instead of flagging them.
        embedded: Allow starting the bundled local model when no endpoint is configured.
        local_model_path: GGUF file for the embedded server; ``None`` assembles the
            bundled Gemma 3 270M into the user cache.
        local_context: Context window (tokens) of the embedded server.
        cache_dir: Folder of the record cache (``Cache``); ``None`` is the user cache
            folder.
        max_input_bytes: The most bytes one input file, JSONL feed or standard input may
            hold; a larger one is refused unread (never more than this plus one byte is
            read).
        concurrency: Requests in flight at once, over all the articles and the parts of
            long ones being summarised (``asummarize_many`` runs as many articles at
            once), between 1 and ``MAX_CONCURRENCY``; fewer when the open-file limit
            leaves too few file handles (see ``limits``).
        verify_model: A verifier model asked, once per article, whether each item's
            evidence supports the claim its fields make (``second_opinion``); ``None``
            (the default) asks none.
        verify_base_url: The verifier's OpenAI-compatible base URL; ``None`` is the
            main endpoint's.
        verify_api_key: The verifier's key, when it is another server than the main
            one (the main key is sent only to the main server).
        verify_backend: The verifier's backend profile, or ``"auto"``.
    """

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    backend: str = "auto"
    mode: str = "auto"
    timeout: float = 300.0
    max_attempts: int = 4
    max_reasks: int = _DEFAULT_REASKS
    max_output_tokens: int = 4096
    max_items: int | None = None
    prompt: str = "extract"
    context_window: int | None = None
    chunk_tokens: int | None = None
    passes: int = 1
    max_tokens_per_article: int | None = None
    temperature: float = 0.0
    seed: int | None = 0
    output_language: str | None = None
    strict: bool = False
    embedded: bool = True
    local_model_path: Path | None = None
    local_context: int = 16384
    cache_dir: Path | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    concurrency: int = DEFAULT_CONCURRENCY
    verify_model: str | None = None
    verify_base_url: str | None = None
    verify_api_key: str | None = field(default=None, repr=False)
    verify_backend: str = "auto"

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ConfigurationError(f"timeout must be positive, got {self.timeout}")
        if self.max_attempts < 1:
            raise ConfigurationError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if isinstance(self.max_reasks, _Default):
            # Not given: the default re-ask fits in a budget the caller made smaller.
            fitted = _Default(min(_DEFAULT_REASKS, self.max_attempts - 1))
            object.__setattr__(self, "max_reasks", fitted)
        if not 0 <= self.max_reasks < self.max_attempts:
            raise ConfigurationError(
                f"max_reasks must be between 0 and max_attempts - 1, got {self.max_reasks}"
            )
        if self.max_output_tokens < 1:
            raise ConfigurationError("max_output_tokens must be at least 1")
        for name in (
            "chunk_tokens", "max_tokens_per_article", "context_window", "max_input_bytes",
            "concurrency",
        ):  # fmt: skip
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ConfigurationError(f"{name} must be a whole number, got {value!r}")
        if self.max_input_bytes < 1:
            raise ConfigurationError(
                f"max_input_bytes must be at least 1, got {self.max_input_bytes}"
            )
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ConfigurationError(
                f"concurrency must be between 1 and {MAX_CONCURRENCY}, got {self.concurrency}"
            )
        if not isinstance(self.passes, int) or isinstance(self.passes, bool):
            raise ConfigurationError(f"passes must be a whole number, got {self.passes!r}")
        if self.context_window is not None and self.context_window < 1:
            raise ConfigurationError(f"context_window must be positive, got {self.context_window}")
        if self.chunk_tokens is not None and self.chunk_tokens < 64:
            raise ConfigurationError(f"chunk_tokens must be at least 64, got {self.chunk_tokens}")
        if not 1 <= self.passes <= 5:
            raise ConfigurationError(f"passes must be between 1 and 5, got {self.passes}")
        if self.max_tokens_per_article is not None and self.max_tokens_per_article < 1:
            raise ConfigurationError(
                f"max_tokens_per_article must be at least 1, got {self.max_tokens_per_article}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Resolve settings: explicit ``overrides`` first, then the environment, then defaults.

        Args:
            environ: The environment to read; ``os.environ`` when omitted.
            **overrides: Field values; a value of ``None`` counts as "not given".

        Returns:
            The resolved, frozen settings.

        Raises:
            ConfigurationError: An unknown field, or an environment value of the wrong type.
        """
        env = os.environ if environ is None else environ
        names = {f.name: f for f in dataclasses.fields(cls)}
        unknown = set(overrides) - set(names)
        if unknown:
            raise ConfigurationError(f"unknown settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, var in _ENV_VARS.items():
            raw = env.get(var, "").strip()
            if raw:
                values[name] = _coerce(name, var, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __repr__(self) -> str:
        # The generated repr would show a base URL's user:password@ (the key's field
        # is hidden already).
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.repr}
        for name in ("base_url", "verify_base_url"):
            if values[name]:
                values[name] = redact(values[name])
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in values.items())})"

    @property
    def endpoint_configured(self) -> bool:
        """Whether the settings name a server: a base URL, or a key (for the hosted API).
        When they do not, the endpoint is the embedded model, if it may start."""
        return bool(self.base_url or self.api_key)

    def record_identity(self) -> dict[str, object]:
        """Every setting that can change a record, by name, for cache keys: all fields but
        those of ``NOT_IN_RECORD`` and ``CONNECTION_FIELDS`` (for which the connection's
        identity stands), as JSON values, URLs without their credentials."""
        identity: dict[str, object] = {}
        for f in dataclasses.fields(self):
            if f.name in NOT_IN_RECORD or f.name in CONNECTION_FIELDS:
                continue
            value = getattr(self, f.name)
            if f.name in _URL_FIELDS and value:
                value = redact(value)
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                value = int(value)  # a ``_Default`` is the number it stands for
            identity[f.name] = value
        return identity

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)


def _coerce(name: str, var: str, raw: str) -> Any:
    if name == "timeout":
        try:
            return float(raw)
        except ValueError:
            raise ConfigurationError(f"{var} must be a number of seconds, got {raw!r}") from None
    if name == "max_input_bytes":
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError(
                f"{var} must be a whole number of bytes, got {raw!r}"
            ) from None
    if name in ("local_model_path", "cache_dir"):
        return Path(raw).expanduser()
    return raw
