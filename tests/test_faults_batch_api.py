"""Faults of a Batch API server (``summarizer batch submit`` / ``status`` / ``collect``).

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.cli import cli

from .batch_articles import drafted, hand_built_result, prepare_for_batch_api, read_lines
from .batch_server import BatchServer
from .helpers import SECRET

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _batch_collect(requests: Path, inputs: Path, records: Path, *options: str) -> Any:
    return CliRunner().invoke(
        cli,
        ["batch", "collect", str(requests), "--inputs", str(inputs), "-o", str(records),
         "--wait", "--poll", "0.01", *options],
    )  # fmt: skip


@pytest.mark.usefixtures("fast_polls")
def test_a_batch_failure_that_echoes_the_key_is_recorded_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)

    def respond(custom_id: str, body: dict[str, Any]) -> str:
        if custom_id != "a1":
            return hand_built_result(custom_id, drafted(custom_id))
        line = json.loads(hand_built_result(custom_id, None, 401))
        line["response"]["body"]["error"]["message"] = f"Incorrect API key provided: {SECRET}"
        return json.dumps(line)

    with BatchServer(["completed"], respond) as server:
        inputs, requests = prepare_for_batch_api(tmp_path, server.url)
        assert CliRunner().invoke(cli, ["batch", "submit", str(requests)]).exit_code == 0
        # The error file echoes it too, in a message quoting the request's header.
        echoed = {"message": f"Authorization: Bearer {SECRET} rejected", "code": "x"}
        server.extra_errors.append(json.dumps({"custom_id": "zz", "error": echoed}))
        records = tmp_path / "records.jsonl"
        result = _batch_collect(requests, inputs, records, "--max-attempts", "1")
    assert result.exit_code == 5, result.stderr
    saved = records.read_text(encoding="utf-8")
    error = read_lines(records)[0]["error"]["message"]
    assert "Incorrect API key provided: [redacted]" in error
    for text in (saved, result.stderr, result.stdout):
        assert SECRET not in text
    kept = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    assert "Incorrect API key provided: [redacted]" in kept["requests.results.jsonl"]
    assert "Bearer [redacted] rejected" in kept["requests.errors.jsonl"]
    assert [name for name, text in kept.items() if SECRET in text] == []
    report(
        "Batch API result whose error echoes the API key",
        f"the error line keeps the message with the key taken out: {error}; the results "
        "and error files kept beside the round hold it redacted too",
    )


def test_a_hosted_batch_submit_without_a_key_says_so_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with BatchServer(["completed"], lambda custom_id, body: None) as server:
        _, requests = prepare_for_batch_api(tmp_path, server.url)
        result = CliRunner().invoke(cli, ["batch", "submit", str(requests)])
        assert server.calls == [], "nothing is sent"
    assert result.exit_code == 4, result.stderr
    assert "OPENAI_API_KEY" in result.stderr
    assert "--api-key" in result.stderr
    report(
        "`batch submit` of a round for the hosted API without a key",
        "exit 4 before any request: "
        + " ".join(result.stderr.split()).replace(server.url, "http://127.0.0.1:PORT/v1"),
    )


@pytest.mark.usefixtures("fast_polls")
def test_a_batch_api_that_trickles_its_status_answer_is_cut_off_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with BatchServer(["completed"], lambda custom_id, body: None) as server:
        _, requests = prepare_for_batch_api(tmp_path, server.url)
        assert CliRunner().invoke(cli, ["batch", "submit", str(requests)]).exit_code == 0
        server.trickle = 0.05  # a status answer of some 400 bytes takes 20 s
        started = time.monotonic()
        result = CliRunner().invoke(
            cli, ["batch", "status", str(requests)], env={"SUMMARIZER_TIMEOUT": "0.5"}
        )
        took = time.monotonic() - started
    assert result.exit_code == 5, result.stderr
    assert took < 4, "three attempts of 0.5 s each, whatever each read takes"
    assert "no complete answer within 0.5s" in result.stderr
    report(
        "Batch API trickling its status answer a byte at a time (`batch status`, timeout 0.5 s)",
        "each attempt cut off after 0.5 s in all; after 3, exit 5: "
        + " ".join(result.stderr.split()).replace(server.url, "http://127.0.0.1:PORT/v1"),
    )


@pytest.mark.parametrize("poll", ["-1", "0", "nan"])
def test_a_poll_interval_below_a_second_is_refused_before_any_request(
    poll: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with BatchServer(["completed"], lambda custom_id, body: None) as server:
        _, requests = prepare_for_batch_api(tmp_path, server.url)
        assert CliRunner().invoke(cli, ["batch", "submit", str(requests)]).exit_code == 0
        sent = len(server.calls)
        result = CliRunner().invoke(
            cli, ["batch", "status", str(requests), "--wait", "--poll", poll]
        )
        assert len(server.calls) == sent, "no status request"
    assert result.exit_code == 4, result.stderr
    assert "Traceback" not in result.stderr
    assert "--poll" in result.stderr
    report(
        f"`batch status --wait --poll {poll}`",
        "exit 4 before any request: " + " ".join(result.stderr.split()),
    )


@pytest.mark.usefixtures("fast_polls")
def test_a_slow_answer_to_creating_a_batch_never_creates_a_second_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with BatchServer(["completed"], lambda custom_id, body: None) as server:
        server.create_delays = [2.0]  # the batch exists; its answer comes after the timeout
        _, requests = prepare_for_batch_api(tmp_path, server.url)
        result = CliRunner().invoke(cli, ["batch", "submit", str(requests), "--timeout", "0.5"])
        created = list(server.batches)
        listed = ("GET", "/v1/batches?limit=100") in server.calls
    assert result.exit_code == 0, result.stderr
    assert created == ["batch_1"], "one batch, billed once"
    assert listed, "the batches were looked through before trying again"
    assert json.loads((tmp_path / "requests.batch.json").read_text())["id"] == "batch_1"
    report(
        "Batch API answering the batch-create call after the timeout (the batch was created)",
        "the batches are listed and the one made from this round's upload is taken: one "
        "batch, recorded in requests.batch.json",
    )
