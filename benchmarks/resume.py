"""What it costs to open a JSONL output for resuming.

Writes ``--lines`` records of about ``--chars`` characters of article text each (plus
one error line in fifty and a partial last line, as a killed run leaves), then times:

- *baseline*: reading the file and parsing every complete line as JSON, the least
  any resume that learns the ids already done must do;
- *JsonlSink*: opening the file the way ``-o`` does: lock, check every line is a
  record or error line of ours, note ids, cut the partial line (one rewrite).

Usage::

    python benchmarks/resume.py [--lines 20000] [--chars 3000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from summarizer.batch import BatchResult
from summarizer.errors import EndpointTimeoutError
from summarizer.output import JsonlSink
from summarizer.record import ArticleSummary


def _record(article_id: str, chars: int) -> str:
    text = (
        "The port authority of Antwerp said on Tuesday that dockers ended their strike. "
        * (chars // 80 + 1)
    )[:chars]
    return ArticleSummary.model_validate(
        {
            "id": article_id, "headline": "Dockers end strike", "summary": "They ended it.",
            "language": "en", "output_language": "en", "text": text,
            "actors": [{"id": "A1", "name": "port authority of Antwerp", "kind": "institution",
                        "mentions": [{"text": "port authority", "start": 4, "end": 18}],
                        "evidence": [{"sentence": 1, "quote": "The port authority", "start": 0,
                                      "end": 18, "match": "exact"}], "flags": []}],
            "stances": [], "demands": [], "events": [],
            "quality": {"model": "m", "endpoint": "http://h/v1", "backend": "generic",
                        "mode": "md_json", "prompt_version": "p", "attempts": 1, "reasks": 0,
                        "prompt_tokens": 900, "completion_tokens": 300, "seconds": 1.0,
                        "items": {"actors": 1, "stances": 0, "demands": 0, "events": 0},
                        "grounded_share": 1.0, "flagged": 0, "dropped": 0, "warnings": []},
        }
    ).model_dump_json()  # fmt: skip


def _write(path: Path, lines: int, chars: int) -> None:
    with path.open("w", encoding="utf-8") as file:
        for n in range(lines):
            if n % 50 == 49:
                error = EndpointTimeoutError("http://h/v1 did not answer")
                file.write(BatchResult(f"a{n}", error=error).to_json() + "\n")
            else:
                file.write(_record(f"a{n}", chars) + "\n")
        file.write(_record("partial", chars)[: chars // 2])


def _baseline(path: Path) -> int:
    raw = path.read_bytes()
    return len({json.loads(line)["id"] for line in raw[: raw.rfind(b"\n") + 1].splitlines()})


def _sink(path: Path) -> int:
    sink = JsonlSink(path)
    sink.close()
    return len(sink.done) + len(sink.failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--chars", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "source.jsonl"
        _write(source, args.lines, args.chars)
        size = source.stat().st_size / 1e6
        print(f"{args.lines} lines, {size:.1f} MB, best of {args.runs} runs")
        for name, opener in (("baseline (parse every line)", _baseline), ("JsonlSink", _sink)):
            best = float("inf")
            for _ in range(args.runs):
                copy = Path(folder) / "out.jsonl"
                shutil.copyfile(source, copy)
                started = time.perf_counter()
                ids = opener(copy)
                best = min(best, time.perf_counter() - started)
            print(f"{name:<30} {best:7.3f} s  {best / args.lines * 1e6:6.1f} µs/line  ({ids} ids)")


if __name__ == "__main__":
    main()
