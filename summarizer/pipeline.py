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

from .article import Article, load_article
from .backends import OPENAI_BASE_URL, Endpoint
from .config import Settings
from .dates import PartialDate
from .draft import Draft, read_lenient
from .errors import ConfigurationError
from .llm import extract
from .local import LOCAL_MODEL_NAME, LocalServer, local_extra_installed, local_model_path
from .prompts import load_template, render_messages
from .record import ArticleSummary, DateValue, Quality
from .verify import verify_draft

__all__ = ["Summarizer", "asummarize", "summarize"]

log = logging.getLogger("summarizer")


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

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._server: LocalServer | None = None
        self._endpoint: Endpoint | None = None
        self._template = load_template()
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> Endpoint:
        """The endpoint in use, resolving it (and starting the local server) on first use."""
        with self._lock:
            if self._endpoint is None:
                self._endpoint = self._resolve_endpoint()
            return self._endpoint

    def _resolve_endpoint(self) -> Endpoint:
        s = self.settings
        if s.base_url:
            return Endpoint.from_settings(s, base_url=s.base_url)
        if s.api_key:
            return Endpoint.from_settings(s, base_url=OPENAI_BASE_URL, backend="openai")
        if not s.embedded or not local_extra_installed():
            from .local import _INSTALL_HINT

            raise ConfigurationError(_INSTALL_HINT)
        model_path = s.local_model_path or local_model_path()
        log.warning(
            "no endpoint configured: using the embedded offline model %s (tiny, for trying "
            "things out; expect rough answers). Set OPENAI_API_KEY or --base-url for real use.",
            LOCAL_MODEL_NAME,
        )
        self._server = LocalServer(Path(model_path), context=s.local_context).start()
        # A 270M model repeats list items until a limit stops it: keep lists short.
        self.settings = s.replace(model=s.model or LOCAL_MODEL_NAME, max_items=s.max_items or 4)
        return Endpoint.from_settings(
            self.settings, base_url=self._server.base_url, backend="llama-cpp-python"
        )

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
        self.close()

    def summarize(
        self,
        text: str | Article,
        *,
        date: PartialDate | str | None = None,
        title: str | None = None,
        language: str | None = None,
        article_id: str | None = None,
    ) -> ArticleSummary:
        """Summarise one article; see ``asummarize``. Not for use inside a running event loop."""
        return asyncio.run(
            self.asummarize(text, date=date, title=title, language=language, article_id=article_id)
        )

    async def asummarize(
        self,
        text: str | Article,
        *,
        date: PartialDate | str | None = None,
        title: str | None = None,
        language: str | None = None,
        article_id: str | None = None,
    ) -> ArticleSummary:
        """Summarise one article into a verified ``ArticleSummary``.

        Args:
            text: The article text (a metadata header is read), or a loaded ``Article``.
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
        started = time.perf_counter()
        article = (
            text
            if isinstance(text, Article)
            else load_article(
                text, date=date, language=language, title=title, article_id=article_id
            )
        )
        endpoint = await asyncio.to_thread(lambda: self.endpoint)
        settings = self.settings  # read after resolving: the embedded default adjusts it
        output_language = settings.output_language or article.language
        messages = render_messages(article, self._template, output_language=output_language)
        client = openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key or "not-needed",
            max_retries=0,
            timeout=settings.timeout,
        )
        try:
            result = await extract(
                client, endpoint, settings, messages, Draft, {"article": article}, read_lenient
            )
        finally:
            await client.close()
        checked = verify_draft(result.value, article, strict=settings.strict)
        warnings = [*result.repairs, *checked.warnings]
        if not result.validated:
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
                    text=article.metadata.get("date", article.date.isoformat()),
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


def summarize(text: str, settings: Settings | None = None, **options: str | None) -> ArticleSummary:
    """Summarise one article with a short-lived ``Summarizer``.

    Args:
        text: The article text.
        settings: Run settings; ``Settings()`` when omitted.
        **options: ``date``, ``title``, ``language``, ``article_id`` as for
            ``Summarizer.asummarize``.
    """
    with Summarizer(settings) as summarizer:
        return summarizer.summarize(text, **options)


async def asummarize(
    text: str, settings: Settings | None = None, **options: str | None
) -> ArticleSummary:
    """Async ``summarize``, for programs that already run an event loop."""
    async with Summarizer(settings) as summarizer:
        return await summarizer.asummarize(text, **options)
