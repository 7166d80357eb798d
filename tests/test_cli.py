"""The command line: errors, exit codes, help, schema, and a recorded run."""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import ConfigurationError, Settings, Summarizer
from summarizer import cli as cli_module
from summarizer.cli import cli
from summarizer.console import SETTING_FLAGS

from .conftest import REPLAY_BASE_URL, SAMPLE_EN


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_shows_examples(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "summarizer article.txt" in result.output
    assert "--base-url" in runner.invoke(cli, ["run", "--help"]).output


def test_empty_stdin_is_a_clear_error_with_exit_3_and_nothing_on_stdout(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["-"], input="   \n")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "standard input: the article is empty" in result.stderr


def test_missing_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, [str(tmp_path / "nope.txt")])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "nope.txt: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_binary_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50)
    result = runner.invoke(cli, [str(path)])
    assert result.exit_code == 3
    assert "binary data" in result.stderr


def test_no_endpoint_and_no_local_extra_says_how_to_configure(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("summarizer.connection.local_extra_installed", lambda: False)
    result = runner.invoke(cli, [str(SAMPLE_EN)], env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert result.exit_code == 4
    assert "OPENAI_API_KEY" in result.stderr
    assert "--base-url" in result.stderr
    assert "summarizer[local]" in result.stderr


def test_library_errors_name_the_setting_and_the_command_line_names_its_option(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("summarizer.connection.local_extra_installed", lambda: False)
    with pytest.raises(ConfigurationError) as raised:
        Summarizer(Settings()).preflight()
    assert "Settings.base_url" in str(raised.value)
    assert "--base-url" not in str(raised.value)
    result = runner.invoke(
        cli, ["-", "--base-url", "http://127.0.0.1:9/v1", "--no-cache"], input="A text.",
        env={"SUMMARIZER_MODEL": ""},
    )  # fmt: skip
    assert result.exit_code == 4
    assert "set --model (SUMMARIZER_MODEL)" in result.stderr
    assert "Settings." not in result.stderr


def test_every_setting_the_command_line_names_is_a_field_set_by_that_option() -> None:
    fields = {f.name for f in dataclasses.fields(Settings)}
    run_options = {opt for param in cli_module.cli.commands["run"].params for opt in param.opts}
    for field, flag in SETTING_FLAGS.items():
        assert field in fields, field
        assert flag in run_options, flag


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_server_that_is_down_gives_an_error_naming_the_url(runner: CliRunner) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    result = runner.invoke(
        cli,
        [
            str(SAMPLE_EN),
            "--base-url",
            url,
            "--model",
            "m",
            "--max-attempts",
            "1",
            "--max-reasks",
            "0",
        ],
    )
    assert result.exit_code == 5
    assert f"cannot connect to {url}" in result.stderr
    assert result.stdout == ""


def test_bad_option_value_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, [str(SAMPLE_EN), "--concurrency", "none"])
    assert result.exit_code == 2


def test_schema_check_passes_on_the_committed_schemas(runner: CliRunner) -> None:
    root = Path(__file__).resolve().parent.parent
    result = runner.invoke(cli, ["schema", "--check", "--out", str(root / "schemas")])
    assert result.exit_code == 0, result.output


def test_schema_check_fails_on_a_stale_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "record.schema.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(cli, ["schema", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "record.schema.json" in result.stderr


def test_schema_writes_both_files(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.schema.json", "record.schema.json"]


@pytest.mark.vcr
def test_recorded_run_prints_json_when_piped(
    runner: CliRunner, llm_base_url: str, vcr: Any
) -> None:
    args = [
        str(SAMPLE_EN), "--base-url", llm_base_url, "--backend", "llama-cpp-python",
        "--model", "gemma-3-270m", "--max-reasks", "0", "--max-items", "3",
    ]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["language"] == "en"
    assert record["quality"]["endpoint"] in (llm_base_url, REPLAY_BASE_URL)
    assert record["quality"]["attempts"] == 1


def test_arguments_that_name_no_command_go_to_run(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "check.txt"  # named like a command, but it is a file
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(cli, [str(empty), "--no-cache"])
    assert result.exit_code == 3
    assert "check.txt: the article is empty" in result.stderr
    result = runner.invoke(cli, ["--max-tokens", "lots"])
    assert result.exit_code == 2
    assert "'--max-tokens'" in result.stderr, "parsed by run's own options"


def test_an_unforeseen_system_error_is_one_line_naming_the_file_not_a_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The mayor of Lyon asked for a new tram line.", encoding="utf-8")

    def unreadable(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "locked" / "report.md"))

    monkeypatch.setattr("summarizer.inputs.read_inputs", unreadable)
    result = runner.invoke(
        cli,
        [str(article), "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--no-cache"],
    )
    assert not isinstance(result.exception, OSError), result.exception
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "report.md" in result.stderr
    assert "Permission denied" in result.stderr


@pytest.mark.parametrize(("option", "message"), [("--backend", "backend"), ("--mode", "mode")])
def test_an_unknown_backend_or_mode_is_a_configuration_error_as_from_the_environment(
    runner: CliRunner, option: str, message: str
) -> None:
    args = [str(SAMPLE_EN), "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    from_option = runner.invoke(cli, [*args, option, "nope"])
    variable = f"SUMMARIZER_{option.removeprefix('--').upper()}"
    from_env = runner.invoke(cli, args, env={variable: "nope"})
    assert from_option.exit_code == from_env.exit_code == 4
    assert f"unknown {message} 'nope'; choose one of: auto, " in from_option.stderr
    assert from_option.stderr == from_env.stderr


def test_max_attempts_alone_makes_the_default_reasks_fit(runner: CliRunner, tmp_path: Path) -> None:
    from summarizer import ConfigurationError, Settings

    assert Settings.from_env({}, max_attempts=1).max_reasks == 0
    assert Settings.from_env({}, max_attempts=3).max_reasks == 1
    with pytest.raises(ConfigurationError, match="max_reasks"):
        Settings.from_env({}, max_attempts=1, max_reasks=1)
    result = runner.invoke(cli, [str(tmp_path / "gone.txt"), "--max-attempts", "1"])
    assert result.exit_code == 3, result.stderr
