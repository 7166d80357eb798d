"""summarizer: news articles in, verified structured summaries out.

The public API::

    from summarizer import summarize, Settings

    record = summarize(text, Settings(base_url="http://localhost:11434/v1", model="qwen3:8b"))
    for actor in record.actors:
        print(actor.name, [(m.start, m.end) for m in actor.mentions])
"""

from importlib import metadata as _metadata

from .article import Article, Sentence, load_article
from .batch import BatchResult, Totals, asummarize_many, summarize_many
from .cache import Cache
from .config import Settings
from .dates import PartialDate
from .errors import (
    AuthenticationError,
    BinaryInputError,
    ConfigurationError,
    DuplicateIdError,
    EmptyArticleError,
    EncodingError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    InputError,
    ModelOutputError,
    OutputError,
    OutputLockedError,
    OutputTruncatedError,
    RateLimitError,
    RequestRejectedError,
    ResourceError,
    ServerError,
    SummarizerError,
    TokenBudgetError,
    UnexpectedResponseError,
)
from .exchange import Reask, Request, finish, plan, prepare
from .inputs import ArticleInput, read_inputs
from .pipeline import Summarizer, asummarize, summarize
from .record import (
    Actor,
    ArticleSummary,
    ChunkReport,
    Claim,
    DateValue,
    Demand,
    Event,
    Evidence,
    Flag,
    Mention,
    Quality,
    Stance,
    Unread,
)
from .render import Format, render, render_terminal
from .review_page import render_html
from .runner import arun_batch, run_batch
from .usage import Usage

try:
    __version__ = _metadata.version("summarizer")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "Actor",
    "Article",
    "ArticleInput",
    "ArticleSummary",
    "AuthenticationError",
    "BatchResult",
    "BinaryInputError",
    "Cache",
    "ChunkReport",
    "Claim",
    "ConfigurationError",
    "DateValue",
    "Demand",
    "DuplicateIdError",
    "EmptyArticleError",
    "EncodingError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "Event",
    "Evidence",
    "Flag",
    "Format",
    "InputError",
    "Mention",
    "ModelOutputError",
    "OutputError",
    "OutputLockedError",
    "OutputTruncatedError",
    "PartialDate",
    "Quality",
    "RateLimitError",
    "Reask",
    "Request",
    "RequestRejectedError",
    "ResourceError",
    "Sentence",
    "ServerError",
    "Settings",
    "Stance",
    "Summarizer",
    "SummarizerError",
    "TokenBudgetError",
    "Totals",
    "UnexpectedResponseError",
    "Unread",
    "Usage",
    "__version__",
    "arun_batch",
    "asummarize",
    "asummarize_many",
    "finish",
    "load_article",
    "plan",
    "prepare",
    "read_inputs",
    "render",
    "render_html",
    "render_terminal",
    "run_batch",
    "summarize",
    "summarize_many",
]
