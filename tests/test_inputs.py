"""Reading inputs: JSON Lines split at newlines only, and articles refused at reading."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from summarizer.article import load_article
from summarizer.config import Settings
from summarizer.errors import ConfigurationError, EncodingError, InputError
from summarizer.evaluate import load_gold
from summarizer.inputs import read_inputs
from summarizer.jsonl import jsonl_lines

#: Characters that ``str.splitlines`` takes for line ends but JSON strings may hold raw.
SEPARATORS = ["\u2028", "\u2029", "\x85"]


def _stdin(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data))


def test_jsonl_lines_split_at_newlines_only() -> None:
    assert jsonl_lines('{"a": "x\u2028y"}\r\n{"b": "\x85"}\n') == [
        '{"a": "x\u2028y"}',
        '{"b": "\x85"}',
    ]
    assert jsonl_lines("") == []
    assert jsonl_lines("one") == ["one"]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_raw_line_separator_inside_a_jsonl_string_stays_in_the_article(
    tmp_path: Path, separator: str
) -> None:
    text = f"The council met on Monday.{separator}It voted the budget."
    line = json.dumps({"id": "a1", "text": text}, ensure_ascii=False) + "\n"
    assert separator in line, "written raw, as JSON allows"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(line, encoding="utf-8")
    from_file = read_inputs([str(feed)])
    from_stdin = read_inputs(["-"], stdin=_stdin(line.encode()))
    for read in (from_file, from_stdin):
        assert [(i.id, i.text, i.error) for i in read] == [("a1", text, None)]


def test_gold_lines_keep_a_raw_line_separator(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [{"id": i, "text": f"One.\u2028Two {i}.", "gold": {"actors": []}} for i in "xy"]
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert [a.text for a in load_gold(gold)] == ["One.\u2028Two x.", "One.\u2028Two y."]


def test_text_with_a_lone_surrogate_given_to_the_library_is_refused_as_not_text() -> None:
    with pytest.raises(EncodingError, match="lone surrogate"):
        load_article("The council met on Monday.\ud800", language="en")


@pytest.mark.parametrize(
    "text",
    [
        "{Corrected} The council met on Monday.\nIt voted the budget.",
        '{"note": "not an article"}\nThe council met on Monday.',
        '{"id": "a", "text": "One."}\nThe second line is prose.',
    ],
    ids=["braces", "a-json-line-then-prose", "jsonl-then-prose"],
)
def test_standard_input_opening_with_a_brace_is_one_article_unless_it_is_json_lines(
    text: str,
) -> None:
    assert [(i.id, i.text) for i in read_inputs(["-"], stdin=_stdin(text.encode()))] == [
        ("-", text)
    ]


def test_standard_input_of_json_lines_is_read_as_many_articles_with_their_errors() -> None:
    data = b'{"id": "a", "text": "One."}\n\n{"id": "b", "text": 5}\n'
    read = read_inputs(["-"], stdin=_stdin(data))
    assert [(i.id, i.text) for i in read] == [("a", "One."), ("b", "")]
    assert read[1].error is not None
    assert "'text' must be a string" in str(read[1].error)


def test_an_input_over_the_size_limit_is_refused_after_reading_one_byte_past_it(
    tmp_path: Path,
) -> None:
    article = "The council met on Monday. "
    (tmp_path / "fits.txt").write_text(article, encoding="utf-8")
    (tmp_path / "over.txt").write_text(article + "x", encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "a", "text": article * 2}), "utf-8")
    limit = len(article.encode())
    read = {Path(i.id).name: i for i in read_inputs([str(tmp_path)], max_bytes=limit)}
    assert read["fits.txt"].error is None
    for name in ("over.txt", "feed.jsonl"):
        assert isinstance(read[name].error, InputError)
        assert f"more than {limit:,} bytes" in str(read[name].error)
        assert "Settings.max_input_bytes" in str(read[name].error)
    stream = io.BytesIO(b"x" * 1000)
    [item] = read_inputs(["-"], stdin=io.TextIOWrapper(stream), max_bytes=100)
    assert isinstance(item.error, InputError)
    assert stream.tell() == 101, "never more than the limit and one byte is read"


def test_the_size_limit_is_a_setting_from_the_environment_or_an_argument() -> None:
    assert Settings().max_input_bytes == 50_000_000
    env = {"SUMMARIZER_MAX_INPUT_BYTES": "200000000"}
    assert Settings.from_env(env).max_input_bytes == 200_000_000
    assert Settings.from_env(env, max_input_bytes=10).max_input_bytes == 10
    with pytest.raises(ConfigurationError, match="SUMMARIZER_MAX_INPUT_BYTES"):
        Settings.from_env({"SUMMARIZER_MAX_INPUT_BYTES": "50MB"})
    with pytest.raises(ConfigurationError, match="max_input_bytes"):
        Settings(max_input_bytes=0)


def test_a_folder_does_not_yield_the_output_nor_the_batch_files_summarizer_wrote(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text("The council met on Monday.", encoding="utf-8")
    (tmp_path / "out.jsonl").write_text("", encoding="utf-8")
    batch = {
        "requests.jsonl": {"custom_id": "a", "method": "POST", "url": "/v1", "body": {}},
        "requests.state.jsonl": {"request": {}, "text_sha256": "0"},
        "requests.parts.jsonl": {"article": "a", "chunk": {}, "text_sha256": "0"},
        "results.jsonl": {"id": "r", "custom_id": "a", "response": {}, "error": None},
    }
    for name, line in batch.items():
        (tmp_path / name).write_text(json.dumps(line) + "\n", encoding="utf-8")
    read = read_inputs([str(tmp_path)], output=tmp_path / "out.jsonl")
    assert [Path(i.id).name for i in read] == ["a.txt"]
    assert [i.error for i in read] == [None]
