"""Run the fault tests and write their outcomes into the fault table of the documentation.

Each test in ``tests/test_faults_*.py`` and ``tests/test_browser.py`` records the case it
tried and the outcome it pinned (see the ``report`` fixture in ``tests/conftest.py``);
this script runs them, collects those rows and replaces the table between the
``faults:start`` and ``faults:end`` markers of ``docs/faults.md``. The table is never
typed by hand. The browser tests must run, not skip, so a table never silently loses their
rows: they need Playwright (the ``dev`` extra) and a Chromium on ``PATH``.

Usage::

    python scripts/fault_table.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- faults:start -->", "<!-- faults:end -->"
#: The documentation page that holds the table between those markers.
PAGE = ROOT / "docs" / "faults.md"

#: The fault tests' surfaces in the table's order: the model server and its answers first,
#: then what is read, what is written and the machine it runs on. A file of fault tests
#: not named here follows them, in name order, so that no file's rows are left out.
SURFACES = [
    "server", "answers", "input", "sources", "output", "resume", "system", "secrets",
    "batch_files", "batch_api", "ray",
]  # fmt: skip


def fault_test_files() -> list[str]:
    """The fault test files in the table's order, the review page's browser tests last."""
    found = {
        path.stem.removeprefix("test_faults_"): path for path in ROOT.glob("tests/test_faults_*.py")
    }
    order = [s for s in SURFACES if s in found] + sorted(set(found) - set(SURFACES))
    files = [found[surface].relative_to(ROOT).as_posix() for surface in order]
    return [*files, "tests/test_browser.py"]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "faults.jsonl"
        env = {
            **os.environ,
            "SUMMARIZER_FAULT_REPORT": str(report),
            "SUMMARIZER_REQUIRE_BROWSER": "1",
        }
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                *fault_test_files(),
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        if run.returncode != 0:
            print("fault tests failed: the table was not updated", file=sys.stderr)
            return run.returncode
        rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]

    lines = ["| fault or input | outcome |", "|---|---|"]
    for row in rows:
        outcome = re.sub(r"http://127\.0\.0\.1:\d+/v1", "http://127.0.0.1:PORT/v1", row["outcome"])
        outcome = re.sub(r"/tmp/\S+/", "", outcome)
        cells = [c.replace("|", "\\|").replace("\n", " ") for c in (row["case"], outcome)]
        lines.append(f"| {cells[0]} | {cells[1]} |")
    table = "\n".join(lines)

    name = PAGE.relative_to(ROOT)
    text = PAGE.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{name} has no {START} … {END} section", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    PAGE.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
    print(f"wrote {len(rows)} rows into {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
