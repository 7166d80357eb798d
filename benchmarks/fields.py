"""Does verification catch a wrong field? Verbatim quotes, one field changed, served.

``benchmarks/fields_gold.jsonl`` holds events and stances annotated by hand on the dev
articles (``dev.jsonl``) and the project's sample articles, independently of the
program's word lists: PLOVER type, realis, agents and targets for events; holder,
position and target for stances; each with a verbatim quote. A loopback server (real
HTTP on 127.0.0.1, shared with ``verification.py``) answers every request for an
article with a draft built from them, each item labelled:

``clean``      the item as annotated
``type``       an event's type changed to another PLOVER type
``realis``     an event's realis changed (occurred to negated or planned; the rest to
               occurred)
``roles``      an event's agents and targets swapped
``position``   a stance's position changed to another (neutral never drawn)

The CLI (``summarizer run``) then summarises those articles against it, and the script
prints per label the share flagged with that field's code overall, the share of items
the checks could judge (``summarizer.meaning`` run on the item as recorded), the share
flagged where judged, and the share of clean items falsely flagged (any field code).
Targets: each field error flagged in >= 85 % of cases overall, clean items falsely
flagged <= 2 %. ``--split`` prints the documents in two halves by sorted id: keep half
B for a rare look (the word lists were written from the languages, never from it).

Usage::

    python benchmarks/fields.py [--rounds N] [--seed N] [--strict] [--split]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verification import _SENTENCE_LINE, serve

from summarizer import ArticleSummary, load_article
from summarizer.meaning import judge_event, judge_stance
from summarizer.second_opinion import claims_of

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().parent / "fields_gold.jsonl"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SAMPLES = {
    "sample-pompeo-fr": (ROOT / "examples" / "afp-2020-01-pompeo-fr.txt", "fr"),
    "sample-lyon-tram-en": (ROOT / "examples" / "lyon-tram-en.txt", "en"),
    "sample-harbour-strike-en": (ROOT / "tests" / "articles" / "harbour-strike-en.txt", "en"),
}
PLOVER = [
    "agree", "consult", "support", "concede", "cooperate", "aid", "retreat", "request",
    "accuse", "reject", "threaten", "protest", "sanction", "mobilize", "coerce", "assault",
]  # fmt: skip
POSITIONS = ["support", "oppose", "condemn", "praise", "accuse", "warn", "demand", "deny"]
CODES = {
    "type": {"type_not_in_evidence"},
    "realis": {"realis_contradicted"},
    "roles": {"roles_swapped"},
    "position": {"position_not_in_evidence", "position_contradicted"},
}
FIELD_CODES = set().union(*CODES.values())
EVENT_LABELS = {"clean": 0.25, "type": 0.25, "realis": 0.25, "roles": 0.25}
STANCE_LABELS = {"clean": 0.5, "position": 0.5}


@dataclass
class Served:
    """One item served: its label, kind, article, quote, and the fields as served
    (type and realis, or position), which tell apart two items of one quote."""

    label: str
    kind: str
    article: str
    quote: str
    fields: tuple[str, ...]

    @property
    def key(self) -> tuple[str, ...]:
        return (self.article, self.kind, self.quote, *self.fields)


@dataclass
class FieldOracle:
    """Annotated articles, the drafts served for them, and every item's label."""

    articles: dict[str, dict[str, Any]]
    gold: dict[str, list[dict[str, Any]]]
    seed: int
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    served: list[Served] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, prompt: str) -> dict[str, Any]:
        sentences = {int(n): text for n, text in _SENTENCE_LINE.findall(prompt)}
        first = sentences[min(sentences)]
        article = next(a for a, r in self.articles.items() if first in " ".join(r["text"].split()))
        with self.lock:
            if article not in self.drafts:
                rng = random.Random(f"{self.seed}:{article}")
                self.drafts[article] = self._draft(article, sentences, rng)
            return self.drafts[article]

    def _draft(self, article: str, sentences: dict[int, str], rng: random.Random) -> dict[str, Any]:
        def cited(words: str) -> int | None:
            flat = " ".join(words.split())
            return next((n for n, s in sentences.items() if flat in s), None)

        actors: dict[str, dict[str, Any]] = {}

        def actor(name: str | None) -> str | None:
            if not name:
                return None
            if name not in actors:
                at = cited(name)
                if at is None:
                    return None
                actors[name] = {"id": f"A{len(actors) + 1}", "name": name, "kind": "other",
                                "sentences": [at], "quote": name}  # fmt: skip
            return str(actors[name]["id"])

        events: list[dict[str, Any]] = []
        stances: list[dict[str, Any]] = []
        for item in self.gold.get(article, []):
            at = cited(item["quote"])
            if at is None:
                continue
            if item["kind"] == "event":
                agents = [a for a in map(actor, item["agents"]) if a]
                targets = [t for t in map(actor, item["targets"]) if t and t not in agents]
                event = {"type": item["type"], "description": item["quote"][:200],
                         "agents": agents, "targets": targets, "realis": item["realis"],
                         "sentences": [at], "quote": item["quote"]}  # fmt: skip
                label = _draw(EVENT_LABELS, rng)
                if label == "roles" and not (agents or targets):
                    label = "clean"
                _inject(label, event, rng)
                events.append(event)
                served = (event["type"], event["realis"])
            else:
                holder = actor(item["holder"])
                if holder is None:
                    continue
                stance = {"holder": holder, "topic": item["quote"][:200],
                          "target": actor(item.get("target")), "position": item["position"],
                          "paraphrase": item["quote"][:200], "speech": "reported",
                          "sentences": [at], "quote": item["quote"]}  # fmt: skip
                label = _draw(STANCE_LABELS, rng)
                _inject(label, stance, rng)
                stances.append(stance)
                served = (stance["position"],)
            self.served.append(Served(label, item["kind"], article, item["quote"], served))
        return {
            "headline": "headline",
            "summary": " ".join(sentences[min(sentences)].split()[:40]),
            "actors": list(actors.values()),
            "stances": stances,
            "demands": [],
            "events": events,
        }


def _draw(rates: dict[str, float], rng: random.Random) -> str:
    return rng.choices(list(rates), weights=list(rates.values()))[0]


def _inject(label: str, item: dict[str, Any], rng: random.Random) -> None:
    if label == "type":
        item["type"] = rng.choice([t for t in PLOVER if t != item["type"]])
    elif label == "realis":
        item["realis"] = (
            rng.choice(["negated", "planned"]) if item["realis"] == "occurred" else "occurred"
        )
    elif label == "roles":
        item["agents"], item["targets"] = item["targets"], item["agents"]
    elif label == "position":
        item["position"] = rng.choice([p for p in POSITIONS if p != item["position"]])


def load() -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The annotated articles (id, text, language, date) and their annotations."""
    articles: dict[str, dict[str, Any]] = {}
    for line in DEV.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            record = json.loads(line)
            articles[record["id"]] = {k: record[k] for k in ("id", "text", "language", "date")}
    for name, (path, language) in SAMPLES.items():
        articles[name] = {"id": name, "text": path.read_text(encoding="utf-8"),
                          "language": language, "date": None}  # fmt: skip
    gold: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in GOLD.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            item = json.loads(line)
            if item["article"] in articles:
                gold[item["article"]].append(item)
    return {a: articles[a] for a in sorted(gold)}, dict(gold)


_CLAIM = re.compile(r"^(C\d+): (.*?)\n<evidence>\n(.*?)\n</evidence>", re.MULTILINE | re.DOTALL)


@dataclass
class LoopbackVerifier:
    """A stand-in for a verifier model, named as such: it knows which served items carry
    a wrong field and answers ``unsupported`` for them, ``supported`` for clean ones,
    except for a set share of claims where it answers the other way on purpose. It
    tests the plumbing (one request per article, verdicts stored on the right items);
    it says nothing of any real model's accuracy."""

    oracle: FieldOracle
    error_rate: float
    seed: int
    #: (claim, evidence) -> (verdict given, verdict the served label calls for)
    given: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, prompt: str) -> dict[str, Any]:
        rng = random.Random(f"{self.seed}:{prompt[-200:]}")
        verdicts = []
        for claim_id, claim, evidence in _CLAIM.findall(prompt):
            served = next((s for s in self.oracle.served if s.quote[:200] in claim), None)
            right = "unclear"
            if served is not None:
                right = "supported" if served.label == "clean" else "unsupported"
            wrong = {"supported": "unsupported"}.get(right, "supported")
            verdict = wrong if rng.random() < self.error_rate else right
            with self.lock:
                self.given[(claim, evidence)] = (verdict, right)
            verdicts.append({"id": claim_id, "verdict": verdict})
        return {"verdicts": verdicts}


def run_cli(
    oracle: FieldOracle,
    articles: list[dict[str, Any]],
    *,
    strict: bool,
    verifier: LoopbackVerifier | None = None,
) -> list[dict[str, Any]]:
    """Summarise ``articles`` with the CLI against ``oracle`` (and ``verifier``, when
    given, as ``--verify-with``); the records written."""
    server = serve(oracle)
    host, port = server.server_address[:2]
    checking: list[str] = []
    if verifier is not None:
        second = serve(verifier)
        vhost, vport = second.server_address[:2]
        checking = ["--verify-with", "checker", "--verify-base-url",
                    f"http://{vhost}:{vport}/v1"]  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        path.write_text(
            "".join(json.dumps({k: v for k, v in a.items() if v is not None}) + "\n"
                    for a in articles),
            encoding="utf-8",
        )  # fmt: skip
        out = Path(folder) / "records.jsonl"
        command = [
            sys.executable, "-m", "summarizer", "run", str(path), "-o", str(out),
            "--format", "json", "--base-url", f"http://{host}:{port}/v1", "--model", "oracle",
            "--backend", "vllm", "--no-cache", "--api-key", "none",
            "--context-window", "200000", "--chunk-tokens", "50000",
            *(["--strict"] if strict else []), *checking,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 8):
            print(done.stderr, file=sys.stderr)
        lines = out.read_text(encoding="utf-8").split("\n") if out.exists() else []
    server.shutdown()
    if verifier is not None:
        second.shutdown()
    return [r for r in map(json.loads, filter(None, lines)) if "actors" in r]


def score(
    oracle: FieldOracle, records: list[dict[str, Any]], show: set[str] | None = None
) -> dict[tuple[str, str], list[int]]:
    """Per (label, article): [items, flagged with the label's code, judged, any field flag].

    An item is judged when ``summarizer.meaning`` can judge the label's field on the item
    as recorded (for a clean item: any field); a dropped item (``--strict``) counts as
    flagged and judged.
    """
    found: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}
    said: dict[tuple[str, ...], list[str]] = {}
    for record in records:
        article = load_article(record["text"], language=record["language"])
        mentions = {a["id"]: [(m["start"], m["end"]) for m in a["mentions"]]
                    for a in record["actors"]}  # fmt: skip
        for kind, items in (("event", record["events"]), ("stance", record["stances"])):
            for item in items:
                evidence = item["evidence"][0]
                span = None
                if evidence["start"] is not None and evidence["match"] != "sentence":
                    span = (evidence["start"], evidence["end"])
                if kind == "event":
                    judged = judge_event(item["type"], item["realis"], item["agents"],
                                         item["targets"], span, article, mentions)  # fmt: skip
                else:
                    judged = [judge_stance(item["position"], span, article)]
                codes = {f["code"] for f in item["flags"]}
                values = (item["type"], item["realis"]) if kind == "event" else (item["position"],)
                key = (record["id"], kind, evidence["quote"], *values)
                said[key] = [
                    f"{f['code']}: {f['message']}"
                    for f in item["flags"]
                    if f["code"] in FIELD_CODES
                ]
                found[key] = (
                    codes,
                    {j.field for j in judged if j.judged},
                )
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for served in oracle.served:
        if show is not None and served.article in show:
            kept = found.get(served.key)
            print(f"  [{served.label}] {served.article}: {served.quote!r} -> "
                  f"{'dropped' if kept is None else said[served.key]} "
                  f"judged {None if kept is None else sorted(kept[1])}")  # fmt: skip
        row = table[(served.label, served.article)]
        row[0] += 1
        kept = found.get(served.key)
        if kept is None:
            row[1] += served.label != "clean"
            row[2] += 1
            row[3] += 1
            continue
        codes, judged = kept
        if served.label == "clean":
            row[2] += bool(judged)
        else:
            row[1] += bool(codes & CODES[served.label])
            row[2] += served.label in judged
        row[3] += bool(codes & FIELD_CODES)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--split", action="store_true", help="print halves A and B apart")
    parser.add_argument(
        "--show", action="store_true", help="list every item of half A with its flags"
    )
    parser.add_argument(
        "--verifier-errors", type=float, metavar="RATE",
        help="also run --verify-with against a loopback verifier that answers wrongly for "
        "this share of claims (plumbing only: no model's accuracy is measured)",
    )  # fmt: skip
    args = parser.parse_args()
    articles, gold = load()
    ids = sorted(articles)
    halves = {"all": set(ids)}
    if args.split:
        halves |= {"A": set(ids[: len(ids) // 2]), "B": set(ids[len(ids) // 2 :])}
    total: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    plumbing = [0, 0, 0, 0]
    for round_ in range(args.rounds):
        oracle = FieldOracle(articles, gold, args.seed + round_)
        verifier = None
        if args.verifier_errors is not None:
            verifier = LoopbackVerifier(oracle, args.verifier_errors, args.seed + round_)
        records = run_cli(oracle, list(articles.values()), strict=args.strict, verifier=verifier)
        if verifier is not None:
            plumbing = [a + b for a, b in zip(plumbing, _plumbing(verifier, records), strict=True)]
        show = set(ids[: len(ids) // 2]) if args.show else None
        for key, row in score(oracle, records, show).items():
            total[key] = [a + b for a, b in zip(total[key], row, strict=True)]
    events = sum(1 for items in gold.values() for i in items if i["kind"] == "event")
    print(
        f"{len(articles)} annotated articles, {events} events and "
        f"{sum(len(v) for v in gold.values()) - events} stances, served {args.rounds} "
        f"times with one field changed per item{' (--strict)' if args.strict else ''}\n"
    )
    header = (
        f"{'label':10} {'half':5} {'items':>6} {'flagged':>9} {'judged':>8} "
        f"{'flagged where judged':>21} {'any field flag':>15}  target"
    )
    print(header)
    print("-" * len(header))
    for label in ("clean", "type", "realis", "roles", "position"):
        for half, members in halves.items():
            row = [0, 0, 0, 0]
            for (lab, article), values in total.items():
                if lab == label and article in members:
                    row = [a + b for a, b in zip(row, values, strict=True)]
            if not row[0]:
                continue
            items, flagged, judged, anyflag = row
            where = f"{flagged / judged:.1%}" if judged else "-"
            if label == "clean":
                target = f"falsely flagged <= 2%: {'met' if anyflag / items <= 0.02 else 'MISSED'}"
                print(
                    f"{label:10} {half:5} {items:>6} {'-':>9} {judged / items:>8.1%} "
                    f"{'-':>21} {anyflag / items:>15.1%}  {target}"
                )
            else:
                target = f"flagged >= 85%: {'met' if flagged / items >= 0.85 else 'MISSED'}"
                print(
                    f"{label:10} {half:5} {items:>6} {flagged / items:>9.1%} "
                    f"{judged / items:>8.1%} {where:>21} {anyflag / items:>15.1%}  {target}"
                )

    if args.verifier_errors is not None:
        claims, stored, same, right = plumbing
        print(
            f"\nloopback verifier (answers wrongly for {args.verifier_errors:.0%} of claims on "
            f"purpose; not a model): {claims} claims asked, {stored} verdicts stored on their "
            f"items, {same} as the verifier gave them ({same / max(stored, 1):.1%}); verdicts "
            f"that match the served label: {right / max(stored, 1):.1%}"
        )


def _plumbing(verifier: LoopbackVerifier, records: list[dict[str, Any]]) -> list[int]:
    """[claims the verifier answered, verdicts stored, stored as given, stored right]:
    each item's claim is rendered again by the program's own ``claims_of``."""
    stored = same = right = 0
    for data in records:
        record = ArticleSummary.model_validate(data)
        article = load_article(record.text, language=record.language)
        items = [*record.stances, *record.demands, *record.events]
        for claim, item in zip(claims_of(record, article), items, strict=True):
            if item.verdict is None:
                continue
            stored += 1
            given, wanted = verifier.given.get((claim.claim, claim.evidence), ("", ""))
            same += given == item.verdict.label
            right += wanted == item.verdict.label
    return [len(verifier.given), stored, same, right]


if __name__ == "__main__":
    main()
