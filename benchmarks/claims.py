"""Headline and summary checks on real news: claim by claim, beside the summary-support share.

Reads the development set (``dev.jsonl``: English and French Wikinews articles, with
human summaries for the English ones) and builds, per article, sentences that must be
supported and sentences that must not:

- *faithful*: the human summary's sentences and the article's own title;
- *number changed*: a faithful sentence with one number changed (digits + 7);
- *name swapped*: a faithful sentence with one name replaced by a name from another
  article that this one never mentions;
- *other article*: another article's title and summary sentences (same language);
- *wrong language*: a faithful sentence of an article in the other language, given as
  this article's headline in its own language; *short* when under six words, where
  the language detector is often unsure and then says nothing.

Each sentence is checked with ``summarizer.claims.check_claims``; *flagged* counts
sentences left unsupported or flagged ``wrong_language`` (for *wrong language*, only
the latter). The
baseline is what the record said before: a warning when fewer than half of a text's
words of four letters or more occur in the article (the former ``summary_support``),
applied sentence by sentence, in the article's language only.

Usage::

    python benchmarks/claims.py [path/to/dev.jsonl]
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from summarizer.article import Article, load_article, split_sentences
from summarizer.claims import check_claims
from summarizer.grounding import fold

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
NUMBER = re.compile(r"\b\d+\b")
# A capitalised word (or run of them) after a space: never the word opening a sentence.
NAME = re.compile(r"(?<=\s)[A-Z][a-z]{3,}(?:\s[A-Z][a-z]{3,})*")
SHORT = 6


def baseline_flags(sentence: str, article: Article) -> bool:
    """The former check: under half of the 4+ letter words found in the article."""
    words = {w for w in fold(sentence).text.split() if len(w) >= 4}
    if not words:
        return False
    present = set(fold(article.body).text.split())
    return len(words & present) / len(words) < 0.5


def main(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    articles = [
        (row, load_article(row["text"], language=row.get("language"), date=row.get("date")))
        for row in rows
    ]
    faithful: dict[str, list[str]] = {}
    for row, article in articles:
        summary = (row.get("gold") or {}).get("summary") or ""
        sentences = [s.text for s in split_sentences(summary, 0, article.language)]
        faithful[row["id"]] = [s for s in [row.get("title") or "", *sentences] if s]
    names = {
        row["id"]: {m.group() for s in faithful[row["id"]] for m in NAME.finditer(" " + s)}
        for row, _ in articles
    }
    cases: list[tuple[str, str, Article, bool]] = []  # label, sentence, article, as headline
    for row, article in articles:
        own = faithful[row["id"]]
        body = fold(article.text).text
        cases += [("faithful", s, article, False) for s in own]
        for s in own:
            if m := NUMBER.search(s):
                changed = str(int(m.group()) + 7)
                cases.append(
                    ("number changed", s[: m.start()] + changed + s[m.end() :], article, False)
                )
        strangers = sorted(
            n for other, ns in names.items() if other != row["id"] for n in ns
            if fold(n).text.strip() not in body
        )  # fmt: skip
        for i, s in enumerate(own):
            found = [m for m in NAME.finditer(s) if fold(m.group()).text.strip() in body]
            if found and strangers:
                m = found[0]
                swapped = s[: m.start()] + strangers[i % len(strangers)] + s[m.end() :]
                cases.append(("name swapped", swapped, article, False))
        for other, other_article in articles:
            if other["id"] != row["id"] and other_article.language == article.language:
                cases += [("other article", s, article, False) for s in faithful[other["id"]][:2]]
            if other_article.language != article.language:
                cases += [
                    (
                        f"wrong language{' (short)' if len(s.split()) < SHORT else ''}",
                        s,
                        article,
                        True,
                    )
                    for s in faithful[other["id"]][:2]
                ]

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    started = time.perf_counter()
    for label, sentence, article, as_headline in cases:
        lang = article.language
        result = check_claims(
            sentence if as_headline else "", "" if as_headline else sentence, article, lang
        )
        part = "headline" if as_headline else "summary"
        claims = [c for c in result.claims if c.part == part]
        if label.startswith("wrong language"):
            flagged = any(f.code == "wrong_language" for c in claims for f in c.flags)
            baseline = False  # the record had no language check
        else:
            flagged = any(
                not c.supported or any(f.code == "wrong_language" for f in c.flags) for c in claims
            )
            baseline = baseline_flags(sentence, article)
        counts[label][0] += 1
        counts[label][1] += flagged
        counts[label][2] += baseline
    elapsed = time.perf_counter() - started

    print(f"{len(articles)} articles, {len(cases)} sentences")
    print(f"{'case':22} {'n':>5} {'summarizer flagged':>19} {'baseline flagged':>17}")
    labels = ("faithful", "number changed", "name swapped", "other article", "wrong language")
    for label in (*labels, "wrong language (short)"):
        n, ours, base = counts[label]
        if n:
            print(f"{label:22} {n:5d} {ours / n:19.1%} {base / n:17.1%}")
    print("(faithful: lower is better; every other case: higher is better)")
    print(f"time per sentence: {elapsed / len(cases) * 1000:.2f} ms (language models loaded once)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
