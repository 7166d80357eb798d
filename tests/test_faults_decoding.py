"""Failure as a tested path: article bytes in a legacy encoding, or in two at once.

Every case is read as written, or refused with one line that says why; never passed on
as mojibake.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer.cli import cli
from summarizer.decoding import decode_bytes
from summarizer.inputs import read_inputs

from .fault_server import FaultServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

#: One-line sentences with few letters beyond ASCII, each of which a Western European
#: language writes too (è, à, ã, î, ç, æ...), so that letters alone do not tell the code
#: page: only the language does.
ONE_LINERS = [
    ("sl", "Vlada je sprejela proračun.", "cp1250"),
    ("sl", "Stavka se bo nadaljevala v četrtek.", "cp1250"),
    ("hr", "Vlada je odlučila u četvrtak.", "cp1250"),
    ("hr", "Građani su prosvjedovali.", "cp1250"),
    ("ro", "Ministrul a spus că nu.", "cp1250"),
    ("cs", "Vláda to schválila.", "cp1250"),
    ("lv", "Rīgā notika protests.", "cp1257"),
    ("lv", "Saeima pieņēma likumu.", "cp1257"),
    ("lv", "Ministrs teica, ka nē.", "cp1257"),
    ("lt", "Streikas tęsis ketvirtadienį.", "cp1257"),
    ("lt", "Darbuotojai reikalauja didesnių algų.", "cp1257"),
    ("fr", "Grève à la SNCF.", "cp1252"),
    ("it", "Il sindaco si è dimesso.", "cp1252"),
    ("pt", "O governo aprovou o orçamento.", "cp1252"),
    ("ru", "Цены выросли.", "koi8_r"),
    ("ru", "цены выросли", "koi8_r"),
    ("ru", "ЦЕНЫ ВЫРОСЛИ", "cp1251"),
    ("uk", "Слава Україні", "koi8_u"),
]


def test_short_one_line_legacy_text_is_read_in_the_code_page_of_its_language(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    for number, (language, text, encoding) in enumerate(ONE_LINERS):
        (tmp_path / f"{number:02d}-{language}.txt").write_bytes(text.encode(encoding))
    read = [item.text for item in sorted(read_inputs([str(tmp_path)]), key=lambda i: i.id)]
    wrong = [(was, got) for (_, was, _), got in zip(ONE_LINERS, read, strict=True) if was != got]
    assert not wrong
    report(
        "one-line Slovene, Croatian, Romanian, Czech (cp1250), Latvian, Lithuanian (cp1257) "
        "sentences whose few letters Western European languages write too; short KOI8-R, "
        "KOI8-U and all-capital Windows-1251 lines",
        "each read as written ('Vlada je odlučila u četvrtak.', not 'odluèila'): among the "
        "plausible readings, the one whose letters belong to the language the detector names "
        "from the shared ASCII words wins; among Cyrillic code pages, the one whose reading "
        "holds the most common letters",
    )


def test_a_file_mixing_utf8_and_windows_1252_lines_is_read_line_by_line(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    utf8 = "Le président a démissionné mardi.\n"
    western = (
        "La grève à l'usine de Renault a duré trois semaines, a déclaré le délégué syndical.\n"
        "Les salariés réclamaient une hausse générale des salaires et de meilleures conditions.\n"
    )
    path = tmp_path / "mixed.txt"
    path.write_bytes(utf8.encode("utf-8") + western.encode("cp1252"))
    assert decode_bytes(path.read_bytes(), source="mixed.txt") == utf8 + western
    [item] = read_inputs([str(path)])
    assert item.text == utf8 + western
    report(
        "a file whose lines mix UTF-8 and Windows-1252 (text pasted from two sources)",
        "each line read in its own encoding: the lines that are plausible UTF-8 as UTF-8, "
        "the others in the one code page that reads them best",
    )


def test_a_legacy_file_whose_capitals_happen_to_be_valid_utf8_stays_one_code_page() -> None:
    # "PÓŁ" in Windows-1250 is the bytes of "Pӣ" in UTF-8: letters no language writes
    # together, so that line is no UTF-8 line.
    text = "PÓŁ ROKU\nRząd przyjął ustawę w piątek, powiedział minister.\n"
    assert decode_bytes(text.encode("cp1250"), source="x") == text


def test_a_file_mixing_utf8_with_bytes_no_code_page_reads_is_refused_in_one_line(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        "Le président a démissionné mardi.\n".encode()
        + "東京で地震があった。政府は被害を調べている。\n".encode("shift_jis")
    )
    with FaultServer(["ok"]) as server:
        result = CliRunner().invoke(
            cli, [str(path), "--base-url", server.url, "--model", "m", "--no-cache"]
        )
        assert server.requests == []
    assert result.exit_code == 3
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1
    assert "line 1 is UTF-8 but line 2 is in no encoding that reads it" in error
    assert "Traceback" not in result.output
    report(
        "a file mixing UTF-8 lines with lines in an encoding no code page reads (Shift-JIS)",
        f"refused before any request, exit 3: {error}",
    )
