"""Settings: arguments over environment over defaults, and secrets kept out of sight."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import ConfigurationError, Settings
from summarizer.connection import Endpoint, detect_backend
from summarizer.errors import redact


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


def test_the_cache_folder_is_a_setting_read_from_the_environment(tmp_path: Path) -> None:
    assert Settings.from_env({"SUMMARIZER_CACHE_DIR": str(tmp_path)}).cache_dir == tmp_path
    assert Settings.from_env({"SUMMARIZER_CACHE_DIR": "~/c"}).cache_dir == Path.home() / "c"
    assert Settings.from_env({}, cache_dir=tmp_path / "x").cache_dir == tmp_path / "x"


def test_none_means_not_given() -> None:
    assert Settings.from_env({"SUMMARIZER_MODEL": "env-model"}, model=None).model == "env-model"


def test_bad_values_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="SUMMARIZER_TIMEOUT"):
        Settings.from_env({"SUMMARIZER_TIMEOUT": "soon"})
    with pytest.raises(ConfigurationError, match="unknown settings: colour"):
        Settings.from_env({}, colour="red")
    with pytest.raises(ConfigurationError, match="max_reasks"):
        Settings(max_attempts=2, max_reasks=2)


def test_a_smaller_budget_takes_the_default_reask_down_with_it_but_not_a_given_one() -> None:
    assert Settings(max_attempts=1).max_reasks == 0
    assert Settings().replace(max_attempts=1).max_reasks == 0
    assert Settings(max_attempts=1).replace(max_attempts=4).max_reasks == 1
    assert Settings(max_attempts=3, max_reasks=2).replace(max_attempts=4).max_reasks == 2
    with pytest.raises(ConfigurationError, match="max_reasks"):
        Settings(max_attempts=1, max_reasks=1)


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
    with pytest.raises(ConfigurationError, match=r"set Settings\.model \(SUMMARIZER_MODEL\)"):
        Endpoint.from_settings(Settings(), base_url="http://localhost:11434/v1")
    hosted = Endpoint.from_settings(Settings(api_key="k"), base_url="https://api.openai.com/v1")
    assert hosted.model == "gpt-4o-mini"


def test_credentials_in_a_base_url_are_kept_apart_from_the_url() -> None:
    endpoint = Endpoint.from_settings(
        Settings(model="m"), base_url="https://ann%40corp:p%2Fss@llm.example.org:8443/v1/"
    )
    assert endpoint.base_url == "https://llm.example.org:8443/v1"
    assert endpoint.basic_auth == ("ann@corp", "p/ss")
    assert "p/ss" not in repr(endpoint)
    headers = endpoint.client_options()["default_headers"]
    assert headers == {"Authorization": "Basic YW5uQGNvcnA6cC9zcw=="}
    assert set(endpoint.secrets) == {"p/ss", "YW5uQGNvcnA6cC9zcw=="}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://files.example.org/v1", "scheme 'ftp'"),
        ("localhost:8080/v1", "scheme 'localhost'"),
        ("/v1", "no scheme"),
        ("http:///v1", "no host"),
        ("http://host:99999/v1", "invalid base URL"),
    ],
)
def test_a_base_url_that_is_not_http_is_a_configuration_error(url: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as raised:
        Endpoint.from_settings(Settings(model="m"), base_url=url)
    assert raised.value.exit_code == 4


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("echo: Authorization: Bearer sk-live-123", "echo: Authorization: Bearer [redacted]"),
        ('{"authorization": "tok-9"}', '{"authorization": "[redacted]"}'),
        ("header was Basic dXNlcjpwYXNz=", "header was Basic [redacted]"),
        ("see http://ann:pw@host/v1 now", "see http://host/v1 now"),
        ("key sk-live-123 leaked", "key [redacted] leaked"),
        ("basic auth is required; raise the token limit", None),
    ],
)
def test_redact_takes_credentials_out_of_messages(text: str, clean: str | None) -> None:
    assert redact(text, ["sk-live-123", None]) == (clean if clean is not None else text)


def test_settings_repr_shows_neither_the_key_nor_the_base_urls_password() -> None:
    shown = repr(Settings(base_url="http://ann:pw-123@h:8080/v1", api_key="sk-9", model="m"))
    assert "base_url='http://h:8080/v1'" in shown
    assert "pw-123" not in shown
    assert "sk-9" not in shown
    assert "model='m'" in shown


@pytest.mark.parametrize(
    "values",
    [{"passes": 2.5}, {"passes": "2"}, {"passes": 0}, {"chunk_tokens": 10},
     {"chunk_tokens": "800"}, {"max_tokens_per_article": -1}, {"context_window": 0}],
)  # fmt: skip
def test_long_article_settings_of_the_wrong_type_or_size_are_a_configuration_error(
    values: dict[str, object],
) -> None:
    with pytest.raises(ConfigurationError):
        Settings(**values)  # type: ignore[arg-type]
