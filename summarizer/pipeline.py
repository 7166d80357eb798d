"""The flow of one article: read, prompt, extract, verify, record.

``Summarizer`` holds what outlives one article: the settings, the resolved endpoint,
and, for the embedded default, the local server process. Use it as a context manager
(sync or async) when summarising several articles, so the server starts once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path
from types import TracebackType

import openai

from .article import Article, as_text, load_article
from .backends import BACKENDS, OPENAI_BASE_URL, Endpoint
from .cache import Cache, cache_key
from .claims import check_claims
from .config import Settings
from .dates import PartialDate
from .draft import Draft, read_lenient
from .errors import ConfigurationError, InputError
from .llm import RatePause, extract
from .local import (
    LOCAL_MODEL_NAME,
    NO_ENDPOINT_HINT,
    LocalServer,
    local_extra_installed,
    local_model_path,
)
from .prompts import load_template, render_messages
from .record import SCHEMA_VERSION, ArticleSummary, DateValue, Quality
from .verify import verify_draft

__all__ = ["Summarizer", "asummarize", "summarize"]

log = logging.getLogger("summarizer")
_EMBEDDED_ITEMS = 4


class Summarizer:
    """Summarise articles against one endpoint.

    Args:
        settings: The run's settings; ``Settings()`` (embedded default, or whatever the
            caller resolved) when omitted. The environment is never read here: pass
            ``Settings.from_env()`` for that.

    Example:
        >>> with Summarizer(Settings(base_url="http://localhost:11434/v1", model="qwen3")) as s:
        ...     record = s.summarize(text, date="2020-01-06")
    """

    def __init__(self, settings: Settings | None = None, *, cache: Cache | None = None) -> None:
        self.settings = settings or Settings()
        self.cache = cache
        self._server: LocalServer | None = None
        self._endpoint: Endpoint | None = None
        self._last_endpoint: Endpoint | None = None
        self._template = load_template(self.settings.prompt)
        self._lock = threading.Lock()
        self._client: openai.AsyncOpenAI | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        # One rate limit per endpoint: every article waits out the same pause.
        self._pause = RatePause()

    @property
    def endpoint(self) -> Endpoint:
        """The endpoint in use, resolving it (and starting the local server) on first use."""
        with self._lock:
            if self._endpoint is None:
                self._endpoint = self._last_endpoint = self._resolve_endpoint()
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
        s = self.settings
        if s.base_url or s.api_key:
            _ = self.endpoint
        else:
            self._require_embedded()

    def _require_embedded(self) -> None:
        if not self.settings.embedded or not local_extra_installed():
            raise ConfigurationError(NO_ENDPOINT_HINT)

    def _resolve_once(self) -> Endpoint:
        return self.endpoint

    def _resolve_endpoint(self) -> Endpoint:
        s = self.settings
        if s.base_url:
            return Endpoint.from_settings(s, base_url=s.base_url)
        if s.api_key:
            return Endpoint.from_settings(s, base_url=OPENAI_BASE_URL, backend="openai")
        self._require_embedded()
        model_path = s.local_model_path or local_model_path()
        log.warning(
            "no endpoint configured: using the embedded offline model %s (tiny, for trying "
            "things out; expect rough answers). Set OPENAI_API_KEY or --base-url for real use.",
            LOCAL_MODEL_NAME,
        )
        self._server = LocalServer(Path(model_path), context=s.local_context).start()
        self.settings = self._embedded_settings()
        return Endpoint.from_settings(
            self.settings, base_url=self._server.base_url, backend="llama-cpp-python"
        )

    def _embedded_settings(self) -> Settings:
        s = self.settings
        # A 270M model repeats list items until a limit stops it: keep lists short.
        return s.replace(
            model=s.model or LOCAL_MODEL_NAME,
            max_items=s.max_items or _EMBEDDED_ITEMS,
            context_window=s.context_window or s.local_context,
        )

    def _identity(self) -> dict[str, object]:
        """Everything but the article that shapes a record, for cache keys; starts no server."""
        s = self.settings
        if s.base_url or s.api_key or self._endpoint is not None:
            endpoint = self.endpoint
            embedded = f"embedded:{s.local_model_path.name if s.local_model_path else 'bundled'}"
            where, model, backend, mode = (
                embedded if self._server else endpoint.base_url,
                endpoint.model,
                endpoint.backend.name,
                endpoint.mode,
            )
        else:
            s = self._embedded_settings()
            where = f"embedded:{s.local_model_path.name if s.local_model_path else 'bundled'}"
            model, backend = s.model or LOCAL_MODEL_NAME, "llama-cpp-python"
            mode = s.mode if s.mode != "auto" else BACKENDS[backend].mode
        return {
            "endpoint": where,
            "model": model,
            "backend": backend,
            "mode": mode,
            "prompt": self._template.version,
            "schema": SCHEMA_VERSION,
            "options": [
                s.temperature, s.seed, s.max_output_tokens, s.max_items, s.max_reasks,
                s.output_language, s.strict,
            ],
        }  # fmt: skip

    async def _openai(self, endpoint: Endpoint) -> openai.AsyncOpenAI:
        """One client per event loop, so connections are pooled across articles."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = openai.AsyncOpenAI(
                **endpoint.client_options(), max_retries=0, timeout=self.settings.timeout
            )
            self._client_loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client and stop the embedded server, if any."""
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            await client.close()
        self.close()

    def close(self) -> None:
        """Stop the embedded server, if one was started."""
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
                self._endpoint = None

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Summarizer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def summarize(
        self,
        text: str | bytes | Article,
        *,
        date: PartialDate | str | None = None,
        title: str | None = None,
        language: str | None = None,
        article_id: str | None = None,
    ) -> ArticleSummary:
        """Summarise one article; see ``asummarize``. Not for use inside a running event loop."""

        async def once() -> ArticleSummary:
            try:
                return await self.asummarize(
                    text, date=date, title=title, language=language, article_id=article_id
                )
            finally:
                # The client belongs to this event loop, which ends with the call.
                client, self._client, self._client_loop = self._client, None, None
                if client is not None:
                    await client.close()

        return asyncio.run(once())

    async def asummarize(
        self,
        text: str | bytes | Article,
        *,
        date: PartialDate | str | None = None,
        title: str | None = None,
        language: str | None = None,
        article_id: str | None = None,
    ) -> ArticleSummary:
        """Summarise one article into a verified ``ArticleSummary``.

        Args:
            text: The article text (a metadata header is read), its bytes (decoded as a
                file's are), or a loaded ``Article``.
            date: Publication date, ``YYYY[-MM[-DD]]``; otherwise read from the text.
            title: The article's headline, if known.
            language: ISO 639-1 code; detected when omitted.
            article_id: An identifier carried into the record.

        Raises:
            InputError: The text is empty or unusable.
            ConfigurationError: No endpoint can be used.
            EndpointError: The server failed within the retry budget.
            ModelOutputError: The model gave no usable answer.
        """
        record, _ = await self.asummarize_cached(
            text, date=date, title=title, language=language, article_id=article_id
        )
        return record

    async def asummarize_cached(
        self,
        text: str | bytes | Article,
        *,
        date: PartialDate | str | None = None,
        title: str | None = None,
        language: str | None = None,
        article_id: str | None = None,
    ) -> tuple[ArticleSummary, bool]:
        """``asummarize``, also saying whether the record came from the cache."""
        started = time.perf_counter()
        if not isinstance(text, Article):
            text = as_text(text, source=article_id or "input")
        key = None
        if self.cache is not None:
            # Keyed on the input as given, so a hit costs no parsing at all.
            given = (
                {"text": text.text, "date": str(text.date), "language": text.language,
                 "title": text.title}
                if isinstance(text, Article)
                else {"text": text, "date": str(date), "language": language, "title": title}
            )  # fmt: skip
            key = cache_key({**given, **self._identity()})
            hit = self.cache.get(key)
            if hit is not None:
                record_id = text.id if isinstance(text, Article) else article_id
                return hit.model_copy(update={"id": record_id}), True
        article = (
            text
            if isinstance(text, Article)
            else load_article(
                text, date=date, language=language, title=title, article_id=article_id
            )
        )
        output_language = self.settings.output_language or article.language
        record = await self._summarize(article, output_language, started)
        if self.cache is not None and key is not None:
            self.cache.put(key, record)
        return record, False

    async def _summarize(
        self, article: Article, output_language: str, started: float
    ) -> ArticleSummary:
        # Resolving may start the embedded server: do it off the event loop.
        endpoint = await asyncio.to_thread(self._resolve_once)
        settings = self.settings  # read after resolving: the embedded default adjusts it
        messages = render_messages(article, self._template, output_language=output_language)
        _check_fits(messages, settings, article)
        client = await self._openai(endpoint)
        result = await extract(
            client, endpoint, settings, messages, Draft, {"article": article}, read_lenient,
            self._pause,
        )  # fmt: skip
        checked = verify_draft(
            result.value, article, strict=settings.strict, output_language=output_language
        )
        claims = check_claims(result.value.headline, result.value.summary, article, output_language)
        warnings = [*article.warnings, *result.repairs, *checked.warnings, *claims.warnings]
        if not result.validated and result.usage.validation_errors:
            warnings.insert(
                0,
                f"the answer still failed validation after {result.usage.reasks} re-ask(s); "
                f"faulty items were flagged or dropped: {result.usage.validation_errors[-1]}",
            )
        quality = Quality(
            model=endpoint.model,
            endpoint=endpoint.base_url,
            backend=endpoint.backend.name,
            mode=endpoint.mode,
            prompt_version=self._template.version,
            attempts=result.usage.attempts,
            reasks=result.usage.reasks,
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            seconds=round(time.perf_counter() - started, 3),
            items={
                "actors": len(checked.actors),
                "stances": len(checked.stances),
                "demands": len(checked.demands),
                "events": len(checked.events),
            },
            grounded_share=checked.grounded_share,
            summary_support=claims.summary_support,
            claims=claims.claims,
            flagged=checked.flagged,
            dropped=checked.dropped + len(result.repairs),
            warnings=warnings,
        )
        return ArticleSummary(
            id=article.id,
            title=article.title,
            headline=result.value.headline,
            summary=result.value.summary,
            language=article.language,
            output_language=output_language,
            article_date=(
                DateValue(
                    text=article.date_text or article.date.isoformat(),
                    value=article.date.isoformat(),
                    precision=article.date.precision,
                )
                if article.date
                else None
            ),
            actors=checked.actors,
            stances=checked.stances,
            demands=checked.demands,
            events=checked.events,
            quality=quality,
            text=article.text,
        )


def _check_fits(messages: list[dict[str, str]], settings: Settings, article: Article) -> None:
    """Refuse a prompt that cannot fit the context window: never truncate an article."""
    if settings.context_window is None:
        return
    chars = sum(len(m["content"]) for m in messages)
    # About three characters a token for European languages; fewer for others, so
    # this errs on the side of refusing.
    estimate = chars // 3
    room = settings.context_window - settings.max_output_tokens
    if estimate > room:
        raise InputError(
            f"{article.id or 'input'}: the article is too long for the model: its prompt is "
            f"about {estimate} tokens, and the context window of {settings.context_window} "
            f"tokens leaves {max(room, 0)} beside the {settings.max_output_tokens} reserved for "
            "the answer; split the article or use a model with a longer context"
        )


def summarize(
    text: str | bytes, settings: Settings | None = None, **options: str | None
) -> ArticleSummary:
    """Summarise one article with a short-lived ``Summarizer``.

    Args:
        text: The article text, or its bytes.
        settings: Run settings; ``Settings()`` when omitted.
        **options: ``date``, ``title``, ``language``, ``article_id`` as for
            ``Summarizer.asummarize``.
    """
    with Summarizer(settings) as summarizer:
        return summarizer.summarize(text, **options)


async def asummarize(
    text: str | bytes, settings: Settings | None = None, **options: str | None
) -> ArticleSummary:
    """Async ``summarize``, for programs that already run an event loop."""
    async with Summarizer(settings) as summarizer:
        return await summarizer.asummarize(text, **options)
