"""Failure as a tested path: the Ray engine (``--engine ray``) and the output it leaves."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .fault_server import FaultServer

pytest.importorskip("ray", reason="the [ray] extra is not installed")

pytestmark = [
    pytest.mark.block_network(allowed_hosts=["127.0.0.1"]),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*"),
]

ARTICLE = (
    "date: 2024-06-11\n"
    "The port authority of Antwerp said on Tuesday that dockers had ended their strike."
)
#: A line an earlier run wrote.
EARLIER = {
    "id": "old", "error": {"type": "ServerError", "message": "HTTP 500", "exit_code": 5},
    "usage": {"prompt_tokens": 0, "completion_tokens": 0},
}  # fmt: skip


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("before", ["no file", "an earlier run's records"])
def test_a_ray_cluster_that_cannot_be_joined_leaves_the_output_as_it_was(
    before: str, tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a1", "text": ARTICLE}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    if before != "no file":
        out.write_text(json.dumps(EARLIER) + "\n", encoding="utf-8")
    was = out.read_bytes() if out.exists() else None
    with FaultServer(["ok"]) as server:
        run = subprocess.run(
            [sys.executable, "-m", "summarizer", str(feed), "-o", str(out), "--base-url",
             server.url, "--model", "m", "--backend", "vllm", "--engine", "ray", "--timeout", "3"],
            env={**os.environ, "RAY_ADDRESS": f"127.0.0.1:{_closed_port()}"},
            capture_output=True, text=True, timeout=90, check=False,
        )  # fmt: skip
    assert run.returncode == 4, run.stderr
    assert "no Ray cluster answers there" in run.stderr
    if was is None:
        assert not out.exists(), "no empty output file left behind"
    else:
        assert out.read_bytes() == was
    report(
        f"`--engine ray` with a RAY_ADDRESS no cluster answers at, -o naming {before}",
        "exit 4; no output file is left behind, or the earlier one is untouched",
    )


ANSWER = {
    "headline": "Antwerp dockers end strike",
    "summary": "Dockers in Antwerp ended their strike.",
    "actors": [
        {"id": "A1", "name": "port authority of Antwerp", "kind": "institution",
         "sentences": [1], "quote": "The port authority of Antwerp said on Tuesday"},
    ],
}  # fmt: skip


def test_rays_log_level_from_the_users_environment_does_not_reach_the_terminal(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a1", "text": ARTICLE}) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "SUMMARIZER_RAY_LOGS")}
    env["RAY_BACKEND_LOG_LEVEL"] = "debug"
    with FaultServer(["ok"], ANSWER) as server:
        run = subprocess.run(
            [sys.executable, "-m", "summarizer", str(feed), "-o", str(tmp_path / "out.jsonl"),
             "--base-url", server.url, "--model", "m", "--backend", "vllm", "--no-cache",
             "--engine", "ray", "--actors", "1"],
            env=env, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr
    others = [line for line in run.stderr.splitlines() if not line.startswith("summarizer:")]
    assert not others, f"lines that are not the program's own: {others[:5]}"
    report(
        "RAY_BACKEND_LOG_LEVEL=debug in the environment of a `--engine ray` run",
        "Ray's logs stay out of the terminal all the same (only SUMMARIZER_RAY_LOGS=1 shows "
        "them); the local Ray instance and its actors log at 'fatal'",
    )


def test_an_actor_that_keeps_crashing_ends_the_run_in_one_line_keeping_what_finished(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"a{n}", "text": ARTICLE.replace("strike", f"strike ({n})")} for n in range(6)]
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    asked: list[int] = []

    def route(body: dict[str, object]) -> tuple[str, dict[str, object]]:
        # Two articles answered, then every request kills the actor that sends it.
        asked.append(1)
        return ("ok" if len(asked) <= 2 else "kill_client"), ANSWER

    env = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "SUMMARIZER_RAY_LOGS")}
    with FaultServer(["ok"], route=route) as server:
        run = subprocess.run(
            [sys.executable, "-m", "summarizer", str(feed), "-o", str(out), "--base-url",
             server.url, "--model", "m", "--backend", "vllm", "--no-cache", "--engine", "ray",
             "--actors", "1", "-j", "1", "--language", "en"],
            env=env, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("summarizer: error:")]
    assert len(errors) == 1, run.stderr
    assert "the Ray run stopped: ActorDiedError" in errors[0]
    assert "rerun the same command to resume" in errors[0]
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The second answer may die with the actor before Ray hands it on.
    assert 1 <= len(kept) <= 2
    assert all("quality" in record for record in kept), "the finished records"
    assert f"the {len(kept)} article(s) finished are saved" in errors[0]
    report(
        "a Ray actor that is killed by every article it is given (`--engine ray`)",
        "restarted 3 times, then the run ends in one line, exit 1, the finished records "
        f"kept: {errors[0]}",
    )
