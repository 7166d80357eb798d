"""Grounding accuracy and speed on perturbed quotes from real news sentences.

Takes sentences from the gold articles (``dev.jsonl``: English and French Wikinews),
cuts a quote of 5 to 18 words out of each, perturbs it the way models do, and asks the
aligner to find it, citing the right sentence. A result is *right* when the span found
overlaps the words the quote came from with an intersection-over-union of at least
0.8 (and *exact* when the boundaries are identical).

Perturbations: ``verbatim``; ``case``; ``whitespace`` (runs and line breaks);
``quotes`` (straight ↔ typographic quotes and apostrophes); ``accents`` (dropped);
``elision`` (middle words replaced by "…"); ``truncation`` (the last word cut short);
``typo`` (two letters swapped); ``paraphrase`` (words reordered: should *not* be found
verbatim; counted right when the aligner falls back to the sentence or gives nothing).

If ``langextract`` is importable, its ``Resolver.align`` (the default exact and fuzzy
alignment) runs on the same cases and is printed beside summarizer's cascade.

Usage::

    python benchmarks/grounding.py [path/to/dev.jsonl] [--per-article N]
"""

from __future__ import annotations

import argparse
import json
import random
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summarizer import load_article
from summarizer.article import Article
from summarizer.grounding import locate

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
IOU_RIGHT = 0.8


@dataclass(frozen=True)
class Case:
    article: Article
    sentence: int
    quote: str
    gold: tuple[int, int] | None  # None: the quote must not be grounded as words
    perturbation: str


def _words(article: Article, sentence_id: int) -> list[tuple[int, int]]:
    sentence = article.sentences[sentence_id - 1]
    spans, start = [], None
    for i in range(sentence.start, sentence.end + 1):
        inside = i < sentence.end and not article.text[i].isspace()
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            spans.append((start, i))
            start = None
    return spans


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _typographic(text: str) -> str:
    out, opened = [], False
    for c in text:
        if c == "'":
            out.append("’")
        elif c == '"':
            out.append("”" if opened else "“")
            opened = not opened
        else:
            out.append(c)
    return "".join(out)


def make_cases(articles: list[Article], per_article: int, rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    for article in articles:
        candidates = [s.id for s in article.sentences if len(_words(article, s.id)) >= 8]
        for sentence_id in rng.sample(candidates, min(per_article, len(candidates))):
            words = _words(article, sentence_id)
            n = rng.randint(5, min(18, len(words)))
            first = rng.randint(0, len(words) - n)
            chosen = words[first : first + n]
            start, end = chosen[0][0], chosen[-1][1]
            quote = article.text[start:end]
            gold = (start, end)

            def add(
                name: str,
                text: str,
                span: tuple[int, int] | None = gold,
                article: Article = article,
                sentence_id: int = sentence_id,
            ) -> None:
                cases.append(Case(article, sentence_id, text, span, name))

            add("verbatim", quote)
            add("case", quote.upper() if rng.random() < 0.5 else quote.lower())
            add("whitespace", "  \n ".join(quote.split(" ")))
            add(
                "quotes",
                _typographic(quote) if ("'" in quote or '"' in quote) else quote.replace("’", "'"),
            )
            add("accents", _strip_accents(quote))
            if n >= 7:
                keep = article.text[chosen[0][0] : chosen[2][1]], article.text[chosen[-3][0] : end]
                add("elision", f"{keep[0]} … {keep[1]}")
            last = chosen[-1]
            if last[1] - last[0] >= 4:
                cut = last[0] + (last[1] - last[0]) // 2
                add("truncation", article.text[start:cut], (start, cut))
            letters = [i for i, c in enumerate(quote) if c.isalpha()]
            if len(letters) > 12:
                i = letters[len(letters) // 2]
                typo = quote[:i] + quote[i + 1] + quote[i] + quote[i + 2 :]
                add("typo", typo)
            shuffled = quote.split()
            rng.shuffle(shuffled)
            if shuffled != quote.split():
                add("paraphrase", " ".join(shuffled), None)
    return cases


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


Aligner = Callable[[Case], tuple[tuple[int, int] | None, str]]


def summarizer_aligner(case: Case) -> tuple[tuple[int, int] | None, str]:
    found = locate(case.quote, case.article, [case.sentence])
    if found.start is None or found.end is None or found.match in ("sentence", "unverified"):
        return None, found.match
    return (found.start, found.end), found.match


def langextract_aligner() -> Aligner | None:
    try:
        from langextract import data, resolver
    except ImportError:
        return None
    aligner = resolver.Resolver()

    def align(case: Case) -> tuple[tuple[int, int] | None, str]:
        extraction = data.Extraction(extraction_class="quote", extraction_text=case.quote)
        # langextract aligns within a chunk: give it the cited sentence, as we do.
        sentence = case.article.sentences[case.sentence - 1]
        chunk = case.article.text[sentence.start : sentence.end]
        result = next(iter(aligner.align([extraction], chunk, token_offset=0, char_offset=0)))
        interval = result.char_interval
        if interval is None or interval.start_pos is None or interval.end_pos is None:
            return None, "none"
        status = result.alignment_status.value if result.alignment_status else "?"
        return (sentence.start + interval.start_pos, sentence.start + interval.end_pos), status

    return align


def run(cases: list[Case], aligner: Aligner) -> tuple[dict[str, list[int]], float]:
    """Per perturbation: [cases, right, exact boundaries]; and seconds in all."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    started = time.perf_counter()
    results = [aligner(case) for case in cases]
    seconds = time.perf_counter() - started
    for case, (span, _) in zip(cases, results, strict=True):
        row = table[case.perturbation]
        row[0] += 1
        if case.gold is None:
            row[1] += span is None
            row[2] += span is None
        elif span is not None:
            row[1] += iou(span, case.gold) >= IOU_RIGHT
            row[2] += span == case.gold
    return table, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--per-article", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    records = [
        json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line
    ]
    articles = [load_article(r["text"], language=r["language"]) for r in records]
    cases = make_cases(articles, args.per_article, random.Random(args.seed))
    systems: dict[str, Aligner] = {"summarizer": summarizer_aligner}
    other = langextract_aligner()
    if other is not None:
        systems["langextract"] = other

    results = {name: run(cases, aligner) for name, aligner in systems.items()}
    print(
        f"{len(cases)} quotes from {len(articles)} articles ({args.gold.name}); "
        f"right = IoU >= {IOU_RIGHT}\n"
    )
    names = list(systems)
    header = f"{'perturbation':13} {'cases':>6} " + " ".join(
        f"{n + ' right':>17} {'exact':>6}" for n in names
    )
    print(header)
    print("-" * len(header))
    order = [
        "verbatim",
        "case",
        "whitespace",
        "quotes",
        "accents",
        "elision",
        "truncation",
        "typo",
        "paraphrase",
    ]
    totals = {n: [0, 0, 0] for n in names}
    for perturbation in order:
        cells = []
        count = 0
        for name in names:
            row = results[name][0].get(perturbation, [0, 0, 0])
            count = row[0]
            totals[name] = [t + r for t, r in zip(totals[name], row, strict=True)]
            cells.append(f"{row[1] / max(row[0], 1):>17.1%} {row[2] / max(row[0], 1):>6.1%}")
        print(f"{perturbation:13} {count:>6} " + " ".join(cells))
    print("-" * len(header))
    print(
        f"{'all':13} {totals[names[0]][0]:>6} "
        + " ".join(f"{t[1] / t[0]:>17.1%} {t[2] / t[0]:>6.1%}" for t in totals.values())
    )
    print()
    for name in names:
        seconds = results[name][1]
        print(f"{name}: {seconds / len(cases) * 1e6:.0f} µs per quote")
    if len(names) > 1:
        print(
            "ratio summarizer/langextract time: "
            f"{results['summarizer'][1] / results['langextract'][1]:.2f}"
        )
    else:
        print("langextract not installed: pip install langextract to compare")


if __name__ == "__main__":
    main()
