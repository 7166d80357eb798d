"""Resolving date expressions at an honest precision."""

from __future__ import annotations

import pytest

from summarizer.dates import PartialDate, parse_iso_partial, parse_value, resolve_date

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
        ("mardi soir", "1999-07-13TEV"),
        ("hier matin", "1999-07-15TMO"),
        ("ce soir", "1999-07-16TEV"),
        ("octobre 98", "1998-10"),
        ("en 97", "1997"),
        ("l'an prochain", "2000"),
        ("cette année", "1999"),
        ("l'année 2001", "2001"),
        ("début octobre", "1998-10"),  # no tense, no cue: the last one begun
    ],
)
def test_day_dated_french_expressions(expression: str, expected: str) -> None:
    resolved = resolve_date(expression, DAY, "fr")
    assert resolved is not None
    assert resolved.isoformat() == expected


def test_english_direction_words_and_weekday_in_the_past_by_default() -> None:
    thursday = PartialDate(2008, 9, 18)
    assert resolve_date("Friday", thursday, "en") == PartialDate(2008, 9, 12)
    assert resolve_date("last Friday", thursday, "en") == PartialDate(2008, 9, 12)
    assert resolve_date("a week ago", thursday, "en") == PartialDate(2008, 9, 11)
    assert resolve_date("early June", PartialDate(2009, 5, 14), "en") == PartialDate(2008, 6)


# -- issue 11: the failure families, each in English and French --------------------------

FRIDAY = PartialDate(2009, 8, 21)


@pytest.mark.parametrize(
    ("expression", "language"), [("Friday", "en"), ("on Friday", "en"), ("vendredi", "fr")]
)
def test_weekday_of_the_article_itself_is_the_article_day(expression: str, language: str) -> None:
    assert resolve_date(expression, FRIDAY, language) == FRIDAY


def test_weekday_of_the_article_with_a_direction_word_is_a_week_away() -> None:
    assert resolve_date("last Friday", FRIDAY, "en") == PartialDate(2009, 8, 14)
    assert resolve_date("vendredi prochain", FRIDAY, "fr") == PartialDate(2009, 8, 28)


@pytest.mark.parametrize(
    ("expression", "language", "expected"),
    [
        ("June 18", "en", "2009-06-18"),
        ("on August 24", "en", "2009-08-24"),
        ("June 18, 2007", "en", "2007-06-18"),
        ("June '07", "en", "2007-06"),
        ("18 juin", "fr", "2009-06-18"),
        ("octobre 98", "fr", "1998-10"),
        ("le 10 novembre 93", "fr", "1993-11-10"),
    ],
)
def test_month_and_number_follow_the_languages_order_of_day_and_year(
    expression: str, language: str, expected: str
) -> None:
    resolved = resolve_date(expression, FRIDAY, language)
    assert resolved is not None
    assert resolved.isoformat() == expected


@pytest.mark.parametrize(
    ("expression", "language", "context", "expected"),
    [
        ("October", "en", None, "2008-10"),
        ("October", "en", "Sales fell in October.", "2008-10"),
        ("October", "en", "The deal will close in October.", "2009-10"),
        ("October", "en", "The transaction should be completed in October.", "2009-10"),
        ("next October", "en", None, "2009-10"),
        ("September 12", "en", "The contract may be signed on September 12.", "2009-09-12"),
        ("September 12", "en", "The contract was signed on September 12.", "2008-09-12"),
        ("octobre", "fr", None, "2008-10"),
        ("octobre", "fr", "Les travaux ont commencé en octobre.", "2008-10"),
        ("octobre", "fr", "Les travaux commenceront en octobre.", "2009-10"),
        ("en octobre prochain", "fr", None, "2009-10"),
        ("les mois à venir", "fr", None, None),
    ],
)
def test_yearless_month_is_past_unless_tense_or_cue_says_otherwise(
    expression: str, language: str, context: str | None, expected: str | None
) -> None:
    resolved = resolve_date(expression, FRIDAY, language, context)
    assert (resolved.isoformat() if resolved else None) == expected


def test_weekday_under_a_future_verb_is_the_coming_one() -> None:
    tuesday = PartialDate(2006, 3, 28)
    context = "The trial is set to begin on Wednesday in London."
    assert resolve_date("Wednesday", tuesday, "en", context) == PartialDate(2006, 3, 29)
    phrase = "Le conseil se réunira mercredi à la mairie."
    assert resolve_date("mercredi", tuesday, "fr", phrase) == PartialDate(2006, 3, 29)
    assert resolve_date("mercredi", tuesday, "fr", "Le conseil s'est réuni mercredi.") == (
        PartialDate(2006, 3, 22)
    )


NO_CALENDAR_VALUE = {
    "en": [
        # durations
        "six years", "two weeks", "three days", "a decade", "20 years", "several months",
        "for six years", "the past six years", "the next three months", "two years later",
        "a few days", "ten months", "48 hours",
        # clock times with no day named, under the convention that gives them none
        "0800 UTC", "16:08 UTC", "8 a.m.", "10:30 pm", "at 0930 GMT", "noon",
        # ordinals and bare numbers
        "the 99th day", "the first day", "the third", "800", "99", "12", "the 12th",
        # sets, and a day not said which
        "every month", "each year", "the day",
    ],
    "fr": [
        # durées
        "six ans", "deux semaines", "trois jours", "une décennie", "20 ans",
        "plusieurs mois", "pendant six ans", "dans les 10 jours", "deux ans plus tard",
        "quelques jours", "dix mois", "48 heures",
        # heures sans jour, sous la convention qui ne leur en donne pas
        "10 h", "14 h 30", "8 h 15", "vers 0 h 40", "à 20 h", "midi",
        # ordinaux et nombres nus
        "le 99e jour", "le premier jour", "la deuxième journée", "800", "99", "12",
        # ensembles, et un jour non dit
        "chaque mois", "tous les ans", "la journée",
    ],
}  # fmt: skip
NO_VALUE_CASES = [(lang, text) for lang, texts in NO_CALENDAR_VALUE.items() for text in texts]


@pytest.mark.parametrize(("language", "expression"), NO_VALUE_CASES)
def test_expressions_with_no_calendar_value_resolve_to_nothing(
    language: str, expression: str
) -> None:
    assert resolve_date(expression, FRIDAY, language, clock_on_article_day=False) is None


def test_no_invented_values_list_covers_fifty_expressions_in_both_languages() -> None:
    assert len(NO_VALUE_CASES) >= 50
    assert min(len(texts) for texts in NO_CALENDAR_VALUE.values()) >= 25


@pytest.mark.parametrize(
    ("expression", "language", "expected"),
    [
        ("the 1960s", "en", "196X"),
        ("the '60s", "en", "196X"),
        ("the 80s", "en", "198X"),
        ("the sixties", "en", "196X"),
        ("les années 60", "fr", "196X"),
        ("les années 1990", "fr", "199X"),
        ("les années soixante", "fr", "196X"),
    ],
)
def test_decades_have_decade_precision_not_a_year(
    expression: str, language: str, expected: str
) -> None:
    resolved = resolve_date(expression, FRIDAY, language)
    assert resolved is not None
    assert (resolved.isoformat(), resolved.precision) == (expected, "decade")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("ce dimanche", "2009-08-23"),
        ("aujourd'hui vendredi", "2009-08-21"),
        ("les 6 et 13 avril derniers", "2009-04-06"),
        ("le 13 avril dernier", "2009-04-13"),
        ("la semaine dernière", "2009-W33"),
        ("cette semaine", "2009-W34"),
        ("le week-end dernier", "2009-W33-WE"),
        ("le mois dernier", "2009-07"),
        ("ce mois-ci", "2009-08"),
        ("l'année en cours", "2009"),
        ("l'été dernier", "2008-SU"),
        ("cet été", "2009-SU"),
        ("le premier trimestre 2009", "2009-Q1"),
        ("le trimestre dernier", "2009-Q2"),
        ("il y a deux ans", "2007"),
        ("il y a une semaine", "2009-08-14"),
        ("avant-hier", "2009-08-19"),
        ("mi-juillet", "2009-07"),
        ("fin 2008", "2008"),
        ("Pâques 2009", "2009-04-12"),
        ("en fin de semaine", "2009-W34"),
        ("à la fin du mois", "2009-08"),
        ("vendredi 12 septembre", "2008-09-12"),  # the year where the 12th is a Friday
    ],
)
def test_common_french_forms(expression: str, expected: str) -> None:
    resolved = resolve_date(expression, FRIDAY, "fr")
    assert resolved is not None
    assert resolved.isoformat() == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("last week", "2009-W33"),
        ("this week", "2009-W34"),
        ("next week", "2009-W35"),
        ("last weekend", "2009-W33-WE"),
        ("the first quarter", "2009-Q1"),
        ("the fourth quarter of 2008", "2008-Q4"),
        ("Q3 2007", "2007-Q3"),
        ("last quarter", "2009-Q2"),
        ("summer 2007", "2007-SU"),
        ("last winter", "2008-WI"),
        ("the previous year", "2008"),
        ("the beginning of the year", "2009"),
        ("late 2006", "2006"),
        ("mid-2006", "2006"),
        ("two years ago", "2007"),
        ("three months ago", "2009-05"),
        ("a week ago", "2009-08-14"),
        ("in three days", "2009-08-24"),
        ("Christmas 2008", "2008-12-25"),
        ("the end of the month", "2009-08"),
        ("last night", "2009-08-20TNI"),
        ("the 1990's", "199X"),
        ("Friday, July 21, 2017", "2017-07-21"),
        ("2009-03-12", "2009-03-12"),
        ("03/12/2009", "2009-03-12"),
    ],
)
def test_common_english_forms(expression: str, expected: str) -> None:
    resolved = resolve_date(expression, FRIDAY, "en")
    assert resolved is not None
    assert resolved.isoformat() == expected


def test_french_numeric_date_puts_the_day_first() -> None:
    assert resolve_date("03/12/2009", FRIDAY, "fr") == PartialDate(2009, 12, 3)


def test_clock_time_takes_the_day_its_sentence_names() -> None:
    sentence = "Ses obsèques seront célébrées lundi 17 février, à 14 h 30 en l'église."
    anchor = PartialDate(2003, 2, 16)
    assert resolve_date("14 h 30", anchor, "fr", sentence) == PartialDate(
        2003, 2, 17, hour=14, minute=30
    )
    assert resolve_date("14 h 30", anchor, "fr", clock_on_article_day=False) is None
    assert resolve_date("14 h 30", anchor, "fr") == PartialDate(2003, 2, 16, hour=14, minute=30)
    english = "The market closed on Tuesday at 16:08 UTC."
    assert resolve_date("16:08 UTC", anchor, "en", english) == PartialDate(
        2003, 2, 11, hour=16, minute=8, zone="Z"
    )


def test_the_day_before_is_counted_from_the_day_its_sentence_names() -> None:
    sentence = "Il a été arrêté jeudi; la veille, il avait quitté Nancy."
    assert resolve_date("la veille", FRIDAY, "fr", sentence) == PartialDate(2009, 8, 19)
    assert resolve_date("la veille", FRIDAY, "fr") == PartialDate(2009, 8, 20)


def test_that_day_is_not_today() -> None:
    assert resolve_date("ce jour-là", FRIDAY, "fr") is None
    assert resolve_date("cette semaine-là", FRIDAY, "fr") is None
    assert resolve_date("ce jour", FRIDAY, "fr") == FRIDAY


def test_quarter_under_a_future_verb_is_this_years() -> None:
    future = "The company will return to profit in the fourth quarter."
    assert resolve_date("the fourth quarter", FRIDAY, "en", future) == PartialDate(2009, quarter=4)
    past = "The company lost money in the fourth quarter."
    assert resolve_date("the fourth quarter", FRIDAY, "en", past) == PartialDate(2008, quarter=4)


def test_a_named_day_is_not_a_weekday_of_this_week() -> None:
    assert resolve_date("Black Monday", FRIDAY, "en") is None


def test_bare_day_number_takes_the_month_named_after_it() -> None:
    sentence = "Les élections auront lieu les 6 et 13 avril prochains."
    anchor = PartialDate(2003, 2, 24)
    assert resolve_date("les 6", anchor, "fr", sentence) == PartialDate(2003, 4, 6)


@pytest.mark.parametrize(
    ("value", "precision", "first", "last"),
    [
        (PartialDate(2020, week=2), "week", "2020-01-06", "2020-01-12"),
        (PartialDate(2009, quarter=1), "quarter", "2009-01-01", "2009-03-31"),
        (PartialDate(2020, season="SU"), "season", "2020-06-01", "2020-08-31"),
        (PartialDate(2020, season="WI"), "season", "2020-12-01", "2021-02-28"),
        (PartialDate(1960, decade=True), "decade", "1960-01-01", "1969-12-31"),
    ],
)
def test_coarse_precisions_know_their_bounds(
    value: PartialDate, precision: str, first: str, last: str
) -> None:
    assert value.precision == precision
    assert (value.first_day.isoformat(), value.last_day.isoformat()) == (first, last)


def test_coarse_precisions_print_as_timex3_values() -> None:
    values = [
        PartialDate(2020, week=2),
        PartialDate(2009, quarter=1),
        PartialDate(2020, season="SU"),
        PartialDate(1960, decade=True),
    ]
    assert [v.isoformat() for v in values] == ["2020-W02", "2009-Q1", "2020-SU", "196X"]


def test_a_date_has_one_precision() -> None:
    with pytest.raises(ValueError, match="one precision"):
        PartialDate(2020, month=1, week=2)
    with pytest.raises(ValueError, match="decade"):
        PartialDate(1965, decade=True)


def test_month_dated_article_keeps_weeks_and_weekdays_at_month_precision() -> None:
    assert resolve_date("cette semaine", MONTH, "fr") == MONTH
    assert resolve_date("vendredi", MONTH, "fr") == MONTH
    assert resolve_date("l'été dernier", MONTH, "fr") == PartialDate(2019, season="SU")


def test_other_languages_still_resolve_through_dateparser() -> None:
    assert resolve_date("3 de julio de 2019", None, "es") == PartialDate(2019, 7, 3)


@pytest.mark.parametrize(
    "value",
    ["2020-01-06", "2020-01", "2020", "2020-W02", "2020-W02-WE", "2009-Q1", "2020-SU", "196X"],
)
def test_every_value_written_parses_back_to_the_same_date(value: str) -> None:
    assert parse_value(value).isoformat() == value


def test_a_value_that_is_no_date_is_refused() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_value("PRESENT_REF")


@pytest.mark.parametrize(
    ("language", "context", "expression"),
    [
        ("en", "The team could win the title on Sunday.", "Sunday"),
        ("fr", "Les Bleus peuvent gagner le tournoi dimanche.", "dimanche"),
        ("fr", "Le ministre devrait annoncer sa décision dimanche.", "dimanche"),
    ],
)
def test_weekday_under_a_modal_verb_is_the_coming_one(
    language: str, context: str, expression: str
) -> None:
    assert resolve_date(expression, FRIDAY, language, context) == PartialDate(2009, 8, 23)


@pytest.mark.parametrize(
    ("expression", "language"),
    [("February 30", "en"), ("the 31st of February", "en"), ("31 février", "fr")],
)
def test_a_day_no_calendar_has_resolves_to_nothing(expression: str, language: str) -> None:
    assert resolve_date(expression, FRIDAY, language) is None
