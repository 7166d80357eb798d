"""Grounding accuracy and speed on perturbed quotes from real news sentences.

Takes sentences from the gold articles (``dev.jsonl``: English and French Wikinews),
cuts a quote of 5 to 18 words out of each, perturbs it the way models do, and asks the
aligner to find it, citing the right sentence. A result is *right* when the span found
overlaps the words the quote came from with an intersection-over-union of at least
0.8 (and *exact* when the boundaries are identical).

Perturbations: ``verbatim``; ``case``; ``whitespace`` (runs and line breaks);
``quotes`` (straight ↔ typographic quotes and apostrophes); ``accents`` (dropped);
``elision`` (middle words replaced by "…"); ``truncation`` (the last word cut short);
``typo`` (two letters swapped); ``paraphrase`` (words reordered) and ``absent`` (a
quote from another article): neither may be grounded.

Misquotes (see ``misquotes.py``), each from a quote that holds what is changed:
``number`` (a digit or number word changed), ``negation+`` (a negation added to a
verb), ``negation-`` (the quote's negation taken out), ``name`` (a name swapped for
another of the article), ``date`` (a weekday or month changed), ``word`` (a word
replaced), ``dropped`` (1 to 3 words left out silently: the span must still be the run
they came from), ``fragment`` (an elision whose first part is one short common word
that also occurs earlier: "the … said on Monday").

Columns: *right*, the span found has IoU >= 0.8 with the words the quote came from;
*grounded*, the aligner vouches for the quote (summarizer: ``grounded``; langextract:
an exact alignment); *target*, what the issue asks of summarizer on that row.

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

import misquotes

from summarizer import load_article
from summarizer.article import Article
from summarizer.grounding import locate

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
IOU_RIGHT = 0.8
#: What each row must reach: (column, share, at least or at most).
TARGETS: dict[str, tuple[str, float, str]] = {
    **dict.fromkeys(
        ("verbatim", "case", "whitespace", "quotes", "accents", "elision"), ("grounded", 1.0, ">=")
    ),
    "paraphrase": ("grounded", 0.0, "<="),
    "absent": ("grounded", 0.0, "<="),
    "number": ("caught", 0.98, ">="),
    **dict.fromkeys(("negation+", "negation-", "name", "date"), ("caught", 0.95, ">=")),
    "dropped": ("right", 0.90, ">="),
}


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
            other = rng.choice([a for a in articles if a is not article])
            elsewhere = rng.choice(other.sentences)
            words_elsewhere = other.text[elsewhere.start : elsewhere.end].split()
            if len(words_elsewhere) >= 5:
                add("absent", " ".join(words_elsewhere[: rng.randint(5, 12)]), None)
        cases.extend(_misquotes(article, per_article, rng))
    return cases


def _bare(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _misquotes(article: Article, per_article: int, rng: random.Random) -> list[Case]:
    """Up to ``per_article`` cases of each misquote, from quotes that hold what changes."""
    language = article.language
    names = sorted(
        {w for s in article.sentences for w in article.text[s.start : s.end].split()[1:]
         if w[:1].isupper() and w.isalpha() and len(w) > 2}
    )  # fmt: skip
    article_words = article.body.split()
    makers: dict[str, Callable[[str], str | None]] = {
        "number": lambda q: misquotes.change_number(q, language, rng),
        "negation+": lambda q: misquotes.add_negation(q, language, rng),
        "negation-": lambda q: misquotes.remove_negation(q, language, rng),
        "name": lambda q: misquotes.swap_name(q, names, rng),
        "date": lambda q: misquotes.change_date(q, language, rng),
        "word": lambda q: misquotes.replace_word(q, article_words, rng),
        "dropped": lambda q: misquotes.drop_words(q, language, rng),
    }
    sentences = [s.id for s in article.sentences if len(_words(article, s.id)) >= 6]
    cases: list[Case] = []
    for name, make in makers.items():
        made = 0
        for sentence_id in rng.sample(sentences, len(sentences)):
            if made >= per_article:
                break
            words = _words(article, sentence_id)
            for _ in range(4):
                n = rng.randint(min(6, len(words)), min(18, len(words)))
                first = rng.randint(0, len(words) - n)
                start, end = words[first][0], words[first + n - 1][1]
                quote = article.text[start:end]
                changed = make(quote)
                # A change that happens to be in the text, or that only moved punctuation
                # or an existing "[...]", is no misquote.
                if (
                    changed is not None
                    and changed.split() != quote.split()
                    and _bare(changed) != _bare(quote)
                    and changed not in article.text
                    and "[...]" not in quote
                    and "…" not in quote
                ):
                    cases.append(Case(article, sentence_id, changed, (start, end), name))
                    made += 1
                    break
    stops = misquotes.stop_words(language)
    made = 0
    for sentence in article.sentences:
        words = _words(article, sentence.id)
        if made >= per_article or len(words) < 7:
            continue
        head = article.text[words[0][0] : words[0][1]]
        earlier = article.text[article.body_start : sentence.start].lower().split()
        if head.lower() in stops and head.lower() in earlier:
            tail = article.text[words[-3][0] : words[-1][1]]
            # The right anchor is the head's last occurrence before the tail: the parts
            # nearest each other.
            nearest = max(
                w for w in words[:-3] if article.text[w[0] : w[1]].lower() == head.lower()
            )
            span = (nearest[0], words[-1][1])
            cases.append(Case(article, sentence.id, f"{head} … {tail}", span, "fragment"))
            made += 1
    return cases


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


Aligner = Callable[[Case], tuple[tuple[int, int] | None, bool]]


def summarizer_aligner(case: Case) -> tuple[tuple[int, int] | None, bool]:
    found = locate(case.quote, case.article, [case.sentence])
    if found.start is None or found.end is None or found.match in ("sentence", "unverified"):
        return None, False
    return (found.start, found.end), found.grounded


def langextract_aligner() -> Aligner | None:
    try:
        from langextract import data, resolver
    except ImportError:
        return None
    aligner = resolver.Resolver()

    def align(case: Case) -> tuple[tuple[int, int] | None, bool]:
        extraction = data.Extraction(extraction_class="quote", extraction_text=case.quote)
        # langextract aligns within a chunk: give it the cited sentence, as we do.
        sentence = case.article.sentences[case.sentence - 1]
        chunk = case.article.text[sentence.start : sentence.end]
        result = next(iter(aligner.align([extraction], chunk, token_offset=0, char_offset=0)))
        interval = result.char_interval
        if interval is None or interval.start_pos is None or interval.end_pos is None:
            return None, False
        exact = result.alignment_status == data.AlignmentStatus.MATCH_EXACT
        return (sentence.start + interval.start_pos, sentence.start + interval.end_pos), exact

    return align


def run(cases: list[Case], aligner: Aligner) -> tuple[dict[str, list[int]], float]:
    """Per perturbation: [cases, right span, grounded]; and seconds in all."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    started = time.perf_counter()
    results = [aligner(case) for case in cases]
    seconds = time.perf_counter() - started
    for case, (span, grounded) in zip(cases, results, strict=True):
        row = table[case.perturbation]
        row[0] += 1
        row[2] += grounded
        if case.gold is None:
            row[1] += span is None
        elif span is not None:
            row[1] += iou(span, case.gold) >= IOU_RIGHT
    return table, seconds


ORDER = [
    "verbatim", "case", "whitespace", "quotes", "accents", "elision", "fragment",
    "truncation", "typo", "paraphrase", "absent",
    "number", "negation+", "negation-", "name", "date", "word", "dropped",
]  # fmt: skip
MISQUOTES = {"number", "negation+", "negation-", "name", "date", "word", "dropped"}


def _target(perturbation: str, row: list[int]) -> str:
    if perturbation not in TARGETS:
        return ""
    column, share, sense = TARGETS[perturbation]
    value = {"right": row[1], "grounded": row[2], "caught": row[0] - row[2]}[column] / row[0]
    met = value >= share if sense == ">=" else value <= share
    return f"{column} {sense} {share:.0%}: {'met' if met else 'MISSED'}"


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
        f"{len(cases)} quotes from {len(articles)} articles ({args.gold.name}); right = span "
        f"IoU >= {IOU_RIGHT}; grounded = vouched for (caught = 1 - grounded on misquotes)\n"
    )
    names = list(systems)
    header = (
        f"{'perturbation':12} {'cases':>5} "
        + " ".join(f"{n[:11] + ' right':>17} {'grounded':>8}" for n in names)
        + "  target (summarizer)"
    )
    print(header)
    print("-" * len(header))
    for perturbation in ORDER:
        rows = [results[n][0].get(perturbation) for n in names]
        if rows[0] is None:
            continue
        cells = [f"{r[1] / r[0]:>17.1%} {r[2] / r[0]:>8.1%}" for r in rows if r is not None]
        print(
            f"{perturbation:12} {rows[0][0]:>5} " + " ".join(cells)
            + f"  {_target(perturbation, rows[0])}"
        )  # fmt: skip
    print("-" * len(header))
    for name in names:
        table = results[name][0]
        caught = [table[p][0] - table[p][2] for p in MISQUOTES if p in table]
        total = sum(table[p][0] for p in MISQUOTES if p in table)
        print(f"{name}: misquotes caught {sum(caught)}/{total} ({sum(caught) / total:.1%})")
    print()
    for name in names:
        seconds = results[name][1]
        print(f"{name}: {seconds / len(cases) * 1e6:.0f} µs per quote (target: < 1000 µs)")
    if len(names) > 1:
        print(
            "ratio summarizer/langextract time: "
            f"{results['summarizer'][1] / results['langextract'][1]:.2f}"
        )
    else:
        print("langextract not installed: pip install langextract to compare")


if __name__ == "__main__":
    main()
