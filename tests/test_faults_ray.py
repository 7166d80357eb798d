"""Faults of the Ray engine (``--engine ray``): a cluster it cannot join.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .fault_server import FaultServer
from .helpers import ANSWER, ARTICLE

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("case", "address"),
    [
        ("closed port", "127.0.0.1:{port}"),
        ("Ray Client address, with a password", "ray://user:s3cret@127.0.0.1:{port}"),
        ("port where no Ray listens", "127.0.0.1:{server}"),
    ],
)
def test_the_ray_engine_refuses_a_cluster_it_cannot_join_in_one_line_and_exit_4(
    case: str, address: str, tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    pytest.importorskip("ray", reason="the [ray] extra is not installed")
    feed = tmp_path / "feed.jsonl"
    # An unreadable article too: its error line must not be written either.
    rows = [{"id": "a1", "text": ARTICLE}, {"id": "blank", "text": "  "}]
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    port = _closed_port()
    with FaultServer(["ok"], ANSWER) as server, FaultServer(["ok"], ANSWER) as other:
        where = address.format(port=port, server=other.url.split(":")[2].split("/")[0])
        started = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-m", "summarizer", str(feed), "-o", str(out), "--base-url",
             server.url, "--model", "m", "--backend", "vllm", "--engine", "ray", "--timeout", "3"],
            env={**os.environ, "RAY_ADDRESS": where}, capture_output=True, text=True,
            timeout=90, check=False,
        )  # fmt: skip
        took = time.monotonic() - started
        sent = len(server.requests)
    assert run.returncode == 4, run.stderr
    assert "Traceback" not in run.stderr
    assert where.replace("user:s3cret@", "") in run.stderr, "the address, without its password"
    assert "s3cret" not in run.stderr
    assert took < 30, f"{took:.0f} s: the run's --timeout (3 s) bounds joining a cluster"
    assert not out.exists() or not out.read_text(encoding="utf-8").strip(), "nothing written"
    assert sent == 0, "no article sent"
    (line,) = [line for line in run.stderr.splitlines() if "summarizer: error:" in line]
    shown = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line)
    report(f"RAY_ADDRESS at a {case} (`--engine ray`)", f"exit 4, nothing written: {shown}")
