"""summarizer: news articles in, verified structured summaries out.

The public API::

    from summarizer import summarize, Settings

    record = summarize(text, Settings(base_url="http://localhost:11434/v1", model="qwen3:8b"))
    for actor in record.actors:
        print(actor.name, [(m.start, m.end) for m in actor.mentions])

Names are imported when first used (PEP 562), so that ``import summarizer`` and the
command line's ``--version`` and ``--help`` do not wait for the openai SDK, instructor
or pydantic.
"""

import importlib as _importlib
import sys as _sys
import types as _types
import typing as _typing

if _typing.TYPE_CHECKING:
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

    __version__: str

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

#: The module each public name comes from, imported when the name is first used.
_HOMES: dict[str, tuple[str, ...]] = {
    "article": (
        "Article",
        "Sentence",
        "load_article",
    ),
    "batch": (
        "BatchResult",
        "Totals",
        "asummarize_many",
        "summarize_many",
    ),
    "cache": ("Cache",),
    "config": ("Settings",),
    "dates": ("PartialDate",),
    "errors": (
        "AuthenticationError",
        "BinaryInputError",
        "ConfigurationError",
        "DuplicateIdError",
        "EmptyArticleError",
        "EncodingError",
        "EndpointError",
        "EndpointTimeoutError",
        "EndpointUnreachableError",
        "InputError",
        "ModelOutputError",
        "OutputError",
        "OutputLockedError",
        "OutputTruncatedError",
        "RateLimitError",
        "RequestRejectedError",
        "ResourceError",
        "ServerError",
        "SummarizerError",
        "TokenBudgetError",
        "UnexpectedResponseError",
    ),
    "exchange": (
        "Reask",
        "Request",
        "finish",
        "plan",
        "prepare",
    ),
    "inputs": (
        "ArticleInput",
        "read_inputs",
    ),
    "pipeline": (
        "Summarizer",
        "asummarize",
        "summarize",
    ),
    "record": (
        "Actor",
        "ArticleSummary",
        "ChunkReport",
        "Claim",
        "DateValue",
        "Demand",
        "Event",
        "Evidence",
        "Flag",
        "Mention",
        "Quality",
        "Stance",
        "Unread",
    ),
    "render": (
        "Format",
        "render",
        "render_terminal",
    ),
    "review_page": ("render_html",),
    "runner": (
        "arun_batch",
        "run_batch",
    ),
    "usage": ("Usage",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> object:
    if name == "__version__":
        value: object = _version()
    elif name in _HOME_OF:
        value = getattr(_importlib.import_module(f".{_HOME_OF[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(_types.ModuleType):
    """The package, whose public names win over its submodules of the same name.

    Importing a submodule binds it on the package; the first import of ``render`` (the
    module) would then hide ``render`` (its function, a public name) for good.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if not (name in _HOME_OF and isinstance(value, _types.ModuleType)):
            super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("summarizer")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
