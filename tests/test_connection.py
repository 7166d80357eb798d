"""The connection: run settings, cache identity and each backend's request shape (no network)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from summarizer import ConfigurationError, Settings, Summarizer
from summarizer.connection import BACKENDS, OPENAI_BASE_URL, Connection, Endpoint


class _Answer(BaseModel):
    name: str = Field(max_length=900, pattern="^[A-Z]")
    items: list[str] = Field(max_length=15)


def test_embedded_run_settings_are_fixed_at_construction_without_starting_a_server() -> None:
    summarizer = Summarizer(Settings(local_context=2048))
    settings = summarizer.settings
    assert (settings.model, settings.max_items, settings.context_window) == (
        "gemma-3-270m",
        4,
        2048,
    )
    assert summarizer.connection.identity() == {
        "endpoint": "embedded:bundled",
        "model": "gemma-3-270m",
        "backend": "llama-cpp-python",
        "mode": "json_object_schema",
    }
    assert summarizer.resolved_endpoint is None, "naming the identity started nothing"


def test_configured_settings_are_kept_as_given() -> None:
    given = Settings(base_url="http://h:8000/v1", model="m")
    assert Connection(given).settings is given


def test_cache_identity_names_the_server_without_its_credentials() -> None:
    connection = Connection(Settings(base_url="http://user:secret@h:11434/v1", model="q"))
    assert connection.identity() == {
        "endpoint": "http://h:11434/v1",
        "model": "q",
        "backend": "ollama",
        "mode": "json_schema",
    }


def test_grammar_server_gets_its_schema_in_json_object_and_instructions_in_the_user_turn() -> None:
    endpoint = Endpoint("http://h/v1", "m", BACKENDS["llama-cpp-python"], "json_object_schema")
    messages = [{"role": "system", "content": "Rules."}, {"role": "user", "content": "Text."}]
    request = endpoint.shape(
        {"messages": messages, "response_format": {"type": "json_schema"}}, _Answer, 3
    )
    assert "response_format" not in request, "sent in the body as is, not through the SDK"
    sent = request["extra_body"]["response_format"]
    assert sent["type"] == "json_object"
    name = sent["schema"]["properties"]["name"]
    assert "pattern" not in name
    assert name["maxLength"] == 200
    assert sent["schema"]["properties"]["items"]["maxItems"] == 3
    assert request["messages"] == [{"role": "user", "content": "Rules.\n\nText."}]


def test_other_servers_get_the_request_as_instructor_built_it() -> None:
    endpoint = Endpoint("http://h/v1", "m", BACKENDS["generic"], "md_json")
    messages = [{"role": "system", "content": "Rules."}, {"role": "user", "content": "Text."}]
    assert endpoint.shape({"messages": list(messages)}, _Answer, None) == {"messages": messages}


@pytest.mark.parametrize(
    ("base_url", "api_key"),
    [(None, None), ("", ""), ("http://127.0.0.1:9/v1", None), (None, "sk-x"),
     ("http://127.0.0.1:9/v1", "sk-x")],
)  # fmt: skip
def test_one_rule_says_whether_an_endpoint_is_configured_everywhere(
    base_url: str | None, api_key: str | None
) -> None:
    from summarizer.ray import run_on_ray

    settings = Settings(base_url=base_url, api_key=api_key, model="m")
    configured = bool(base_url or api_key)
    assert settings.endpoint_configured is configured
    connection = Connection(settings)
    assert connection.embedded is not configured
    if configured:
        assert connection.endpoint.base_url == (base_url or OPENAI_BASE_URL)
        assert run_on_ray([], Summarizer(settings)).pending == 0
    else:
        with pytest.raises(ConfigurationError, match="needs an endpoint"):
            run_on_ray([], Summarizer(settings))
