"""Faults of the machine: a full disk, running out of file handles, a locked or corrupt cache.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import asyncio
import errno
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import ArticleInput, ArticleSummary, Summarizer, arun_batch
from summarizer.cli import cli
from summarizer.output import JsonlSink

from .fault_server import FaultServer
from .helpers import ANSWER, ARTICLE, numbered, run_cli, settings_for

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_ends_in_one_line_and_exit_7(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["ok"], ANSWER) as server, open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "summarizer", "-", "--base-url", server.url, "--model", "m",
             "--backend", "vllm", "--no-cache", "-f", "json", "--language", "en"],
            input=ARTICLE.encode(), stdout=full, stderr=subprocess.PIPE, timeout=120,
            check=False,
        )  # fmt: skip
    stderr = run.stderr.decode()
    assert run.returncode == 7, stderr
    assert stderr.count("\n") == 1, stderr
    assert "no space left on the device" in stderr
    report("standard output on a full disk (/dev/full)", f"exit 7: {stderr.strip()}")


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_a_report_on_a_full_disk_leaves_no_temporary_file_simulated_at_the_os_write(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Callable[[str, str], None]
) -> None:
    """ENOSPC is raised by the write system call of files in ``out/``: what a full disk does
    (a tmpfs small enough to fill is not available to a test)."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.md"
    target.write_text("<!-- summarizer report -->\nthe previous report\n", encoding="utf-8")
    real_fdopen = os.fdopen

    class FullDisk(io.FileIO):
        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode and os.readlink(f"/proc/self/fd/{fd}").startswith(str(out)):
            return io.TextIOWrapper(io.BufferedWriter(FullDisk(fd, "w")), encoding="utf-8")
        return real_fdopen(fd, mode, *args, **kwargs)

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with FaultServer(["ok"], ANSWER) as server:
        monkeypatch.setattr("summarizer.output.os.fdopen", fdopen)
        result = run_cli(server, str(article), "-f", fmt, "-o", str(target))
    assert result.exit_code == 7, result.stderr
    assert "Traceback" not in result.stderr
    assert "no space left on the device" in result.stderr
    assert [p.name for p in out.iterdir()] == ["report.md"], "no temporary file left behind"
    assert target.read_text(encoding="utf-8").endswith("the previous report\n")
    report(
        f"disk full while writing a report (`-f {fmt} -o FILE`)",
        "exit 7, FILE as it was, no temporary file left: "
        + " ".join(result.stderr.split()).replace(str(tmp_path), "TMP"),
    )


# Imports what the run needs, then leaves the process two file handles to spare.
_FEW_FILES = """
import os, resource, sys
import openai.resources
from summarizer import article, llm, pipeline
from summarizer.cli import main
spare = len(os.listdir("/proc/self/fd")) + 2
resource.setrlimit(resource.RLIMIT_NOFILE, (spare, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
sys.argv[0] = "summarizer"
main()
"""


@pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc/self/fd (Linux)"
)
def test_running_out_of_file_handles_ends_in_one_line_and_exit_7(
    report: Callable[[str, str], None],
) -> None:
    with FaultServer(["ok"], ANSWER) as server:
        run = subprocess.run(
            [sys.executable, "-c", _FEW_FILES, "-", "--base-url", server.url, "--model", "m",
             "--backend", "vllm", "--no-cache", "-f", "json", "--language", "en"],
            input=ARTICLE.encode(), capture_output=True, timeout=120, check=False,
        )  # fmt: skip
    stderr = run.stderr.decode()
    assert run.returncode == 7, stderr
    assert stderr.count("\n") == 1, stderr
    assert "too many open files" in stderr
    assert run.stdout == b""
    assert "site-packages" not in stderr, "the file it failed on says nothing to the user"
    line = re.sub(r"ulimit -n is \d+", "ulimit -n is N", stderr.strip())  # what is open varies
    report("too many open files (RLIMIT_NOFILE two above what is open)", f"exit 7: {line}")


# Runs the command line with an open-file limit of 64; the hard limit too when asked.
_LIMITED = """
import resource, sys
hard = 64 if sys.argv.pop(1) == "fixed" else resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
from summarizer.cli import main
sys.argv[0] = "summarizer"
main()
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="open-file limits are POSIX")
@pytest.mark.parametrize("hard", ["fixed", "raisable"])
def test_a_low_open_file_limit_costs_no_article_of_a_batch(
    tmp_path: Path, hard: str, report: Callable[[str, str], None]
) -> None:
    import resource

    if hard == "raisable" and resource.getrlimit(resource.RLIMIT_NOFILE)[1] < 512:
        pytest.skip("needs a hard open-file limit that leaves room to raise the soft one")
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(60):
        (folder / f"a{n:02}.txt").write_text(numbered(n), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # Answers that take a second keep -j 64 requests in flight at once: a socket each.
    with FaultServer(["ok:1"], ANSWER) as server:
        run = subprocess.run(
            [sys.executable, "-c", _LIMITED, hard, str(folder), "-o", str(out), "-j", "64",
             "--base-url", server.url, "--model", "m", "--backend", "vllm", "--language", "en",
             "--cache-dir", str(tmp_path / "cache")],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        in_flight = server.max_in_flight
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert run.returncode == 0, run.stderr
    assert sorted(line["id"] for line in lines) == sorted(str(p) for p in folder.iterdir())
    assert all("error" not in line for line in lines)
    assert "site-packages" not in run.stderr
    warnings = run.stderr.splitlines()[:-1]  # the last line sums the run up
    if hard == "fixed":
        assert len(warnings) == 1, run.stderr
        assert "ulimit -n 64" in warnings[0], warnings
        assert "(-j)" in warnings[0], warnings
        assert in_flight < 64 - 16
        # The room left depends on what the interpreter holds open: N and M vary.
        said = re.sub(r"(room for|running) \d+", r"\1 N", warnings[0])
        said = re.sub(r"ulimit -n \d+ for", "ulimit -n M for", said)
        report(
            "60 articles at -j 64 under ulimit -n 64, the hard limit too",
            f"exit 0, {len(lines)} records, fewer requests in flight, said once: {said}",
        )
    else:
        assert warnings == [], run.stderr
        report(
            "60 articles at -j 64 under a soft ulimit -n 64, the hard limit higher",
            f"the soft limit is raised: exit 0, {len(lines)} records, nothing said",
        )


def test_running_out_of_file_handles_mid_batch_costs_one_article_not_the_batch(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    import rich

    # What the system says when a library's module is imported on first use with no
    # handle left: the file it names is no business of the user's.
    inside = str(Path(rich.__file__).parent / "_emoji_codes.py")

    class OutOfHandles(Summarizer):
        async def asummarize_cached(self, article: Any) -> tuple[ArticleSummary, bool]:
            if article.id == "a1":
                raise OSError(errno.EMFILE, "Too many open files", inside)
            return await super().asummarize_cached(article)

    shown: list[str] = []

    def show(result: Any, totals: Any) -> None:
        if result.id == "a2":  # the view's own import fails on this one
            raise OSError(errno.EMFILE, "Too many open files", inside)
        shown.append(result.id)

    inputs = [ArticleInput(f"a{n}", numbered(n), language="en") for n in range(4)]
    out = tmp_path / "out.jsonl"
    sink = JsonlSink(out)
    with FaultServer(["ok"], ANSWER) as server:
        totals = asyncio.run(
            arun_batch(inputs, OutOfHandles(settings_for(server)), sink=sink, on_result=show)
        )
    sink.close()
    lines = {line["id"]: line for line in map(json.loads, out.read_text().splitlines())}
    assert sorted(lines) == ["a0", "a1", "a2", "a3"]
    assert sorted(shown) == ["a0", "a1", "a3"]
    error = lines["a1"]["error"]
    assert (error["type"], error["exit_code"]) == ("ResourceError", 7)
    assert "ulimit -n" in error["message"]
    assert "(-j)" in error["message"]
    assert inside not in error["message"]
    assert "site-packages" not in error["message"]
    assert "error" not in lines["a2"], "saved, though it could not be shown"
    assert (totals.done, totals.failed) == (3, 1)
    report(
        "no file handle left for one article of four, and for showing another",
        "the others are recorded; its error line: ResourceError (exit 7): "
        + re.sub(r"ulimit -n is \d+", "ulimit -n is N", error["message"]),
    )


@pytest.mark.parametrize("trouble", ["locked", "corrupt"])
def test_a_failing_cache_costs_a_warning_not_the_answer(
    tmp_path: Path,
    trouble: str,
    monkeypatch: pytest.MonkeyPatch,
    report: Callable[[str, str], None],
) -> None:
    import sqlite3

    from summarizer import Cache

    folder = tmp_path / "cache"
    Cache(folder).close()
    database = folder / "records.sqlite3"
    holder = sqlite3.connect(database, isolation_level=None)
    if trouble == "locked":
        holder.execute("BEGIN EXCLUSIVE")
        monkeypatch.setattr("summarizer.cache.LOCK_WAIT", 0.2)
    else:
        holder.close()
        database.write_bytes(b"this is not a database" * 100)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": f"a{n}", "text": numbered(f"day {n}")}) + "\n" for n in range(2)),
        encoding="utf-8",
    )
    try:
        with FaultServer(["ok"], ANSWER) as server:
            result = CliRunner().invoke(
                cli,
                [str(feed), "--base-url", server.url, "--model", "m", "--backend", "vllm",
                 "--cache-dir", str(folder), "-j", "1"],
            )  # fmt: skip
    finally:
        holder.close()
    assert result.exit_code == 0, result.stderr
    assert sorted(json.loads(line)["id"] for line in result.stdout.splitlines()) == ["a0", "a1"]
    warnings = [line for line in result.stderr.splitlines() if "without" in line]
    assert len(warnings) == 1, result.stderr
    report(f"{trouble} cache database", f"records delivered, exit 0; one warning: {warnings[0]}")
