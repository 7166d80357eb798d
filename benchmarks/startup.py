"""Startup: how long the command line and the package take to start, beside the bare interpreter.

Runs each command ``--runs`` times in a fresh subprocess (after one unmeasured warm-up, so
the file cache is warm for all alike) and prints the median wall time of each beside that
of ``python -c pass``, with the difference and the ratio, and the median CPU time the
process used (a steadier figure than the wall time on a busy machine):

- ``python -c pass``: the interpreter alone, the floor;
- ``summarizer --version``: should cost at most 0.3 s more than the floor;
- ``summarizer --help``: should cost at most 0.6 s more;
- ``python -c "import summarizer"``: the library's own import.

A command over its target is marked ``OVER``, and the run exits 1 then, so that the
figure can gate a change. No server, no model.

Usage::

    python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: Seconds over the bare interpreter each command may take; None: no target, a figure.
_TARGETS: dict[str, float | None] = {
    "summarizer --version": 0.3,
    "summarizer --help": 0.6,
    'python -c "import summarizer"': None,
}


def _summarizer() -> list[str]:
    """The console script of this interpreter's environment, else ``python -m summarizer``."""
    beside = Path(sys.executable).with_name("summarizer")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("summarizer")
    return [found] if found else [sys.executable, "-m", "summarizer"]


def _commands() -> dict[str, list[str]]:
    script = _summarizer()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "summarizer --version": [*script, "--version"],
        "summarizer --help": [*script, "--help"],
        'python -c "import summarizer"': [sys.executable, "-c", "import summarizer"],
    }


def _median_seconds(argv: list[str], runs: int) -> tuple[float, float]:
    """The median wall time of ``argv``, and the median CPU time (user + system) its process
    used: on a busy machine the wall time grows with the load, the CPU time much less."""
    subprocess.run(argv, check=True, capture_output=True)  # warm-up, not counted
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per command")
    args = parser.parse_args()
    medians = {name: _median_seconds(argv, args.runs) for name, argv in _commands().items()}
    bare = medians["python -c pass"][0]
    over = False
    print(f"median of {args.runs} runs each; {sys.executable}")
    print(f"{'command':<32} {'seconds':>8} {'+ bare':>8} {'x bare':>7} {'cpu s':>7}  target")
    for name, (seconds, cpu) in medians.items():
        extra = seconds - bare
        target = _TARGETS.get(name)
        verdict = ""
        if target is not None:
            ok = extra <= target
            over = over or not ok
            verdict = f"+{target:.1f} s {'ok' if ok else 'OVER'}"
        times = f"{seconds:8.3f} {extra:+8.3f} {seconds / bare:7.1f} {cpu:7.3f}"
        print(f"{name:<32} {times}  {verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
