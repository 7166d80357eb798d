"""The README is the front door and docs/ the reference: what they say must stay true.

``mkdocs build --strict`` (in CI) checks the links between the pages of docs/; these tests
check what it cannot see: the README's links, links into the source tree, the Quickstart
commands CI runs, the settings the configuration page lists and where the fault table lives.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import unicodedata
from pathlib import Path

import pytest

from summarizer import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
SOURCE = "https://github.com/summarizer-project/summarizer/blob/main/"
LINK = re.compile(r"\]\(([^)\s]+)\)")
MARKERS = ("<!-- faults:start -->", "<!-- faults:end -->")


def _slug(heading: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's default ``toc`` slugify)."""
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.M)}


def _broken_links(page: Path) -> list[str]:
    """Relative links of ``page`` whose file, or heading in that file, does not exist."""
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or (anchor and anchor not in _anchors(file)):
            broken.append(target)
    return broken


def test_link_checker_sees_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Real part\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[a](other.md#real-part) [b](gone.md) [c](other.md#no-part) [d](https://x.org/y)",
        encoding="utf-8",
    )
    assert _broken_links(page) == ["gone.md", "other.md#no-part"]


def test_readme_links_resolve() -> None:
    assert _broken_links(README) == []


def test_readme_is_a_front_door_not_the_reference() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; the reference belongs in docs/"


@pytest.mark.parametrize("page", [README, *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name)
def test_links_into_the_source_tree_name_files_that_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = [
        path
        for path in re.findall(re.escape(SOURCE) + r"([^)\s#]+)", text)
        if not (ROOT / path).exists()
    ]
    assert missing == []


def _quickstart_commands() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quickstart_commands_are_the_ones_ci_runs() -> None:
    commands = _quickstart_commands()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ")
    # CI runs each command as written, only quieter (pip's -q) and with its output kept.
    ran = [re.sub(r"\s+", " ", line.replace(" -q ", " ")).strip() for line in ci.splitlines()]
    for command in commands:
        assert any(line.startswith(command) for line in ran), command


def test_every_setting_and_environment_variable_is_documented() -> None:
    page = (DOCS / "configuration.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(\w+)` \|", page, flags=re.M))
    assert {f.name for f in dataclasses.fields(Settings)} <= rows
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "summarizer").rglob("*.py"))
    variables = set(re.findall(r"\b(?:SUMMARIZER|OPENAI)_[A-Z_]+\b", code))
    assert variables, "no environment variable found in the code"
    assert sorted(v for v in variables if f"`{v}`" not in page) == []


def test_fault_table_is_written_into_its_docs_page() -> None:
    spec = importlib.util.spec_from_file_location("fault_table", ROOT / "scripts/fault_table.py")
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    page = Path(script.PAGE)
    assert page.parent == DOCS
    text = page.read_text(encoding="utf-8")
    start, end = (text.count(marker) for marker in MARKERS)
    assert (start, end) == (1, 1)
    assert text.index(MARKERS[0]) < text.index(MARKERS[1])
    assert page.name in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not any(marker in README.read_text(encoding="utf-8") for marker in MARKERS)
