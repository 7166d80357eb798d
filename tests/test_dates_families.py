"""The grammar of time, family by family: future-pointing contexts, quarters, anaphora,
clock times and generic uses. Every sentence here is made up for the test."""

from __future__ import annotations

import pytest

from summarizer.dates import PartialDate, carried_day, parse_value, resolve_date

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


@pytest.mark.parametrize(
    ("language", "expression", "sentence", "expected"),
    [
        ("en", "the same month a year earlier",
         "Exports rose in November, against the same month a year earlier.", "2009-11"),
        ("en", "the same period last year",
         "In the third quarter of 2009 costs fell from the same period last year.", "2008-Q3"),
        ("en", "that week", "The storm hit on 4 October 2010, and prices doubled that week.",
         "2010-W40"),
        ("en", "the same day", "He landed in Lima on 12 May 2009 and left the same day.",
         "2009-05-12"),
        ("en", "the previous year", "Turnover fell in 2007 after a record the previous year.",
         "2006"),
        ("en", "two years later", "The firm was founded in 1996 and listed two years later.",
         "1998"),
        ("en", "the third quarter of the previous year",
         "In 2008 margins were below the third quarter of the previous year.", "2007-Q3"),
        ("en", "the year-ago quarter",
         "Profit in the second quarter of 2010 beat the year-ago quarter.", "2009-Q2"),
        ("en", "the year-earlier period", "Sales in June 2010 beat the year-earlier period.",
         "2009-06"),
        ("fr", "la même période de l'année précédente",
         "En mars 2010, les ventes ont dépassé la même période de l'année précédente.",
         "2009-03"),
        ("fr", "cette semaine-là", "Le 4 octobre 2010, la crue a atteint son pic cette "
         "semaine-là.", "2010-W40"),
        ("fr", "l'année suivante", "L'usine a ouvert en 1996 et fermé l'année suivante.",
         "1997"),
        ("fr", "deux mois plus tard", "Elle a été arrêtée en juin 2005, puis libérée deux mois "
         "plus tard.", "2005-08"),
    ],
)  # fmt: skip
def test_anaphora_refers_back_to_the_last_date_named_in_the_sentence(
    language: str, expression: str, sentence: str, expected: str
) -> None:
    assert _resolved(expression, sentence, language, WEDNESDAY) == expected


def test_anaphora_refers_back_to_the_date_carried_from_earlier_sentences() -> None:
    earlier = ["The plant closed in March 2008.", "Workers were told of it by letter."]
    carried = carried_day(earlier, WEDNESDAY, "en")
    assert carried == PartialDate(2008, 3)
    value = resolve_date("that month", WEDNESDAY, "en", "Sales fell that month.", carried)
    assert value == PartialDate(2008, 3)
    previous = resolve_date("the previous year", WEDNESDAY, "en", "A year before.", carried)
    assert previous == PartialDate(2007)
    french = carried_day(["L'usine a fermé en 2008."], WEDNESDAY, "fr")
    assert resolve_date(
        "l'année précédente", WEDNESDAY, "fr", "Et l'année précédente ?", french
    ) == (PartialDate(2007))


@pytest.mark.parametrize(
    ("language", "expression"),
    [("en", "that week"), ("en", "the same period a year earlier"), ("fr", "ce jour-là")],
)
def test_an_anaphor_with_nothing_named_before_it_gets_no_value(
    language: str, expression: str
) -> None:
    assert resolve_date(expression, WEDNESDAY, language, f"It rained {expression}.") is None


def test_a_preposition_before_a_month_and_year_is_no_count_of_units() -> None:
    # "in March 2008" once read as "in <n> <units>" and got no value.
    assert resolve_date("in March 2008", WEDNESDAY, "en") == PartialDate(2008, 3)
    assert resolve_date("in three months", WEDNESDAY, "en") == PartialDate(2011, 5)


@pytest.mark.parametrize(
    ("language", "expression", "sentence", "expected"),
    [
        # No day named anywhere: the article's own day, as TimeML annotates news.
        ("en", "14:00 GMT", "The talks began at 14:00 GMT.", "2011-02-09T14:00Z"),
        ("en", "noon", "The shops shut at noon.", "2011-02-09T12:00"),
        ("fr", "17 h 30", "La manifestation s'est dispersée vers 17 h 30.", "2011-02-09T17:30"),
        # A part of the day alone is no clock time: still no day.
        ("en", "the evening", "It rained through the evening.", None),
        # Zones other than UTC keep their offset.
        ("en", "9 a.m. EST", "On Monday the exchange opened at 9 a.m. EST.",
         "2011-02-07T09:00-05"),
        ("en", "18:00 GMT+2", "The polls close at 18:00 GMT+2.", "2011-02-09T18:00+02"),
        ("en", "8 p.m. PDT", "The launch is set for Friday at 8 p.m. PDT.",
         "2011-02-11T20:00-07"),
        ("fr", "20 h 30 en France", "Le départ sera donné samedi à 20 h 30 en France.",
         "2011-02-12T20:30+01"),
        ("fr", "18 h, heure de Paris", "Lundi à 18 h, heure de Paris.", "2011-02-07T18:00+01"),
    ],
)  # fmt: skip
def test_clock_times_take_the_article_day_and_keep_their_zone(
    language: str, expression: str, sentence: str, expected: str | None
) -> None:
    assert _resolved(expression, sentence, language, WEDNESDAY) == expected


def test_paris_time_is_an_hour_later_in_summer() -> None:
    summer = PartialDate(2011, 7, 20)
    value = resolve_date("18 h, heure de Paris", summer, "fr", "Mercredi à 18 h, heure de Paris.")
    assert value == PartialDate(2011, 7, 20, hour=18, minute=0, zone="+02")


def test_a_zone_offset_survives_writing_and_reading_back() -> None:
    value = PartialDate(2011, 2, 7, hour=9, minute=0, zone="-05")
    assert value.isoformat() == "2011-02-07T09:00-05"
    assert parse_value("2011-02-07T09:00-05") == value
    assert parse_value("2011-02-07T09:00+05:30").zone == "+05:30"
    with pytest.raises(ValueError, match="not a zone"):
        PartialDate(2011, 2, 7, hour=9, minute=0, zone="EST")


@pytest.mark.parametrize(
    ("language", "expression", "sentence", "expected"),
    [
        # A season after a bare preposition in a general or habitual statement: every one.
        ("fr", "hiver", "En hiver, les routes du col sont souvent fermées.", None),
        ("fr", "en été", "Le lac attire en été des milliers de baigneurs.", None),
        ("fr", "hiver", "En hiver, le refuge était toujours plein.", None),
        ("en", "winter", "In winter the pass is usually closed.", None),
        ("en", "summer", "Prices rise in summer.", None),
        # One season: a future, a perfect, a direction word or a year.
        ("fr", "hiver", "En hiver, le refuge sera rénové.", "2010-WI"),
        ("fr", "hiver", "En hiver, le refuge a été fermé.", "2010-WI"),
        ("en", "last winter", "Last winter the pass was often closed.", "2009-WI"),
        ("en", "the winter of 2009", "In the winter of 2009 the pass closed.", "2009-WI"),
        # The "nowadays" sense of today in a general statement.
        ("fr", "Aujourd'hui", "Aujourd'hui, la plupart des ménages possèdent un ordinateur.",
         "PRESENT_REF"),
        ("en", "today", "Today, more and more people work from home.", "PRESENT_REF"),
        ("fr", "aujourd'hui", "Il y a trente ans, le village comptait 800 habitants ; "
         "aujourd'hui il en compte 200.", "PRESENT_REF"),
        # Today as the article's day: an event, or a plain present of news.
        ("en", "today", "The minister resigned today.", "2011-02-09"),
        ("fr", "aujourd'hui", "Le maire inaugure aujourd'hui la nouvelle école.", "2011-02-09"),
        ("en", "today", "Today most analysts said the index would fall.", "2011-02-09"),
        ("en", "Today", "Today the town remembered the flood that struck forty years ago.",
         "2011-02-09"),
    ],
)  # fmt: skip
def test_generic_and_habitual_uses_get_no_calendar_value(
    language: str, expression: str, sentence: str, expected: str | None
) -> None:
    assert _resolved(expression, sentence, language, WEDNESDAY) == expected
