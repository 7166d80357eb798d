"""Report files (``-f markdown|text|html -o FILE``): written beside the target and put in its
place only when finished, never over a file summarizer did not write, never in a folder
that is not there."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import OutputError
from summarizer.cli import cli
from summarizer.output import ReportFile
from summarizer.render import MARKDOWN_MARKER, TEXT_MARKER, Format, render

from .records import minister_record


def test_report_file_replaces_its_target_only_on_commit(tmp_path: Path) -> None:
    real = tmp_path / "report.md"
    real.write_text(f"{MARKDOWN_MARKER}\nthe previous report\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    discarded = ReportFile(link)
    discarded.file.write("half a report")
    discarded.close()
    assert real.read_text(encoding="utf-8") == f"{MARKDOWN_MARKER}\nthe previous report\n"
    kept = ReportFile(link)
    kept.file.write("the new report\n")
    kept.commit()
    kept.close()
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "the new report\n"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.md", "report.md"]


def test_a_report_that_cannot_be_finished_leaves_the_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_text(f"{TEXT_MARKER}\nthe previous report\n", encoding="utf-8")
    report = ReportFile(target)
    report.file.write("the new report\n")

    def disk_full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("summarizer.output.os.fsync", disk_full)
    with pytest.raises(OutputError, match=r"report\.md: cannot be written \(No space left"):
        report.commit()
    report.close()
    assert target.read_text(encoding="utf-8") == f"{TEXT_MARKER}\nthe previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


@pytest.mark.parametrize("fmt", ["markdown", "text", "html"])
def test_a_report_does_not_replace_a_file_summarizer_did_not_write_unless_forced(
    tmp_path: Path, fmt: str
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("An article.", encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n", encoding="utf-8")
    link = tmp_path / "latest"
    link.symlink_to(notes)
    for output in (notes, link):
        result = CliRunner().invoke(cli, [str(article), "-f", fmt, "-o", str(output)])
        assert result.exit_code == 2, result.stderr
        assert "not a report written by summarizer" in result.stderr
        assert "--force" in result.stderr
        assert notes.read_text(encoding="utf-8") == "my own notes\n"
    forced = ReportFile(link, force=True)
    forced.file.write("the new report\n")
    forced.commit()
    forced.close()
    assert notes.read_text(encoding="utf-8") == "the new report\n"


def test_a_report_of_ours_or_an_empty_file_is_replaced_without_force(tmp_path: Path) -> None:
    record = minister_record()
    formats: tuple[Format, ...] = ("markdown", "text", "html")
    for fmt in formats:
        target = tmp_path / f"report.{fmt}"
        target.write_text(render(record, fmt), encoding="utf-8")
        report = ReportFile(target)
        report.file.write("again\n")
        report.commit()
        report.close()
        assert target.read_text(encoding="utf-8") == "again\n", fmt
    empty = tmp_path / "empty.md"
    empty.write_text("\n", encoding="utf-8")
    ReportFile(empty).close()


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_an_output_in_a_folder_that_does_not_exist_is_refused_not_created(
    tmp_path: Path, fmt: str
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("An article.", encoding="utf-8")
    output = tmp_path / "missing" / "deeper" / "out"
    result = CliRunner().invoke(cli, [str(article), "-f", fmt, "-o", str(output)])
    assert result.exit_code == 2, result.stderr
    assert f"the folder {output.parent} does not exist" in result.stderr
    assert not (tmp_path / "missing").exists()
