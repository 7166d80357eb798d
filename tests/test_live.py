"""Live end to end: the embedded default, started for real (``pytest -m live``).

Needs the ``[local]`` extra. Deselected by default; run in CI and before re-recording.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import jsonschema
import pytest

from .conftest import ROOT, SAMPLE_FR


@pytest.mark.live
def test_embedded_default_summarises_the_sample_without_any_configuration() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", str(SAMPLE_FR), "--format", "json", "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "embedded offline model" in result.stderr
    record = json.loads(result.stdout)
    schema = json.loads((ROOT / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(record, schema)
    assert record["quality"]["backend"] == "llama-cpp-python"
    assert record["quality"]["model"] == "gemma-3-270m"
    assert record["quality"]["endpoint"].startswith("http://127.0.0.1:")


@pytest.mark.live
def test_embedded_server_does_not_outlive_a_killed_run() -> None:
    script = (
        "import sys, time\n"
        "from summarizer.local import LocalServer, local_model_path\n"
        "server = LocalServer(local_model_path()).start()\n"
        "print(server._process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    os.kill(child, 0)  # the server runs
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    pytest.fail(f"the embedded server (pid {child}) outlived the killed run")
