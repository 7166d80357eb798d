"""Grounding quotes to character offsets through the match cascade."""

from __future__ import annotations

import pytest

from summarizer import Article, load_article
from summarizer.grounding import fold, locate

from .conftest import SAMPLE_FR


@pytest.fixture(scope="module")
def sample() -> Article:
    return load_article(SAMPLE_FR.read_text(encoding="utf-8"))


def test_verbatim_quote_grounds_exactly(sample: Article) -> None:
    found = locate("Mike Pompeo a appelé lundi", sample, [1])
    assert found.match == "exact"
    assert sample.text[found.start : found.end] == "Mike Pompeo a appelé lundi"
    assert found.sentence == 1


def test_quote_with_curly_apostrophe_grounds_normalised_on_the_straight_one(
    sample: Article,
) -> None:
    found = locate("préserver la souveraineté de l’Irak", sample, [1])
    assert found.match == "normalised"
    assert sample.text[found.start : found.end] == "préserver la souveraineté de l'Irak"


def test_quote_without_accents_and_in_capitals_grounds_normalised(sample: Article) -> None:
    found = locate("LE SECRETAIRE D'ETAT AMERICAIN", sample, [2])
    assert found.match == "normalised"
    assert sample.text[found.start : found.end] == "le secrétaire d'Etat américain"


def test_elided_quote_spans_from_first_to_last_part(sample: Article) -> None:
    found = locate("Le chef de la diplomatie … a appelé lundi", sample, [1])
    assert found.match == "normalised"
    assert sample.text[found.start : found.end].startswith("Le chef de la diplomatie")
    assert sample.text[found.start : found.end].endswith("a appelé lundi")


def test_quote_with_a_typo_grounds_fuzzy_on_whole_words(sample: Article) -> None:
    found = locate("Washington refuse de discutter d'un tel retrait", sample, [9])
    assert found.match == "fuzzy"
    assert sample.text[found.start : found.end] == "Washington refuse de discuter d'un tel retrait"


def test_invented_quote_falls_back_to_the_cited_sentence(sample: Article) -> None:
    found = locate("the embassy was completely destroyed", sample, [6])
    assert found.match == "sentence"
    assert (found.start, found.end) == (sample.sentences[5].start, sample.sentences[5].end)


def test_invented_quote_citing_no_real_sentence_is_unverified(sample: Article) -> None:
    found = locate("the embassy was completely destroyed", sample, [42])
    assert (found.start, found.end, found.match) == (None, None, "unverified")


def test_quote_cited_in_the_wrong_sentence_is_still_found_exactly(sample: Article) -> None:
    found = locate("Washington refuse de discuter", sample, [1])
    assert found.match == "exact"
    assert found.sentence == 9


def test_guillemets_and_non_breaking_spaces_match_straight_quotes() -> None:
    text = "Le ministre a dénoncé une «\u00a0provocation inacceptable\u00a0» mardi."
    article = load_article(text, language="fr")
    found = locate('"provocation inacceptable"', article, [1])
    assert found.match == "normalised"
    assert article.text[found.start : found.end] == "provocation inacceptable"


def test_offsets_count_code_points_after_emoji_and_crlf() -> None:
    text = "Fans 🎉🎉 cheered.\r\nThe coach said “we will be back” on Sunday."
    article = load_article(text, language="en")
    found = locate('"we will be back"', article, [2])
    assert found.match == "normalised"
    assert article.text[found.start : found.end] == "“we will be back”"
    exact = locate("The coach said", article, [2])
    assert article.text[exact.start : exact.end] == "The coach said"


def test_decomposed_accents_in_the_text_match_composed_quote() -> None:
    text = "Le pre\u0301sident a parle\u0301 hier."
    article = load_article(text, language="fr")
    found = locate("président a parlé", article, [1])
    assert found.match == "normalised"
    assert article.text[found.start : found.end] == "pre\u0301sident a parle\u0301"


def test_a_short_word_does_not_match_inside_a_longer_one() -> None:
    article = load_article("Les Irakiens ont manifesté.", language="fr")
    assert locate("irak", article, [1]).match == "sentence"


def test_fold_maps_every_folded_character_back_to_the_original() -> None:
    text = "Straße «\u00a0Œuvre\u00a0» – l’été"
    folded = fold(text)
    assert len(folded.text) == len(folded.index)
    assert folded.text == "strasse œuvre - l'ete"
    assert all(0 <= i < len(text) for i in folded.index)
