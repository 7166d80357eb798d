"""Resolving date expressions at an honest precision."""

from __future__ import annotations

import pytest

from summarizer.dates import PartialDate, parse_iso_partial, resolve_date

MONTH = PartialDate(2020, 1)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("lundi", "2020-01"),
        ("dimanche", "2020-01"),
        ("hier", "2020-01"),
        ("3 janvier", "2020-01-03"),
        ("le 3 janvier", "2020-01-03"),
        ("le mois dernier", "2019-12"),
        ("l'année dernière", "2019"),
    ],
)
def test_month_dated_article_places_relative_days_at_month_precision_only(
    expression: str, expected: str
) -> None:
    resolved = resolve_date(expression, MONTH, "fr")
    assert resolved is not None
    assert resolved.isoformat() == expected


def test_day_dated_article_resolves_weekday_to_the_previous_one() -> None:
    resolved = resolve_date("Monday", PartialDate(2007, 2, 6), "en")
    assert resolved == PartialDate(2007, 2, 5)


def test_yearless_month_prefers_the_past() -> None:
    assert resolve_date("October", PartialDate(2006, 3, 1), "en") == PartialDate(2005, 10)


def test_undated_article_resolves_only_absolute_dates() -> None:
    assert resolve_date("July 2019", None, "en") == PartialDate(2019, 7)
    assert resolve_date("le 3 janvier 2020", None, "fr") == PartialDate(2020, 1, 3)
    for relative in ("Tuesday", "yesterday", "last week", "3 January"):
        assert resolve_date(relative, None, "en") is None, "nothing to anchor it but the clock"


def test_words_that_are_no_date_resolve_to_nothing() -> None:
    assert resolve_date("n'importe quoi", MONTH, "fr") is None
    assert resolve_date("   ", MONTH, "fr") is None


def test_partial_dates_know_their_bounds_and_precision() -> None:
    feb = parse_iso_partial("2020-02")
    assert (feb.precision, str(feb.first_day), str(feb.last_day)) == (
        "month",
        "2020-02-01",
        "2020-02-29",
    )
    assert parse_iso_partial("2019").last_day.isoformat() == "2019-12-31"
    with pytest.raises(ValueError, match=r"day is out of range|must be in"):
        parse_iso_partial("2021-02-29")
    with pytest.raises(ValueError, match="not a date"):
        parse_iso_partial("January 2020")


DAY = PartialDate(1999, 7, 16)  # a Friday


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("23 juillet", "1999-07-23"),  # a week ahead is nearer than a year back
        ("le 3 mai", "1999-05-03"),
        ("vendredi dernier", "1999-07-09"),
        ("samedi prochain", "1999-07-17"),
        ("mardi soir", "1999-07-13"),
        ("hier matin", "1999-07-15"),
        ("ce soir", "1999-07-16"),
        ("14 h 15", "1999-07-16"),
        ("octobre 98", "1998-10"),
        ("97", "1997"),
        ("l'an prochain", "2000"),
        ("cette année", "1999"),
        ("l'année 2001", "2001"),
        ("début octobre", "1999-10"),
    ],
)
def test_day_dated_french_expressions(expression: str, expected: str) -> None:
    resolved = resolve_date(expression, DAY, "fr")
    assert resolved is not None
    assert resolved.isoformat() == expected


def test_english_direction_words_and_nearest_weekday() -> None:
    thursday = PartialDate(2008, 9, 18)
    assert resolve_date("Friday", thursday, "en") == PartialDate(2008, 9, 19)
    assert resolve_date("last Friday", thursday, "en") == PartialDate(2008, 9, 12)
    assert resolve_date("a week ago", thursday, "en") == PartialDate(2008, 9, 11)
    assert resolve_date("early June", PartialDate(2009, 5, 14), "en") == PartialDate(2009, 6)
