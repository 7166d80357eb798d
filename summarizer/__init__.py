"""summarizer: news articles in, verified structured summaries out.

The public API::

    from summarizer import summarize, Settings

    record = summarize(text, Settings(base_url="http://localhost:11434/v1", model="qwen3:8b"))
    for actor in record.actors:
        print(actor.name, [(m.start, m.end) for m in actor.mentions])

``__all__`` is the curated surface: running, reading, the record, its views, the two
steps around a model call, and the errors a caller catches. Everything else stays
importable from its module (``summarizer.record.Actor``, ``summarizer.batch.Totals``).

Names are imported when first used (PEP 562), so that ``import summarizer`` and the
command line's ``--version`` and ``--help`` do not wait for the openai SDK, instructor
or pydantic.
"""

import importlib as _importlib
import sys as _sys
import types as _types
import typing as _typing

if _typing.TYPE_CHECKING:
    from .article import Article, load_article
    from .batch import asummarize_many, summarize_many
    from .cache import Cache
    from .config import Settings
    from .dates import PartialDate
    from .errors import (
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
        ServerError,
        SummarizerError,
        UnexpectedResponseError,
    )
    from .exchange import Reask, finish, plan, prepare
    from .inputs import ArticleInput, read_inputs
    from .pipeline import Summarizer, summarize
    from .record import ArticleSummary
    from .render import render, render_terminal
    from .review_page import render_html
    from .runner import arun_batch, run_batch
    from .usage import Usage

    __version__: str

__all__ = [
    "Article",
    "ArticleInput",
    "ArticleSummary",
    "BinaryInputError",
    "Cache",
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
    "PartialDate",
    "RateLimitError",
    "Reask",
    "ServerError",
    "Settings",
    "Summarizer",
    "SummarizerError",
    "UnexpectedResponseError",
    "Usage",
    "__version__",
    "arun_batch",
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
    "article": ("Article", "load_article"),
    "batch": ("asummarize_many", "summarize_many"),
    "cache": ("Cache",),
    "config": ("Settings",),
    "dates": ("PartialDate",),
    "errors": (
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
        "ServerError",
        "SummarizerError",
        "UnexpectedResponseError",
    ),
    "exchange": ("Reask", "finish", "plan", "prepare"),
    "inputs": ("ArticleInput", "read_inputs"),
    "pipeline": ("Summarizer", "summarize"),
    "record": ("ArticleSummary",),
    "render": ("render", "render_terminal"),
    "review_page": ("render_html",),
    "runner": ("arun_batch", "run_batch"),
    "usage": ("Usage",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


if not _typing.TYPE_CHECKING:
    # Hidden from type checkers, which would take it to mean that any name exists: they
    # see the names imported above, and flag any other.

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
