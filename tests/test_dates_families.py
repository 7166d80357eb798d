"""The grammar of time, family by family: future-pointing contexts, quarters, anaphora,
clock times and generic uses. Every sentence here is made up for the test."""

from __future__ import annotations

import pytest

from summarizer.dates import PartialDate, resolve_date

# A Wednesday.
WEDNESDAY = PartialDate(2011, 2, 9)


def _resolved(expression: str, sentence: str, language: str, anchor: PartialDate) -> str | None:
    value = resolve_date(expression, anchor, language, sentence)
    return None if value is None else value.isoformat()


@pytest.mark.parametrize(
    ("language", "expression", "sentence", "expected"),
    [
        # Deadlines under a verb that is not past.
        ("en", "the end of March", "The discount is valid until the end of March.", "2011-03"),
        ("en", "Friday", "Applications must be submitted by Friday.", "2011-02-11"),
        ("en", "May", "The programme runs until May.", "2011-05"),
        ("fr", "lundi", "Les candidats ont jusqu'à lundi pour se déclarer.", "2011-02-14"),
        ("fr", "avril", "L'exposition reste ouverte jusqu'en avril.", "2011-04"),
        # Schedules and notices of an event to come.
        ("en", "Tuesday", "The vote is set for Tuesday.", "2011-02-15"),
        ("en", "Saturday", "The club is holding its annual dinner on Saturday.", "2011-02-12"),
        ("fr", "dimanche", "Rendez-vous dimanche devant la salle des fêtes.", "2011-02-13"),
        ("fr", "samedi", "Le départ est fixé samedi à la gare.", "2011-02-12"),
        # Plans in quoted speech: the reporting verb is past, the plan is not.
        ("en", "Saturday evening", "'Meet me Saturday evening,' she told him.", "2011-02-12TEV"),
        ("en", "Monday", '"We sign the lease on Monday," the owner said.', "2011-02-14"),
        ("fr", "vendredi", "« On se retrouve vendredi », a-t-il lancé.", "2011-02-11"),
        # A month of a year said relatively.
        ("en", "March of next year", "Work starts after March of next year.", "2012-03"),
        ("fr", "mars de l'année dernière", "Depuis mars de l'année dernière.", "2010-03"),
    ],
)
def test_future_pointing_contexts_place_the_coming_date(
    language: str, expression: str, sentence: str, expected: str
) -> None:
    assert _resolved(expression, sentence, language, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("language", "expression", "sentence", "expected"),
    [
        ("en", "May", "The strike lasted until May.", "2010-05"),
        ("en", "Friday", "The report was finished by Friday.", "2011-02-04"),
        ("en", "Monday", "'We lost on Monday,' the coach said.", "2011-02-07"),
        ("fr", "lundi", "La grève a duré jusqu'à lundi.", "2011-02-07"),
    ],
)
def test_a_past_verb_keeps_a_deadline_or_a_quotation_in_the_past(
    language: str, expression: str, sentence: str, expected: str
) -> None:
    assert _resolved(expression, sentence, language, WEDNESDAY) == expected


# A day in the third quarter.
JULY = PartialDate(2011, 7, 20)


@pytest.mark.parametrize(
    ("language", "expression", "sentence", "anchor", "expected"),
    [
        ("en", "the second quarter of 2011", "Profit rose in the second quarter of 2011.", JULY,
         "2011-Q2"),
        ("en", "second-quarter 2011", "Its second-quarter 2011 sales fell.", JULY, "2011-Q2"),
        ("en", "the third quarter of the previous year",
         "Margins were thinner than in the third quarter of the previous year.", JULY, "2010-Q3"),
        ("en", "the first quarter of next year", "The plant will open in the first quarter of "
         "next year.", JULY, "2012-Q1"),
        ("fr", "le premier trimestre de l'année dernière",
         "Les ventes dépassent celles du premier trimestre de l'année dernière.", JULY, "2010-Q1"),
        # A bare quarter: the latest one its verb allows.
        ("en", "the third quarter", "Sales fell in the third quarter.", JULY, "2010-Q3"),
        ("en", "the second quarter", "Sales fell in the second quarter.", JULY, "2011-Q2"),
        ("en", "fourth-quarter", "The bank reported fourth-quarter earnings.", WEDNESDAY,
         "2010-Q4"),
        ("en", "third-quarter", "The bank will report third-quarter earnings.", JULY, "2011-Q3"),
        ("en", "the first quarter", "The bank will report on the first quarter.", PartialDate(
            2011, 12, 1), "2012-Q1"),
        ("fr", "le troisième trimestre", "Les ventes ont reculé au troisième trimestre.", JULY,
         "2010-Q3"),
        # A half: its year, the record's nearest precision.
        ("en", "the second half", "Orders rose in the second half.", WEDNESDAY, "2010"),
        ("en", "first-half", "It posted a first-half loss.", WEDNESDAY, "2010"),
    ],
)  # fmt: skip
def test_quarters_and_halves_keep_their_number_and_their_year(
    language: str, expression: str, sentence: str, anchor: PartialDate, expected: str
) -> None:
    assert _resolved(expression, sentence, language, anchor) == expected
