"""Located but not verbatim: each reason code, in English and in French."""

from __future__ import annotations

import pytest

from summarizer import load_article
from summarizer.article import Article
from summarizer.grounding import locate

EN = load_article(
    "date: 2024-03-05\n"
    "Rebels killed 21 soldiers near the northern border on Tuesday, the army said.\n"
    "General Amir Haddad said the army would not withdraw from the town of Kessa.\n"
    "The minister said that the old port would reopen to cargo ships next month.\n"
    "Officials expect the harbour to handle twice as much freight as last year.",
    language="en",
)
FR = load_article(
    "date: 2024-03-05\n"
    "Les rebelles ont tué vingt et un soldats près de la frontière nord mardi, selon l'armée.\n"
    "Le général Amir Haddad a déclaré que l'armée ne se retirerait pas de la ville de Kessa.\n"
    "Le ministre a indiqué que le vieux port rouvrirait aux cargos le mois prochain.\n"
    "En janvier, les autorités avaient promis des travaux rapides sur les quais.",
    language="fr",
)


def _codes(quote: str, article: Article, sentence: int) -> list[str]:
    found = locate(quote, article, [sentence])
    assert found.start is not None, "a misquote keeps its span for the reader"
    assert not found.grounded
    return [d.code for d in found.differences]


@pytest.mark.parametrize(
    ("article", "sentence", "quote"),
    [
        (EN, 1, "Rebels killed 12 soldiers near the northern border on Tuesday"),
        (EN, 1, "Rebels killed twelve soldiers near the northern border on Tuesday"),
        (FR, 1, "Les rebelles ont tué trente et un soldats près de la frontière nord"),
        (FR, 1, "Les rebelles ont tué vingt et deux soldats près de la frontière nord"),
    ],
)
def test_a_changed_number_is_flagged_number(article: Article, sentence: int, quote: str) -> None:
    assert _codes(quote, article, sentence)[0] == "number"


@pytest.mark.parametrize(
    ("article", "sentence", "quote"),
    [
        (EN, 2, "General Amir Haddad said the army would withdraw from the town of Kessa"),
        (EN, 3, "The minister said that the old port would not reopen to cargo ships"),
        (EN, 3, "The minister said that the old port wouldn't reopen to cargo ships"),
        (FR, 2, "Le général Amir Haddad a déclaré que l'armée se retirerait de la ville"),
        (FR, 3, "Le ministre a indiqué que le vieux port ne rouvrirait jamais aux cargos"),
        (FR, 3, "Le ministre a indiqué que le vieux port rouvrirait sans les cargos"),
    ],
)
def test_an_added_or_removed_negation_is_flagged_negation(
    article: Article, sentence: int, quote: str
) -> None:
    assert _codes(quote, article, sentence)[0] == "negation"


@pytest.mark.parametrize(
    ("article", "sentence", "quote"),
    [
        (EN, 2, "General Amir Hassan said the army would not withdraw from the town"),
        (EN, 2, "the army would not withdraw from the town of Tessa"),
        (FR, 2, "Le général Omar Haddad a déclaré que l'armée ne se retirerait pas"),
    ],
)
def test_a_swapped_name_is_flagged_name(article: Article, sentence: int, quote: str) -> None:
    assert _codes(quote, article, sentence)[0] == "name"


@pytest.mark.parametrize(
    ("article", "sentence", "quote"),
    [
        (EN, 1, "killed 21 soldiers near the northern border on Wednesday, the army said"),
        (FR, 1, "soldats près de la frontière nord jeudi, selon l'armée"),
        (FR, 4, "En février, les autorités avaient promis des travaux rapides"),
    ],
)
def test_a_changed_weekday_or_month_is_flagged_date(
    article: Article, sentence: int, quote: str
) -> None:
    assert _codes(quote, article, sentence)[0] == "date"


@pytest.mark.parametrize(
    ("article", "sentence", "quote"),
    [
        (EN, 3, "The minister said that the new port would reopen to cargo ships"),
        (FR, 3, "Le ministre a indiqué que le nouveau port rouvrirait aux cargos"),
    ],
)
def test_another_word_replaced_is_flagged_words_changed(
    article: Article, sentence: int, quote: str
) -> None:
    assert _codes(quote, article, sentence) == ["words_changed"]


@pytest.mark.parametrize(
    ("article", "sentence", "quote", "span"),
    [
        (
            EN, 3, "The minister said the port would reopen to cargo ships",
            "The minister said that the old port would reopen to cargo ships",
        ),
        (
            FR, 3, "Le ministre a indiqué que le port rouvrirait aux cargos",
            "Le ministre a indiqué que le vieux port rouvrirait aux cargos",
        ),
    ],
)  # fmt: skip
def test_words_dropped_silently_are_found_as_the_run_they_came_from(
    article: Article, sentence: int, quote: str, span: str
) -> None:
    found = locate(quote, article, [sentence])
    assert found.match == "subsequence"
    assert article.text[found.start : found.end] == span
    assert [d.code for d in found.differences] == ["words_dropped"]
    assert found.differences[0].message.startswith(f"{len(span.split()) - len(quote.split())} word")


def test_a_dropped_negation_is_named_negation_not_words_dropped() -> None:
    found = locate("the army would withdraw from the town of Kessa", EN, [2])
    assert found.match == "subsequence"
    assert [d.code for d in found.differences] == ["negation"]
    assert "'not'" in found.differences[0].message


def test_words_left_out_at_a_marked_elision_stay_grounded() -> None:
    found = locate("The minister said … would reopen to cargo ships", EN, [3])
    assert found.grounded
    assert found.match == "normalised"


def test_a_quote_differing_only_by_a_dash_is_grounded() -> None:
    article = load_article("Dockers ended their night-shift strike on Friday.", language="en")
    found = locate("Dockers ended their night shift strike", article, [1])
    assert found.grounded
    assert article.text[found.start : found.end] == "Dockers ended their night-shift strike"


def test_the_reask_names_what_the_misquote_changed() -> None:
    found = locate("Rebels killed 12 soldiers near the northern border on Tuesday", EN, [1])
    problem = found.problem()
    assert problem is not None
    assert "the quote says '12' where the text says '21'" in problem


def test_a_short_common_first_fragment_is_anchored_next_to_the_rest() -> None:
    article = load_article(
        "Le maire a parlé. Les habitants ont protesté contre le projet.\n"
        "Selon le texte, le conseil municipal a voté la fermeture de l'usine.",
        language="fr",
    )
    found = locate("le … a voté la fermeture", article, [3])
    assert found.grounded
    assert article.text[found.start : found.end] == "le conseil municipal a voté la fermeture"


def test_an_elision_stretched_far_beyond_its_quote_is_not_a_match() -> None:
    filler = " ".join(f"Phrase numéro {n} sans rapport avec le reste." for n in range(30))
    article = load_article(f"Le port ferme. {filler} Enfin les dockers ont voté.", language="fr")
    found = locate("Le port … ont voté", article, [1])
    assert found.match == "sentence"


def test_an_elision_within_one_long_cited_sentence_is_matched_whatever_its_length() -> None:
    middle = ", ".join(f"le quai numéro {n}" for n in range(20))
    article = load_article(f"Le port a fermé {middle} et les dockers ont voté.", language="fr")
    found = locate("Le port … ont voté", article, [1])
    assert found.grounded
    assert article.text[found.start : found.end] == article.text.rstrip(".")
