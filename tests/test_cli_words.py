"""Library messages speak of what a Python caller sets (``Settings.timeout``, an output
file, ``force=True``); the command line's error lines name its options instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import summarizer
from summarizer.cli import cli
from summarizer.console import CALLER_WORDS
from summarizer.errors import OutputError
from summarizer.output import ReportFile

PACKAGE = Path(summarizer.__file__).parent
#: The command line's own modules, where options are named on purpose.
CLI_LAYER = {"cli.py", "cli_batch.py", "options.py", "console.py"}
#: Flags of other programs: the embedded llama-cpp-python server's command line.
OTHER_PROGRAMS = {"local.py"}
#: Messages that still name an option, each for a reason outside this change: the
#: record's JSON Schema (``schemas/``) carries record.py's field descriptions, and the
#: resource errors' and the open-file warning's "(-j)" are asserted on as written to the
#: records by the fault tests.
STILL_NAMED = {("record.py", "--verify-with"), ("errors.py", "-j"), ("limits.py", "-j")}
_FLAG = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def _options(command: click.Command) -> set[str]:
    found = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            found |= _options(sub)
    return found


def _strings(tree: ast.AST) -> list[str]:
    """The string constants of a module, docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_library_message_names_a_command_line_option() -> None:
    options = _options(cli) - {"-h", "--help"}
    named = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in CLI_LAYER | OTHER_PROGRAMS:
            continue
        for text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            named |= {(path.name, flag) for flag in _FLAG.findall(text) if flag in options}
    assert named == STILL_NAMED


def test_the_command_line_words_replace_words_library_messages_use() -> None:
    messages = " ".join(
        text
        for path in PACKAGE.rglob("*.py")
        if path.name not in CLI_LAYER
        for text in _strings(ast.parse(path.read_text(encoding="utf-8")))
    )
    for words in CALLER_WORDS:
        assert words in messages, words


def test_a_python_caller_is_told_what_to_pass_the_command_line_what_to_give(
    tmp_path: Path,
) -> None:
    report = tmp_path / "notes.md"
    report.write_text("# My own notes\n", encoding="utf-8")
    with pytest.raises(OutputError) as raised:
        ReportFile(report)
    assert "choose another output file, or pass force=True to overwrite it" in str(raised.value)
    assert " -o" not in str(raised.value)
    result = CliRunner().invoke(
        cli,
        ["-", "-o", str(report), "-f", "markdown", "--base-url", "http://127.0.0.1:9/v1"],
        input="The mayor of Lyon asked for a new tram line.",
    )
    assert result.exit_code == 2, result.stderr
    assert "choose another -o, or give --force to overwrite it" in result.stderr
    assert report.read_text(encoding="utf-8") == "# My own notes\n", "nothing lost"


def test_a_setting_named_by_a_library_error_is_its_option_on_the_command_line(
    tmp_path: Path,
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The mayor of Lyon asked for a new tram line. " * 10, encoding="utf-8")
    result = CliRunner().invoke(
        cli, [str(article), "--max-input-bytes", "100", "--base-url", "http://127.0.0.1:9/v1"]
    )
    assert result.exit_code == 3, result.stderr
    assert "raise it with --max-input-bytes (SUMMARIZER_MAX_INPUT_BYTES)" in result.stderr
    assert "Settings." not in result.stderr
