"""The flow of one article: read, prompt, extract, assemble the record.

``Summarizer`` orchestrates; what outlives one article belongs to its ``Connection``
(endpoint, embedded server, pooled clients, rate-limit pause, cache identity). Use it
as a context manager (sync or async) when summarising several articles, so the
embedded server, if any, starts once.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType

from .article import Article, as_text, load_article
from .cache import Cache, cache_key
from .config import Settings
from .connection import Connection, Endpoint
from .exchange import Request
from .inputs import ArticleInput
from .limits import fit_concurrency
from .prompts import load_template
from .reading import Reader
from .record import SCHEMA_VERSION, ArticleSummary
from .second_opinion import ask_second_opinion, verifier_connection

__all__ = ["Summarizer", "asummarize", "summarize"]


class Summarizer:
    """Summarise articles against one endpoint.

    Args:
        settings: The run's settings; ``Settings()`` (embedded default, or whatever the
            caller resolved) when omitted. The environment is never read here: pass
            ``Settings.from_env()`` for that.
        cache: A ``Cache`` to read and fill; none when omitted.

    The requests in flight at once, over all the articles and parts being summarised,
    are ``settings.concurrency``.

    Example:
        >>> with Summarizer(Settings(base_url="http://localhost:11434/v1", model="qwen3")) as s:
        ...     record = s.summarize(ArticleInput("a1", text, date="2020-01-06"))
    """

    def __init__(self, settings: Settings | None = None, *, cache: Cache | None = None) -> None:
        self.connection = Connection(settings or Settings())
        self.cache = cache
        self._template = load_template(self.settings.prompt)
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self._verifier_connection: Connection | None = None

    def _verifier(self) -> Connection:
        """The verifier's connection (``Settings.verify_model``), made on first use."""
        if self._verifier_connection is None:
            self._verifier_connection = verifier_connection(self.settings, self.connection)
        return self._verifier_connection

    @property
    def settings(self) -> Settings:
        """The settings the run works with (the embedded model's, when it is the endpoint)."""
        return self.connection.settings

    @property
    def endpoint(self) -> Endpoint:
        """The endpoint in use, resolving it (and starting the embedded server) on first use."""
        return self.connection.endpoint

    @property
    def resolved_endpoint(self) -> Endpoint | None:
        """The endpoint used so far, if any was resolved (kept after ``close``)."""
        return self.connection.resolved_endpoint

    def preflight(self) -> None:
        """Check that an endpoint can be used, without starting anything.

        Raises:
            ConfigurationError: No endpoint is configured and the embedded model is not
                available, or the configured one is incomplete (backend, mode, model).
        """
        self.connection.preflight()

    def _identity(self) -> dict[str, object]:
        """Everything but the article that shapes a record, for cache keys; starts no server."""
        return {
            **self.connection.identity(),
            "prompt": self._template.version,
            "schema": SCHEMA_VERSION,
            "settings": self.settings.record_identity(),
        }

    async def aclose(self) -> None:
        """Close the HTTP clients and stop the embedded server, if any."""
        await self._close_clients()
        self.close()

    async def _close_clients(self) -> None:
        await self.connection.close_client()
        if self._verifier_connection not in (None, self.connection):
            await self._verifier_connection.close_client()

    def close(self) -> None:
        """Stop the embedded server, if one was started."""
        self.connection.close()
        if self._verifier_connection not in (None, self.connection):
            self._verifier_connection.close()

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

    def summarize(self, article: str | bytes | ArticleInput | Article) -> ArticleSummary:
        """Summarise one article; see ``asummarize``. Not for use inside a running event loop."""

        async def once() -> ArticleSummary:
            try:
                return await self.asummarize(article)
            finally:
                # The clients belong to this event loop, which ends with the call.
                await self._close_clients()

        return asyncio.run(once())

    async def asummarize(self, article: str | bytes | ArticleInput | Article) -> ArticleSummary:
        """Summarise one article into a verified ``ArticleSummary``.

        Args:
            article: The article text (a metadata header is read), or its bytes (decoded
                as a file's are); an ``ArticleInput``
                with its id and what is known of it (date ``YYYY[-MM[-DD]]``, title,
                language as ISO 639-1), the rest read from the text or detected; or a
                loaded ``Article``.

        Raises:
            InputError: The text is empty or unusable (or the input carries the error
                met reading it).
            ConfigurationError: No endpoint can be used.
            EndpointError: The server failed within the retry budget.
            ModelOutputError: The model gave no usable answer.
        """
        record, _ = await self.asummarize_cached(article)
        return record

    async def asummarize_cached(
        self, article: str | bytes | ArticleInput | Article
    ) -> tuple[ArticleSummary, bool]:
        """``asummarize``, also saying whether the record came from the cache."""
        started = time.perf_counter()
        given = self._given(article)
        key = self.cache_key(given)
        if self.cache is not None and key is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return hit.model_copy(update={"id": given.id or None}), True
        article = self.load(given)
        record = await self._summarize(article, started)
        if self.settings.verify_model is not None:
            record = await ask_second_opinion(
                record, article, self._verifier(), cache=self.cache,
                model=self.settings.verify_model,
            )  # fmt: skip
        opinion = record.quality.second_opinion
        if (
            self.cache is not None
            and key is not None
            and not record.quality.partial
            and not (opinion is not None and opinion.error)
        ):
            # A partial record is not kept: a rerun reads what it lacks (the answers of
            # the parts that were read are kept, so only those are asked again). Nor is
            # one whose verifier failed: a rerun asks it again.
            self.cache.put(key, record)
        return record, False

    @staticmethod
    def _given(article: str | bytes | ArticleInput | Article) -> ArticleInput | Article:
        if not isinstance(article, ArticleInput | Article):
            article = as_text(article)
        given = ArticleInput(id="", text=article) if isinstance(article, str) else article
        if isinstance(given, ArticleInput) and given.error is not None:
            raise given.error
        return given

    def cache_key(self, given: ArticleInput | Article) -> str | None:
        """The record cache's key for an article as given; ``None`` without a cache.

        Keyed on the input as given, so a hit costs no parsing at all.
        """
        return None if self.cache is None else self.record_key(given)

    def record_key(self, given: ArticleInput | Article) -> str:
        """The record cache's key for an article as given, whether a cache is used or not
        (a batch file carries it to the collect that fills the cache)."""
        return cache_key(
            {
                "text": given.text,
                "date": str(given.date),
                "language": given.language,
                "title": given.title,
                **self._identity(),
            }
        )

    def load(self, given: ArticleInput | Article) -> Article:
        """The article as read from an input (an ``Article`` is already read)."""
        if isinstance(given, Article):
            return given
        return load_article(
            given.text,
            date=given.date,
            language=given.language,
            title=given.title,
            article_id=given.id or None,
        )

    async def _summarize(self, article: Article, started: float) -> ArticleSummary:
        endpoint, client = await self.connection.ready()
        reader = Reader(
            self.settings,
            endpoint,
            client,
            self.connection.pause,
            self._template,
            self._call_slots(),
            self.cache,
            self._answer_key,
        )
        return await reader.read(article, started)

    def _answer_key(self, request: Request) -> str:
        """The cache key of one request's answer: the request as sent (prompt, sampling,
        schema), who answers, and the re-ask budget that shaped the answer. Options that
        change no request (``passes``, a ``chunk_tokens`` equal to the default) share it."""
        s = self.settings
        return cache_key(
            {
                "request": request.body,
                **self.connection.identity(),
                "schema": SCHEMA_VERSION,
                "reasks": [s.max_reasks, s.max_attempts],
            }
        )

    def _call_slots(self) -> asyncio.Semaphore:
        """The requests-in-flight limit of the running event loop."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            # No more than the open-file limit has sockets for (see ``limits``).
            slots = asyncio.Semaphore(fit_concurrency(self.settings.concurrency))
            self._slots = (loop, slots)
        return self._slots[1]


def summarize(
    article: str | bytes | ArticleInput, settings: Settings | None = None
) -> ArticleSummary:
    """Summarise one article with a short-lived ``Summarizer``.

    Args:
        article: The article text (or its bytes), or an ``ArticleInput`` with its id,
            date, title and language.
        settings: Run settings; ``Settings()`` when omitted.
    """
    with Summarizer(settings) as summarizer:
        return summarizer.summarize(article)


async def asummarize(
    article: str | bytes | ArticleInput, settings: Settings | None = None
) -> ArticleSummary:
    """Async ``summarize``, for programs that already run an event loop."""
    async with Summarizer(settings) as summarizer:
        return await summarizer.asummarize(article)
