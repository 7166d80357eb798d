"""The package's shape: modules import one another without going round in circles."""

from __future__ import annotations

import ast
from pathlib import Path

import summarizer

PACKAGE = Path(summarizer.__file__).parent


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package's own modules, deferred ones included."""
    modules: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        folder = parts[:-1]
        name = ".".join(folder if parts[-1] == "__init__" else parts)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = folder[: len(folder) - (node.level - 1)]
                found.add(".".join([*base, *(node.module or "").split(".")]).strip("."))
        modules[name] = found
    return {
        name: {target for target in found if target in modules and target not in ("", name)}
        for name, found in modules.items()
        if name  # the package's __init__ gathers everything by design
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        state[module] = 2
        path.pop()

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_cycle_finder_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = _imports()
    assert {"render", "review_page", "connection", "pipeline"} <= set(graph)
    assert _cycles(graph) == []
