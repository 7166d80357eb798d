"""Date resolution scored on TimeML gold: summarizer's resolver beside plain dateparser.

Reads ``dates-dev.jsonl`` (one TIMEX3 per line: ``text``, ``dct``, ``language``, gold
``value``) and prints exact-match rates per language for:

- ``dateparser``: the reference method (``DateDataParser`` with the DCT as relative base,
  past preferred, result formatted at the period it reports: day, ISO week, month, year,
  or minute for times);
- ``summarizer``: ``summarizer.dates.resolve_date`` against the DCT.

Scoring: *exact* compares the value string with the gold value on every line. *Plain
gold* restricts to lines whose gold is a day, month or year (the precisions summarizer
reports). *Date part* maps gold onto summarizer's scheme before comparing: a clock time
or part of day (``2002-03-31T20:00``, ``…TEV``) counts by its day; weeks, seasons,
quarters, ``*_REF`` and underspecified values stay as they are, so they can only miss.

Usage::

    python benchmarks/dates.py [path/to/dates-dev.jsonl]
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from dateparser.date import DateDataParser

from summarizer.dates import parse_iso_partial, resolve_date

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dates-dev.jsonl"
PLAIN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CLOCK = re.compile(r"^(\d{4}-\d{2}-\d{2})T")


def dateparser_value(text: str, dct: str, language: str) -> str | None:
    base = datetime.fromisoformat(dct)
    parser = DateDataParser(
        languages=[language],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "past",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    d = data.date_obj
    period = data.period or "day"
    if period == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{d:%Y-%m}"
    if period == "year":
        return f"{d:%Y}"
    if period == "time":
        return f"{d:%Y-%m-%dT%H:%M}"
    return f"{d:%Y-%m-%d}"


def summarizer_value(text: str, dct: str, language: str) -> str | None:
    resolved = resolve_date(text, parse_iso_partial(dct), language)
    return None if resolved is None else resolved.isoformat()


def date_part(gold: str) -> str:
    clock = CLOCK.match(gold)
    return clock.group(1) if clock else gold


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    systems = {"dateparser": dateparser_value, "summarizer": summarizer_value}
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    for row in rows:
        lang, gold = row["language"], row["value"]
        counts[(lang, "*", "lines")] += 1
        counts[(lang, "*", "plain")] += bool(PLAIN.match(gold))
        for name, system in systems.items():
            started = time.perf_counter()
            value = system(row["text"], row["dct"], lang)
            seconds[name] += time.perf_counter() - started
            counts[(lang, name, "exact")] += value == gold
            counts[(lang, name, "plain_exact")] += bool(PLAIN.match(gold)) and value == gold
            counts[(lang, name, "date_part")] += value == date_part(gold)
            counts[(lang, name, "none")] += value is None

    print(f"{len(rows)} time expressions from {path.name}\n")
    columns = ("exact", "plain gold", "date part", "no value")
    header = f"{'lang':4} {'system':11} " + " ".join(f"{c:>11}" for c in columns)
    print(header)
    print("-" * len(header))
    for lang in sorted({r["language"] for r in rows}):
        n, plain = counts[(lang, "*", "lines")], counts[(lang, "*", "plain")]
        for name in systems:
            c = {
                key: counts[(lang, name, key)]
                for key in ("exact", "plain_exact", "date_part", "none")
            }
            figures = (c["exact"] / n, c["plain_exact"] / plain, c["date_part"] / n, c["none"] / n)
            print(f"{lang:4} {name:11} " + " ".join(f"{f:>11.1%}" for f in figures))
        gain = (
            counts[(lang, "summarizer", "date_part")] - counts[(lang, "dateparser", "date_part")]
        ) / n
        print(f"{lang:4} {'(gain)':11} {'':>11} {'':>11} {gain:>+11.1%}")
    print()
    for name in systems:
        print(f"{name}: {seconds[name] / len(rows) * 1000:.2f} ms per expression")
    print(f"ratio summarizer/dateparser time: {seconds['summarizer'] / seconds['dateparser']:.2f}")


if __name__ == "__main__":
    main()
