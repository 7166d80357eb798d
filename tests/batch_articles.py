"""Three short articles and the hand-built answers and batch result lines the batch tests use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from summarizer.cli import cli
from summarizer.jsonl import jsonl_lines

TEXTS = {
    "a1": "Lyon, 5 March 2024 - The mayor of Lyon, Grégory Doucet, asked the state to fund a "
    "new tram line.",
    "a2": "Paris, 6 March 2024 - The prefect of Paris, Marc Guillaume, refused to close the "
    "ring road.",
    "a3": "Nantes, 7 March 2024 - The mayor of Nantes, Johanna Rolland, opened a new bridge.",
}


def drafted(article_id: str, *, bad: bool = False) -> dict[str, Any]:
    """The draft a model would give, written by hand for the test."""
    text = TEXTS[article_id]
    name = text.split(", ")[2]
    quote = text.split(" - ", 1)[1].split(",")[0] + ", " + name
    return {
        "headline": f"{name} in the news",
        "summary": f"{name} acted.",
        "actors": [
            {
                "id": "A1",
                "name": name,
                "kind": "person",
                "sentences": [9 if bad else 1],
                "quote": quote,
            }
        ],
    }


def hand_built_result(custom_id: str, draft: dict[str, Any] | None, status: int = 200) -> str:
    """One line of a batch results file, as the Batch API writes them, built by hand."""
    body: dict[str, Any]
    if draft is None:
        body = {"error": {"message": "the server failed", "type": "server_error"}}
    else:
        body = {
            "id": "c",
            "object": "chat.completion",
            "created": 0,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps(draft)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60},
        }
    return json.dumps(
        {
            "id": f"batch_req_{custom_id}",
            "custom_id": custom_id,
            "response": {"status_code": status, "request_id": "r", "body": body},
            "error": None,
        }
    )


def write_inputs(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    # The language is given: detecting it in texts this short loads lingua's slow models.
    lines = [json.dumps({"id": k, "text": v, "language": "en"}) for k, v in TEXTS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def prepare_for_batch_api(tmp_path: Path, url: str, *options: str) -> tuple[Path, Path]:
    """The three articles prepared as a round for the Batch API at ``url``: (inputs, requests)."""
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(
        cli,
        ["batch", "prepare", str(inputs), "-o", str(requests), "--base-url", url,
         "--backend", "openai", "--model", "gpt-4o-mini", *options],
    )  # fmt: skip
    assert prepared.exit_code == 0, prepared.stderr
    return inputs, requests


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in jsonl_lines(path.read_text(encoding="utf-8"))]


def collect_results(
    requests: Path, results: Path, inputs: Path, records: Path, *options: str
) -> Result:
    """``summarizer batch collect`` of one results file into ``records``."""
    return CliRunner().invoke(
        cli,
        ["batch", "collect", str(requests), "--results", str(results), "--inputs", str(inputs),
         "-o", str(records), *options],
    )  # fmt: skip
