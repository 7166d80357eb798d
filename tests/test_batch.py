"""Many articles: inputs, resumable output, cache, concurrency (recorded)."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import DuplicateIdError, InputError, OutputError, OutputLockedError
from summarizer.batch import BatchResult
from summarizer.cli import cli
from summarizer.errors import EndpointTimeoutError
from summarizer.inputs import read_inputs
from summarizer.output import JsonlSink, ReportFile

from .conftest import SAMPLE_EN
from .records import minister_record


def test_folders_globs_and_jsonl_files_expand_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First article text.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("Second article text.", encoding="utf-8")
    (tmp_path / "skip.bin").write_bytes(b"\x00\x01")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "x1", "text": "Third.", "date": "2020-01-06", "language": "en"}\n'
        "\n"
        "not json\n"
        '{"id": "x2", "text": "   "}\n'
        '{"text": "Fourth, no id."}\n',
        encoding="utf-8",
    )
    inputs = read_inputs([str(tmp_path)])
    expected = ["x1", f"{feed}:3", "x2", f"{feed}:5"]
    assert [i.id for i in inputs] == [
        str(tmp_path / "a.txt"),
        *expected,
        str(tmp_path / "sub" / "b.md"),
    ]
    by_id = {i.id: i for i in inputs}
    assert (by_id["x1"].date, by_id["x1"].language, by_id["x1"].error) == ("2020-01-06", "en", None)
    assert isinstance(by_id[f"{feed}:3"].error, InputError)
    assert "no 'text'" in str(by_id["x2"].error)
    assert [i.id for i in read_inputs([str(tmp_path / "**" / "*.md")])] == [
        str(tmp_path / "sub" / "b.md")
    ]


def test_patterns_and_folders_that_match_nothing_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no file matches"):
        read_inputs([str(tmp_path / "*.txt")])
    with pytest.raises(InputError, match=r"no \.txt, \.md or \.jsonl files"):
        read_inputs([str(tmp_path)])


def test_a_recursive_pattern_skips_symlink_loops_and_counts_a_file_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("An article.", encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to("..")
    (tmp_path / "sub" / "again").symlink_to("..")
    (tmp_path / "alias").symlink_to("sub")
    inputs = read_inputs([str(tmp_path / "**" / "*.txt")])
    assert [i.id for i in inputs] == [str(tmp_path / "alias" / "a.txt")]
    assert "a link to a folder already searched" in caplog.text


def test_jsonl_lines_with_a_text_or_id_of_the_wrong_kind_are_refused_by_name(
    tmp_path: Path,
) -> None:
    from summarizer import BinaryInputError, load_article

    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "n", "text": 123}\n'
        '{"id": ["a"], "text": "An article."}\n'
        '{"id": true, "text": "An article."}\n'
        '{"id": 0, "text": "Zero is an id."}\n'
        '{"id": "nul", "text": "An article\\u0000 with a NUL byte in it, and more words."}\n',
        encoding="utf-8",
    )
    inputs = read_inputs([str(feed)])
    errors = {i.id: str(i.error) for i in inputs if i.error is not None}
    assert errors == {
        "n": f"{feed}:1: 'text' must be a string, not a number",
        f"{feed}:2": f"{feed}:2: 'id' must be a string or a number, not a list",
        f"{feed}:3": f"{feed}:3: 'id' must be a string or a number, not a boolean",
    }
    nul = next(i for i in inputs if i.id == "nul")
    assert next(i for i in inputs if i.id == "0").error is None
    with pytest.raises(BinaryInputError, match=r"nul: binary data \(NUL bytes\)"):
        load_article(nul.text, article_id=nul.id)


def test_missing_and_empty_files_become_error_inputs_not_exceptions(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    inputs = read_inputs([str(tmp_path / "empty.txt"), str(tmp_path / "gone.txt")])
    assert [type(i.error).__name__ for i in inputs] == ["EmptyArticleError", "InputError"]


def test_a_named_pipe_given_by_name_is_read_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "live.txt"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as pipe:
            pipe.write("An article arriving through a pipe.")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    inputs = read_inputs([str(fifo)])
    writer.join(5)
    assert [(i.id, i.text) for i in inputs] == [(str(fifo), "An article arriving through a pipe.")]


def test_stdin_jsonl_is_read_as_many_articles() -> None:
    stdin = io.TextIOWrapper(
        io.BytesIO(b'{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n')
    )
    assert [i.id for i in read_inputs(["-"], stdin=stdin)] == ["a", "b"]


def _error_result(article_id: str) -> BatchResult:
    return BatchResult(article_id, error=EndpointTimeoutError("http://h/v1 did not answer"))


def _record_line(article_id: str) -> str:
    return minister_record().model_copy(update={"id": article_id}).model_dump_json()


def test_sink_cuts_a_partial_last_line_and_remembers_what_is_done(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(
        _record_line("done-1") + "\n"
        + _error_result("bad-1").to_json() + "\n"
        + _record_line("half-written")[:60],
        encoding="utf-8",
    )  # fmt: skip
    sink = JsonlSink(out)
    assert sink.done == {"done-1"}
    assert sink.failed == {"bad-1"}
    assert sink.seen("bad-1")
    assert not sink.seen("half-written")
    sink.write(_error_result("new"))
    sink.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert all(json.loads(line)["id"] for line in lines), "every line is whole JSON"
    assert json.loads(lines[-1])["error"]["type"] == "EndpointTimeoutError"


def test_sink_with_retry_failed_drops_error_lines_so_each_article_appears_once(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(
        _record_line("ok") + "\n" + _error_result("bad").to_json() + "\n", encoding="utf-8"
    )
    sink = JsonlSink(out, retry_failed=True)
    sink.close()
    assert not sink.seen("bad")
    assert out.read_text(encoding="utf-8") == _record_line("ok") + "\n"


@pytest.mark.parametrize(
    "content",
    [
        '{"id": "a1", "text": "An article."}\n{"id": "a2", "text": "Another."}',
        '{"id": "a1", "headline": "not a whole record"}\n',
        "id,text\na1,An article.\n",
        _record_line("ok") + "\nsome notes typed by hand",
    ],
    ids=["input-jsonl-without-final-newline", "line-with-an-id", "csv", "foreign-last-line"],
)
def test_resume_refuses_a_file_it_did_not_write_and_leaves_it_whole(
    tmp_path: Path, content: str
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(content, encoding="utf-8")
    with pytest.raises(OutputError, match="refusing to resume into a file it did not write"):
        JsonlSink(out)
    assert out.read_text(encoding="utf-8") == content


def test_resume_keeps_a_whole_last_line_that_only_lost_its_newline(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(_record_line("a") + "\n" + _record_line("b"), encoding="utf-8")
    sink = JsonlSink(out)
    sink.write(_error_result("c"))
    sink.close()
    assert sink.done == {"a", "b"}
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "b", "c"]


def test_a_second_writer_of_the_same_output_is_refused_until_the_first_closes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(out)
    first = JsonlSink(out)
    with pytest.raises(OutputLockedError, match="another summarizer run is writing"):
        JsonlSink(link)
    with pytest.raises(OutputLockedError):
        ReportFile(out)
    first.close()
    JsonlSink(out).close()


@pytest.mark.parametrize("through_a_link", [False, True])
def test_retry_failed_rewrite_keeps_the_mode_and_the_symlink(
    tmp_path: Path, through_a_link: bool
) -> None:
    real = tmp_path / "data" / "out.jsonl"
    real.parent.mkdir()
    real.write_text(
        _record_line("ok") + "\n" + _error_result("bad").to_json() + "\n", encoding="utf-8"
    )
    real.chmod(0o600)
    given = real
    if through_a_link:
        given = tmp_path / "out.jsonl"
        given.symlink_to(real)
    JsonlSink(given, retry_failed=True).close()
    assert given.is_symlink() == through_a_link
    assert real.stat().st_mode & 0o777 == 0o600
    assert real.read_text(encoding="utf-8") == _record_line("ok") + "\n"
    assert [p.name for p in real.parent.iterdir()] == ["out.jsonl"], "no scratch file left"


def test_ids_shared_by_two_inputs_are_qualified_with_their_source(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for feed in (one, two):
        feed.write_text(
            '{"id": "1", "text": "First."}\n{"id": "2", "text": "Second."}\n', encoding="utf-8"
        )
    two.write_text(two.read_text() + '{"id": "3", "text": "Third."}\n', encoding="utf-8")
    ids = [i.id for i in read_inputs([str(one), str(two)])]
    assert ids == [f"{one}#1", f"{one}#2", f"{two}#1", f"{two}#2", "3"]


def test_an_input_that_repeats_an_id_is_refused_naming_it(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "7", "text": "One."}\n{"id": "8", "text": "Two."}\n{"id": "7", "text": "Three."}\n',
        encoding="utf-8",
    )
    with pytest.raises(DuplicateIdError, match=rf"{feed} repeats id 7\b"):
        read_inputs([str(feed)])
    article = tmp_path / "a.txt"
    article.write_text("An article.", encoding="utf-8")
    with pytest.raises(DuplicateIdError, match=r"a\.txt is given more than once"):
        read_inputs([str(article), str(tmp_path / "*.txt")])


def test_output_that_is_also_an_input_is_refused_and_left_untouched(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    content = '{"id": "a", "text": ""}\n{"id": "b", "text": ""}'
    feed.write_text(content, encoding="utf-8")
    (tmp_path / "same.jsonl").symlink_to(feed)
    for output in (feed, tmp_path / "same.jsonl"):
        for fmt in ("json", "markdown"):
            result = CliRunner().invoke(cli, [str(feed), "-o", str(output), "-f", fmt])
            assert result.exit_code == 2, result.stderr
            assert "this is also an input" in result.stderr
            assert feed.read_text(encoding="utf-8") == content


@pytest.mark.vcr
def test_batch_resumes_and_a_warm_cache_makes_no_request(
    tmp_path: Path, llm_base_url: str, vcr: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    feed = tmp_path / "feed.jsonl"
    sentences = [
        "The mayor of Lyon opened a new bridge on Monday.",
        "Farmers in Brittany protested against new water rules on Tuesday.",
        "The central bank of Chile raised its main rate by half a point.",
    ]
    feed.write_text(
        "".join(
            json.dumps({"id": f"n{i}", "text": t, "date": "2024-03-04"}) + "\n"
            for i, t in enumerate(sentences)
        )
        + '{"id": "broken", "text": ""}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    args = [
        str(feed), "-o", str(out), "--base-url", llm_base_url, "--backend", "llama-cpp-python",
        "--model", "gemma-3-270m", "--max-items", "2", "--max-reasks", "0", "-j", "3",
    ]  # fmt: skip
    runner = CliRunner()

    first = runner.invoke(cli, args)
    assert first.exit_code == 3, "the broken line fails, the others do not"
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == ["broken", "n0", "n1", "n2"]
    assert sum("error" in line for line in lines) == 1
    assert len(vcr.requests) == 3
    assert "3 done (0 from cache), 1 failed" in first.stderr

    again = runner.invoke(cli, args)
    assert "0 done (0 from cache), 0 failed, 4 skipped" in again.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4
    assert len(vcr.requests) == 3, "a rerun sends nothing"

    out.unlink()
    warm = runner.invoke(cli, args)
    assert "3 done (3 from cache), 1 failed" in warm.stderr
    assert len(vcr.requests) == 3, "cached articles cost no request"
    ids = sorted(json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines())
    assert ids == ["broken", "n0", "n1", "n2"]


def test_single_file_to_output_writes_one_jsonl_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 3
    line = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert line["id"] == str(tmp_path / "nope.txt")
    assert line["error"]["type"] == "InputError"
    assert SAMPLE_EN.exists()


def test_cache_keeps_records_by_key_and_reports_and_clears(tmp_path: Path) -> None:
    from summarizer import Cache

    cache = Cache(tmp_path)
    record = minister_record()
    assert cache.get("k") is None
    cache.put("k", record)
    assert cache.get("k") == record
    assert cache.info().records == 1
    result = CliRunner().invoke(cli, ["cache", "--cache-dir", str(tmp_path), "clear"])
    assert result.exit_code == 0
    assert "removed 1 record(s)" in result.output
    assert cache.get("k") is None
    cache.close()


def test_cache_clear_on_a_locked_database_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from summarizer import Cache

    Cache(tmp_path).close()
    monkeypatch.setattr("summarizer.cache.LOCK_WAIT", 0.2)
    holder = sqlite3.connect(tmp_path / "records.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(cli, ["cache", "--cache-dir", str(tmp_path), "clear"])
    finally:
        holder.close()
    assert result.exit_code == 4
    assert "cannot empty the cache at" in result.stderr
    assert "database is locked" in result.stderr


def test_summarize_many_turns_unreadable_articles_into_error_results() -> None:
    from summarizer import ArticleInput, Settings, summarize_many

    results = summarize_many(
        [ArticleInput("a", error=InputError("a: no such file")), "   "],
        Settings(base_url="http://127.0.0.1:9/v1", model="m", concurrency=2),
    )
    assert sorted((r.id, type(r.error).__name__) for r in results) == [
        ("1", "EmptyArticleError"),
        ("a", "InputError"),
    ]


def test_an_unexpected_error_costs_one_article_not_the_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from summarizer import ArticleInput, Settings, summarize_many

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("summarizer.pipeline.load_article", broken)
    results = summarize_many(
        [ArticleInput("a", "Some text."), ArticleInput("b", error=InputError("b: gone"))],
        Settings(base_url="http://127.0.0.1:9/v1", model="m"),
    )
    by_id = {r.id: r for r in results}
    assert "unexpected RuntimeError: a bug" in str(by_id["a"].error)
    assert by_id["a"].error is not None
    assert by_id["a"].error.exit_code == 1
    assert isinstance(by_id["b"].error, InputError)


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_an_output_that_cannot_be_created_is_one_clear_error(tmp_path: Path, fmt: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("kept\n", encoding="utf-8")
    output = blocker / "out.jsonl"
    result = CliRunner().invoke(cli, [str(tmp_path / "gone.txt"), "-o", str(output), "-f", fmt])
    assert result.exit_code == 2
    assert f"{output}: cannot be written" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "kept\n"


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_run_batch_writes_jsonl_and_a_rerun_resumes_without_a_request(tmp_path: Path) -> None:
    from summarizer import Settings, run_batch

    from .fault_server import FaultServer
    from .helpers import ANSWER, ARTICLE

    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"id": f"a{i}", "text": ARTICLE, "language": "en"}) + "\n" for i in range(3)
        ),
        encoding="utf-8",
    )
    inputs = read_inputs([str(feed)])
    out = tmp_path / "out.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        settings = Settings(base_url=server.url, model="m", backend="vllm", timeout=2.0)
        first = run_batch(inputs, settings.replace(concurrency=2), output=out)
        again = run_batch(inputs, settings.replace(concurrency=2), output=out)
        asked = len(server.requests)
    ids = sorted(json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines())
    assert ids == ["a0", "a1", "a2"]
    assert (first.done, first.skipped, first.pending) == (3, 0, 3)
    assert (again.done, again.skipped, again.pending) == (0, 3, 0)
    assert asked == 3, "the rerun sent nothing"


def test_run_batch_refuses_to_write_over_one_of_its_inputs(tmp_path: Path) -> None:
    from summarizer import run_batch

    feed = tmp_path / "feed.jsonl"
    content = json.dumps({"id": "a", "text": "A text."}) + "\n"
    feed.write_text(content, encoding="utf-8")
    with pytest.raises(OutputError, match="this is also an input"):
        run_batch(read_inputs([str(feed)]), output=feed)
    assert feed.read_text(encoding="utf-8") == content
