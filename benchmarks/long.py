"""Long articles: read in parts and merged, against an oracle that answers from gold.

The dev articles of ``dev.jsonl`` are concatenated, separated by a blank line, into
documents of at least 5k, 20k and 80k characters (``--sizes``): the French (MR4AP)
articles, the only ones with gold events, are interleaved with the English (GUM) ones
from the start, so that every size has events; the sequence is repeated when the
target is longer than the dev set (about 55k characters) and stops at the first
article boundary at or past the target. Gold offsets are shifted into the document,
which is read as English (``language="en"``) with a fixed date.

Gold units:

- an actor *entity* is a gold actor's folded canonical name across the whole document:
  copies of one article, and one name in two articles, are one entity. Only its
  *usable* mentions are served: not a pronoun, starting with a capital letter, at most
  25 words and 200 characters, within one sentence of the program's splitter, and not
  the surface of another gold entity too ("Man of the match" names three players).
  Entities with no usable mention are left out;
- an event is one gold event occurrence (its trigger span), copy by copy.

A loopback server (real HTTP on 127.0.0.1) answers each chat completion from gold: it
reads the ``[Sn]`` lines of the prompt and answers with one actor per entity that has a
usable mention in those sentences (named by its longest usable mention in the part,
or with ``--names document`` in the whole document; but by the name the prompt lists
for it among the actors earlier parts named, when one of those is a surface of the
entity, as the prompt asks; its other usable surfaces in the
part as ``mentions``, up to the schema's limit per actor; the longest one in the part
quoted, citing its sentence) and one event per gold event whose trigger lies in them
(type ``other``, the trigger as description, quoting it with up to three words either
side). It never caps the lists of an answer: what the schema's per-answer limits cost
shows in the figures. Its ``usage`` counts four characters a token, of the prompt
(every message) and of the answer.

Each document is summarised with the library (``Summarizer``, concurrency 8) three
times in the same run: in parts, with the default ``chunk_tokens``; in parts with an
oracle that ignores the actors listed from earlier parts (``no carry``: what the merge
rules alone join, as with a model that does not follow the list); and in one request
(``chunk_tokens`` of a million), the baseline, which shows what the schema's list
limits alone keep. Per run the table gives the parts, the calls the server answered,
prompt and completion tokens, the wall time, the share of sentences inside a part
that was answered (``quality.chunks``), and the record against gold:

- each record actor is assigned to the entity whose usable surface is its name (else
  to the entity whose usable mention spans its mentions hit most often); an entity is
  *lost* when no record actor is assigned to it (an actor merged into another
  entity's is lost), and each further actor assigned to it is a *duplicate*;
- each record event is assigned to the gold event whose trigger its evidence span
  overlaps (the one whose trigger is its description first); a gold event with none
  is lost, each further one a duplicate;
- ``dups`` is ``quality.duplicates``, the items the merge left out as found twice in
  the overlap of two parts; ``flagged`` is ``quality.flagged``; ``no gold`` counts the
  record items assigned to no gold unit (should be 0).

Targets, for the runs in parts: 100 % of sentences covered; merging loses at most 2 %
and duplicates at most 2 % of the actors and of the events.

Usage::

    python benchmarks/long.py [--sizes 5000,20000,80000] [--dev path/to/dev.jsonl]
                              [--names part|document] [--details]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verification import serve

from summarizer import Article, ArticleInput, ArticleSummary, Settings, Summarizer, load_article
from summarizer.draft import Draft, DraftActor

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
SIZES = "5000,20000,80000"
DATE = "2020-01-06"
SEPARATOR = "\n\n"
ONE_REQUEST = 10**6
TARGET = 0.02
SHOWN = 20
CONTEXT_WORDS = 3
MAX_QUOTE_WORDS = 25
MAX_NAME_CHARS = 200
KINDS = {"person", "state", "government", "organization", "armed_group", "institution", "group"}
_SENTENCE_LINE = re.compile(r"^\[S(\d+)\] (.*)$", re.MULTILINE)
_WORD = re.compile(r"\S+")
NAMED_HEADER = "Earlier parts of the article named the actors below"
_LISTED = re.compile(r"^- (.+) \([a-z_]+\)$", re.MULTILINE)
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s?$")
_PRONOUNS = {
    "he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "you", "i",
    "il", "elle", "ils", "elles", "lui", "on", "nous", "vous", "son", "sa", "ses", "leur",
}  # fmt: skip


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split())


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _bare(surface: str) -> str:
    """A mention as a name: without a possessive ending ("Afghanistan's")."""
    return _POSSESSIVE.sub("", surface) or surface


def _usable(surface: str) -> bool:
    words = surface.split()
    return (
        surface.lower() not in _PRONOUNS
        and surface[:1].isupper()
        and len(words) <= MAX_QUOTE_WORDS
        and len(_collapse(surface)) <= MAX_NAME_CHARS
    )


def _limit(model: type[Any], name: str) -> int:
    """A list field's ``max_length`` in the draft schema, read at run time."""
    metadata = model.model_fields[name].metadata
    return next((m.max_length for m in metadata if getattr(m, "max_length", None)), 10**6)


@dataclass
class Entity:
    """One gold actor entity of a document: its usable mentions, as spans."""

    key: str
    kind: str
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # start, end, sentence
    surfaces: dict[str, str] = field(default_factory=dict)  # folded -> as written

    @property
    def name(self) -> str:
        return max(self.surfaces.values(), key=len)


@dataclass
class GoldEvent:
    """One gold event occurrence: its trigger span, sentence and served quote."""

    start: int
    end: int
    sentence: int
    trigger: str
    quote: str


@dataclass
class Document:
    """A concatenation of dev articles with its gold, read as the program reads it."""

    target: int
    text: str
    article: Article
    entities: dict[str, Entity]
    events: list[GoldEvent]
    articles: int
    skipped_actors: int
    skipped_events: int
    mentions_by_sentence: dict[int, list[tuple[int, str, str, str]]]
    events_by_sentence: dict[int, list[int]]


def _order(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Articles with gold events interleaved with the others, from the first one on."""
    with_events = [r for r in records if r["gold"].get("events")]
    others = [r for r in records if not r["gold"].get("events")]
    pairs = itertools.zip_longest(with_events, others)
    return [r for pair in pairs for r in pair if r is not None]


def build(records: list[dict[str, Any]], target: int) -> Document:
    """The document of at least ``target`` characters, with its gold shifted into it."""
    surface_owners: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for actor in record["gold"]["actors"]:
            for mention in actor["mentions"]:
                if _usable(mention["text"]):
                    surface_owners[_fold(_bare(mention["text"]))].add(_fold(actor["name"]))
    ambiguous = {s for s, owners in surface_owners.items() if len(owners) > 1}

    pieces: list[str] = []
    mentions: list[tuple[str, str, int, int, str]] = []  # key, kind, start, end, text
    triggers: list[tuple[int, int, str]] = []
    keys: set[str] = set()
    offset = 0
    count = 0
    for record in itertools.cycle(_order(records)):
        if pieces:
            pieces.append(SEPARATOR)
            offset += len(SEPARATOR)
        pieces.append(record["text"])
        for actor in record["gold"]["actors"]:
            keys.add(_fold(actor["name"]))
            kind = actor["kind"] if actor["kind"] in KINDS else "other"
            for m in actor["mentions"]:
                if _usable(m["text"]) and _fold(_bare(m["text"])) not in ambiguous:
                    key = _fold(actor["name"])
                    mentions.append((key, kind, offset + m["start"], offset + m["end"], m["text"]))
        for event in record["gold"].get("events") or []:
            t = event["trigger"]
            triggers.append((offset + t["start"], offset + t["end"], t["text"]))
        offset += len(record["text"])
        count += 1
        if offset >= target:
            break
    text = "".join(pieces)
    article = load_article(text, language="en", date=DATE)
    sentences = article.sentences
    starts = [s.start for s in sentences]

    def sentence_of(start: int, end: int) -> int | None:
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and sentences[i].end >= end:
            return sentences[i].id
        return None

    entities: dict[str, Entity] = {}
    by_sentence: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for key, kind, start, end, written in mentions:
        assert text[start:end] == written
        sid = sentence_of(start, end)
        quote = _collapse(written)
        if sid is None or quote not in _collapse(sentences[sid - 1].text):
            continue
        entity = entities.setdefault(key, Entity(key, kind))
        entity.spans.append((start, end, sid))
        surface = _bare(quote)
        entity.surfaces.setdefault(_fold(surface), surface)
        by_sentence[sid].append((start, key, surface, quote))
    events: list[GoldEvent] = []
    events_by_sentence: dict[int, list[int]] = defaultdict(list)
    skipped_events = 0
    for start, end, trigger in triggers:
        assert text[start:end] == trigger
        sid = sentence_of(start, end)
        if sid is None:
            skipped_events += 1
            continue
        quote = _event_quote(text, sentences[sid - 1].start, sentences[sid - 1].end, start, end)
        events_by_sentence[sid].append(len(events))
        events.append(GoldEvent(start, end, sid, _collapse(trigger), quote))
    return Document(
        target=target,
        text=text,
        article=article,
        entities=entities,
        events=events,
        articles=count,
        skipped_actors=len(keys - set(entities)),
        skipped_events=skipped_events,
        mentions_by_sentence=dict(by_sentence),
        events_by_sentence=dict(events_by_sentence),
    )


def _event_quote(text: str, lo: int, hi: int, start: int, end: int) -> str:
    """The trigger with up to ``CONTEXT_WORDS`` words either side, whole words only."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, lo, hi)]
    first = next(i for i, (_, b) in enumerate(words) if b > start)
    last = max(i for i, (a, _) in enumerate(words) if a < end)
    before = max(0, first - CONTEXT_WORDS)
    after = min(len(words) - 1, last + CONTEXT_WORDS, before + MAX_QUOTE_WORDS - 1)
    return _collapse(text[words[before][0] : words[after][1]])


def _listed(prompt: str) -> list[str]:
    """The names of the actors earlier parts named, as the prompt lists them."""
    at = prompt.find(NAMED_HEADER)
    if at < 0:
        return []
    block = prompt[at:].split("\n\n", 1)[0]
    return [m.group(1) for m in _LISTED.finditer(block)]


@dataclass
class Oracle:
    """Answers every request from the gold of the document being summarised."""

    names: str = "part"
    honour: bool = True
    document: Document | None = None
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, prompt: str) -> dict[str, Any]:
        document = self.document
        assert document is not None
        shown = {int(n): text for n, text in _SENTENCE_LINE.findall(prompt)}
        sentences = document.article.sentences
        for sid, line in shown.items():
            if sid > len(sentences) or _collapse(sentences[sid - 1].text) != line:
                raise LookupError(f"sentence S{sid} of the prompt is not the document's")
        with self.lock:
            self.calls += 1
        ids = sorted(shown)
        listed = _listed(prompt) if self.honour else []
        found = sorted(m for sid in ids for m in document.mentions_by_sentence.get(sid, []))
        sentence_at = {m[0]: sid for sid in ids for m in document.mentions_by_sentence.get(sid, [])}
        part: dict[str, list[tuple[int, str, str]]] = {}
        for start, key, surface, quote in found:
            part.setdefault(key, []).append((start, surface, quote))
        most = _limit(DraftActor, "mentions")
        actors: list[dict[str, Any]] = []
        for key, occurrences in part.items():
            entity = document.entities[key]
            firsts: dict[str, str] = {}
            for _, surface, _ in occurrences:
                firsts.setdefault(_fold(surface), surface)
            surfaces = list(firsts.values())
            longest = max(surfaces, key=len)
            where, quote = next((start, q) for start, s, q in occurrences if s == longest)
            name = longest if self.names == "part" else entity.name
            # Asked to keep the name an earlier part gave, it does.
            name = next((n for n in listed if _fold(n) in entity.surfaces), name)
            others = [s for s in surfaces if _fold(s) != _fold(name)]
            actors.append({
                "id": f"A{len(actors) + 1}", "name": name, "kind": entity.kind,
                "mentions": others[:most], "sentences": [sentence_at[where]], "quote": quote,
            })  # fmt: skip
        events: list[dict[str, Any]] = []
        for sid in ids:
            for index in document.events_by_sentence.get(sid, []):
                event = document.events[index]
                events.append({
                    "type": "other", "description": event.trigger, "agents": [],
                    "targets": [], "realis": "occurred", "sentences": [sid],
                    "quote": event.quote,
                })  # fmt: skip
        first = shown[ids[0]].split() if ids else ["Article"]
        return {
            "headline": " ".join(first[:12])[:MAX_NAME_CHARS],
            "summary": " ".join(first[:40])[:800],
            "actors": actors,
            "stances": [],
            "demands": [],
            "events": events,
        }


@dataclass
class Score:
    """One run's figures against the document's gold."""

    run: str
    parts: int
    calls: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    covered: float
    actors: int
    actors_lost: list[str]
    actors_duplicated: dict[str, list[str]]
    events: int
    events_lost: list[GoldEvent]
    events_duplicated: dict[int, int]
    overlap_duplicates: int
    flagged: int
    no_gold: list[str]

    @property
    def actor_dups(self) -> int:
        return sum(len(names) - 1 for names in self.actors_duplicated.values())

    @property
    def event_dups(self) -> int:
        return sum(n - 1 for n in self.events_duplicated.values())


def score(
    run: str, document: Document, record: ArticleSummary, calls: int, seconds: float
) -> Score:
    quality = record.quality
    read = {
        n
        for chunk in quality.chunks
        if chunk.passes
        for n in range(chunk.first_sentence, chunk.last_sentence + 1)
    }
    covered = len(read) / len(document.article.sentences)

    by_surface = {s: e.key for e in document.entities.values() for s in e.surfaces}
    by_span = {(a, b): e.key for e in document.entities.values() for a, b, _ in e.spans}
    assigned: dict[str, list[str]] = defaultdict(list)
    no_gold: list[str] = []
    for actor in record.actors:
        key = by_surface.get(_fold(actor.name))
        if key is None:
            spans = [(m.start, m.end) for m in actor.mentions]
            hits = Counter(by_span[span] for span in spans if span in by_span)
            key = hits.most_common(1)[0][0] if hits else None
        if key is None:
            no_gold.append(f"actor {actor.name!r}")
        else:
            assigned[key].append(actor.name)
    lost = [document.entities[k].name for k in document.entities if k not in assigned]
    duplicated = {document.entities[k].name: v for k, v in assigned.items() if len(v) > 1}

    matched: Counter[int] = Counter()
    for event in record.events:
        evidence = event.evidence[0] if event.evidence else None
        if evidence is None or evidence.start is None or evidence.end is None:
            no_gold.append(f"event {event.description!r} (no span)")
            continue
        lo, hi = evidence.start, evidence.end
        candidates = [i for i, g in enumerate(document.events) if g.start < hi and lo < g.end]
        if not candidates:
            no_gold.append(f"event {event.description!r}")
            continue
        named = [i for i in candidates if document.events[i].trigger == event.description]
        matched[(named or candidates)[0]] += 1
    return Score(
        run=run,
        parts=len(quality.chunks),
        calls=calls,
        prompt_tokens=quality.prompt_tokens,
        completion_tokens=quality.completion_tokens,
        seconds=seconds,
        covered=covered,
        actors=len(document.entities),
        actors_lost=lost,
        actors_duplicated=duplicated,
        events=len(document.events),
        events_lost=[g for i, g in enumerate(document.events) if i not in matched],
        events_duplicated={i: n for i, n in matched.items() if n > 1},
        overlap_duplicates=quality.duplicates,
        flagged=quality.flagged,
        no_gold=no_gold,
    )


def run(
    oracle: Oracle, url: str, document: Document, chunk_tokens: int | None, *, honour: bool = True
) -> Score:
    settings = Settings(
        base_url=url,
        model="oracle",
        backend="vllm",
        api_key="none",
        timeout=120,
        chunk_tokens=chunk_tokens,
        concurrency=8,
    )
    oracle.document = document
    oracle.calls = 0
    oracle.honour = honour
    given = ArticleInput(f"doc-{document.target}", document.text, language="en", date=DATE)
    with Summarizer(settings) as summarizer:
        started = time.perf_counter()
        record = summarizer.summarize(given)
        seconds = time.perf_counter() - started
    name = "one request" if chunk_tokens is not None else "parts" if honour else "no carry"
    return score(name, document, record, oracle.calls, seconds)


def _share(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else f"{'-':>6}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=SIZES, help="comma-separated target lengths (chars)")
    parser.add_argument("--dev", type=Path, default=DEFAULT, help="the gold dev.jsonl")
    parser.add_argument(
        "--names",
        choices=("part", "document"),
        default="part",
        help="name each actor by its longest mention in the part read, or in the document",
    )
    parser.add_argument("--details", action="store_true", help="list lost and duplicated items")
    parser.add_argument(
        "--markdown", action="store_true", help="also print the table as the docs show it"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    records = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines()]

    oracle = Oracle(names=args.names)
    server = serve(oracle)
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/v1"
    documents = [build(records, size) for size in sizes]
    total = time.perf_counter()
    try:
        run(oracle, url, build(records, 1), None)  # warm-up: imports, parsers, schema
        rows = [
            (
                d,
                [
                    run(oracle, url, d, None),
                    run(oracle, url, d, None, honour=False),
                    run(oracle, url, d, ONE_REQUEST),
                ],
            )
            for d in documents
        ]
    finally:
        server.shutdown()
    total = time.perf_counter() - total

    limits = ", ".join(f"{k} {_limit(Draft, k)}" for k in ("actors", "events"))
    print(
        f"long articles: dev articles concatenated ({args.dev.name}), loopback oracle answering "
        f"each part from gold (actors named by their longest mention in the {args.names}); "
        f"schema limits per answer: {limits}; concurrency 8\n"
    )
    head = (
        f"{'size':>6} {'run':11} {'chars':>6} {'sents':>5} {'parts':>5} {'calls':>5} "
        f"{'prompt':>7} {'compl':>6} {'wall s':>6} {'covered':>7} "
        f"{'actors':>6} {'lost':>6} {'dup':>6} "
        f"{'events':>6} {'lost':>6} {'dup':>6} {'dups':>4} {'flagged':>7} {'no gold':>7}"
    )
    print(head)
    print("-" * len(head))
    missed: list[str] = []
    for document, scores in rows:
        for s in scores:
            print(
                f"{document.target:>6} {s.run:11} {len(document.text):>6} "
                f"{len(document.article.sentences):>5} {s.parts:>5} {s.calls:>5} "
                f"{s.prompt_tokens:>7} {s.completion_tokens:>6} {s.seconds:>6.2f} "
                f"{s.covered:>7.1%} {s.actors:>6} "
                f"{_share(len(s.actors_lost), s.actors)} {_share(s.actor_dups, s.actors)} "
                f"{s.events:>6} {_share(len(s.events_lost), s.events)} "
                f"{_share(s.event_dups, s.events)} {s.overlap_duplicates:>4} {s.flagged:>7} "
                f"{len(s.no_gold):>7}"
            )
        s = scores[0]
        misses = [
            what
            for what, ok in (
                (f"covered {s.covered:.1%}", s.covered == 1.0),
                (f"actors lost {len(s.actors_lost)}", len(s.actors_lost) <= TARGET * s.actors),
                (f"actors duplicated {s.actor_dups}", s.actor_dups <= TARGET * s.actors),
                (f"events lost {len(s.events_lost)}", len(s.events_lost) <= TARGET * s.events),
                (f"events duplicated {s.event_dups}", s.event_dups <= TARGET * s.events),
            )
            if not ok
        ]
        if misses:
            missed.append(f"{document.target}: {', '.join(misses)}")
    print()
    print(
        "actors, events = gold units served (entities with a usable mention; event "
        "occurrences); lost and dup as shares of them; prompt, compl = tokens (4 chars "
        "a token); dups = quality.duplicates"
    )
    skipped = ", ".join(
        f"{d.target}: {d.skipped_actors} actors, {d.skipped_events} events" for d, _ in rows
    )
    articles = ", ".join(f"{d.target}: {d.articles}" for d, _ in rows)
    print(f"articles per document, repeats included: {articles}")
    print(f"gold entities and events left out (no usable mention or trigger): {skipped}")
    print(f"total wall time {total:.1f}s")
    print(
        f"targets (parts): 100% covered, actors and events lost <= {TARGET:.0%} and duplicated "
        f"<= {TARGET:.0%}: {'MISSED at ' + '; '.join(missed) if missed else 'met'}"
    )
    if args.markdown:
        _markdown(rows)
    if args.details:
        for document, scores in rows:
            for s in scores:
                _details(document, s)


def _markdown(rows: list[tuple[Document, list[Score]]]) -> None:
    print(
        "\n| document | run | parts | calls | tokens | sentences read | actors lost "
        "| actors duplicated | events lost | events duplicated |"
    )
    print("|---" * 10 + "|")
    for document, scores in rows:
        where = f"{len(document.text):,} chars, {len(document.article.sentences)} sentences"
        for s in scores:
            print(
                f"| {where} | {s.run} | {s.parts} | {s.calls} | "
                f"{s.prompt_tokens + s.completion_tokens:,} | {s.covered:.1%} | "
                f"{len(s.actors_lost) / s.actors:.1%} of {s.actors} | "
                f"{s.actor_dups / s.actors:.1%} | "
                f"{len(s.events_lost) / s.events:.1%} of {s.events} | "
                f"{s.event_dups / s.events:.1%} |"
            )


def _details(document: Document, s: Score) -> None:
    print(f"\n{document.target} chars, {s.run}:")
    if s.actors_lost:
        more = len(s.actors_lost) - SHOWN
        rest = f"; and {more} more" if more > 0 else ""
        print(f"  actors lost ({len(s.actors_lost)}): {'; '.join(s.actors_lost[:SHOWN])}{rest}")
    for name, got in s.actors_duplicated.items():
        print(f"  actor duplicated: {name!r} as {got}")
    for event in s.events_lost[:SHOWN]:
        print(f"  event lost: S{event.sentence} {event.trigger!r} in {event.quote!r}")
    if len(s.events_lost) > SHOWN:
        print(f"  and {len(s.events_lost) - SHOWN} more events lost")
    for index, n in s.events_duplicated.items():
        event = document.events[index]
        print(f"  event duplicated x{n}: S{event.sentence} {event.trigger!r}")
    for item in s.no_gold:
        print(f"  no gold: {item}")


if __name__ == "__main__":
    main()
