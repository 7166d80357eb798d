"""Failure as a tested path: the error lines of long articles read in parts.

Every per-article error line begins with the article's id (``summarizer: error: x: …``),
whether the article was read whole or in parts, directly or through a Batch API round.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.cli import cli

from .batch_articles import collect_results, hand_built_result, read_lines
from .fault_server import FaultServer
from .test_long import TEXT, oracle_draft

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

#: "1" is also in the server's address (127.0.0.1), "x" in no message.
IDS = ("x", "1")


def _error_lines(stderr: str) -> dict[str, str]:
    """Each ``summarizer: error:`` line, by the id it begins with (or "?")."""
    found: dict[str, str] = {}
    for line in stderr.splitlines():
        if line.startswith("summarizer: error: "):
            said = line.removeprefix("summarizer: error: ")
            found[next((i for i in IDS if said.startswith(f"{i}: ")), "?")] = said
    return found


def test_a_long_article_whose_parts_all_fail_is_named_by_its_id(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "long.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": i, "text": TEXT, "language": "en"}) + "\n" for i in IDS)
    )
    with FaultServer(["status:400"]) as server:
        result = CliRunner().invoke(
            cli,
            [str(feed), "-o", str(tmp_path / "out.jsonl"), "--base-url", server.url,
             "--model", "m", "--backend", "vllm", "--no-cache", "--chunk-tokens", "150",
             "--max-attempts", "1"],
        )  # fmt: skip
    assert result.exit_code == 5, result.stderr
    lines = _error_lines(result.stderr)
    assert sorted(lines) == sorted(IDS), result.stderr
    report(
        "a long article (read in parts) whose parts all fail, with an id found in the "
        "message too ('1' in 127.0.0.1)",
        f"one error line that begins with the article's id, as for any article: {lines['1']}",
    )


def test_a_long_articles_part_the_batch_failed_is_named_by_the_articles_id(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    inputs = tmp_path / "long.jsonl"
    inputs.write_text(json.dumps({"id": "x", "text": TEXT, "language": "en"}) + "\n")
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(
        cli,
        ["batch", "prepare", str(inputs), "-o", str(requests), "--chunk-tokens", "150",
         "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--backend", "vllm"],
    )  # fmt: skip
    assert prepared.exit_code == 0, prepared.stderr
    lines: list[dict[str, Any]] = read_lines(requests)
    outcomes = {
        "all parts failed": [None] * len(lines),
        "one part failed": [None if n == 1 else oracle_draft(line["body"])
                            for n, line in enumerate(lines)],
    }  # fmt: skip
    said: dict[str, str] = {}
    for case, drafts in outcomes.items():
        results = tmp_path / f"results-{len(said)}.jsonl"
        results.write_text(
            "".join(
                hand_built_result(line["custom_id"], draft, status=200 if draft else 500) + "\n"
                for line, draft in zip(lines, drafts, strict=True)
            )
        )
        records = tmp_path / f"records-{len(said)}.jsonl"
        collected = collect_results(requests, results, inputs, records, "--max-attempts", "1")
        (record,) = read_lines(records)
        if case == "all parts failed":
            assert collected.exit_code == 5, collected.stderr
            said[case] = record["error"]["message"]
        else:
            assert collected.exit_code == 8, collected.stderr
            said[case] = record["quality"]["unread"][0]["reason"]
            assert said[case].startswith(f"part 2 of {len(lines)} (S"), said[case]
        assert "x: the batch failed it (HTTP 500)" in said[case]
        assert "x#part" not in said[case]
    report(
        "a long article's parts that a Batch API round failed",
        "named by the article's id, as a whole article's are, not by the request's "
        f"custom_id: {said['all parts failed']}; an unread part: {said['one part failed']}",
    )
