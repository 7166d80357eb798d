"""Live end to end: the embedded default, started for real (``pytest -m live``).

Needs the ``[local]`` extra. Deselected by default; run in CI and before re-recording.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
