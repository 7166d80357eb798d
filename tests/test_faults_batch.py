"""Failure as a tested path: Batch API rounds beside files that are not a round's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli

from .batch_articles import write_inputs

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

#: A ``<stem>.batch.json`` that another program wrote, and what the refusal says of it.
FOREIGN_JOBS = [
    ('{"name": "my settings", "version": 2}\n', "no 'id', 'input_file_id', 'base_url', 'status'"),
    ("[1, 2]\n", "a JSON list, not an object"),
    ("settings: yes\n", "not JSON: Expecting value"),
]


@pytest.mark.parametrize(("content", "problem"), FOREIGN_JOBS)
def test_a_foreign_batch_job_file_is_named_for_what_is_wrong_and_kept(
    tmp_path: Path, content: str, problem: str, report: Callable[[str, str], None]
) -> None:
    requests = tmp_path / "requests.jsonl"
    job = tmp_path / "requests.batch.json"
    job.write_text(content, encoding="utf-8")
    prepare = ["batch", "prepare", str(write_inputs(tmp_path)), "-o", str(requests),
               "--base-url", "http://127.0.0.1:9/v1", "--backend", "openai",
               "--model", "gpt-4o-mini"]  # fmt: skip
    refused = CliRunner().invoke(cli, prepare)
    assert refused.exit_code == 2, refused.stderr
    said = " ".join(refused.stderr.split())
    assert f"requests.batch.json: not a batch job written by summarizer ({problem}" in said
    assert "None" not in said
    assert job.read_text(encoding="utf-8") == content, "the foreign file is kept"
    job.unlink()
    assert CliRunner().invoke(cli, prepare).exit_code == 0
    job.write_text(content, encoding="utf-8")
    status = CliRunner(env={"OPENAI_API_KEY": "sk-x"}).invoke(
        cli, ["batch", "status", str(requests)]
    )
    assert status.exit_code == 3, status.stderr
    assert f"not a batch job written by summarizer ({problem}" in " ".join(status.stderr.split())
    report(
        f"a foreign requests.batch.json beside the round ({content.strip()})",
        f"prepare refuses it (exit 2) and keeps it, status refuses it (exit 3), naming what "
        f"is wrong: {said}",
    )
