"""The article, answer and key the loopback tests share, and short ways to run on them.

``ARTICLE`` and ``ANSWER`` make a pair: every quote of ``ANSWER`` is found word for
word in ``ARTICLE``, so a record made from them is exact unless a test changes one.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from click.testing import CliRunner, Result

from summarizer import ArticleInput, ArticleSummary, Settings, Summarizer
from summarizer.cli import cli

from .fault_server import FaultServer

ARTICLE = (
    "date: 2024-06-11\n"
    "The port authority of Antwerp said on Tuesday that dockers had ended their strike.\n"
    "The union ACV-Puls had demanded higher night-shift pay for three weeks."
)
#: A valid answer about ARTICLE, written for these tests.
ANSWER: dict[str, Any] = {
    "headline": "Antwerp dockers end strike",
    "summary": "Dockers in Antwerp ended a strike over night-shift pay.",
    "actors": [
        {"id": "A1", "name": "port authority of Antwerp", "kind": "institution",
         "sentences": [1], "quote": "The port authority of Antwerp said on Tuesday"},
        {"id": "A2", "name": "ACV-Puls", "kind": "organization", "sentences": [2],
         "quote": "The union ACV-Puls"},
    ],
    "stances": [],
    "demands": [
        {"claimant": "A2", "addressee": None, "demand": "higher night-shift pay",
         "sentences": [2], "quote": "had demanded higher night-shift pay"},
    ],
    "events": [
        {"type": "protest", "description": "Dockers ended their strike", "agents": [],
         "targets": [], "when": "Tuesday", "where": "Antwerp", "realis": "occurred",
         "sentences": [1], "quote": "dockers had ended their strike"},
    ],
}  # fmt: skip
#: An API key no output, error, log or cache may ever show.
SECRET = "sk-test-DO-NOT-LEAK-0123456789abcdef"


def numbered(label: object) -> str:
    """ARTICLE made distinct by words that no quote of ANSWER cites, so ANSWER stays exact."""
    return ARTICLE.replace("for three weeks", f"for three weeks ({label})")


def settings_for(server: FaultServer, **changes: Any) -> Settings:
    """Settings for ``server``: a 1 s timeout, 4 attempts, 1 re-ask, unless changed."""
    values: dict[str, Any] = {
        "base_url": server.url, "model": "fault-model", "backend": "vllm", "timeout": 1.0,
        "max_attempts": 4, "max_reasks": 1,
    }  # fmt: skip
    values.update(changes)
    return Settings(**values)


def summarize(server: FaultServer, text: str = ARTICLE, **changes: Any) -> ArticleSummary:
    """One English article summarised in process against ``server``."""
    with Summarizer(settings_for(server, **changes)) as summarizer:
        return summarizer.summarize(ArticleInput("antwerp", text, language="en"))


def run_cli(server: FaultServer, *args: str, input: str | None = None) -> Result:
    """The command line, in process, against ``server``, with no cache; ``input`` on stdin."""
    return CliRunner().invoke(
        cli,
        [*args, "--base-url", server.url, "--model", "m", "--backend", "vllm", "--no-cache"],
        input=input,
    )


def run_summarizer(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own, for what needs real file descriptors."""
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
