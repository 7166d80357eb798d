"""Clock times, parts of the day, and the day they belong to (issue 11, second slice)."""

from __future__ import annotations

import pytest

from summarizer.dates import PartialDate, carried_day, parse_value, resolve_date

SUNDAY = PartialDate(2002, 3, 31)
TUESDAY = PartialDate(2002, 4, 2)  # the article's date


def _value(
    expression: str,
    language: str,
    context: str | None = None,
    carried: PartialDate | None = None,
    anchor: PartialDate | None = TUESDAY,
    *,
    clock_on_article_day: bool = True,
) -> str | None:
    found = resolve_date(
        expression, anchor, language, context, carried, clock_on_article_day=clock_on_article_day
    )
    return None if found is None else found.isoformat()


# -- clock times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "language", "expected"),
    [
        ("hier à 10 h", "fr", "2002-04-01T10:00"),
        ("vers 15 h 30, hier", "fr", "2002-04-01T15:30"),
        ("4 h mardi", "fr", "2002-04-02T04:00"),
        ("dimanche à 0 h 30", "fr", "2002-03-31T00:30"),
        ("yesterday at 8:30 p.m.", "en", "2002-04-01T20:30"),
        ("Sunday at 8 pm", "en", "2002-03-31T20:00"),
        ("12 a.m. today", "en", "2002-04-02T00:00"),
        ("12 p.m. today", "en", "2002-04-02T12:00"),
        ("16:00 UTC today", "en", "2002-04-02T16:00Z"),
        ("yesterday at 0800 GMT", "en", "2002-04-01T08:00Z"),
    ],
)
def test_clock_time_on_the_day_the_expression_names(
    expression: str, language: str, expected: str
) -> None:
    found = resolve_date(expression, TUESDAY, language)
    assert found is not None
    assert (found.isoformat(), found.precision) == (expected, "time")


@pytest.mark.parametrize(
    ("expression", "sentence", "language", "expected"),
    [
        ("20 h", "Dimanche, le match a commencé à 20 h.", "fr", "2002-03-31T20:00"),
        ("14:58 UTC", "The quake struck on Sunday at 14:58 UTC.", "en", "2002-03-31T14:58Z"),
    ],
)
def test_clock_time_takes_the_day_its_sentence_names(
    expression: str, sentence: str, language: str, expected: str
) -> None:
    assert _value(expression, language, sentence) == expected


@pytest.mark.parametrize(
    ("expression", "language"),
    [
        ("20 h", "fr"),
        ("18 h 55", "fr"),
        ("vers 0 h 40", "fr"),
        ("midi", "fr"),
        ("le soir", "fr"),
        ("la nuit", "fr"),
        ("0800 UTC", "en"),
        ("16:08 UTC", "en"),
        ("8:30 p.m.", "en"),
        ("noon", "en"),
        ("the morning", "en"),
        ("in the evening", "en"),
    ],
)
def test_a_time_of_day_with_no_day_anywhere_resolves_to_nothing_without_the_news_convention(
    expression: str, language: str
) -> None:
    """No day in the expression, its sentence or the sentences before: no day at all
    when the caller turns off the convention that puts a clock time on the article's
    day; a part of the day alone gets none either way."""
    sentence = f"Les secours sont arrivés {expression}, selon la police."
    if language == "en":
        sentence = f"Rescuers arrived {expression}, the police said."
    carried = carried_day([], TUESDAY, language)
    for context, before in ((None, None), (sentence, None), (sentence, carried)):
        assert _value(expression, language, context, before, clock_on_article_day=False) is None


@pytest.mark.parametrize(
    ("expression", "language", "expected"),
    [
        ("hier à 8 heures du soir", "fr", "2002-04-01T20:00"),
        ("dimanche à 3 h de l'après-midi", "fr", "2002-03-31T15:00"),
        ("dimanche à 2 h du matin", "fr", "2002-03-31T02:00"),
        ("yesterday at 10 o'clock at night", "en", "2002-04-01T22:00"),
        ("Sunday at 3 o'clock in the afternoon", "en", "2002-03-31T15:00"),
        ("Sunday at 19:30 in the evening", "en", "2002-03-31T19:30"),
    ],
)
def test_a_part_of_the_day_puts_a_twelve_hour_clock_after_noon(
    expression: str, language: str, expected: str
) -> None:
    assert _value(expression, language) == expected


def test_an_hour_no_clock_has_keeps_only_the_day() -> None:
    assert _value("yesterday at 13 p.m.", "en") == "2002-04-01"
    assert _value("hier à 25 h", "fr") == "2002-04-01"


# -- parts of the day ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "language", "expected"),
    [
        ("dimanche soir", "fr", "2002-03-31TEV"),
        ("hier matin", "fr", "2002-04-01TMO"),
        ("hier après-midi", "fr", "2002-04-01TAF"),
        ("ce soir", "fr", "2002-04-02TEV"),
        ("ce matin", "fr", "2002-04-02TMO"),
        ("la nuit de dimanche à lundi", "fr", "2002-03-31TNI"),
        ("ce mardi «dans la journée»", "fr", "2002-04-02TDT"),
        ("Sunday morning", "en", "2002-03-31TMO"),
        ("yesterday afternoon", "en", "2002-04-01TAF"),
        ("this morning", "en", "2002-04-02TMO"),
        ("tonight", "en", "2002-04-02TNI"),
        ("last night", "en", "2002-04-01TNI"),
        ("Sunday during the day", "en", "2002-03-31TDT"),
    ],
)
def test_part_of_the_day_on_a_known_day(expression: str, language: str, expected: str) -> None:
    found = resolve_date(expression, TUESDAY, language)
    assert found is not None
    assert (found.isoformat(), found.precision) == (expected, "part_of_day")


def test_noon_and_midnight_are_clock_times() -> None:
    assert _value("dimanche à midi", "fr") == "2002-03-31T12:00"
    assert _value("Sunday noon", "en") == "2002-03-31T12:00"
    assert _value("Sunday midnight", "en") == "2002-03-31T24:00"


@pytest.mark.parametrize(
    ("expression", "language"),
    [("ce soir", "fr"), ("aujourd'hui à 14 h", "fr"), ("tonight", "en"), ("this morning", "en")],
)
def test_today_words_against_a_month_dated_article_invent_no_day(
    expression: str, language: str
) -> None:
    assert _value(expression, language, anchor=PartialDate(2002, 4)) == "2002-04"


# -- the day carried from earlier sentences --------------------------------------------------


def test_the_day_named_in_an_earlier_sentence_is_carried() -> None:
    earlier_fr = ["Le conseil s'est réuni dimanche à Lyon.", "Les débats ont été longs."]
    earlier_en = ["The council met on Sunday in Lyon.", "The debate was long."]
    assert carried_day(earlier_fr, TUESDAY, "fr") == SUNDAY
    assert carried_day(earlier_en, TUESDAY, "en") == SUNDAY


def test_the_nearest_earlier_sentence_naming_a_day_wins() -> None:
    earlier = ["Hier, rien.", "Le conseil s'est réuni dimanche.", "Puis il a voté."]
    assert carried_day(earlier, TUESDAY, "fr") == SUNDAY
    earlier = ["The council met on Sunday.", "Yesterday it voted."]
    assert carried_day(earlier, TUESDAY, "en") == PartialDate(2002, 4, 1)


def test_a_weekday_abbreviation_is_not_carried_from_a_common_word() -> None:
    assert carried_day(["The sun rose over the hills."], TUESDAY, "en") is None
    assert carried_day(["Le soleil s'est levé."], TUESDAY, "fr") is None


@pytest.mark.parametrize(
    ("expression", "sentence", "language", "expected"),
    [
        ("18 h 55", "Vers 18 h 55, le train est arrivé.", "fr", "2002-03-31T18:55"),
        ("la nuit", "Il a plu toute la nuit.", "fr", "2002-03-31TNI"),
        ("le matin même", "Le matin même, il était parti.", "fr", "2002-03-31TMO"),
        ("8:30 a.m.", "At 8:30 a.m. the train arrived.", "en", "2002-03-31T08:30"),
        ("the evening", "It rained all through the evening.", "en", "2002-03-31TEV"),
    ],
)
def test_a_time_of_day_takes_the_carried_day(
    expression: str, sentence: str, language: str, expected: str
) -> None:
    assert _value(expression, language, sentence, SUNDAY) == expected


@pytest.mark.parametrize(
    ("expression", "sentence", "language", "expected"),
    [
        ("la veille", "La veille, il avait quitté Nancy.", "fr", "2002-03-30"),
        ("le lendemain", "Le lendemain, il est rentré.", "fr", "2002-04-01"),
        ("the day before", "The day before, he had left.", "en", "2002-03-30"),
        ("the next day", "The next day he came back.", "en", "2002-04-01"),
    ],
)
def test_the_day_before_and_after_count_from_the_carried_day(
    expression: str, sentence: str, language: str, expected: str
) -> None:
    assert _value(expression, language, sentence, SUNDAY) == expected


def test_the_sentence_own_day_wins_over_the_carried_one() -> None:
    sentence = "Lundi, à 20 h, le conseil a voté."
    assert _value("20 h", "fr", sentence, SUNDAY) == "2002-04-01T20:00"
    assert _value("lundi", "fr", sentence, SUNDAY) == "2002-04-01"


def test_words_that_name_their_own_date_ignore_the_carried_day() -> None:
    assert _value("hier", "fr", "Hier, rien.", SUNDAY) == "2002-04-01"
    assert _value("last week", "en", "Last week, nothing.", SUNDAY) == "2002-W13"


# -- the values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["2002-03-31T20:00", "2002-03-31T08:30Z", "2002-03-31TEV", "2002-03-31TDT"]
)
def test_times_of_day_print_and_parse_back_as_timex3_values(value: str) -> None:
    parsed = parse_value(value)
    assert parsed.isoformat() == value
    assert parsed.first_day == parsed.last_day == SUNDAY.first_day
    assert parsed.the_day == SUNDAY


def test_a_time_of_day_needs_a_day_and_a_clock() -> None:
    with pytest.raises(ValueError, match="needs a day"):
        PartialDate(2002, 3, hour=20, minute=0)
    with pytest.raises(ValueError, match="needs a day"):
        PartialDate(2002, 3, part="EV")
    with pytest.raises(ValueError, match="not a clock time"):
        PartialDate(2002, 3, 31, hour=24, minute=30)
    with pytest.raises(ValueError, match="one precision"):
        PartialDate(2002, 3, 31, hour=20, minute=0, part="EV")
    with pytest.raises(ValueError, match="not a clock time"):
        parse_value("2002-03-31T25:00")
