"""Settings: arguments over environment over defaults, and secrets kept out of sight."""

from __future__ import annotations

import pytest

from summarizer import ConfigurationError, Settings
from summarizer.backends import Endpoint, detect_backend


def test_arguments_win_over_environment_which_wins_over_defaults() -> None:
    env = {
        "SUMMARIZER_MODEL": "env-model",
        "OPENAI_BASE_URL": "http://h:1/v1",
        "SUMMARIZER_TIMEOUT": "12",
    }
    settings = Settings.from_env(env, model="arg-model")
    assert settings.model == "arg-model"
    assert settings.base_url == "http://h:1/v1"
    assert settings.timeout == 12.0
    assert Settings.from_env({}).timeout == Settings().timeout


def test_none_means_not_given() -> None:
    assert Settings.from_env({"SUMMARIZER_MODEL": "env-model"}, model=None).model == "env-model"


def test_bad_values_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="SUMMARIZER_TIMEOUT"):
        Settings.from_env({"SUMMARIZER_TIMEOUT": "soon"})
    with pytest.raises(ConfigurationError, match="unknown settings: colour"):
        Settings.from_env({}, colour="red")
    with pytest.raises(ConfigurationError, match="max_reasks"):
        Settings(max_attempts=2, max_reasks=2)


def test_api_key_never_shows_in_repr() -> None:
    settings = Settings(api_key="sk-test-very-secret")
    endpoint = Endpoint.from_settings(settings, base_url="https://api.openai.com/v1")
    assert "sk-test" not in repr(settings)
    assert "sk-test" not in repr(endpoint)


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().model = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("https://api.openai.com/v1", "openai"),
        ("http://localhost:11434/v1", "ollama"),
        ("http://127.0.0.1:1234/v1", "lmstudio"),
        ("http://127.0.0.1:8080/v1", "llama-server"),
        ("http://gpu-box:9000/v1", "generic"),
    ],
)
def test_backend_is_guessed_from_the_url(url: str, backend: str) -> None:
    assert detect_backend(url) == backend


def test_backend_profile_chooses_the_mode_unless_overridden() -> None:
    base = Settings(model="m")
    assert Endpoint.from_settings(base, base_url="http://h:8080/v1").mode == "json_schema"
    assert Endpoint.from_settings(
        base, base_url="http://h:1/v1", backend="llama-cpp-python"
    ).mode == ("json_object_schema")
    assert (
        Endpoint.from_settings(base.replace(mode="md_json"), base_url="http://h:8080/v1").mode
        == "md_json"
    )


def test_a_model_name_is_required_for_servers_without_a_default() -> None:
    with pytest.raises(ConfigurationError, match="--model"):
        Endpoint.from_settings(Settings(), base_url="http://localhost:11434/v1")
    hosted = Endpoint.from_settings(Settings(api_key="k"), base_url="https://api.openai.com/v1")
    assert hosted.model == "gpt-4o-mini"
