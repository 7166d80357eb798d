"""The OpenAI Batch API driven by summarizer: submit, status, collect, rounds (scripted server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.errors import InputError

from .batch_articles import (
    drafted,
    hand_built_result,
    prepare_for_batch_api,
    read_lines,
    write_inputs,
)
from .batch_server import BatchServer

pytestmark = [
    pytest.mark.block_network(allowed_hosts=["127.0.0.1"]),
    pytest.mark.usefixtures("fast_polls"),
]

KEY = "sk-batch-test-key-never-printed"


def _right(custom_id: str, body: dict[str, Any]) -> str | None:
    """Every request answered rightly (a hand-built result line)."""
    return hand_built_result(custom_id, drafted(custom_id))


def prepared_note(tmp_path: Path, url: str) -> str:
    """What preparing a round for ``url`` says (into a file of its own)."""
    prepared = CliRunner().invoke(
        cli,
        ["batch", "prepare", str(write_inputs(tmp_path)), "-o", str(tmp_path / "other.jsonl"),
         "--base-url", url, "--backend", "openai", "--model", "gpt-4o-mini"],
    )  # fmt: skip
    assert prepared.exit_code == 0, prepared.stderr
    return prepared.stderr


def test_rounds_run_on_the_batch_api_until_every_article_is_recorded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round 1: a1 right, a2 wrong (re-asked), a3 a failed request, one garbage line.
    Round 2 expires with a3 unanswered; round 3 answers it."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    seen: dict[str, int] = {}

    def respond(custom_id: str, body: dict[str, Any]) -> str | None:
        n = seen[custom_id] = seen.get(custom_id, 0) + 1
        if custom_id == "a2":
            return hand_built_result(custom_id, drafted("a2", bad=n == 1))
        if custom_id == "a3":
            return {1: hand_built_result(custom_id, None, 500), 2: None}.get(
                n, hand_built_result(custom_id, drafted("a3"))
            )
        return hand_built_result(custom_id, drafted(custom_id))

    with BatchServer(["completed", "expired", "completed"], respond) as server:
        server.extra_lines.append("{not json")
        inputs, requests = prepare_for_batch_api(tmp_path, server.url)
        runner = CliRunner()
        submitted = runner.invoke(cli, ["batch", "submit", str(requests)])
        assert submitted.exit_code == 0, submitted.stderr
        assert "batch_1: validating" in submitted.stderr
        again = runner.invoke(cli, ["batch", "submit", str(requests)])
        assert again.exit_code == InputError("").exit_code, "one round is never billed twice"
        assert "submitted already as batch batch_1" in again.stderr
        status = runner.invoke(cli, ["batch", "status", str(requests)])
        assert status.exit_code == 0
        assert "validating" in status.stdout

        records = tmp_path / "records.jsonl"
        collect = runner.invoke(
            cli,
            ["batch", "collect", str(requests), "--inputs", str(inputs), "-o", str(records),
             "--rounds", "3", "--wait", "--poll", "0.01"],
        )  # fmt: skip
        assert collect.exit_code == 0, collect.stderr
        uploads = [path for method, path in server.calls if (method, path) == ("POST", "/v1/files")]
        assert len(uploads) == 3, "one upload a round"
        assert all(a == f"Bearer {KEY}" for a in server.authorization)
    out = read_lines(records)
    assert sorted(r["id"] for r in out) == ["a1", "a2", "a3"], "every article exactly once"
    by_id = {r["id"]: r for r in out}
    assert by_id["a2"]["quality"]["reasks"] == 1
    assert by_id["a3"]["quality"]["attempts"] == 3, "a failed and an expired round counted"
    assert all(r["actors"][0]["evidence"][0]["grounded"] for r in out)
    assert "not a batch result" in collect.stderr
    assert "expired" in collect.stderr
    assert "batch prices" in collect.stderr, "the cost is at batch prices"
    assert KEY not in collect.stderr + collect.stdout
    assert (tmp_path / "requests.round3.results.jsonl").exists(), "results kept beside the round"
    assert not (tmp_path / "requests.round4.jsonl").exists()


def test_collect_before_the_batch_ends_loses_nothing_and_can_be_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    with BatchServer(["completed"], _right) as server:
        inputs, requests = prepare_for_batch_api(tmp_path, server.url)
        runner = CliRunner()
        assert runner.invoke(cli, ["batch", "submit", str(requests)]).exit_code == 0
        records = tmp_path / "records.jsonl"
        collect = ["batch", "collect", str(requests), "--inputs", str(inputs), "-o", str(records)]
        early = runner.invoke(cli, collect)
        assert early.exit_code == InputError("").exit_code
        assert "wait for it to end" in early.stderr
        assert not records.exists() or not records.read_text(encoding="utf-8").strip()
        later = runner.invoke(cli, [*collect, "--wait", "--poll", "0.01"])
        assert later.exit_code == 0, later.stderr
        assert sorted(r["id"] for r in read_lines(records)) == ["a1", "a2", "a3"]
        fetched = [p for m, p in server.calls if m == "GET" and p.endswith("/content")]
        repeat = runner.invoke(cli, [*collect, "--wait", "--poll", "0.01"])
        assert repeat.exit_code == 0, repeat.stderr
        assert [p for m, p in server.calls if m == "GET" and p.endswith("/content")] == fetched, (
            "results are fetched once"
        )
    assert len(read_lines(records)) == 3


def test_a_batch_that_failed_validation_is_said_and_its_round_can_be_submitted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    with BatchServer(["failed", "completed"], _right) as server:
        inputs, requests = prepare_for_batch_api(tmp_path, server.url)
        runner = CliRunner()
        assert runner.invoke(cli, ["batch", "submit", str(requests)]).exit_code == 0
        waited = runner.invoke(cli, ["batch", "status", str(requests), "--wait", "--poll", "0.01"])
        assert waited.exit_code == 0
        assert "failed" in waited.stdout
        assert "line 1: scripted failure" in waited.stdout
        records = tmp_path / "records.jsonl"
        collect = ["batch", "collect", str(requests), "--inputs", str(inputs), "-o", str(records)]
        refused = runner.invoke(cli, collect)
        assert refused.exit_code == InputError("").exit_code
        assert "submit the round again" in refused.stderr
        resubmitted = runner.invoke(cli, ["batch", "submit", str(requests)])
        assert resubmitted.exit_code == 0, resubmitted.stderr
        assert "batch_2" in resubmitted.stderr
        done = runner.invoke(cli, [*collect, "--wait", "--poll", "0.01"])
        assert done.exit_code == 0, done.stderr
    assert sorted(r["id"] for r in read_lines(records)) == ["a1", "a2", "a3"]


def test_a_batch_api_refusal_is_an_endpoint_error_that_never_shows_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with BatchServer(["completed"], lambda custom_id, body: None) as server:
        _, requests = prepare_for_batch_api(tmp_path, server.url)
        job = json.dumps({"id": "batch_9", "input_file_id": "f", "base_url": server.url,
                          "status": "in_progress"})  # fmt: skip
        (tmp_path / "requests.batch.json").write_text(job, encoding="utf-8")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        result = CliRunner().invoke(cli, ["batch", "status", str(requests)])
    assert result.exit_code == 5
    assert "batch API" in result.stderr
    assert "404" in result.stderr
    assert KEY not in result.stderr


def test_credentials_in_a_batch_base_url_are_sent_as_for_runs_and_never_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with BatchServer(["completed"], _right) as server:
        url = server.url.replace("http://", "http://reader:hunter2-secret@")
        inputs, requests = prepare_for_batch_api(tmp_path, url)
        runner = CliRunner()
        assert "give the same --base-url" in " ".join(prepared_note(tmp_path, url).split())
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        submitted = runner.invoke(cli, ["batch", "submit", str(requests)])
        assert submitted.exit_code == 0, submitted.stderr
        sent = set(server.authorization)
        monkeypatch.delenv("OPENAI_BASE_URL")
        records = tmp_path / "records.jsonl"
        collected = runner.invoke(
            cli,
            ["batch", "collect", str(requests), "--inputs", str(inputs), "-o", str(records),
             "--wait", "--poll", "0.01", "--base-url", url],
        )  # fmt: skip
        assert collected.exit_code == 0, collected.stderr
        sent |= set(server.authorization)
    assert sent == {"Basic cmVhZGVyOmh1bnRlcjItc2VjcmV0"}, "every Batch API call authenticated"
    assert len(read_lines(records)) == 3
    kept = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"hunter2" not in kept
    assert "hunter2" not in submitted.stderr + collected.stderr


def test_preparing_over_a_submitted_round_is_refused_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with BatchServer(["completed"], _right) as server:
        inputs, requests = prepare_for_batch_api(tmp_path, server.url)
        runner = CliRunner()
        assert runner.invoke(cli, ["batch", "submit", str(requests)]).exit_code == 0
        before = requests.read_bytes()
        prepare = ["batch", "prepare", str(inputs), "-o", str(requests), "--base-url",
                   server.url, "--backend", "openai", "--model", "gpt-4o"]  # fmt: skip
        refused = runner.invoke(cli, prepare)
        assert refused.exit_code == 2, refused.stderr
        assert "submitted as batch batch_1" in " ".join(refused.stderr.split())
        assert requests.read_bytes() == before
        assert (tmp_path / "requests.batch.json").exists()
        forced = runner.invoke(cli, [*prepare, "--force"])
        assert forced.exit_code == 0, forced.stderr
        records = tmp_path / "records.jsonl"
        collect = runner.invoke(
            cli, ["batch", "collect", str(requests), "--inputs", str(inputs), "-o", str(records)]
        )
    assert collect.exit_code == InputError("").exit_code
    assert "not submitted" in collect.stderr, "the old batch is not collected as the new one"
    assert not records.exists() or records.read_text(encoding="utf-8") == ""
