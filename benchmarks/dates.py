"""Date resolution scored on TimeML gold: summarizer's resolver beside plain dateparser.

Reads ``dates-dev.jsonl`` (one TIMEX3 per line: ``text``, ``sentence``, ``dct``,
``language``, gold ``value``) and prints, per language:

- ``dateparser``: the reference method (``DateDataParser`` with the DCT as relative base,
  past preferred, result formatted at the period it reports: day, ISO week, month, year,
  or minute for times);
- ``summarizer``: ``summarizer.dates.resolve_date`` against the DCT, given the sentence
  as context and the day carried from the document's earlier sentences
  (``summarizer.dates.carried_day``);
- ``clock-none``: the same resolver under the other convention for a clock time with no
  day named in the expression, its sentence or the sentences before ("at 14:00 GMT"):
  no value, where ``summarizer`` (the default) puts it on the article's day as TimeML
  annotates news;
- ``ctparse``: when the package is installed, ``ctparse.ctparse`` with the DCT as
  reference time, formatted at the precision of what it returns (day, or minute for times).

Earlier sentences. The data holds only the sentences that carry a gold expression, one
line per expression. For each line, the earlier sentences are the distinct sentences of
the earlier lines of the same document, in file order; that order is mostly, not always,
the order of the text, and sentences with no gold expression are not there at all. This
is what the data offers, no more: it gives the carried day fewer chances than an article
does. Carrying adds, on the whole file, 0.7 points *exact* in English (71.6 → 72.3 %) and
3.9 in French (77.0 → 80.9 %).

Scoring. *value* is the figure that counts: the gold value is mapped onto the record's
precision scheme, then compared exactly. The mapping: a clock time or part of day
(``2002-03-31T20:00``, ``…TEV``, ``…T16:00Z``) is kept, since the record holds them, and
so is a zone offset other than UTC, written in two digits as the record writes it
(``T20:30+1`` is ``T20:30+01``);
a half year (``2011-H1``) is its year, the record's nearest precision;
a weekend (``2007-W05-WE``) and the references ``PRESENT_REF``, ``PAST_REF``,
``FUTURE_REF`` are kept, since the record writes them (precisions ``weekend`` and
``reference``); a TimeML decade ``197`` is ``197X``; values with no calendar value
(durations ``P…``, underspecified ``XXXX-…``, fiscal years) expect *no value*, so
returning nothing is right there and anything else is wrong. *exact* compares with the
raw gold string. *missed* is the share of lines where the system returned nothing
although the gold has a calendar value.

Beside each share right, a 95 % interval from resampling the documents with replacement
(1000 rounds, a fixed seed): an article's lines share its date and its writer, so the
article is the unit drawn. Under each table, the share right (*exact*) by family, each
gold expression classed by its own words, its sentence and its gold value (``family``):
``future`` (a yearless date whose value lies after the article's day with no "next" of
its own: deadlines, schedules, plans), ``quarter``, ``anaphora`` ("that week", "the same
period a year earlier"), ``clock``, ``generic`` ("en hiver", "today" for "nowadays") and
``other``.

``--split`` scores the documents in two halves, by sorted document id within each source,
alternating: half A is the one rules were written and tuned on, half B was only ever
scored. The gap between them is the measure of over-fitting.

What was tried (whole dev file, *value*, en · fr): dateparser 1.5 59.4 % · 39.9 %;
ctparse 0.3.6 (English only, rule-based with a learnt scorer, last released 2022) 40.6 % ·
n/a, at 5.4 ms per expression; summarizer's rules 84.5 % · 88.0 % at 0.67 ms (dateparser
4.75 ms), in the same run. *Exact*, en · fr: dateparser 56.8 % · 37.7 %, ctparse 38.1 %,
summarizer 80.0 % · 85.8 %; halves A · B, summarizer: en 78.7 % · 82.0 %, fr 91.1 % ·
81.7 %. Before references and weekends were scored as the record writes them (they
counted as "no value" and by their week), *value* was 86.5 % · 90.2 % and *exact*
72.3 % · 80.9 %. After the third round (future-pointing contexts, quarters and halves,
anaphora, clock times on the article's day and their zones, generic uses), *exact*
en · fr: 81.9 % · 86.3 % (halves A · B: en 81.9 % · 82.0 %, fr 91.1 % · 82.7 %); under
the other clock convention (``clock-none``) 81.3 % · 85.8 %.
recognizers-text-suite (Microsoft Recognizers-Text for Python, 1.0.2a2 of 2019, the
latest) installs but fails on import against the current ``emoji`` package, so it was
not scored. HeidelTime (Java) and Duckling (Haskell) have no maintained Python package
and were not run; the word classes here follow the same grammar of time (direction
words, "early/mid/late", weekday + date, seasons, quarters, decades). Nothing beat the
rules, so none is a dependency; ctparse gets a column when it is installed.

Usage::

    python benchmarks/dates.py [--split] [path/to/dates-dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dateparser.date import DateDataParser

from summarizer.dates import carried_day, parse_iso_partial, parse_value, resolve_date
from summarizer.dates.daytime import CLOCK_WORDS
from summarizer.dates.words import fold

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dates-dev.jsonl"
# A clock time with a zone offset, written in hours as the annotators wrote it ("T20:30+1",
# "T12:30-07"); the record writes two digits ("T20:30+01").
OFFSET = re.compile(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$"
)
DECADE = re.compile(r"^\d{3}$")
HALF = re.compile(r"^(\d{4})-H[12]$")
CALENDAR = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(Z|[+-]\d{2}(:\d{2})?)?|T(MO|AF|EV|NI|DT))?)?"
    r"|-W\d{2}(-WE)?|-Q[1-4]|-(SP|SU|FA|WI))?$"
    r"|^\d{3}X$|^(PRESENT|PAST|FUTURE)_REF$"
)
FAMILIES = ("future", "quarter", "anaphora", "clock", "generic", "other")
_QUARTER_WORDS = re.compile(r"\b(?:quarters?|half|halves|trimestres?|semestres?|q[1-4])\b")
_GENERIC_WORDS = re.compile(
    r"\b(?:spring|summer|autumn|fall|winter|printemps|ete|automne|hiver|today|aujourd'hui"
    r"|nowadays|mornings?|evenings?|matins?|soirs?)\b"
)
_ANAPHORA_WORDS = re.compile(
    r"\b(?:same|that|those|previous|preceding|prior|earlier|before|following|later|meme"
    r"|precedente?|suivante?|veille|lendemain|surlendemain|plus tot|plus tard)\b|-la\b"
)
# Words that give a yearless date its direction themselves ("next Friday", "l'an prochain").
_OWN_DIRECTION = re.compile(
    r"\b(?:next|coming|upcoming|tomorrow|prochaine?s?|demain|apres-demain|a venir|dans|in)\b"
    r"|\b(?:1[0-9]|20)\d{2}\b"
)

# text, sentence, DCT, language, earlier sentences of the document
System = Callable[[str, str, str, str, list[str]], str | None]
ENGLISH_ONLY = {"ctparse"}


def expected(gold: str) -> str | None:
    """The gold value in the record's precision scheme, or None for no calendar value."""
    if offset := OFFSET.match(gold):
        minutes = f":{offset['m']}" if offset["m"] and offset["m"] != "00" else ""
        return f"{offset.group(1)}{offset['sign']}{int(offset['h']):02d}{minutes}"
    if DECADE.match(gold):
        return f"{gold}X"
    if half := HALF.match(gold):
        return half.group(1)
    return gold if CALENDAR.match(gold) else None


def dateparser_value(
    text: str, sentence: str, dct: str, language: str, earlier: list[str]
) -> str | None:
    parser = DateDataParser(
        languages=[language],
        settings={
            "RELATIVE_BASE": datetime.fromisoformat(dct),
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


def summarizer_value(
    text: str, sentence: str, dct: str, language: str, earlier: list[str]
) -> str | None:
    anchor = parse_iso_partial(dct)
    carried = carried_day(earlier, anchor, language)
    resolved = resolve_date(text, anchor, language, sentence, carried)
    return None if resolved is None else resolved.isoformat()


def summarizer_no_clock_day(
    text: str, sentence: str, dct: str, language: str, earlier: list[str]
) -> str | None:
    """The other convention for a clock time with no day named: no value at all."""
    anchor = parse_iso_partial(dct)
    carried = carried_day(earlier, anchor, language)
    resolved = resolve_date(text, anchor, language, sentence, carried, clock_on_article_day=False)
    return None if resolved is None else resolved.isoformat()


def ctparse_system() -> System | None:
    try:
        from ctparse import ctparse  # type: ignore[import-not-found]
    except ImportError:
        return None
    logging.getLogger("ctparse").setLevel(logging.CRITICAL)  # it logs every miss

    def value(text: str, sentence: str, dct: str, language: str, earlier: list[str]) -> str | None:
        if language != "en":
            return None
        found: Any = ctparse(text, ts=datetime.fromisoformat(dct), timeout=0.5)
        if found is None or not hasattr(found.resolution, "year"):
            return None
        t = found.resolution
        if t.year is None:
            return None
        if t.month is None:
            return f"{t.year:04d}"
        if t.day is None:
            return f"{t.year:04d}-{t.month:02d}"
        day = f"{t.year:04d}-{t.month:02d}-{t.day:02d}"
        if getattr(t, "hour", None) is None:
            return day
        return f"{day}T{t.hour:02d}:{t.minute or 0:02d}"

    return value


def halves(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Half A or B for each document: sorted ids within each source, alternating."""
    half: dict[str, str] = {}
    for source in sorted({r["source"] for r in rows}):
        docs = sorted({r["id"].rsplit(":", 1)[0] for r in rows if r["source"] == source})
        half.update({d: "AB"[i % 2] for i, d in enumerate(docs)})
    return half


def earlier_sentences(rows: list[dict[str, Any]]) -> list[list[str]]:
    """For each line, the sentences of earlier lines of its document, in file order.

    The data holds only the sentences that carry a gold expression, and a document's
    lines are taken in the order the file gives them, which is not always the order of
    the text; these are the earlier sentences the data offers, no more.
    """
    seen: dict[str, list[str]] = defaultdict(list)
    out: list[list[str]] = []
    for row in rows:
        document = seen[row["id"].rsplit(":", 1)[0]]
        out.append([s for s in document if s != row["sentence"]])
        if row["sentence"] not in document:
            document.append(row["sentence"])
    return out


def family(row: dict[str, Any]) -> str:
    """The piece of the grammar of time a gold expression tests, read from its words,
    its sentence and its gold value (never from what a system answered).

    ``clock``: a clock time. ``quarter``: a quarter or half of a year. ``generic``: a
    calendar word with no calendar value meant ("en hiver", the "nowadays" sense of
    "today"). ``anaphora``: a time named through an earlier one ("that week", "the same
    period a year earlier", "la veille"). ``future``: a yearless date, weekday or month
    whose value lies after the article's date though no word of its own says "next"
    (a deadline, a schedule, a plan). ``other``: the rest.
    """
    text, gold = fold(row["text"]), row["value"]
    if re.search(r"T\d{2}:\d{2}", gold) or CLOCK_WORDS.search(text):
        return "clock"
    if re.search(r"-[QH][1-4]$", gold) or _QUARTER_WORDS.search(text):
        return "quarter"
    calendar = expected(gold)
    if _GENERIC_WORDS.search(text) and (calendar is None or gold == "PRESENT_REF"):
        return "generic"
    if _ANAPHORA_WORDS.search(text):
        return "anaphora"
    if calendar is not None and not calendar.endswith("_REF") and not DECADE.match(gold):
        try:
            later = parse_value(calendar).first_day > date.fromisoformat(row["dct"])
        except ValueError:
            later = False
        if later and not _OWN_DIRECTION.search(text):
            return "future"
    return "other"


def bootstrap(per_document: list[tuple[int, int]], rounds: int = 1000) -> tuple[float, float]:
    """The 95 % interval of a share right, resampling documents with replacement:
    the lines of one article are not independent draws, the articles are."""
    if not per_document:
        return (0.0, 0.0)
    draw = random.Random(0)
    shares = []
    for _ in range(rounds):
        sample = draw.choices(per_document, k=len(per_document))
        lines = sum(n for n, _ in sample)
        shares.append(sum(right for _, right in sample) / lines if lines else 0.0)
    shares.sort()
    return shares[int(0.025 * rounds)], shares[int(0.975 * rounds) - 1]


def score(rows: list[dict[str, Any]], systems: dict[str, System], title: str) -> None:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    # (language, system, measure) -> document -> [lines, right]
    documents: dict[tuple[str, str, str], dict[str, list[int]]] = defaultdict(dict)
    families: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row, earlier in zip(rows, earlier_sentences(rows), strict=True):
        lang, gold = row["language"], row["value"]
        want = expected(gold)
        kind = family(row)
        counts[(lang, "*", "lines")] += 1
        for name, system in systems.items():
            if name in ENGLISH_ONLY and lang != "en":
                continue
            started = time.perf_counter()
            value = system(row["text"], row["sentence"], row["dct"], lang, earlier)
            seconds[name] += time.perf_counter() - started
            counts[(lang, name, "value")] += value == want
            counts[(lang, name, "exact")] += value == gold
            counts[(lang, name, "none")] += value is None
            counts[(lang, name, "missed")] += value is None and want is not None
            document = row["id"].rsplit(":", 1)[0]
            for measure, right in (("value", value == want), ("exact", value == gold)):
                tally = documents[(lang, name, measure)].setdefault(document, [0, 0])
                tally[0] += 1
                tally[1] += right
            families[(lang, name, kind)][0] += 1
            families[(lang, name, kind)][1] += value == gold

    print(f"{title}: {len(rows)} time expressions\n")
    columns = ("value [95% CI]", "exact [95% CI]", "no value", "missed")
    header = f"{'lang':4} {'system':11} " + " ".join(f"{c:>17}" for c in columns)
    print(header)
    print("-" * len(header))
    languages = sorted({r["language"] for r in rows})
    for lang in languages:
        n = counts[(lang, "*", "lines")]
        for name in systems:
            if name in ENGLISH_ONLY and lang != "en":
                continue
            cells = []
            for measure in ("value", "exact"):
                tallies = documents[(lang, name, measure)].values()
                low, high = bootstrap([(lines, right) for lines, right in tallies])
                share = counts[(lang, name, measure)] / n
                cells.append(f"{share:.1%} [{low * 100:.0f}-{high * 100:.0f}]")
            cells += [f"{counts[(lang, name, k)] / n:.1%}" for k in ("none", "missed")]
            print(f"{lang:4} {name:11} " + " ".join(f"{c:>17}" for c in cells))
    print()
    for name in systems:
        scored = [r for r in rows if name not in ENGLISH_ONLY or r["language"] == "en"]
        print(f"{name}: {seconds[name] / len(scored) * 1000:.2f} ms per expression")
    print()
    print("exact, by family (right/lines):")
    shown = [name for name in systems if name not in ENGLISH_ONLY]
    heads = [f"{lang} {name}" for lang in languages for name in shown]
    print(f"{'family':9} " + " ".join(f"{head:>20}" for head in heads))
    for kind in FAMILIES:
        cells = []
        for lang in languages:
            for name in shown:
                lines, right = families[(lang, name, kind)]
                cells.append(f"{right}/{lines} ({right / lines:.0%})" if lines else "-")
        print(f"{kind:9} " + " ".join(f"{c:>20}" for c in cells))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--split", action="store_true", help="score halves A and B apart")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line]
    systems: dict[str, System] = {
        "dateparser": dateparser_value,
        "summarizer": summarizer_value,
        "clock-none": summarizer_no_clock_day,
    }
    if (extra := ctparse_system()) is not None:
        systems["ctparse"] = extra
    if not args.split:
        score(rows, systems, args.path.name)
        return
    half = halves(rows)
    for name in "AB":
        part = [r for r in rows if half[r["id"].rsplit(":", 1)[0]] == name]
        score(part, systems, f"half {name} of {args.path.name}")


if __name__ == "__main__":
    main()
