"""Faults of where articles come from: endless files, named pipes, symlink loops, standard
input, and JSON Lines feeds with odd line separators or lone surrogates.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .fault_server import FaultServer
from .helpers import ANSWER, ARTICLE, numbered, run_cli, run_summarizer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def test_an_endless_input_is_refused_at_the_size_limit_before_any_request(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with FaultServer(["ok"], ANSWER) as server:
        started = time.monotonic()
        result = run_cli(server, "/dev/zero", str(article), "-f", "json")
        seconds = time.monotonic() - started
        raised = run_cli(server, "/dev/zero", "--max-input-bytes", "1000")
        asked = len(server.requests)
    assert result.exit_code == 3, result.stderr
    assert "/dev/zero: more than 50,000,000 bytes, the limit on one input" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        "/dev/zero", str(article),
    ]  # fmt: skip
    assert asked == 1, "only the readable article was sent"
    assert seconds < 30
    assert "more than 1,000 bytes" in raised.stderr
    report(
        "an endless input (`/dev/zero`) named as an article",
        "refused after reading the limit and one byte (50 MB by default, --max-input-bytes / "
        "SUMMARIZER_MAX_INPUT_BYTES), exit 3, no request; the other articles go on",
    )


def test_a_named_pipe_in_an_input_folder_is_skipped_not_waited_on(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "empty.txt").write_text("  ", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    out = tmp_path / "out.jsonl"
    result = run_summarizer(str(folder), "-o", str(out), timeout=30)
    assert result.returncode == 3, result.stderr
    assert f"skipping {folder / 'pipe.txt'}: a named pipe, not a regular file" in result.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        str(folder / "empty.txt")
    ]
    report(
        "a named pipe (FIFO) inside an input folder",
        "skipped with a warning; the other files run (a FIFO named on its own is read as a stream)",
    )


def test_a_recursive_pattern_through_symlink_loops_asks_once_per_article(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to("..")
    (tmp_path / "sub" / "again").symlink_to("..")
    with FaultServer(["ok"], ANSWER) as server:
        result = run_cli(server, str(tmp_path / "**" / "*.txt"), "-f", "json")
        asked = len(server.requests)
    assert result.exit_code == 0, result.stderr
    assert asked == 1
    assert json.loads(result.stdout)["id"] == str(tmp_path / "sub" / "article.txt")
    report(
        "recursive pattern `d/**/*.txt` through two symlink loops (`sub/loop -> ..`)",
        f"each article once ({asked} request); the loops are skipped with a warning",
    )


def test_an_article_on_standard_input_opening_with_a_brace_is_summarised_as_one(
    report: Callable[[str, str], None],
) -> None:
    text = "{Updated 14:05} " + ARTICLE.split("\n", 1)[1]
    with FaultServer(["ok"], ANSWER) as server:
        result = run_cli(server, "-", "-f", "json", "--language", "en", input=text)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["text"] == text
    report(
        "an article on standard input that begins with `{`",
        "read as one article: stdin is JSON Lines only when every non-empty line is a JSON "
        "object with a text field",
    )


def test_raw_line_separators_inside_jsonl_strings_are_read_and_resumed(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    separators = {"U+2028": "\u2028", "U+2029": "\u2029", "U+0085": "\x85"}
    feed = tmp_path / "feed.jsonl"
    texts = {
        name: numbered(name) + f"{sep}Talks resume on Monday." for name, sep in separators.items()
    }
    feed.write_text(
        "".join(
            json.dumps({"id": k, "text": t}, ensure_ascii=False) + "\n" for k, t in texts.items()
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        first = run_cli(server, str(feed), "-o", str(out))
        again = run_cli(server, str(feed), "-o", str(out))
        asked = len(server.requests)
    assert first.exit_code == 0, first.stderr
    records = [json.loads(line) for line in out.read_bytes().split(b"\n") if line]
    assert {r["id"]: r["text"] for r in records} == texts
    assert asked == 3, "the rerun read the output back whole and asked nothing"
    assert again.exit_code == 0, again.stderr
    assert "3 skipped" in again.stderr
    report(
        "a raw U+2028, U+2029 or U+0085 inside a JSONL string (valid JSON)",
        "the line is split at newlines only: each article is read whole and summarised, and a "
        "rerun reads the output back and skips them",
    )


def test_a_lone_surrogate_in_a_jsonl_line_is_refused_before_any_request(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "feed.jsonl"
    # Written by hand: "\ud800" is a JSON escape for half of a UTF-16 pair.
    feed.write_text(
        '{"id": "bad\\ud800", "text": ' + json.dumps(numbered("id")) + "}\n"
        '{"id": "a2", "text": ' + json.dumps(numbered("text"))[:-1] + ' \\udc00"}\n'
        '{"id": "a3", "text": ' + json.dumps(numbered("good")) + "}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        first = run_cli(server, str(feed), "-o", str(out))
        again = run_cli(server, str(feed), "-o", str(out))
        asked = len(server.requests)
    assert first.exit_code == 3, first.stderr
    assert "Traceback" not in first.stderr + again.stderr
    assert asked == 1, "only the good article was sent, once"
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == [f"{feed}:1", f"{feed}:2", "a3"]
    errors = [line["error"]["message"] for line in lines if "error" in line]
    assert all("lone surrogate" in message for message in errors), errors
    assert "3 skipped" in again.stderr
    report(
        "a lone surrogate (a \\ud800 escape) in a JSONL id or text",
        f"refused at reading, no request (exit 3): {errors[0].split(': ', 1)[1]}; the other "
        "articles go on, and a rerun pays nothing",
    )
