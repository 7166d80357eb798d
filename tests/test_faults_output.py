"""Faults on the output side: hostile model text in the views and reports, reports that must
not be lost or overwritten, and outputs that are streams.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli

from .fault_server import FaultServer
from .helpers import ANSWER, ARTICLE, run_cli, run_summarizer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def test_markup_and_escape_sequences_from_the_model_are_shown_as_text(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    link = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
    hostile = {
        **ANSWER,
        "headline": "Strike over [/] \x1b[2J for good",
        "summary": f"The union [sic] ended it. {link}",
        "actors": [
            {**ANSWER["actors"][0], "name": "port [/bold] authority [red]of[/red] Antwerp"},
            {**ANSWER["actors"][1], "role": "union\x9b31m [link=x]"},
        ],
    }
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": f"a{i}", "text": ARTICLE}) + "\n" for i in range(2)))
    with FaultServer(["ok"], hostile) as server:
        result = run_cli(server, str(feed), "-f", "text")
        asked = len(server.requests)
    assert result.exit_code == 0, result.stderr
    assert asked == 2
    assert result.stdout.count("─ Strike over [/]") == 2, "both articles are shown"
    assert "[sic]" in result.stdout
    assert "[/bold]" in result.stdout
    assert "[red]of[/red]" in result.stdout
    assert "[link=x]" in result.stdout
    assert "\x1b" not in result.stdout
    assert "\x9b" not in result.stdout
    report(
        "model text holding Rich markup ([/], [sic], [link=…]) and terminal escape sequences",
        "shown as written in the text and terminal views, control characters as �; "
        "every article of the batch shown",
    )


def test_model_markup_in_a_markdown_report_stays_text(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    hostile = {
        **ANSWER,
        "headline": "Strike ends\n\n## Forged section\n<details open><script>x()</script>",
        "summary": "[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
    }
    with FaultServer(["ok"], hostile) as server:
        result = run_cli(server, str(article), "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "<script" not in result.stdout
    assert "<img" not in result.stdout
    assert "\n## Forged" not in result.stdout
    assert "\\[click\\](javascript:" in result.stdout
    report(
        "model answer with HTML, a javascript: link and a forged '## section' (`-f markdown`)",
        "shown as text: &, <, > as entities, link brackets and block markers escaped, the "
        "headline on one line",
    )


def test_with_several_inputs_and_no_output_file_stdout_carries_only_whole_lines(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    runs = {}
    with FaultServer(["ok"], ANSWER) as server:
        for fmt in ("auto", "markdown"):
            runs[fmt] = CliRunner().invoke(
                cli,
                [str(good), str(empty), "--base-url", server.url, "--model", "m",
                 "--backend", "vllm", "--no-cache", "-f", fmt],
            )  # fmt: skip
    lines = [json.loads(line) for line in runs["auto"].stdout.splitlines()]
    assert runs["auto"].exit_code == 3
    assert sorted(line["id"] for line in lines) == sorted([str(good), str(empty)])
    failed = next(line for line in lines if "error" in line)
    assert failed["error"]["exit_code"] == 3
    assert "the article is empty" in runs["auto"].stderr
    assert runs["markdown"].exit_code == 3
    assert runs["markdown"].stdout.count("# Antwerp dockers end strike") == 1
    assert "empty" not in runs["markdown"].stdout
    report(
        "several inputs, one of them failing, no -o",
        "JSON Lines on stdout: a record per article done and an error line for the failed "
        "one, as in an -o file; markdown, text and html print nothing for it; exit 3",
    )


@pytest.mark.parametrize(
    ("script", "options", "missing", "code"),
    [
        (["ok"], [], True, 3),
        (["ok"], ["--prompt", "no-such-template"], False, 4),
        (["status:503"], ["--max-attempts", "1", "--max-reasks", "0"], False, 5),
    ],
    ids=["missing-input", "bad-option", "failing-server"],
)
def test_a_failed_report_run_leaves_the_previous_report_as_it_was(
    tmp_path: Path,
    script: list[str],
    options: list[str],
    missing: bool,
    code: int,
    report: Callable[[str, str], None],
) -> None:
    article = tmp_path / "article.txt"
    if not missing:
        article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "report.md"
    previous = "<!-- summarizer report -->\n# the previous report\n"
    out.write_text(previous, encoding="utf-8")
    with FaultServer(script, ANSWER) as server:
        failed = run_cli(server, str(article), "-f", "markdown", "-o", str(out), *options)
        assert failed.exit_code == code, failed.stderr
        assert out.read_text(encoding="utf-8") == previous
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["report.md"] + ([] if missing else ["article.txt"])
        ), "no scratch file is left behind"
        server.script = ["ok"]
        article.write_text(ARTICLE, encoding="utf-8")
        done = run_cli(server, str(article), "-f", "markdown", "-o", str(out))
    assert done.exit_code == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith(
        "<!-- summarizer report -->\n# Antwerp dockers end strike"
    )
    if code == 5:
        report(
            "`-f markdown|html|text -o FILE` and the run fails (exit 3, 4 or 5)",
            "FILE left as it was: the report is written beside it and renamed into place only "
            "when the run produced one",
        )


def test_a_report_does_not_overwrite_a_file_it_did_not_write(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    notes = tmp_path / "notes.md"
    notes.write_text("my notes\n", encoding="utf-8")
    with FaultServer(["ok"], ANSWER) as server:
        refused = run_cli(server, str(article), "-f", "markdown", "-o", str(notes))
        asked = len(server.requests)
        forced = run_cli(server, str(article), "-f", "markdown", "-o", str(notes), "--force")
    assert refused.exit_code == 2
    assert asked == 0
    assert forced.exit_code == 0, forced.stderr
    assert notes.read_text(encoding="utf-8").startswith("<!-- summarizer report -->\n")
    report(
        "`-f markdown -o FILE` where FILE is not a report summarizer wrote",
        "exit 2, no request, FILE untouched: "
        f"{refused.stderr.strip().replace(f'{tmp_path}/', '')}; `--force` replaces it",
    )


def test_output_to_dev_stdout_is_written_as_a_stream(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    missing = tmp_path / "gone.txt"
    result = run_summarizer(str(missing), "-o", "/dev/stdout", timeout=30)
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout)["id"] == str(missing)
    report(
        "`-o /dev/stdout` with stdout a pipe",
        "written as a stream (never read back, locked or renamed): the JSONL line arrives, exit 3",
    )


def test_output_to_a_named_pipe_is_written_as_a_stream(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as pipe:
            received.append(pipe.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        result = run_summarizer(str(tmp_path / "gone.txt"), "-o", str(fifo), timeout=30)
    finally:
        with contextlib.suppress(OSError):  # let a reader still waiting for a writer see the end
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
    assert result.returncode == 3, result.stderr
    assert json.loads(received[0])["error"]["type"] == "InputError"
    report("`-o` naming a FIFO", "written as a stream: the reader gets the JSONL line, exit 3")
