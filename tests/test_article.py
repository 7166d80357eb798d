"""Reading articles: decoding, headers, sentences with offsets, language, dates."""

from __future__ import annotations

import pytest

from summarizer import (
    BinaryInputError,
    EmptyArticleError,
    EncodingError,
    InputError,
    PartialDate,
    load_article,
)
from summarizer.article import decode_bytes

from .conftest import SAMPLE_FR


def test_sample_header_date_is_read_and_left_out_of_sentences() -> None:
    article = load_article(SAMPLE_FR.read_text(encoding="utf-8"))
    assert article.date == PartialDate(2020, 1)
    assert article.date.precision == "month"
    assert article.sentences[0].text.startswith("Le chef de la diplomatie")
    assert "date 2020-01" not in " ".join(s.text for s in article.sentences)
    assert article.language == "fr"


def test_every_sentence_is_the_exact_slice_of_the_text_it_claims() -> None:
    article = load_article(SAMPLE_FR.read_text(encoding="utf-8"))
    assert len(article.sentences) == 9
    for number, sentence in enumerate(article.sentences, start=1):
        assert sentence.id == number
        assert article.text[sentence.start : sentence.end] == sentence.text


def test_crlf_text_keeps_offsets_into_the_original_string() -> None:
    text = "Title: Storm\r\n\r\nThe storm hit Nice on Monday.\r\nTwo people were hurt.\r\n"
    article = load_article(text, language="en")
    assert article.title == "Storm"
    assert [s.text for s in article.sentences] == [
        "The storm hit Nice on Monday.",
        "Two people were hurt.",
    ]
    for sentence in article.sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_explicit_date_overrides_the_header_and_bad_dates_are_refused() -> None:
    text = "date: 2020-01-05\nThe minister resigned."
    assert load_article(text, date="2021-02-03", language="en").date == PartialDate(2021, 2, 3)
    with pytest.raises(InputError, match="invalid article date"):
        load_article(text, date="yesterday", language="en")
    with pytest.raises(InputError, match="invalid article date"):
        load_article(text, date="2020-02-30", language="en")


def test_dateline_under_the_title_gives_the_date() -> None:
    text = "Robots win medal\nFriday, July 21, 2017\nA team of six girls won a silver medal."
    article = load_article(text, language="en")
    assert article.date == PartialDate(2017, 7, 21)


def test_a_word_date_at_the_start_is_not_taken_for_a_header() -> None:
    text = "Date palms are dying across the region, farmers said on Tuesday."
    article = load_article(text, language="en")
    assert article.date is None
    assert article.body_start == 0


def test_language_is_detected_for_english_and_french() -> None:
    en = "The government announced on Monday that it would raise taxes on fuel next year."
    fr = "Le gouvernement a annoncé lundi qu'il augmenterait les taxes sur le carburant."
    assert load_article(en).language == "en"
    assert load_article(fr).language == "fr"


@pytest.mark.parametrize("data", [b"", b"   \n\t ", "\ufeff  ".encode()])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(EmptyArticleError):
        decode_bytes(data, source="x.txt")


def test_binary_input_is_refused() -> None:
    with pytest.raises(BinaryInputError, match=r"x\.bin"):
        decode_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20, source="x.bin")


def test_utf16_with_bom_is_decoded() -> None:
    text = "Le président a démissionné."
    assert decode_bytes(text.encode("utf-16"), source="x") == text


def test_cp1252_text_is_decoded_not_passed_on_as_mojibake() -> None:
    text = (
        "Le ministre a déclaré à la presse qu'il était « très inquiet » pour l'économie française."
    )
    decoded = decode_bytes(text.encode("cp1252"), source="x")
    assert decoded == text


SHORT_WESTERN = [
    "Le café était fermé à cause de la grève.",
    "Élève très âgé, il a reçu un prix à Noël.",
    "Die Straße war gesperrt, sagte der Bürgermeister.",
    "Über 500 Fahrzeuge wurden für ungültig erklärt.",
    "El niño comió en el café de la señora Muñoz.",
    "¿Dónde está la estación? preguntó él.",
    "A manifestação não terminou, disse o ministro.",
    "O coração da região é a produção de açúcar.",
    "La città è più bella in primavera, però costa “troppo”.",
    "Perché il caffè è già finito? chiese Niccolò.",
]


@pytest.mark.parametrize("text", SHORT_WESTERN)
@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_short_western_european_text_in_a_legacy_encoding_is_read_as_written(
    text: str, encoding: str
) -> None:
    data = text.replace("“", '"').replace("”", '"').encode(encoding)
    assert decode_bytes(data, source="x") == data.decode(encoding)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Президент России заявил в понедельник, что переговоры продолжатся.", "cp1251"),
        ("Ο πρωθυπουργός δήλωσε ότι οι διαπραγματεύσεις θα συνεχιστούν.", "cp1253"),  # noqa: RUF001
        ("Polska ma nową ustawę, powiedział minister w środę.", "cp1250"),
    ],
)
def test_other_code_pages_are_not_taken_for_windows_1252(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    assert decode_bytes(data, source="x") != data.decode("cp1252")


#: A news sentence per legacy code page family, each with the letters that tell it apart.
LEGACY_EUROPEAN = [
    ("Vláda schválila ve středu návrh zákona o státním rozpočtu, řekl ministr financí.", "cp1250"),
    ("Poslanci budou o změně volebního zákona hlasovat až příští týden.", "cp1250"),
    ("Vláda v piatok schválila návrh rozpočtu, povedal hovorca ministerstva.", "cp1250"),
    ("A miniszterelnök szerint a döntés hosszú távon erősíti a gazdaságot.", "cp1250"),
    ("Preşedintele a declarat că negocierile cu sindicatele vor continua.", "cp1250"),
    ("Građani su u četvrtak prosvjedovali ispred Vlade, rekao je ministar.", "cp1250"),
    ("Bakan, İstanbul'daki toplantıda enflasyonla mücadelenin süreceğini açıkladı.", "cp1254"),  # noqa: RUF001
    ("Çarşamba günü yapılan görüşmede işçilerin talepleri değerlendirildi.", "cp1254"),  # noqa: RUF001
    ("Vyriausybė trečiadienį pritarė biudžeto projektui, sakė finansų ministrė.", "cp1257"),
    ("Valdība trešdien apstiprināja budžeta projektu, paziņoja finanšu ministrs.", "cp1257"),
    ("Rahandusminister ütles žurnalistidele, et eelarve eelnõu arutatakse neljapäeval.", "cp1257"),
]


@pytest.mark.parametrize(("text", "encoding"), LEGACY_EUROPEAN)
def test_central_european_turkish_and_baltic_code_pages_are_read_as_written(
    text: str, encoding: str
) -> None:
    assert decode_bytes(text.encode(encoding), source="x") == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    ["Le président a démissionné mardi.\n", "Президент заявил, что переговоры продолжатся."],
)
def test_utf16_without_a_byte_order_mark_is_read_not_called_binary(
    text: str, encoding: str
) -> None:
    assert decode_bytes(text.encode(encoding), source="x") == text


def test_undecodable_bytes_are_refused() -> None:
    noise = bytes(range(128, 256)) * 8
    with pytest.raises((EncodingError, BinaryInputError)):
        decode_bytes(noise, source="noise")


def test_html_page_gives_its_article_text_title_and_date() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Port News</title>"
        '<meta property="article:published_time" content="2024-06-11"></head><body>'
        "<nav>Home | Sports | Weather</nav><article><h1>Antwerp dockers end strike</h1>"
        "<p>The port authority of Antwerp said on Tuesday that dockers had ended their strike.</p>"
        "<p>The union ACV-Puls had demanded higher night-shift pay for three weeks.</p>"
        "</article><footer>Copyright Port News</footer></body></html>"
    )
    article = load_article(decode_bytes(page.encode(), source="page.html"), language="en")
    assert article.title == "Antwerp dockers end strike"
    assert article.date == PartialDate(2024, 6, 11)
    body = " ".join(s.text for s in article.sentences)
    assert "dockers had ended their strike" in body
    assert "Home | Sports" not in body
    assert "Copyright" not in body
    assert "<p>" not in article.text


def test_html_page_without_an_article_is_refused() -> None:
    with pytest.raises(InputError, match="no article text"):
        load_article("<html><body><nav>Home</nav></body></html>", language="en")


_PAGE_BODY = (
    "<article><h1>Antwerp dockers end strike</h1>{extra}"
    "<p>The port authority of Antwerp said on Tuesday that dockers had ended their strike.</p>"
    "<p>The union ACV-Puls had demanded higher night-shift pay for three weeks.</p></article>"
    "<footer>Copyright 2024 Port News. All rights reserved.</footer>"
)


@pytest.mark.parametrize(
    ("head", "extra", "date"),
    [
        ('<meta property="article:published_time" content="2023-06-11T08:00:00Z">', "",
         "2023-06-11"),
        ('<meta itemprop="datePublished" content="2023-06-12">', "", "2023-06-12"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", '
         '"datePublished": "2023-06-13"}</script>', "", "2023-06-13"),
        ("", '<time datetime="2023-06-14">14 June</time>', "2023-06-14"),
    ],
)  # fmt: skip
def test_html_publication_date_comes_from_its_metadata(head: str, extra: str, date: str) -> None:
    page = f"<!DOCTYPE html><html><head><title>Port News</title>{head}</head><body>"
    page += _PAGE_BODY.format(extra=extra) + "</body></html>"
    article = load_article(page, language="en")
    assert str(article.date) == date
    assert article.warnings == ()


def test_html_page_without_date_metadata_has_no_date_not_its_copyright_year() -> None:
    page = "<!DOCTYPE html><html><head><title>Port News</title></head><body>"
    page += _PAGE_BODY.format(extra="<p>Published in our Tuesday edition.</p>") + "</body></html>"
    article = load_article(page, language="en")
    assert article.date is None
    assert "2024" not in article.text[: article.body_start]
    assert article.warnings[0].startswith("the HTML page gives no publication date")
    assert load_article(page, language="en", date="2024-06-11").warnings == ()


def test_a_run_without_sentence_punctuation_is_cut_at_spaces_not_kept_whole() -> None:
    clause = "the minister said the talks would go on, "
    text = "It began. " + clause * 200 + "and then it ended"
    article = load_article(text, language="en")
    assert article.sentences[0].text == "It began."
    assert len(article.sentences) > 5
    for sentence in article.sentences:
        assert len(sentence.text) <= 1500
        assert article.text[sentence.start : sentence.end] == sentence.text
    # Cut after a comma, so no piece ends inside a clause.
    assert all(s.text.endswith(",") for s in article.sentences[1:-1])
    words = " ".join(s.text for s in article.sentences[1:]).split()
    assert words == (clause * 200 + "and then it ended").split(), "nothing lost or repeated"
