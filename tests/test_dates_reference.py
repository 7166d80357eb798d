"""References to the present, past and future, and weekends, as TimeML writes them."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer.dates import PartialDate, TemporalReference, parse_value, resolve_date

FRIDAY = PartialDate(2009, 8, 21)  # ISO week 2009-W34
MONDAY = PartialDate(2009, 8, 24)  # ISO week 2009-W35
SATURDAY = PartialDate(2009, 8, 22)


@pytest.mark.parametrize(
    ("language", "expression", "expected"),
    [
        ("en", "now", "PRESENT_REF"),
        ("en", "right now", "PRESENT_REF"),
        ("en", "currently", "PRESENT_REF"),
        ("en", "at present", "PRESENT_REF"),
        ("en", "nowadays", "PRESENT_REF"),
        ("en", "these days", "PRESENT_REF"),
        ("en", "the time being", "PRESENT_REF"),
        ("en", "for the time being", "PRESENT_REF"),
        ("en", "recently", "PAST_REF"),
        ("en", "more recently", "PAST_REF"),
        ("en", "until recently", "PAST_REF"),
        ("en", "formerly", "PAST_REF"),
        ("en", "in the past", "PAST_REF"),
        ("en", "once", "PAST_REF"),
        ("en", "soon", "FUTURE_REF"),
        ("en", "very soon", "FUTURE_REF"),
        ("en", "the future", "FUTURE_REF"),
        ("en", "in the near future", "FUTURE_REF"),
        ("en", "the near term", "FUTURE_REF"),
        ("fr", "maintenant", "PRESENT_REF"),
        ("fr", "actuellement", "PRESENT_REF"),
        ("fr", "en ce moment", "PRESENT_REF"),
        ("fr", "pour l'instant", "PRESENT_REF"),
        ("fr", "à l'heure actuelle", "PRESENT_REF"),
        ("fr", "de nos jours", "PRESENT_REF"),
        ("fr", "désormais", "PRESENT_REF"),
        ("fr", "récemment", "PAST_REF"),
        ("fr", "tout récemment", "PAST_REF"),
        ("fr", "naguère", "PAST_REF"),
        ("fr", "autrefois", "PAST_REF"),
        ("fr", "par le passé", "PAST_REF"),
        ("fr", "à l'avenir", "FUTURE_REF"),
        ("fr", "prochainement", "FUTURE_REF"),
        ("fr", "très bientôt", "FUTURE_REF"),
    ],
)
def test_words_pointing_at_present_past_or_future_are_timeml_references(
    language: str, expression: str, expected: str
) -> None:
    resolved = resolve_date(expression, FRIDAY, language)
    assert isinstance(resolved, TemporalReference)
    assert (resolved.isoformat(), resolved.precision) == (expected, "reference")


def test_a_reference_needs_no_article_date() -> None:
    assert resolve_date("recently", None, "en") == TemporalReference("PAST")
    assert resolve_date("bientôt", None, "fr") == TemporalReference("FUTURE")


@pytest.mark.parametrize(
    ("language", "expression", "expected"),
    [
        ("en", "the past week", "2009-W33"),
        ("en", "later this year", "2009"),
        ("en", "the current year", "2009"),
        ("fr", "le mois précédent", "2009-07"),
        ("fr", "l'année en cours", "2009"),
    ],
)
def test_a_reference_word_inside_a_calendar_expression_keeps_its_calendar_value(
    language: str, expression: str, expected: str
) -> None:
    resolved = resolve_date(expression, FRIDAY, language)
    assert isinstance(resolved, PartialDate)
    assert resolved.isoformat() == expected


@pytest.mark.parametrize(
    ("language", "context"),
    [
        ("en", "Shares fell today after the results."),
        ("en", "Today's meeting was cancelled."),
        ("en", "The minister said today that talks would resume."),
        ("fr", "Le ministre a annoncé aujourd'hui sa démission."),
        ("fr", "La séance d'aujourd'hui a été levée."),
    ],
)
def test_today_is_the_article_day_by_default(language: str, context: str) -> None:
    expression = "today" if language == "en" else "aujourd'hui"
    if expression not in context:
        expression = expression.capitalize()
    assert resolve_date(expression, FRIDAY, language, context) == FRIDAY


@pytest.mark.parametrize(
    ("language", "context"),
    [
        ("en", "This is an exciting time at today's GM."),
        ("en", "Today's world is more connected than ever."),
        ("en", "The Europe of today is not that of 1950."),
        ("en", "Even today, the factory employs half the town."),
        ("fr", "La France d'aujourd'hui ne ressemble plus à celle de 1950."),
        ("fr", "Les jeunes d'aujourd'hui lisent moins."),
        ("fr", "Aujourd'hui encore, la ville vit de la mine."),
        ("fr", "La mine fait encore aujourd'hui vivre la ville."),
    ],
)
def test_today_in_the_sense_of_these_days_is_present_ref(language: str, context: str) -> None:
    expression = "today" if language == "en" else "aujourd'hui"
    if expression not in context:
        expression = expression.capitalize()
    assert resolve_date(expression, FRIDAY, language, context) == TemporalReference("PRESENT")


@pytest.mark.parametrize(
    ("language", "expression", "expected"),
    [
        ("en", "this weekend", "2009-W34-WE"),
        ("en", "last weekend", "2009-W33-WE"),
        ("en", "next weekend", "2009-W35-WE"),
        ("fr", "ce week-end", "2009-W34-WE"),
        ("fr", "le week-end dernier", "2009-W33-WE"),
        ("fr", "le week-end prochain", "2009-W35-WE"),
    ],
)
def test_weekends_have_weekend_precision_of_their_iso_week(
    language: str, expression: str, expected: str
) -> None:
    resolved = resolve_date(expression, FRIDAY, language)
    assert resolved is not None
    assert (resolved.isoformat(), resolved.precision) == (expected, "weekend")


@pytest.mark.parametrize(
    ("language", "anchor", "context", "expected"),
    [
        ("en", MONDAY, "Talks broke down over the weekend.", "2009-W34-WE"),
        ("en", SATURDAY, "Protesters gathered in the capital over the weekend.", "2009-W34-WE"),
        ("en", FRIDAY, "The team will meet over the weekend.", "2009-W34-WE"),
        ("fr", MONDAY, "Les négociations ont échoué pendant le week-end.", "2009-W34-WE"),
        ("fr", FRIDAY, "Les négociations reprendront pendant le week-end.", "2009-W34-WE"),
    ],
)
def test_the_weekend_alone_is_the_nearest_one_on_the_side_of_its_tense(
    language: str, anchor: PartialDate, context: str, expected: str
) -> None:
    expression = "the weekend" if language == "en" else "le week-end"
    resolved = resolve_date(expression, anchor, language, context)
    assert resolved is not None
    assert resolved.isoformat() == expected


def test_a_weekend_spans_its_saturday_and_sunday() -> None:
    weekend = parse_value("2009-W34-WE")
    assert (weekend.first_day, weekend.last_day) == (date(2009, 8, 22), date(2009, 8, 23))
    assert PartialDate.from_date(date(2009, 8, 20), "weekend") == weekend


def test_a_weekend_needs_a_week() -> None:
    with pytest.raises(ValueError, match="weekend needs a week"):
        PartialDate(2009, weekend=True)
