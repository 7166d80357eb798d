"""Errors and ``Usage`` are written as JSON data in one way each, and read back the same
from every file and row that carries them: error lines, Ray rows, a batch round's parts,
kept answers and requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer import errors
from summarizer.batch import BatchResult
from summarizer.batchround import BatchFiles, Done, read_carried
from summarizer.chunking import Chunk
from summarizer.errors import SummarizerError, error_from_dict, error_to_dict
from summarizer.exchange import Request
from summarizer.ray import _columns, _result
from summarizer.usage import Usage


class _Elsewhere(SummarizerError):
    """A kind of error the errors module does not hold, with an exit status of its own."""

    exit_code = 9


def _kinds(kind: type[SummarizerError] = SummarizerError) -> list[type[SummarizerError]]:
    return [kind, *(k for sub in kind.__subclasses__() for k in _kinds(sub))]


KINDS = [k for k in _kinds() if k.__module__ == errors.__name__] + [_Elsewhere]
SPENT = Usage(3, 120, 45)


def _same(read: SummarizerError, error: SummarizerError, *, kind: type[SummarizerError]) -> None:
    assert type(read) is kind
    assert (str(read), read.exit_code, read.usage) == (str(error), error.exit_code, error.usage)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_an_error_reads_back_the_same_from_every_carrier(kind: type[SummarizerError]) -> None:
    error = kind("the server said no", usage=SPENT)
    # A kind this module does not hold comes back as the base class, its exit status kept.
    known = kind if kind is not _Elsewhere else SummarizerError
    data = error_to_dict(error)
    assert data == {"type": kind.__name__, "message": str(error), "exit_code": error.exit_code}
    _same(error_from_dict(data, usage=SPENT), error, kind=known)

    line = json.loads(BatchResult("a", error=error).to_json())
    assert line["error"] == data
    assert line["usage"] == {"prompt_tokens": 120, "completion_tokens": 45}

    row = _result(_columns(BatchResult("a", error=error)))
    assert row.error is not None
    _same(row.error, kind(str(error), usage=Usage(0, 120, 45)), kind=known)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_a_failed_part_carried_into_the_next_round_keeps_its_error(
    kind: type[SummarizerError], tmp_path: Path
) -> None:
    error = kind("part 2 failed", usage=SPENT)
    files = BatchFiles(tmp_path / "requests.jsonl")
    done = Done("a", "digest", Chunk(2, 3, 5, 6, 9), error=error_to_dict(error), usage=SPENT)
    files.parts.write_text(done.to_json() + "\n", encoding="utf-8")
    (carried,) = read_carried(files)
    part = carried.part()
    assert part.error is not None
    _same(part.error, error, kind=kind if kind is not _Elsewhere else SummarizerError)


def test_a_round_written_by_an_earlier_version_is_still_read(tmp_path: Path) -> None:
    files = BatchFiles(tmp_path / "requests.jsonl")
    line = {
        "article": "a", "text_sha256": "digest", "chunk": [2, 3, 5, 6, 9], "answer": None,
        "error": ["ServerError", "HTTP 500"], "usage": [2, 100, 0],
    }  # fmt: skip
    files.parts.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (carried,) = read_carried(files)
    part = carried.part()
    assert isinstance(part.error, errors.ServerError)
    assert (str(part.error), part.error.exit_code) == ("HTTP 500", 5)
    assert part.usage == Usage(2, 100, 0)


@pytest.mark.parametrize("usage", [Usage(), Usage(1, 2, 3), Usage(7, 0, 900)])
def test_a_usage_reads_back_the_same_from_each_of_its_forms(usage: Usage) -> None:
    assert Usage.from_dict(usage.to_dict()) == usage
    assert Usage.from_dict(json.loads(json.dumps(usage.to_dict()))) == usage
    assert Usage.from_dict([usage.calls, usage.prompt_tokens, usage.completion_tokens]) == usage
    assert Usage.from_dict(usage.to_dict(calls=False)) == Usage(
        0, usage.prompt_tokens, usage.completion_tokens
    )
    request = Request("a", {"messages": []}, "m", "http://h/v1", "vllm", "json_schema")
    spent = Request.from_dict(json.loads(json.dumps(request.charged(usage).to_dict()))).spent
    assert spent == usage


def test_a_kept_answer_reads_back_its_usage_in_either_form() -> None:
    from summarizer.draft import Draft
    from summarizer.exchange import Extraction
    from summarizer.reading import dump_extraction, load_extraction

    draft = Draft.model_validate(
        {"headline": "Dockers end strike", "summary": "Dockers ended a strike.", "actors": [],
         "stances": [], "demands": [], "events": []},
        context={"lenient": True},
    )  # fmt: skip
    raw = dump_extraction(Extraction(draft, True, SPENT))
    assert json.loads(raw)["usage"] == SPENT.to_dict()
    kept = load_extraction(raw, usage=True)
    assert kept is not None
    assert kept.usage == SPENT
    earlier = json.dumps({**json.loads(raw), "usage": [3, 120, 45]})
    again = load_extraction(earlier, usage=True)
    assert again is not None
    assert again.usage == SPENT
