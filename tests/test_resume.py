"""Resuming knows an article by its id and text, in files written before and after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.batch import BatchResult
from summarizer.errors import EndpointTimeoutError
from summarizer.identity import text_digest
from summarizer.inputs import ArticleInput, read_inputs
from summarizer.output import JsonlSink
from summarizer.runner import pending

from .records import minister_record


def _failed(article_id: str) -> BatchResult:
    return BatchResult(article_id, error=EndpointTimeoutError("http://h/v1 did not answer"))


def test_an_error_line_carries_the_digest_of_its_article_and_resuming_compares_it(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.jsonl"
    first = ArticleInput("1", "The council met on Monday.", source="monday.jsonl")
    sink = JsonlSink(out)
    todo, _ = pending([first], sink)
    sink.write(_failed(todo[0].id))
    sink.close()
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["text_sha256"] == text_digest(first.text)

    other = ArticleInput("1", "The mayor resigned on Tuesday.", source="tuesday.jsonl")
    sink = JsonlSink(out)
    todo, totals = pending([first, other], sink)
    sink.close()
    assert [item.id for item in todo] == ["tuesday.jsonl#1"]
    assert totals.skipped == 1


def test_a_file_written_before_lines_carried_digests_still_resumes(tmp_path: Path) -> None:
    record = minister_record().model_copy(update={"id": "a"})
    out = tmp_path / "out.jsonl"
    old_error = json.loads(_failed("b").to_json())
    assert "text_sha256" not in old_error, "as error lines were written before"
    out.write_text(record.model_dump_json() + "\n" + json.dumps(old_error) + "\n", "utf-8")
    inputs = [
        ArticleInput("a", record.text),  # the record's own text: done
        ArticleInput("b", "Any text: the old error line has no digest, so the id decides."),
        ArticleInput("c", "A new article."),
    ]
    sink = JsonlSink(out)
    todo, totals = pending(inputs, sink)
    sink.close()
    assert [item.id for item in todo] == ["c"]
    assert totals.skipped == 2


def test_retry_failed_redoes_only_the_failed_lines_of_this_runs_inputs(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    a1 = ArticleInput("a1", "The council met on Monday.", source="a.jsonl")
    a2 = ArticleInput("a2", "The mayor resigned on Tuesday.", source="a.jsonl")
    b1 = ArticleInput("b1", "The river flooded on Wednesday.", source="b.jsonl")
    sink = JsonlSink(out)
    todo, _ = pending([a1, a2], sink)
    for item in todo:
        sink.write(_failed(item.id))
    sink.close()

    sink = JsonlSink(out, retry_failed=True, inputs=[b1, a2])
    todo, _ = pending([b1, a2], sink)
    sink.close()
    assert [item.id for item in todo] == ["b1", "a2"]
    kept = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert kept == ["a1"], "a1 is not an input of this run: its error line stays"


def test_an_article_edited_twice_gets_an_id_no_line_has(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    record = minister_record()
    sink = JsonlSink(out)
    for text in (record.text, record.text + " Edited.", record.text + " Edited again."):
        item = ArticleInput("1", text, source="monday.jsonl")
        todo, _ = pending([item], sink)
        assert len(todo) == 1
        sink.write(BatchResult(todo[0].id, record=record.model_copy(update={"id": todo[0].id})))
    sink.close()
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    third = "monday.jsonl#1@" + text_digest(record.text + " Edited again.")[:8]
    assert ids == ["1", "monday.jsonl#1", third]


def test_an_unreadable_lines_error_is_not_the_same_text_as_an_article(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out.jsonl"
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "1", "text": "ok"}\nnot json\n', encoding="utf-8")
    unreadable = read_inputs([str(feed)])[1]
    assert unreadable.error is not None
    sink = JsonlSink(out)
    todo, _ = pending([unreadable], sink)
    sink.write(BatchResult(todo[0].id, error=unreadable.error))
    sink.close()

    real = ArticleInput(unreadable.id, "The council met on Monday.", source="other.jsonl")
    sink = JsonlSink(out)
    todo, totals = pending([real], sink)
    sink.close()
    assert [item.id for item in todo] == [f"other.jsonl#{unreadable.id}"]
    assert totals.skipped == 0
    assert "same id and text" not in caplog.text
