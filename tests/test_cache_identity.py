"""The record cache's key: every setting that can change a record changes it, and no
other does. Checked over every field of ``Settings``, so a field added later is covered
without naming it here (no network: naming the key starts and sends nothing)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from summarizer import ArticleInput, Settings, Summarizer
from summarizer.config import CONNECTION_FIELDS, NOT_IN_RECORD

_BASE = Settings(base_url="http://127.0.0.1:9/v1", model="m", backend="vllm")
_ARTICLE = ArticleInput("a", "The council met on Monday. It voted to close the bridge.")

#: Values that a plain change of type would make invalid or meaningless: another value
#: each, valid beside ``_BASE``'s other fields.
_OTHER: dict[str, Any] = {
    "prompt": "verify",
    "mode": "md_json",
    "verify_backend": "ollama",
    "max_reasks": 2,
    "chunk_tokens": 300,
    "passes": 2,
    "verify_base_url": "http://127.0.0.1:10/v1",
}


def _another(name: str) -> Any:
    """A valid value of the field ``name`` other than ``_BASE``'s."""
    if name in _OTHER:
        return _OTHER[name]
    value = getattr(_BASE, name)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, Path):
        return value / "other"
    if isinstance(value, str):
        return value + "-other"
    if value is None:
        kind = str(next(f.type for f in dataclasses.fields(Settings) if f.name == name))
        if "int" in kind:
            return 5000
        if "Path" in kind:
            return Path("/elsewhere")
        if "str" in kind:
            return "other"
    raise AssertionError(f"no other value known for Settings.{name}: add one to _OTHER")


def _key(settings: Settings) -> str:
    return Summarizer(settings).record_key(_ARTICLE)


_RECORD_FIELDS = [
    f.name
    for f in dataclasses.fields(Settings)
    if f.name not in NOT_IN_RECORD and f.name not in CONNECTION_FIELDS
]


@pytest.mark.parametrize("name", _RECORD_FIELDS)
def test_every_setting_that_can_change_a_record_changes_its_key(name: str) -> None:
    changed = _BASE.replace(**{name: _another(name)})
    assert getattr(changed, name) != getattr(_BASE, name)
    assert _key(changed) != _key(_BASE), f"Settings.{name} is not in the record's cache key"


@pytest.mark.parametrize("name", sorted(NOT_IN_RECORD))
def test_a_setting_that_cannot_change_a_record_keeps_its_key(name: str) -> None:
    changed = _BASE.replace(**{name: _another(name)})
    assert getattr(changed, name) != getattr(_BASE, name)
    assert _key(changed) == _key(_BASE)


def test_the_context_window_alone_changes_the_key() -> None:
    # Two runs differing only in it read an article in different parts.
    assert _key(_BASE.replace(context_window=2048)) != _key(_BASE.replace(context_window=8192))


@pytest.mark.parametrize(
    ("changes", "same"),
    [
        ({"model": "other"}, False),
        ({"base_url": "http://127.0.0.1:10/v1"}, False),
        ({"backend": "generic"}, False),
        ({"mode": "tools"}, False),
        # Credentials and the words that name what resolves the same.
        ({"api_key": "sk-another"}, True),
        ({"base_url": "http://user:secret@127.0.0.1:9/v1"}, True),
        # Only the embedded model's run reads these.
        ({"embedded": False}, True),
        ({"local_context": 2048}, True),
        ({"local_model_path": Path("/models/other.gguf")}, True),
    ],
)
def test_connection_settings_change_the_key_as_what_they_resolve_to(
    changes: dict[str, Any], same: bool
) -> None:
    assert (_key(_BASE.replace(**changes)) == _key(_BASE)) is same


def test_auto_and_the_backend_it_finds_share_the_key() -> None:
    ollama = _BASE.replace(base_url="http://127.0.0.1:11434/v1")
    assert _key(ollama.replace(backend="auto")) == _key(ollama.replace(backend="ollama"))


def test_the_embedded_models_file_and_context_are_in_its_key() -> None:
    embedded = Settings()
    assert _key(embedded.replace(local_context=2048)) != _key(embedded)
    assert _key(embedded.replace(local_model_path=Path("/m/other.gguf"))) != _key(embedded)
    # A key that names the hosted API is no longer the embedded model's.
    assert _key(embedded.replace(api_key="sk-x")) != _key(embedded)


def test_every_field_is_in_the_key_or_named_with_its_reason() -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    assert set(NOT_IN_RECORD) <= names
    assert names >= CONNECTION_FIELDS
    assert not set(NOT_IN_RECORD) & CONNECTION_FIELDS
    assert set(_BASE.record_identity()) == names - set(NOT_IN_RECORD) - CONNECTION_FIELDS
