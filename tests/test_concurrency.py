"""Requests in flight at once: one setting, one default, one bound, checked in one place
(real HTTP on loopback)."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import Settings, summarize_many
from summarizer.cli import cli
from summarizer.config import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from summarizer.errors import ConfigurationError

from .conftest import SAMPLE_EN
from .fault_server import FaultServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

_ANSWER: dict[str, Any] = {
    "headline": "The council met",
    "summary": "The council met on Monday.",
    "actors": [], "stances": [], "demands": [], "events": [],
}  # fmt: skip


@pytest.mark.parametrize("bad", [0, -1, MAX_CONCURRENCY + 1, "4", 2.5, True])
def test_a_concurrency_out_of_bounds_or_not_a_whole_number_is_a_configuration_error(
    bad: object,
) -> None:
    with pytest.raises(ConfigurationError, match="concurrency"):
        Settings(concurrency=bad)  # type: ignore[arg-type]


def test_the_bounds_themselves_are_allowed() -> None:
    assert Settings(concurrency=1).concurrency == 1
    assert Settings(concurrency=MAX_CONCURRENCY).concurrency == MAX_CONCURRENCY


def _in_flight(settings: Settings, articles: int) -> int:
    with FaultServer(["ok:0.3"], _ANSWER) as server:
        texts = [f"The council met on Monday for meeting number {n}." for n in range(articles)]
        results = summarize_many(
            texts, settings.replace(base_url=server.url, model="m", backend="vllm")
        )
        assert [r.error for r in results] == [None] * articles
        return server.max_in_flight


def test_the_settings_concurrency_is_what_a_batch_has_in_flight() -> None:
    assert _in_flight(Settings(concurrency=3), 8) == 3


def test_the_library_and_the_command_line_share_one_default() -> None:
    assert Settings().concurrency == DEFAULT_CONCURRENCY
    assert _in_flight(Settings(), DEFAULT_CONCURRENCY + 4) == DEFAULT_CONCURRENCY
    runner = CliRunner()
    for command in (["run", str(SAMPLE_EN)], ["eval", str(SAMPLE_EN)]):
        shown = runner.invoke(cli, [*command, "--help"]).output
        assert f"[default: {DEFAULT_CONCURRENCY}]" in shown


@pytest.mark.parametrize("command", ["run", "eval"])
@pytest.mark.parametrize("value", ["0", str(MAX_CONCURRENCY + 1)])
def test_every_command_refuses_the_same_concurrency_with_one_line(
    command: str, value: str, report: Any
) -> None:
    result = CliRunner().invoke(
        cli, [command, str(SAMPLE_EN), "-j", value, "--base-url", "http://127.0.0.1:9/v1"]
    )
    assert result.exit_code == 4, result.output
    assert result.stderr.strip().splitlines() == [
        f"summarizer: error: concurrency must be between 1 and {MAX_CONCURRENCY}, got {value}"
    ]
    assert "Traceback" not in result.output
    if command == "run" and value == "0":
        report(f"-j {value}", f"exit 4: {result.stderr.strip()}")
