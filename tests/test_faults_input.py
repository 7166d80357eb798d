"""Faults of an article's content: unusable bytes, code pages, HTML pages, template syntax,
an article longer than the model's context.

Each test states the fault and pins the outcome, and records both through the ``report``
fixture for the README's fault table (``scripts/fault_table.py``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer import ArticleInput, Summarizer
from summarizer.cli import cli
from summarizer.inputs import read_inputs

from .fault_server import FaultServer
from .helpers import ANSWER, ARTICLE, run_cli, settings_for, summarize

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.mark.parametrize(
    ("data", "case", "words"),
    [
        (b"", "empty file", "the article is empty"),
        (b"  \n\t\n", "whitespace-only file", "the article is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary file (PNG)", "binary data"),
        (
            bytes(range(128, 256)) * 4,
            "bytes that no encoding explains",
            "convert the file to UTF-8",
        ),
    ],
)
def test_unusable_input_is_refused_before_any_request(
    tmp_path: Path, data: bytes, case: str, words: str, report: Callable[[str, str], None]
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    with FaultServer(["ok"], ANSWER) as server:
        result = CliRunner().invoke(
            cli, [str(path), "--base-url", server.url, "--model", "m", "--no-cache"]
        )
        assert server.requests == []
    assert result.exit_code == 3
    assert result.stdout == ""
    assert words in result.stderr
    report(case, f"exit 3, no request: {result.stderr.strip()}")


def test_cp1252_article_is_decoded_not_passed_on_as_mojibake(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    text = ARTICLE + "\nLe café du port était fermé, a précisé l'autorité."
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode("cp1252"))
    with FaultServer(["ok"], ANSWER) as server:
        result = run_cli(server, str(path), "-f", "json")
        prompt = json.dumps(server.requests[0], ensure_ascii=False)
    assert result.exit_code == 0, result.stderr
    assert "Le café du port était fermé" in prompt
    assert "cafÃ©" not in prompt
    assert json.loads(result.stdout)["text"] == text
    report(
        "cp1252 (Windows-1252) file", "decoded; the model sees and the record keeps 'café', 'était'"
    )


def test_short_windows_1252_articles_in_five_languages_are_read_as_written(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    sentences = {
        "fr": ["Le café était fermé à cause de la grève.", "Élève âgé, il a reçu un prix."],
        "de": ["Die Straße war gesperrt.", "Über 500 Anträge wurden für ungültig erklärt."],
        "es": ["El niño comió con la señora Muñoz.", "¿Dónde está la estación?"],
        "pt": ["A manifestação não terminou.", "O coração da região é o açúcar."],
        "it": ["La città è più bella, però costa.", "Il caffè è già finito, Niccolò."],
    }
    written = {}
    for language, texts in sentences.items():
        for n, text in enumerate(texts):
            path = tmp_path / f"{language}{n}.txt"
            path.write_bytes(text.encode("cp1252"))
            written[path.name] = text
    read = {Path(item.id).name: item.text for item in read_inputs([str(tmp_path)])}
    assert read == written
    report(
        f"{len(written)} short Windows-1252 news sentences in French, German, Spanish, "
        "Portuguese and Italian",
        f"each read as written ({read['fr0.txt']!r}), none as another code page",
    )


def test_central_european_turkish_baltic_and_bomless_utf16_files_are_read_as_written(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    sentences = {
        "cs": ("Vláda schválila ve středu návrh rozpočtu, řekl ministr financí.", "cp1250"),
        "hu": ("A miniszterelnök szerint a döntés hosszú távon erősíti a gazdaságot.", "cp1250"),
        "ro": ("Preşedintele a declarat că negocierile vor continua săptămâna viitoare.", "cp1250"),
        "hr": ("Građani su u četvrtak prosvjedovali ispred Vlade, rekao je ministar.", "cp1250"),
        "tr": ("Çarşamba günü yapılan görüşmede işçilerin talepleri değerlendirildi.", "cp1254"),  # noqa: RUF001
        "lt": ("Vyriausybė trečiadienį pritarė biudžeto projektui, sakė ministrė.", "cp1257"),
        "lv": ("Valdība trešdien apstiprināja budžeta projektu, paziņoja ministrs.", "cp1257"),
        "fr": ("Le président a démissionné mardi, a précisé l'Élysée.", "utf-16-le"),
        "ru": ("Президент заявил, что переговоры продолжатся.", "utf-16-be"),
    }
    for name, (text, encoding) in sentences.items():
        (tmp_path / f"{name}.txt").write_bytes(text.encode(encoding))
    read = {Path(item.id).stem: item.text for item in read_inputs([str(tmp_path)])}
    assert read == {name: text for name, (text, _) in sentences.items()}
    report(
        "short Czech, Hungarian, Romanian, Croatian (cp1250), Turkish (cp1254), Lithuanian and "
        "Latvian (cp1257) news sentences",
        f"each read as written ({read['cs']!r}): the code page whose reading is most plausible "
        "over the whole text wins, Windows-1252 on a tie",
    )
    report(
        "UTF-16 without a byte-order mark (little- or big-endian)",
        "read as UTF-16 (its NUL bytes all on one side of each pair), not refused as binary",
    )


def _news_page(before: str, footer: str) -> str:
    """ARTICLE's sentences as a news site's page: ``before`` the article, ``footer`` after."""
    body = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines()[1:])
    return (
        "<!DOCTYPE html><html><head><title>Port News</title></head><body>"
        f"{before}<article><h1>Antwerp dockers end strike</h1>{body}</article>"
        f"<footer>{footer}</footer></body></html>"
    )


def test_html_page_is_reduced_to_its_article(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        _news_page("<nav>Home | Sports | Weather | Contact</nav>", "Subscribe to our newsletter"),
        encoding="utf-8",
    )
    with FaultServer(["ok"], ANSWER) as server:
        result = run_cli(server, str(path), "-f", "json")
        prompt = server.requests[0]["messages"][-1]["content"]
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == "Antwerp dockers end strike"
    assert "Subscribe" not in prompt
    assert "<p>" not in prompt
    assert record["quality"]["grounded_share"] == 1.0
    report(
        "HTML page",
        "article text extracted (trafilatura); menus and footer left out; evidence grounded",
    )


def test_an_html_page_without_date_metadata_is_not_dated_by_its_copyright_footer(
    tmp_path: Path, report: Callable[[str, str], None]
) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        _news_page("", "Copyright 2024 Port News. All rights reserved."), encoding="utf-8"
    )
    with FaultServer(["ok"], ANSWER) as server:
        result = run_cli(server, str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["article_date"] is None
    assert record["events"][0]["when"]["value"] is None, "'Tuesday' has nothing to anchor it"
    warning = record["quality"]["warnings"][0]
    assert warning.startswith("the HTML page gives no publication date in its metadata")
    report(
        "HTML page with no date metadata and a 'Copyright 2024' footer",
        f"no article date (not 2024-01-01); quality.warnings: {warning}",
    )


def test_a_given_date_wins_over_the_header_date_in_the_records_text_and_value() -> None:
    with FaultServer(["ok"], ANSWER) as server, Summarizer(settings_for(server)) as summarizer:
        given = summarizer.summarize(ArticleInput("dated", ARTICLE, date="2020-01-06"))
        from_header = summarizer.summarize(ARTICLE)
    assert given.article_date is not None
    assert from_header.article_date is not None
    assert given.article_date.model_dump() == {
        "text": "2020-01-06", "value": "2020-01-06", "precision": "day"
    }  # fmt: skip
    assert (from_header.article_date.text, from_header.article_date.value) == (
        "2024-06-11",
        "2024-06-11",
    )


def test_template_syntax_in_an_article_reaches_the_model_verbatim(
    report: Callable[[str, str], None],
) -> None:
    text = ARTICLE + "\nA leaflet read {{ price }} and {% if union %} in large letters."
    with FaultServer(["ok"], ANSWER) as server:
        record = summarize(server, text)
        prompt = server.requests[0]["messages"][-1]["content"]
    assert "{{ price }} and {% if union %}" in prompt
    assert record.quality.attempts == 1
    report(
        "article containing template syntax ({{ … }}, {% … %})",
        "sent verbatim; nothing is rendered or lost",
    )


def test_article_longer_than_the_context_is_read_in_parts_never_truncated(
    report: Callable[[str, str], None],
) -> None:
    long_text = ARTICLE + "\n" + " ".join(["The dockers met again the next day."] * 600)
    with FaultServer(["ok"], ANSWER) as server:
        settings = settings_for(server, context_window=4096, max_output_tokens=1024)
        with Summarizer(settings) as summarizer:
            record = summarizer.summarize(ArticleInput("long", long_text))
        prompts = [
            sum(len(m["content"]) for m in body["messages"]) // 3 for body in server.requests
        ]
    chunks = record.quality.chunks
    assert len(chunks) > 3, "an article four times the window is read in parts"
    assert max(prompts) <= 4096 - 1024, "every prompt fits beside the answer"
    assert chunks[0].first_sentence == 1
    assert chunks[-1].last_sentence == 602
    assert all(b.first_sentence <= a.last_sentence + 1 for a, b in itertools.pairwise(chunks))
    assert not record.quality.partial
    assert record.quality.unread == []
    # Every part's answer repeats the first part's items: each is kept once.
    assert (len(record.actors), len(record.demands), len(record.events)) == (2, 1, 1)
    report(
        "article beyond the model's context (21,600 characters, 4,096-token window)",
        f"read in {len(chunks)} parts of whole sentences, one request each (and its re-ask); "
        f"one record, nothing truncated, {record.quality.duplicates} repeated items merged",
    )
