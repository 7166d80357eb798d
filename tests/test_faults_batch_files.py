"""Faults of provider batch files (``summarizer batch prepare`` / ``collect``): hostile results
files and results left beside a round.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli

from .batch_articles import collect_results, drafted, hand_built_result, read_lines, write_inputs

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def test_batch_result_lines_of_the_wrong_shape_cost_only_themselves(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 0, prepared.stderr
    wrong_response = json.loads(hand_built_result("a2", drafted("a2")))
    wrong_response["response"] = "200 OK"
    wrong_id = json.loads(hand_built_result("a3", drafted("a3")))
    wrong_id["custom_id"] = ["a3"]
    results = tmp_path / "results.jsonl"
    results.write_bytes(
        b"\n".join(
            [
                hand_built_result("a1", drafted("a1")).encode(),
                json.dumps(wrong_response).encode(),
                json.dumps(wrong_id).encode(),
                hand_built_result("a3", drafted("a3")).encode().replace(b"Nantes", b"N\xe9ntes"),
                hand_built_result("a3", drafted("a3")).encode(),
            ]
        )
    )
    records = tmp_path / "records.jsonl"
    result = collect_results(requests, results, inputs, records)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert [r["id"] for r in read_lines(records)] == ["a1", "a3"]
    assert [r["custom_id"] for r in read_lines(tmp_path / "requests.round2.jsonl")] == ["a2"]
    assert "results line 2: not a batch result" in result.stderr
    assert "results line 3: not a batch result" in result.stderr
    assert "results line 4: not UTF-8 text" in result.stderr
    report(
        "batch results file with a `response` or `custom_id` of the wrong type, and a line "
        "with a byte that is not UTF-8",
        "each such line warned of and skipped; the others collected, the skipped request "
        "goes to the next round",
    )


def test_preparing_again_keeps_results_summarizer_did_not_fetch_unless_forced(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    prepare = ["batch", "prepare", str(inputs), "-o", str(requests), "--model", "m"]
    assert CliRunner().invoke(cli, prepare).exit_code == 0
    # As ``vllm run-batch -i requests.jsonl -o requests.results.jsonl`` leaves them.
    results = tmp_path / "requests.results.jsonl"
    errors = tmp_path / "requests.errors.jsonl"
    results.write_text(hand_built_result("a1", drafted("a1")) + "\n", encoding="utf-8")
    errors.write_text('{"custom_id": "a2", "error": {"message": "x"}}\n', encoding="utf-8")
    kept = {path: path.read_bytes() for path in (requests, results, errors)}
    refused = CliRunner().invoke(cli, prepare)
    assert refused.exit_code == 2, refused.stderr
    message = " ".join(refused.stderr.split())
    assert f"{results}: not a round's file written by summarizer" in message
    assert {path: path.read_bytes() for path in kept} == kept, "nothing replaced or removed"
    results.unlink()
    refused = CliRunner().invoke(cli, prepare)
    assert refused.exit_code == 2, "the errors file alone is refused too"
    assert errors.read_bytes() == kept[errors]
    forced = CliRunner().invoke(cli, [*prepare, "--force"])
    assert forced.exit_code == 0, forced.stderr
    assert not errors.exists()
    # An empty one holds nothing to lose.
    results.write_bytes(b"")
    assert CliRunner().invoke(cli, prepare).exit_code == 0
    assert not results.exists()
    report(
        "`batch prepare -o requests.jsonl` again beside a `requests.results.jsonl` that "
        "`vllm run-batch` wrote",
        f"exit 2, every file untouched: {message}; `--force` discards them",
    )
