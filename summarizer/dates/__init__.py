"""Calendar dates with an honest precision.

A ``PartialDate`` is a calendar value known to the minute, the part of the day, the day,
the weekend, the ISO week, the month, the quarter, the season, the year or the decade: an
article dated ``2020-01`` is not silently placed on the first of January, and "les années
60" is ``196X``, not 1960. A ``TemporalReference`` is TimeML's ``PRESENT_REF``,
``PAST_REF`` or ``FUTURE_REF``: "currently", "récemment", "soon" point at a time without
placing it on the calendar.
English and French are read by a grammar of their time words (``rules``, ``words``);
other languages go through ``dateparser`` (``fallback``).
"""

from __future__ import annotations

from functools import lru_cache

from . import fallback, rules
from .reference import reference
from .value import (
    PartialDate,
    PartOfDay,
    Precision,
    TemporalReference,
    parse_iso_partial,
    parse_value,
)
from .words import LANGUAGES, date_names, fold

__all__ = [
    "PartOfDay",
    "PartialDate",
    "Precision",
    "TemporalReference",
    "carried_day",
    "parse_iso_partial",
    "parse_value",
    "resolve_date",
]


@lru_cache(maxsize=4096)
def resolve_date(
    expression: str,
    anchor: PartialDate | None,
    language: str,
    context: str | None = None,
    carried: PartialDate | None = None,
    *,
    clock_on_article_day: bool = True,
) -> PartialDate | TemporalReference | None:
    """Place a date expression on the calendar, no more precisely than the text allows.

    Args:
        expression: The date words as written ("mardi soir", "last week", "June 18").
        anchor: The article's publication date, at whatever precision it is known.
        language: The article's language code; English and French have their own rules.
        context: The sentence the expression stands in, if known. It gives the tense of
            the nearest verb (so a yearless "October" after "will" is the coming one)
            and the day a bare clock time or "the day before" belongs to.
        carried: The date under discussion before that sentence (see ``carried_day``),
            used only by words that need one and name none in their own sentence: a
            clock time, a part of the day, "the day before", "le lendemain" (when it is
            a day); "that week", "the same period a year earlier" (at any precision).
        clock_on_article_day: The convention for a clock time with no day named in the
            expression, its sentence or ``carried`` ("at 14:00 GMT"): on (the default),
            it is put on the article's own day, as TimeML annotates news, whose reports
            are of the day they are dated; off, it gets no value. A part of the day
            alone ("in the evening") gets no value either way.

    A yearless date or a lone weekday is placed by a direction word ("last", "prochain")
    first, then by the tense of the sentence, else in the past (news reports what
    happened), the article's own day included. A relative expression read against an
    anchor known only to the month or year is placed at the anchor's own precision:
    an article dated only ``2020-01`` cannot put "lundi" on a day.

    Returns:
        The resolved date, or ``None`` when the words name no calendar value: durations
        ("six years"), sets ("every month"), ordinals ("the 99th day"), clock times with
        no day named. Words that point at the present, past or future with no calendar
        value ("currently", "recently", "bientôt"; "today's GM") give a
        ``TemporalReference`` (``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF``). A clock
        time or part of the day on a known day has precision ``time``
        (``2002-03-31T20:00``, ``T08:30Z`` for UTC/GMT) or ``part_of_day``
        (``2002-03-31TEV``); a weekend has precision ``weekend`` (``2009-W34-WE``).
    """
    words = LANGUAGES.get(language[:2].lower()) if language else None
    if words is None:
        return fallback.resolve(expression, anchor, language)
    lang = language[:2].lower()
    pointer = reference(expression, context, lang)
    if pointer is not None:
        return pointer
    if anchor is None:
        return rules.read(expression, None, words, lang, context, carried)
    convention = {"clock_on_article_day": clock_on_article_day}
    early = rules.read(expression, anchor.first_day, words, lang, context, carried, **convention)
    if anchor.precision == "day":
        return early
    late = rules.read(expression, anchor.last_day, words, lang, context, carried, **convention)
    if early == late or early is None or late is None:
        return early if early == late else None
    if early.month is not None and (early.month, early.day) == (late.month, late.day):
        # A named month and day ("3 janvier") that only the year separates: the reading
        # that falls within the anchor's own period is the one meant.
        within = [v for v in (late, early) if anchor.first_day <= v.first_day <= anchor.last_day]
        if within:
            return within[0]
    # The reading depends on which day of the anchor is meant: say no more than it.
    return anchor


def carried_day(
    earlier: list[str], anchor: PartialDate | None, language: str
) -> PartialDate | None:
    """The date under discussion after the sentences ``earlier`` (in text order): the
    last date named in the nearest of them that names one, at the precision it was
    named ("Dimanche", "3 March", "February", "2008", "the fourth quarter").

    "Dimanche, … . Vers 18 h 55, …": the clock time belongs to that Sunday (a clock
    time takes it only when it is a day). "Sales fell in 2008. The previous year…":
    the year before 2008. A weekday's short form ("sun", "sat") and a month that is
    also a common word ("may") are not read as names here.
    """
    lang = language[:2].lower() if language else ""
    if lang not in LANGUAGES:
        return None
    pattern = date_names(lang)
    for sentence in reversed(earlier):
        folded = fold(sentence)
        for match in reversed(list(pattern.finditer(folded))):
            value = resolve_date(match.group(0), anchor, lang, sentence)
            if isinstance(value, PartialDate):
                return value.the_day
    return None
