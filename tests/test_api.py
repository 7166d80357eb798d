"""The curated public API, prompts and rendering."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType

import click
import pytest

import summarizer
from summarizer import load_article
from summarizer.prompts import load_template, render_messages
from summarizer.render import Format, render

from .conftest import SAMPLE_FR
from .records import minister_record


def test_public_names_are_exported_and_sorted() -> None:
    assert summarizer.__all__ == sorted(summarizer.__all__)
    assert set(summarizer.__all__) <= set(dir(summarizer)), "dir() shows every public name"
    for name in summarizer.__all__:
        getattr(summarizer, name)  # each one resolves
    public = [
        name
        for name, value in vars(summarizer).items()
        if (not name.startswith("_") or name == "__version__") and not isinstance(value, ModuleType)
    ]
    assert sorted(public) == summarizer.__all__, "every public name, and only those, exported"
    for name in (
        "summarize",
        "Summarizer",
        "ArticleSummary",
        "Settings",
        "render_html",
        "run_batch",
    ):
        assert name in summarizer.__all__


def test_the_public_surface_is_curated_and_what_it_leaves_out_stays_in_its_module() -> None:
    assert len(summarizer.__all__) <= 40
    for module, name in [
        ("record", "Actor"),
        ("record", "Stance"),
        ("batch", "Totals"),
        ("batch", "BatchResult"),
        ("errors", "TokenBudgetError"),
        ("exchange", "Request"),
        ("pipeline", "asummarize"),
        ("render", "Format"),
    ]:
        assert name not in summarizer.__all__
        assert hasattr(importlib.import_module(f"summarizer.{module}"), name), (module, name)
    with pytest.raises(AttributeError, match="Actor"):
        summarizer.Actor  # noqa: B018


#: Modules a caller imports from: where the public names come from, and the two the
#: README names (``summarizer.ray``, ``summarizer.reading``). Every other one says it is
#: internal: no promise that it stays where it is, or as it is.
PUBLIC_MODULES = {*summarizer._HOMES, "ray", "reading"}  # type: ignore[attr-defined]


def test_every_module_but_the_public_ones_says_it_is_internal() -> None:
    for path in sorted(Path(str(summarizer.__file__)).parent.glob("*.py")):
        name = path.stem
        if name == "__init__":
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert docstring.startswith("Internal:") == (name not in PUBLIC_MODULES), name


def test_the_names_type_checkers_see_are_the_names_imported_at_run_time() -> None:
    """``__init__`` lists each public name twice: imported for type checkers, and in the
    table its ``__getattr__`` imports from. The two must agree."""
    tree = ast.parse(Path(str(summarizer.__file__)).read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If))
    static = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    runtime = {
        name: module
        for module, names in summarizer._HOMES.items()  # type: ignore[attr-defined]
        for name in names
    }
    assert static == runtime
    assert set(static) | {"__version__"} == set(summarizer.__all__)
    for name, module in runtime.items():
        assert getattr(summarizer, name) is getattr(
            importlib.import_module(f"summarizer.{module}"), name
        )


def test_every_module_declares_what_it_exports() -> None:
    for info in pkgutil.iter_modules(summarizer.__path__):
        module = importlib.import_module(f"summarizer.{info.name}")
        assert hasattr(module, "__all__"), info.name
        for name in module.__all__:
            assert hasattr(module, name), f"{info.name}.{name}"


def _defined_names(module: ModuleType) -> set[str]:
    """The names a module's own top-level statements bind (not what it imports)."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_a_module_keeps_private_what_it_does_not_export() -> None:
    for info in pkgutil.walk_packages(summarizer.__path__, "summarizer."):
        module = importlib.import_module(info.name)
        public = {
            name
            for name in _defined_names(module)
            if not name.startswith("_") and not isinstance(getattr(module, name), click.Command)
        }
        assert public <= set(module.__all__), (info.name, sorted(public - set(module.__all__)))
        assert not [name for name in module.__all__ if name.startswith("_")], info.name


def test_no_module_reaches_into_another_for_a_private_name() -> None:
    for path in Path(str(summarizer.__file__)).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                private = [
                    a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"
                ]
                assert not private, (path.name, node.module, private)


def test_every_error_is_a_summarizer_error() -> None:
    from summarizer import errors

    classes = [getattr(errors, name) for name in errors.__all__]
    for cls in (c for c in classes if isinstance(c, type)):
        assert issubclass(cls, summarizer.SummarizerError), cls


def test_prompt_version_carries_a_digest_of_the_template() -> None:
    version = load_template().version
    name, _, digest = version.partition("+")
    assert name == "extract-1"
    assert len(digest) == 8


def test_prompt_numbers_sentences_and_delimits_the_article() -> None:
    article = load_article(SAMPLE_FR.read_text(encoding="utf-8"))
    system, user = render_messages(article, load_template(), output_language="en")
    assert "in English" in system["content"]
    assert "<article>\n[S1] Le chef de la diplomatie" in user["content"]
    assert "[S9] Washington refuse" in user["content"]
    assert "Publication date: 2020-01" in user["content"]
    assert "$" not in user["content"] + system["content"], "every placeholder is filled"


def test_markdown_report_lists_items_with_quotes_and_flags() -> None:
    md = render(minister_record(), "markdown")
    assert md.startswith("<!-- summarizer report -->\n# Dupont resigns\n")
    assert "| A1 | Dupont | person |" in md
    assert "a démissionné \\| lundi" in md, "pipes in table cells are escaped"
    assert "lundi → 2020-01" in md
    assert "⚠ quote_not_found: quote not found in the text" in md
    assert "grounded 50%" in md


def test_text_and_json_renderings() -> None:
    record = minister_record()
    text = render(record, "text")
    assert "Dupont resigns" in text
    assert "Events" in text
    assert json.loads(render(record, "json"))["headline"] == "Dupont resigns"


def test_field_guide_names_every_draft_field_with_its_choices() -> None:
    from summarizer.draft import Draft
    from summarizer.prompts import describe_fields

    guide = describe_fields(Draft)
    assert "- actors[].kind (person | state | government" in guide
    assert "- events[].when (string or null): Date words exactly as in the article." in guide
    assert "- demands[].claimant (string): Id of the actor who demands." in guide


def test_system_instructions_are_folded_into_the_first_user_turn() -> None:
    from summarizer.connection import fold_system

    messages = [
        {"role": "system", "content": "Rules."},
        {"role": "user", "content": "Article."},
        {"role": "assistant", "content": "{}"},
        {"role": "user", "content": "Fix it."},
    ]
    assert fold_system(messages) == [
        {"role": "user", "content": "Rules.\n\nArticle."},
        {"role": "assistant", "content": "{}"},
        {"role": "user", "content": "Fix it."},
    ]
    assert fold_system(messages[1:]) == messages[1:]


def test_prompt_templates_are_shipped_inside_the_wheel() -> None:
    import tomllib

    from .conftest import ROOT

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include == {"prompts": "summarizer/prompt_templates"}
    assert sorted(p.name for p in (ROOT / "prompts").glob("*.txt")) == ["extract.txt", "verify.txt"]


def test_markdown_names_the_precision_of_a_week_or_a_decade() -> None:
    from summarizer.record import DateValue

    record = minister_record()
    week = DateValue(text="la semaine dernière", value="2019-W52", precision="week")
    events = [record.events[0].model_copy(update={"when": week})]
    md = render(record.model_copy(update={"events": events}), "markdown")
    assert "la semaine dernière → 2019-W52, week" in md


def test_the_library_decodes_bytes_as_files_are_and_refuses_what_is_not_text() -> None:
    from summarizer import BinaryInputError, InputError, Settings, summarize

    settings = Settings(base_url="http://127.0.0.1:9/v1", model="m")
    with pytest.raises(BinaryInputError, match=r"input: binary data \(NUL bytes\)"):
        summarize(b"\x00\x01", settings)
    with pytest.raises(InputError, match=r"must be text \(str\) or bytes, not int"):
        summarize(123, settings)  # type: ignore[arg-type]
    article = load_article("Le café était fermé lundi.".encode("cp1252"), language="fr")
    assert article.text == "Le café était fermé lundi."


def test_markdown_and_text_views_name_each_article_by_its_id() -> None:
    records = [minister_record().model_copy(update={"id": f"feed.jsonl#{n}"}) for n in (1, 2)]
    formats: tuple[Format, ...] = ("markdown", "text")
    for fmt in formats:
        views = [render(r, fmt) for r in records]
        for n, view in enumerate(views, start=1):
            lines = [line for line in view.splitlines() if line.startswith("article: ")]
            assert len(lines) == 1, fmt
            assert lines[0].startswith(f"article: feed.jsonl#{n}"), fmt
