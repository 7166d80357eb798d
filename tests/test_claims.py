"""Headline and summary, sentence by sentence, against the article: codes, languages, views."""

from __future__ import annotations

import pytest

from summarizer import load_article
from summarizer.article import Article
from summarizer.claims import check_claims
from summarizer.lexicon import numbers_in
from summarizer.record import ArticleSummary, Claim
from summarizer.render import Format, render
from summarizer.review_page import render_html

from .conftest import SAMPLE_EN, SAMPLE_FR
from .records import verified_record


@pytest.fixture(scope="module")
def fr() -> Article:
    return load_article(SAMPLE_FR.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def en() -> Article:
    return load_article(SAMPLE_EN.read_text(encoding="utf-8"))


def _codes(claim: Claim) -> set[str]:
    return {flag.code for flag in claim.flags}


def _summary(text: str, article: Article, output_language: str | None = None) -> list[Claim]:
    lang = output_language or article.language
    headline = {"fr": "Mike Pompeo appelle l'Irak", "en": "Lyon mayor asks for tram money"}
    claims = check_claims(headline.get(article.language, "x"), text, article, lang).claims
    return [c for c in claims if c.part == "summary"]


def test_faithful_sentences_are_supported_in_english_and_french(en: Article, fr: Article) -> None:
    english = _summary(
        "Lyon's mayor Grégory Doucet asked the government to pay half the cost of a tram line. "
        "The region has promised 200 million euros; work starts in September 2025.",
        en,
    )
    french = _summary(
        "Mike Pompeo a appelé le Premier ministre irakien Adel Abdel Mahdi à préserver la "
        "souveraineté de l'Irak après un tir de roquettes contre l'ambassade à Bagdad.",
        fr,
    )
    for claim in [*english, *french]:
        assert claim.supported, claim
        assert claim.flags == [], claim
    assert len(english) == 2, "the summary is checked sentence by sentence"


def test_a_name_not_in_the_article_is_flagged_in_english_and_french(
    en: Article, fr: Article
) -> None:
    (english,) = _summary("Mayor Martine Aubry asked the government to pay for the tram.", en)
    (french,) = _summary("Le président Emmanuel Macron a appelé le Premier ministre irakien.", fr)
    for claim, name in ((english, "Martine Aubry"), (french, "Emmanuel Macron")):
        assert not claim.supported
        assert "name_not_in_article" in _codes(claim)
        assert any(name in f.message for f in claim.flags)


def test_a_number_not_in_the_article_is_flagged_in_digits_and_words(
    en: Article, fr: Article
) -> None:
    (digits,) = _summary("The region promised 300 million euros for the tram line.", en)
    (words,) = _summary("The region promised three hundred million euros for the tram.", en)
    (french,) = _summary("Le Parlement irakien a voté le retrait de 5000 soldats américains.", fr)
    (french_words,) = _summary("Le tir de roquettes a fait deux blessés à l'ambassade.", fr)
    for claim in (digits, words, french, french_words):
        assert not claim.supported, claim
        assert _codes(claim) == {"number_not_in_article"}, claim
    assert [f.message for f in digits.flags] == ["'300 million' is not a number of the article"]
    assert "'three hundred million'" in words.flags[0].message


def test_a_number_the_article_states_in_other_words_is_supported(en: Article) -> None:
    (claim,) = _summary("The region had promised two hundred million euros already.", en)
    assert claim.supported, claim


def test_too_few_content_words_in_the_article_is_an_unsupported_claim(
    en: Article, fr: Article
) -> None:
    (english,) = _summary("Storms flooded several coastal villages overnight.", en)
    (french,) = _summary("Des tempêtes ont inondé plusieurs villages côtiers cette nuit.", fr)
    for claim in (english, french):
        assert not claim.supported
        assert _codes(claim) == {"unsupported_claim"}
        assert "content words" in claim.flags[0].message


def test_one_unknown_word_is_not_enough_to_call_a_sentence_unsupported(en: Article) -> None:
    (claim,) = _summary("The mayor asked the government to fund a splendid tram line.", en)
    assert claim.supported, claim


def test_an_empty_summary_is_an_empty_claim(fr: Article) -> None:
    claims = check_claims("Pompeo appelle l'Irak", ", ", fr, "fr").claims
    summary = [c for c in claims if c.part == "summary"]
    assert [(c.text, c.supported, _codes(c)) for c in summary] == [(",", False, {"empty_claim"})]


def test_a_headline_in_another_language_than_asked_is_flagged_wrong_language(
    en: Article, fr: Article
) -> None:
    english_for_french = check_claims(
        "The American secretary of state called the Iraqi prime minister",
        "Mike Pompeo a appelé le Premier ministre irakien.", fr, "fr",
    ).claims  # fmt: skip
    french_for_english = check_claims(
        "Le maire de Lyon demande à l'Etat de payer la moitié du tramway",
        "The mayor asked the government to pay half the cost.", en, "en",
    ).claims  # fmt: skip
    for claims, wrong in ((english_for_french, "en"), (french_for_english, "fr")):
        headline = [c for c in claims if c.part == "headline"]
        summary = [c for c in claims if c.part == "summary"]
        assert all("wrong_language" in _codes(c) for c in headline)
        assert any(f"written in {wrong}" in f.message for c in headline for f in c.flags)
        assert all("wrong_language" not in _codes(c) for c in summary)


def test_a_short_headline_the_fast_detector_misreads_is_not_called_wrong_language() -> None:
    article = load_article(
        "Microsoft has asked users to stop using Internet Explorer 6, its old web browser. "
        "The company wants the browser to die, and counts the days until it does.",
        language="en",
    )
    claims = check_claims("Microsoft waits for death of Internet Explorer 6", "x", article, "en")
    assert all("wrong_language" not in _codes(c) for c in claims.claims)


def test_an_acronym_written_with_stops_in_the_article_is_found() -> None:
    article = load_article(
        "The team competed in Washington D.C. this week, after the U.S. granted visas.",
        language="en",
    )
    (claim,) = _summary("The team competed in Washington DC after the US granted visas.", article)
    assert claim.supported, claim


def test_across_languages_only_names_and_numbers_are_checked(fr: Article) -> None:
    supported, invented = _summary(
        "After a rocket attack on the US embassy in Baghdad, Mike Pompeo asked the Iraqi "
        "prime minister, Adel Abdel Mahdi, to protect diplomats. Vladimir Putin promised 40 "
        "warships.",
        fr,
        output_language="en",
    )
    assert supported.supported, "content words, acronyms and exonyms are not held against it"
    assert _codes(invented) == {"name_not_in_article", "number_not_in_article"}


def test_across_languages_a_name_needs_its_last_word_spelled_nearly_alike(fr: Article) -> None:
    (titled,) = _summary("He called Iraqi Prime Minister Adel Abdel Mahdi on Monday.", fr, "en")
    (swapped,) = _summary("He called Iraqi Prime Minister Adel Abdel Jaber on Monday.", fr, "en")
    assert titled.supported, titled
    assert [f.message for f in swapped.flags] == [
        "'Iraqi Prime Minister Adel Abdel Jaber' is not in the article"
    ]


def test_capitals_that_open_a_sentence_or_a_title_case_headline_are_not_names(
    en: Article,
) -> None:
    claims = check_claims(
        "Lyon Mayor Asks State To Fund New Tram Line",
        "Asked about funding, the mayor said the region had promised money.", en, "en",
    ).claims  # fmt: skip
    assert all(c.supported and not c.flags for c in claims), claims


def test_summary_support_is_the_share_of_the_summary_words_found_in_the_article(
    fr: Article,
) -> None:
    faithful = "Mike Pompeo a appelé le Premier ministre irakien à préserver la souveraineté."
    invented = "Les Martiens envahissent Lyon pendant une tempête magnétique extraordinaire."
    assert check_claims("t", faithful, fr, "fr").summary_support == 1.0
    low = check_claims("t", invented, fr, "fr")
    assert low.summary_support == 0.0
    assert any("may not summarise" in w for w in low.warnings)
    across = check_claims("t", "Mike Pompeo called Iraq's prime minister.", fr, "en")
    assert across.summary_support is None, "not comparable across languages"


def _values(text: str) -> list[set[float]]:
    return [set(n.values) for n in numbers_in(text)]


def test_numbers_are_read_from_digits_and_english_and_french_words() -> None:
    assert _values("1,000 then 3,5 millions then 2.5") == [{1000.0}, {3.5, 3_500_000.0}, {2.5}]
    assert _values("vingt et un soldats") == [{21.0}]
    assert _values("quatre-vingt-dix") == [{90.0}]
    assert _values("twenty-one soldiers and two hundred and five") == [{21.0}, {205.0}]
    assert _values("un homme et une femme, one of them") == []
    assert _values("50 pour cent") == [{50.0}]


def _record_with_claims(article: Article) -> ArticleSummary:
    draft = {
        "headline": "Pompeo blames Russia",
        "summary": "Mike Pompeo a appelé le Premier ministre irakien.",
    }
    return verified_record(article, draft)


def test_unsupported_claims_show_in_every_view(fr: Article) -> None:
    record = _record_with_claims(fr)
    (flagged,) = [c for c in record.quality.claims if c.flags]
    assert "name_not_in_article" in _codes(flagged)
    assert "'Russia' is not in the article" in str(flagged.flags)
    formats: tuple[Format, ...] = ("markdown", "text", "html")
    for fmt in formats:
        view = render(record, fmt)
        assert "name_not_in_article" in view, fmt
        assert "Russia" in view, fmt
    assert "name_not_in_article" in render_html([record])
    assert render(record, "json").count("name_not_in_article") == 1
