"""Startup: ``import summarizer`` and the command line's ``--version`` and ``--help`` load
none of the slow libraries (the openai SDK, instructor, pydantic, Ray, llama.cpp); each
command imports those when it runs. Each case runs in a fresh interpreter, the only place
where what an import loads can be seen."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("openai", "instructor", "pydantic", "ray", "llama_cpp", "rich")

# Runs a snippet, then prints the slow libraries it loaded as a JSON list on the last line.
_PROBE = """
import json, sys
try:
    {snippet}
except SystemExit:
    pass
heavy = {heavy!r}
print()
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def _loaded(snippet: str) -> tuple[list[str], str]:
    """The slow libraries ``snippet`` loads in a fresh interpreter, and what it printed."""
    code = _PROBE.format(snippet=snippet, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    *printed, last = done.stdout.rstrip("\n").split("\n")
    return json.loads(last), "\n".join(printed)


def _command(*args: str) -> str:
    return f"sys.argv = ['summarizer', *{list(args)!r}]; from summarizer.cli import main; main()"


def test_import_summarizer_loads_no_slow_library() -> None:
    loaded, _ = _loaded("import summarizer")
    assert loaded == []


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("batch", "--help")])
def test_version_and_help_load_no_slow_library(args: tuple[str, ...]) -> None:
    loaded, printed = _loaded(_command(*args))
    assert loaded == []
    assert ("summarizer, version " in printed) if args == ("--version",) else ("Usage:" in printed)


def test_run_help_names_the_backends_and_modes_without_loading_them() -> None:
    from summarizer.connection import BACKENDS, MODES

    loaded, printed = _loaded(_command("run", "--help"))
    assert loaded == []
    assert all(name in printed for name in (*BACKENDS, *MODES))


def test_a_public_name_loads_its_module_when_first_used() -> None:
    loaded, printed = _loaded("import summarizer; print(summarizer.Settings.__name__)")
    assert printed.strip() == "Settings"
    assert loaded == [], "settings need no model client"
    loaded, _ = _loaded("from summarizer import summarize")
    assert {"openai", "pydantic"} <= set(loaded)


def test_a_public_name_is_not_hidden_by_the_submodule_of_the_same_name() -> None:
    # The views import ``summarizer.render`` (the module) long before anyone asks for
    # ``summarizer.render`` (the function).
    _, printed = _loaded(
        "import summarizer.render, summarizer; from summarizer import render; "
        "print(type(summarizer.render).__name__, type(render).__name__)"
    )
    assert printed.strip() == "function function"
