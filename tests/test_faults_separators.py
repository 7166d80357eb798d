"""Failure as a tested path: output lines that a line reader or JavaScript would cut."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer.cli import cli

from .fault_server import FaultServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

#: Line and paragraph separators, raw, as pasted text carries them.
ARTICLE = (
    "date: 2024-06-11\n"
    "The port authority of Antwerp said on Tuesday that dockers had ended their strike.\u2028"
    "The union ACV-Puls had demanded higher night-shift pay for three weeks.\u2029"
)
ANSWER: dict[str, Any] = {
    "headline": "Antwerp dockers end strike\u2028after three weeks",
    "summary": "Dockers in Antwerp ended a strike over night-shift pay.\u2029",
    "actors": [
        {"id": "A1", "name": "port authority of Antwerp", "kind": "institution",
         "sentences": [1], "quote": "The port authority of Antwerp said on Tuesday"},
    ],
    "stances": [], "demands": [], "events": [],
}  # fmt: skip
SEPARATORS = ("\u2028", "\u2029", "\x85")


@pytest.mark.parametrize(("fmt", "to"), [("jsonl", "file"), ("json", "file"), ("json", "stdout")])
def test_line_separators_in_output_json_are_escaped(
    fmt: str, to: str, tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    out = tmp_path / f"out.{fmt}"
    where = ["-o", str(out)] if to == "file" else []
    with FaultServer(["ok"], ANSWER) as server:
        result = CliRunner().invoke(
            cli,
            ["-", *where, "-f", "auto" if fmt == "jsonl" else fmt, "--base-url", server.url,
             "--model", "m", "--backend", "vllm", "--no-cache", "--language", "en"],
            input=ARTICLE,
        )  # fmt: skip
    assert result.exit_code in (0, 8), result.stderr
    written = out.read_text(encoding="utf-8") if to == "file" else result.stdout
    assert not [c for c in SEPARATORS if c in written]
    assert "\\u2028" in written
    if fmt == "jsonl":
        lines = written.splitlines()  # every Unicode line boundary splits here
        assert len(lines) == 1, lines
        [line] = lines
        record = json.loads(line)
    else:
        record = json.loads(written)
    assert record["headline"] == ANSWER["headline"]
    assert "\u2029" in record["text"]
    report(
        f"U+2028 / U+2029 in the article and the model's answer ({fmt} to {to})",
        "written as \\u2028 / \\u2029 escapes: each record stays one line for line readers "
        "and JavaScript, and reads back the same",
    )


def test_an_error_line_escapes_line_separators(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a\u2028b", "text": " \u2028 "}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, [str(feed), "-o", str(out), "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    )
    assert result.exit_code == 3, result.stderr
    written = out.read_text(encoding="utf-8")
    assert not [c for c in SEPARATORS if c in written]
    [line] = written.splitlines()
    assert json.loads(line)["id"] == "a\u2028b"
