"""Internal: the names a setting or an option chooses among, kept apart from the code that
acts on them.

Backend profiles, structured-output modes and output formats are named in the command
line's help and checked by the library. They live here, in a module that imports nothing
heavy, so that ``summarizer --help`` can list them without loading the openai SDK,
instructor or pydantic (which ``connection`` and ``render``, their users, need).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["BACKENDS", "FORMATS", "MODES", "Backend", "Format"]

#: The structured-output modes (``connection`` maps each to instructor's).
MODES: tuple[str, ...] = ("json_schema", "json_object_schema", "json_object", "md_json", "tools")

Format = Literal["json", "markdown", "text", "html"]
FORMATS: tuple[str, ...] = get_args(Format)


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
    #: The hosted API: ``max_completion_tokens`` instead of ``max_tokens``, and its
    #: reasoning models take no temperature.
    hosted: bool = False
    #: Whose published prices apply (a ``genai-prices`` provider id), if any.
    price_provider: str | None = None
    #: The server runs on this machine: tokens cost nothing.
    local: bool = False


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend(
            "openai",
            "json_schema",
            "gpt-4o-mini",
            "hosted OpenAI API",
            hosted=True,
            price_provider="openai",
        ),
        Backend("vllm", "json_schema", None, "vLLM OpenAI-compatible server"),
        Backend("ollama", "json_schema", None, "Ollama's /v1 endpoint", local=True),
        Backend("llama-server", "json_schema", None, "llama.cpp's llama-server", local=True),
        Backend("lmstudio", "json_schema", None, "LM Studio's local server", local=True),
        Backend(
            "llama-cpp-python",
            "json_object_schema",
            None,
            "llama-cpp-python's server (grammar-constrained json_object)",
            fold_system=True,
            local=True,
        ),
        Backend("generic", "md_json", None, "any other OpenAI-compatible chat server"),
    )
}
