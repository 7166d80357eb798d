"""Score one or more configurations on a gold set and print them side by side.

Runs ``summarizer``'s evaluation (see ``summarizer.evaluate``) over a gold JSONL file
— by default the project's development set, ``../shared/eval/dev.jsonl`` — against an
OpenAI-compatible endpoint, once per ``--model`` and ``--prompt`` combination, and
prints each report and a comparison table (F1 per layer, summary ROUGE-L, grounded
share, share of headline and summary sentences supported by the article ("claims"),
schema-valid first try, re-asks, tokens, seconds).

Usage::

    python benchmarks/eval_dev.py --base-url http://localhost:11434/v1 --model qwen3:8b
    python benchmarks/eval_dev.py --base-url URL --model a --model b          # two models
    python benchmarks/eval_dev.py --base-url URL --model a --prompt extract --prompt extract-2

With no ``--base-url`` the embedded Gemma 3 270M is used (needs the ``[local]`` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
from pathlib import Path

from summarizer import Settings, Summarizer
from summarizer.evaluate import Report, format_report, load_gold, run_eval

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


async def _run(settings: Settings, gold: Path, limit: int | None) -> Report:
    articles = load_gold(gold)[:limit]
    async with Summarizer(settings) as summarizer:
        return await run_eval(articles, summarizer)


def main() -> None:
    # instructor logs every failed attempt at ERROR; the report says what matters.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--base-url")
    parser.add_argument("--api-key")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--prompt", action="append", default=[])
    parser.add_argument("--max-items", type=int)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    rows = []
    for model, prompt in itertools.product(args.model or [None], args.prompt or ["extract"]):
        settings = Settings.from_env(
            base_url=args.base_url, api_key=args.api_key, backend=args.backend, model=model,
            prompt=prompt, max_items=args.max_items, concurrency=args.concurrency,
        )  # fmt: skip
        label = f"{model or 'default model'} · {prompt}"
        report = asyncio.run(_run(settings, args.gold, args.limit))
        print(format_report(report, title=f"== {label} on {args.gold.name}"), end="\n\n")
        rows.append((label, report.as_dict()))

    if len(rows) > 1:
        names = ["actors", "events", "stances", "demands"]
        tail = (
            f" {'ROUGE-L':>8} {'grounded':>9} {'claims':>7} {'1st try':>8} {'tokens':>9}"
            f" {'seconds':>8}"
        )
        print(f"{'configuration':40} " + " ".join(f"{n + ' F1':>11}" for n in names) + tail)
        for label, data in rows:
            f1s = [data["layers"][n]["f1"] for n in names]
            cells = " ".join("        n/a" if f is None else f"{f:11.3f}" for f in f1s)

            def fig(value: float | None) -> str:
                return "n/a" if value is None else f"{value:.3f}"

            tokens = data["prompt_tokens"] + data["completion_tokens"]
            print(
                f"{label[:40]:40} {cells} {fig(data['summary_rouge_l']):>8} "
                f"{fig(data['grounded_share']):>9} {fig(data['claims_supported']):>7} "
                f"{fig(data['schema_valid_first_try']):>8} "
                f"{tokens:>9} {data['seconds']:>8.1f}"
            )


if __name__ == "__main__":
    main()
