"""Does verification catch a model's mistakes? Served answers with labelled mistakes.

A loopback server (real HTTP on 127.0.0.1) answers chat completions with drafts built
from the gold annotations of ``dev.jsonl``: one actor per gold actor (named by its
longest proper-name mention), one event per gold event (its trigger), each with an
exact quote of 3 to 25 words around the mention or trigger in its sentence. Into
these it injects labelled mistakes at set rates:

``clean``            the exact quote
``typography``       curly quotes and apostrophes, a non-breaking space (harmless)
``number``           a digit or number word changed
``negation``         a negation added to a verb, or taken out
``name``             a name in the quote swapped for another of the article
``word``             one word replaced by another word of the article
``dropped``          one to three words left out silently
``wrong_sentence``   the exact quote, citing another sentence
``invented_actor``   an actor the article never names (one per article)
``invented_event``   an event with a made-up quote (one per article)

The server reads the numbered sentences from the prompt, so quotes and sentence ids
are the ones the CLI showed; it answers every request for an article (re-asks
included) with the same draft, and remembers the label of each quote it served.
The CLI (``summarizer run``) then summarises the dev articles against it, and the
script prints, per label and per quote-length band, how many items were kept
unflagged, kept flagged, or dropped, beside the targets: clean and typography kept
unflagged 100 %; every harmful label caught (flagged or dropped) >= 95 %, numbers and
negation 100 %, at every quote length. A relocated quote (``wrong_sentence``) counts
as caught when it carries its informational ``cited_sentence_corrected`` flag.

Mistakes in an item's fields with a verbatim quote (a wrong type, realis, roles or
position) are served and counted by ``benchmarks/fields.py``, on hand-annotated events
and stances, with this module's server.

Usage::

    python benchmarks/verification.py [path/to/dev.jsonl] [--strict] [--seed N] [--rounds N]
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

import misquotes

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
RATES = {
    "clean": 0.25,
    "typography": 0.10,
    "number": 0.10,
    "negation": 0.12,
    "name": 0.10,
    "word": 0.10,
    "dropped": 0.13,
    "wrong_sentence": 0.10,
}
HARMLESS = {"clean", "typography"}
BANDS = [(0, 5, "1-5"), (6, 10, "6-10"), (11, 16, "11-16"), (17, 10**6, "17+")]
KINDS = {"person", "state", "government", "organization", "armed_group", "institution", "group"}
_SENTENCE_LINE = re.compile(r"^\[S(\d+)\] (.*)$", re.MULTILINE)
_PRONOUNS = {
    "he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "you", "i",
    "il", "elle", "ils", "elles", "lui", "on", "nous", "vous", "son", "sa", "ses", "leur",
}  # fmt: skip


@dataclass
class Oracle:
    """Gold articles, the drafts served for them, and the label of every quote served."""

    records: list[dict[str, Any]]
    seed: int
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, prompt: str) -> dict[str, Any]:
        sentences = {int(n): text for n, text in _SENTENCE_LINE.findall(prompt)}
        record = self._record(sentences)
        with self.lock:
            if record["id"] not in self.drafts:
                rng = random.Random(f"{self.seed}:{record['id']}")
                self.drafts[record["id"]] = self._draft(record, sentences, rng)
            return self.drafts[record["id"]]

    def _record(self, sentences: dict[int, str]) -> dict[str, Any]:
        first = sentences[min(sentences)]
        for record in self.records:
            if first in " ".join(record["text"].split()):
                return record
        raise LookupError(f"no gold article holds {first[:60]!r}")

    def _draft(
        self, record: dict[str, Any], sentences: dict[int, str], rng: random.Random
    ) -> dict[str, Any]:
        language = record["language"]
        text = " ".join(record["text"].split())
        names = sorted({w for s in sentences.values() for w in s.split()[1:] if w[:1].isupper()
                        and w.isalpha() and len(w) > 2})  # fmt: skip
        words = text.split()
        actors: list[dict[str, Any]] = []
        seen: set[str] = set()
        for gold in record["gold"]["actors"]:
            mentions = [m["text"] for m in gold["mentions"] if m["text"].lower() not in _PRONOUNS]
            proper = [m for m in mentions if m[:1].isupper()] or mentions
            if not proper:
                continue
            name = max(proper, key=len)
            surfaces = {m.lower() for m in mentions}
            # Gold chains that share a surface form would be merged, rightly: one is kept.
            if surfaces & seen or len(actors) >= 14:
                continue
            seen |= surfaces
            placed = self._place(name, sentences, rng, language, names, words, record["id"])
            if placed is None:
                continue
            quote, cited = placed
            if not quote:
                continue
            others = [m for m in dict.fromkeys(mentions) if m != name][:6]
            actors.append({
                "id": f"A{len(actors) + 1}", "name": name,
                "kind": gold["kind"] if gold["kind"] in KINDS else "other",
                "mentions": others, "sentences": cited, "quote": quote,
            })  # fmt: skip
        events: list[dict[str, Any]] = []
        for gold in record["gold"].get("events") or []:
            if len(events) >= 9:
                break
            trigger = gold["trigger"]["text"]
            placed = self._place(trigger, sentences, rng, language, names, words, record["id"])
            if placed is None:
                continue
            quote, cited = placed
            events.append({
                "type": "other", "description": trigger, "agents": [], "targets": [],
                "realis": "occurred", "sentences": cited, "quote": quote,
            })  # fmt: skip
        invented_actor = {
            "id": f"A{len(actors) + 1}", "name": "Zorvath Quellingham", "kind": "person",
            "mentions": [], "sentences": [min(sentences)],
            "quote": "Zorvath Quellingham said the talks had failed",
        }  # fmt: skip
        actors.append(invented_actor)
        self.labels[(record["id"], invented_actor["quote"])] = ("invented_actor", 7)
        invented_event = {
            "type": "assault", "description": "a bridge was blown up", "agents": [],
            "targets": [], "realis": "occurred", "sentences": [max(sentences)],
            "quote": "the old bridge over the river was blown up at dawn",
        }  # fmt: skip
        events.append(invented_event)
        self.labels[(record["id"], invented_event["quote"])] = ("invented_event", 11)
        return {
            "headline": record["title"][:200] or "headline",
            "summary": " ".join(sentences[min(sentences)].split()[:40]),
            "actors": actors,
            "stances": [],
            "demands": [],
            "events": events,
        }

    def _place(
        self,
        anchor: str,
        sentences: dict[int, str],
        rng: random.Random,
        language: str,
        names: list[str],
        words: list[str],
        article: str,
    ) -> tuple[str, list[int]] | None:
        """A quote around ``anchor`` in its sentence, with a mistake drawn at the set rates."""
        found = [(n, s) for n, s in sentences.items() if anchor in s]
        if not found:
            return None
        number, sentence = found[0]
        tokens = sentence.split()
        at = len(sentence[: sentence.index(anchor)].split())
        span = max(1, len(anchor.split()))
        label = rng.choices(list(RATES), weights=list(RATES.values()))[0]
        for _ in range(8):
            length = rng.randint(min(max(3, span), len(tokens)), min(max(25, span), len(tokens)))
            lowest = max(0, at + span - length)
            first = rng.randint(lowest, max(lowest, min(at, len(tokens) - length)))
            quote = " ".join(tokens[first : first + length])
            served = _mistake(label, quote, language, names, words, rng)
            if served is not None and (
                label in ("clean", "wrong_sentence") or served not in sentence
            ):
                cited = [number]
                if label == "wrong_sentence":
                    cited = [rng.choice([n for n in sentences if n != number] or [number])]
                self.labels[(article, served)] = (label, len(served.split()))
                return served, cited
        quote = " ".join(tokens[at : at + span])
        if quote:
            self.labels[(article, quote)] = ("clean", len(quote.split()))
        return quote, [number]


def _mistake(
    label: str, quote: str, language: str, names: list[str], words: list[str], rng: random.Random
) -> str | None:
    if label in ("clean", "wrong_sentence"):
        return quote
    if label == "typography":
        return misquotes.retype(quote)
    if label == "number":
        return misquotes.change_number(quote, language, rng)
    if label == "negation":
        return misquotes.remove_negation(quote, language, rng) or misquotes.add_negation(
            quote, language, rng
        )
    if label == "name":
        return misquotes.swap_name(quote, names, rng)
    if label == "word":
        return misquotes.replace_word(quote, words, rng)
    if label == "dropped":
        return misquotes.drop_words(quote, language, rng)
    raise ValueError(label)


class _Answers(Protocol):
    def answer(self, prompt: str) -> dict[str, Any]: ...


def serve(oracle: _Answers) -> ThreadingHTTPServer:
    """A loopback chat-completions server whose every answer is ``oracle.answer(prompt)``.

    Token counts in ``usage`` are the prompt's and the answer's characters over four.
    """

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self._send({"object": "list", "data": [{"id": "oracle"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))
            prompt = "\n".join(str(m.get("content", "")) for m in body["messages"])
            content = json.dumps(oracle.answer(prompt), ensure_ascii=False)
            prompt_tokens, completion_tokens = len(prompt) // 4, len(content) // 4
            self._send({
                "id": "chatcmpl-oracle", "object": "chat.completion", "created": 0,
                "model": "oracle",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop", "logprobs": None}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens},
            })  # fmt: skip

        def _send(self, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    class Server(ThreadingHTTPServer):
        # The default listen backlog of 5 drops connections opened at once beyond it,
        # and the client's retry of a dropped connection costs a second.
        request_queue_size = 64
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def score(oracle: Oracle, records: list[dict[str, Any]]) -> dict[str, dict[str, list[int]]]:
    """Per label and band: [kept unflagged, kept flagged, dropped]."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    kept: dict[tuple[str, str], bool] = {}
    by_name: dict[tuple[str, str], bool] = {}
    for record in records:
        for item in [*record["actors"], *record["events"]]:
            flagged = bool(item["flags"]) or any(e["flags"] for e in item["evidence"])
            for evidence in item["evidence"]:
                kept[(record["id"], evidence["quote"])] = flagged
            if "name" in item and not item["evidence"]:
                by_name[(record["id"], item["name"])] = True
    for (article, quote), (label, length) in oracle.labels.items():
        band = next(b for lo, hi, b in BANDS if lo <= length <= hi)
        outcome = kept.get((article, quote))
        column = 2 if outcome is None else int(outcome)
        table[label][band][column] += 1
        table[label]["all"][column] += 1
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--strict", action="store_true", help="run the CLI with --strict")
    parser.add_argument("--rounds", type=int, default=3, help="drafts drawn per article")
    args = parser.parse_args()

    records = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines()]
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    done = 0
    for round_ in range(args.rounds):
        oracle = Oracle(records, args.seed + round_)
        results = _run_cli(oracle, records, strict=args.strict)
        done += len(results)
        for label, bands in score(oracle, results).items():
            for band, row in bands.items():
                table[label][band] = [a + b for a, b in zip(table[label][band], row, strict=True)]

    print(
        f"{done} of {len(records) * args.rounds} articles summarised against the loopback "
        f"oracle ({args.rounds} rounds{', --strict' if args.strict else ''}); per label: kept "
        "unflagged / flagged / dropped, then the share right per quote-length band (words)\n"
    )
    bands = [b for _, _, b in BANDS]
    header = f"{'label':16} {'all':>16} " + " ".join(f"{b:>12}" for b in bands) + "  target"
    print(header)
    print("-" * len(header))
    for label in [*RATES, "invented_actor", "invented_event"]:
        if label not in table:
            continue
        rows = table[label]
        cells = [_cell(rows.get(b), label) for b in bands]
        print(f"{label:16} {_cell(rows['all'], label, full=True):>16} {' '.join(cells)}  "
              f"{_target(label, rows)}")  # fmt: skip


def _run_cli(
    oracle: Oracle, records: list[dict[str, Any]], *, strict: bool
) -> list[dict[str, Any]]:
    """Summarise the gold articles with the CLI against the oracle; the records it wrote."""
    server = serve(oracle)
    host, port = server.server_address[:2]
    with tempfile.TemporaryDirectory() as folder:
        articles = Path(folder) / "articles.jsonl"
        articles.write_text(
            "".join(
                json.dumps({k: r[k] for k in ("id", "text", "language", "date")}) + "\n"
                for r in records
            ),
            encoding="utf-8",
        )
        out = Path(folder) / "records.jsonl"
        command = [
            sys.executable, "-m", "summarizer", "run", str(articles), "-o", str(out),
            "--format", "json", "--base-url", f"http://{host}:{port}/v1", "--model", "oracle",
            "--backend", "vllm", "--no-cache", "--api-key", "none",
            *(["--strict"] if strict else []),
        ]  # fmt: skip
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    server.shutdown()
    return [r for r in map(json.loads, lines) if "actors" in r]


def _cell(row: list[int] | None, label: str, *, full: bool = False) -> str:
    if row is None or not sum(row):
        return f"{'-':>12}"
    total = sum(row)
    good = row[0] if label in HARMLESS else row[1] + row[2]
    if full:
        return f"{row[0]}/{row[1]}/{row[2]}"
    return f"{good / total:>7.0%} ({total:>2})"


def _target(label: str, rows: dict[str, list[int]]) -> str:
    share = 1.0 if label in HARMLESS | {"number", "negation"} else 0.95
    worst = min(
        (r[0] if label in HARMLESS else r[1] + r[2]) / sum(r) for r in rows.values() if sum(r)
    )
    what = "kept unflagged" if label in HARMLESS else "caught"
    return f"{what} >= {share:.0%} in every band: {'met' if worst >= share else 'MISSED'}"


if __name__ == "__main__":
    main()
