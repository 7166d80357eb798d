"""Faults of reruns: a killed batch, a second run on the same output, feeds numbered alike,
one file by two paths, the output inside the input folder.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from summarizer.output import JsonlSink

from .fault_server import FaultServer
from .helpers import ANSWER, ARTICLE, numbered, run_cli

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def test_killed_batch_resumes_without_loss_or_repeated_requests(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "feed.jsonl"
    ids = [f"n{i}" for i in range(8)]
    feed.write_text(
        "".join(json.dumps({"id": i, "text": numbered(f"day {i}")}) + "\n" for i in ids)
    )
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache")}
    with FaultServer(["ok"], ANSWER, delay=0.4) as server:
        command = [
            sys.executable, "-m", "summarizer", str(feed), "-o", str(out), "--base-url", server.url,
            "--model", "m", "--backend", "vllm", "-j", "1", "--language", "en",
        ]  # fmt: skip
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if out.exists() and out.read_text(encoding="utf-8").count("\n") >= 3:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        first_lines = out.read_text(encoding="utf-8").count("\n")
        assert 3 <= first_lines < len(ids), "killed mid-run"
        asked_first = len(server.requests)

        rerun = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert rerun.returncode == 0, rerun.stderr
        asked_again = server.requests[asked_first:]

    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == ids, "every article exactly once"
    done_first = {json.loads(line)["id"] for line in lines[:first_lines]}
    repeated = [b for b in asked_again for i in done_first if f"day {i}" in json.dumps(b)]
    assert repeated == [], "no request for an article finished before the kill"
    report(
        "batch killed with SIGKILL mid-run, then rerun",
        f"{first_lines} of {len(ids)} lines survived whole; the rerun did the other "
        f"{len(ids) - first_lines} with {len(asked_again)} requests; each article once",
    )


def test_a_second_run_on_the_same_output_stops_before_any_request(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:

    out = tmp_path / "out.jsonl"
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    first = JsonlSink(out)  # what a run in progress holds
    try:
        with FaultServer(["ok"], ANSWER) as server:
            second = run_cli(server, str(article), "-o", str(out))
            assert server.requests == []
    finally:
        first.close()
    assert second.exit_code == 2
    assert out.read_text(encoding="utf-8") == ""
    report(
        "a second run with the same `-o` while the first is writing",
        f"exit 2, no request: {second.stderr.strip()}",
    )


def test_two_feeds_numbered_alike_keep_every_article_and_resume(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feeds = [tmp_path / "monday.jsonl", tmp_path / "tuesday.jsonl"]
    for day, feed in zip(("Monday", "Tuesday"), feeds, strict=True):
        feed.write_text(
            "".join(
                json.dumps({"id": str(n), "text": numbered(f"{day} {n}")}) + "\n" for n in (1, 2)
            ),
            encoding="utf-8",
        )
    out = tmp_path / "out.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        first = run_cli(server, *map(str, feeds), "-o", str(out))
        again = run_cli(server, *map(str, feeds), "-o", str(out))
        asked = len(server.requests)
    assert first.exit_code == 0, first.stderr
    ids = sorted(json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines())
    assert ids == sorted(f"{feed}#{n}" for feed in feeds for n in (1, 2))
    assert asked == 4, "each article asked once; the rerun asked nothing"
    assert "4 skipped" in again.stderr
    report(
        "two JSONL feeds both numbering their articles 1..N",
        "shared ids are qualified with their source (monday.jsonl#1, tuesday.jsonl#1); every "
        "article is done once and a rerun skips them all; a feed that repeats an id is refused "
        "(exit 3) naming it",
    )


def test_feeds_numbered_alike_run_one_after_the_other_are_each_summarised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    monkeypatch.chdir(tmp_path)
    for day in ("monday", "tuesday"):
        Path(f"{day}.jsonl").write_text(
            "".join(
                json.dumps({"id": str(n), "text": numbered(f"{day} {n}")}) + "\n" for n in (1, 2)
            ),
            encoding="utf-8",
        )
    out = tmp_path / "out.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        monday = run_cli(server, "monday.jsonl", "-o", str(out))
        tuesday = run_cli(server, "tuesday.jsonl", "-o", str(out))
        again = run_cli(server, str(tmp_path / "tuesday.jsonl"), "-o", str(out))
        asked = len(server.requests)
    assert monday.exit_code == tuesday.exit_code == again.exit_code == 0, tuesday.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == [
        "1", "2", "tuesday.jsonl#1", "tuesday.jsonl#2",
    ]  # fmt: skip
    assert sorted("tuesday" in line["text"] for line in lines) == [False, False, True, True]
    assert asked == 4, "every article once; the rerun by another path asked nothing"
    assert "1: " in tuesday.stderr
    assert "summarised as tuesday.jsonl#1" in tuesday.stderr
    assert "2 skipped" in again.stderr
    assert "already in" in again.stderr
    assert "as tuesday.jsonl#1" in again.stderr
    report(
        "two JSONL feeds both numbering their articles 1..N, run one after the other into the "
        "same `-o`, then the second again by its absolute path",
        "an article is known by its id and text: the second feed's articles are summarised "
        "(as tuesday.jsonl#1, said on stderr), and the rerun skips them, naming each",
    )


def test_one_file_by_a_relative_and_an_absolute_path_is_paid_for_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("antwerp.txt").write_text(ARTICLE, encoding="utf-8")
    absolute = str(tmp_path / "antwerp.txt")
    out = tmp_path / "out.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        first = run_cli(server, "antwerp.txt", "-o", str(out))
        again = run_cli(server, absolute, "-o", str(out))
        both = run_cli(server, "antwerp.txt", absolute, "-o", str(tmp_path / "both.jsonl"))
        asked = len(server.requests)
    assert first.exit_code == again.exit_code == 0, again.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert f"skipping {absolute}: already in {out} as antwerp.txt" in again.stderr
    assert asked == 1
    assert both.exit_code == 3
    assert "are the same file, given twice" in both.stderr
    report(
        "one file named by a relative path, then by its absolute path, into the same `-o`",
        "the rerun skips it (same file, same text) and says so; both paths in one command are "
        "refused (exit 3) before any request",
    )


def test_rerunning_with_the_output_inside_the_input_folder_resumes(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "antwerp.txt").write_text(ARTICLE, encoding="utf-8")
    (archive / "feed.jsonl").write_text(
        json.dumps({"id": "f1", "text": numbered("feed")}) + "\n", encoding="utf-8"
    )
    out = archive / "records.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        first = run_cli(server, str(archive), "-o", str(out))
        again = run_cli(server, str(archive), "-o", str(out))
        pattern = run_cli(server, str(archive / "*.jsonl"), "-o", str(out))
        elsewhere = run_cli(server, str(archive), "-o", str(tmp_path / "other.jsonl"))
        named = run_cli(server, str(out), "-o", str(out))
        asked = len(server.requests)
    assert first.exit_code == 0, first.stderr
    assert again.exit_code == 0, again.stderr
    assert "2 skipped" in again.stderr
    assert pattern.exit_code == 0, pattern.stderr
    assert elsewhere.exit_code == 0, elsewhere.stderr
    assert "records.jsonl: records written by summarizer, not articles" in elsewhere.stderr
    assert asked == 4, "each article once per output file; records never read as articles"
    assert named.exit_code == 2
    assert "this is also an input" in named.stderr
    report(
        "`summarizer archive/ -o archive/records.jsonl`, then the same command again",
        "the rerun resumes (the output, and any other file summarizer wrote, found by a folder "
        "or pattern is not an input; a folder's other outputs are skipped with a warning); "
        "naming the -o file itself as an input is still refused (exit 2)",
    )
