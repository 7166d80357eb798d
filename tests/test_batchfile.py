"""Provider batch files: prepare, collect, and the rounds between (hand-built results files)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import Settings, Summarizer
from summarizer.cli import cli
from summarizer.errors import EndpointError

from .fault_server import FaultServer

# The scripted server runs on loopback; nothing else is reachable.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

TEXTS = {
    "a1": "Lyon, 5 March 2024 - The mayor of Lyon, Grégory Doucet, asked the state to fund a "
    "new tram line.",
    "a2": "Paris, 6 March 2024 - The prefect of Paris, Marc Guillaume, refused to close the "
    "ring road.",
    "a3": "Nantes, 7 March 2024 - The mayor of Nantes, Johanna Rolland, opened a new bridge.",
}


def _answer(article_id: str, *, bad: bool = False) -> dict[str, Any]:
    """The draft a model would give, written by hand for the test."""
    text = TEXTS[article_id]
    name = text.split(", ")[2]
    quote = text.split(" - ", 1)[1].split(",")[0] + ", " + name
    return {
        "headline": f"{name} in the news",
        "summary": f"{name} acted.",
        "actors": [
            {
                "id": "A1",
                "name": name,
                "kind": "person",
                "sentences": [9 if bad else 1],
                "quote": quote,
            }
        ],
    }


def _hand_built_result(custom_id: str, draft: dict[str, Any] | None, status: int = 200) -> str:
    """One line of a batch results file, as the Batch API writes them, built by hand."""
    body: dict[str, Any]
    if draft is None:
        body = {"error": {"message": "the server failed", "type": "server_error"}}
    else:
        body = {
            "id": "c",
            "object": "chat.completion",
            "created": 0,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps(draft)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60},
        }
    return json.dumps(
        {
            "id": f"batch_req_{custom_id}",
            "custom_id": custom_id,
            "response": {"status_code": status, "request_id": "r", "body": body},
            "error": None,
        }
    )


def _inputs(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    # The language is given: detecting it in texts this short loads lingua's slow models.
    lines = [json.dumps({"id": k, "text": v, "language": "en"}) for k, v in TEXTS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_rounds_end_with_every_article_once_nothing_lost_or_doubled(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    runner = CliRunner()
    prepared = runner.invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 0, prepared.stderr
    lines = _lines(requests)
    assert [line["custom_id"] for line in lines] == list(TEXTS)
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert lines[0]["body"]["model"] == "gpt-4o-mini", "the hosted API's default model"
    ids = [line["custom_id"] for line in lines]

    # Round 1: a1 answered, a2 answered wrongly, a3 not answered; one line is garbage.
    results = tmp_path / "results.jsonl"
    results.write_text(
        "\n".join(
            [
                _hand_built_result(ids[0], _answer("a1")),
                _hand_built_result(ids[1], _answer("a2", bad=True)),
                "{not json",
            ]
        ),
        encoding="utf-8",
    )
    records = tmp_path / "records.jsonl"
    collect = ["batch", "collect", "--inputs", str(inputs), "-o", str(records)]
    first = runner.invoke(cli, [*collect, str(requests), "--results", str(results)])
    assert first.exit_code == 0, first.stderr
    assert "not a batch result" in first.stderr
    assert [r["id"] for r in _lines(records)] == [ids[0]]
    round2 = tmp_path / "requests.round2.jsonl"
    assert "next round: " in first.stderr
    again = _lines(round2)
    assert [line["custom_id"] for line in again] == ids[1:]
    reask = again[0]["body"]["messages"]
    assert reask[-2]["role"] == "assistant"
    assert "Correct your JSON" in reask[-1]["content"], "the validation error goes back"
    assert again[1]["body"] == lines[2]["body"], "an unanswered request is sent again as it was"

    # Collecting round 1 again changes nothing.
    repeat = runner.invoke(cli, [*collect, str(requests), "--results", str(results)])
    assert repeat.exit_code == 0, repeat.stderr
    assert len(_lines(records)) == 1

    # Round 2: a2 fixed; a3 fails again and its budget (2 attempts) is spent.
    results2 = tmp_path / "results2.jsonl"
    results2.write_text(
        _hand_built_result(ids[1], _answer("a2")) + "\n" + _hand_built_result(ids[2], None, 500),
        encoding="utf-8",
    )
    second = runner.invoke(
        cli, [*collect, str(round2), "--results", str(results2), "--max-attempts", "2"]
    )
    assert second.exit_code == EndpointError("").exit_code, second.stderr
    out = _lines(records)
    assert [r["id"] for r in out] == ids, "every article exactly once"
    assert out[1]["quality"]["reasks"] == 1
    assert out[1]["quality"]["attempts"] == 2
    assert out[1]["actors"][0]["evidence"][0]["grounded"]
    assert "HTTP 500" in out[2]["error"]["message"]
    assert not (tmp_path / "requests.round3.jsonl").exists()


def test_collect_refuses_inputs_that_changed_since_the_round_was_prepared(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    runner = CliRunner()
    assert runner.invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)]).exit_code == 0
    custom_id = _lines(requests)[0]["custom_id"]
    results = tmp_path / "results.jsonl"
    results.write_text(_hand_built_result(custom_id, _answer("a1")), encoding="utf-8")
    changed = inputs.read_text(encoding="utf-8").replace("tram line", "metro line")
    inputs.write_text(changed, encoding="utf-8")
    records = tmp_path / "records.jsonl"
    result = runner.invoke(
        cli,
        ["batch", "collect", str(requests), "--results", str(results), "--inputs", str(inputs),
         "-o", str(records), "--max-attempts", "1"],
    )  # fmt: skip
    assert result.exit_code != 0
    first = _lines(records)[0]
    assert first["id"] == custom_id
    assert "as they were when the round was prepared" in first["error"]["message"]


def test_one_article_gives_the_same_record_in_process_and_through_a_batch_file(
    tmp_path: Path,
) -> None:
    inputs = _inputs(tmp_path)
    with FaultServer(["ok"], _answer("a1")) as server:
        settings = Settings(base_url=server.url, model="m", backend="vllm")
        from summarizer import read_inputs

        item = read_inputs([str(inputs)])[0]
        with Summarizer(settings) as summarizer:
            direct = summarizer.summarize(item)
        sent = server.requests[0]
    requests = tmp_path / "requests.jsonl"
    runner = CliRunner()
    prepared = runner.invoke(
        cli,
        ["batch", "prepare", str(inputs), "-o", str(requests), "--base-url", server.url,
         "--model", "m", "--backend", "vllm"],
    )  # fmt: skip
    assert prepared.exit_code == 0, prepared.stderr
    line = _lines(requests)[0]
    assert line["body"] == sent, "the batch line's body is what the in-process client sends"
    results = tmp_path / "results.jsonl"
    completion = _hand_built_result(line["custom_id"], _answer("a1"))
    results.write_text(completion, encoding="utf-8")
    records = tmp_path / "records.jsonl"
    collected = runner.invoke(
        cli,
        ["batch", "collect", str(requests), "--results", str(results), "--inputs", str(inputs),
         "-o", str(records)],
    )  # fmt: skip
    assert collected.exit_code == 0, collected.stderr
    batched = _lines(records)[0]
    mine = direct.model_dump(mode="json")
    for record in (batched, mine):
        record["quality"].pop("seconds")
        record["quality"].pop("prompt_tokens")
        record["quality"].pop("completion_tokens")
    assert batched == mine
