"""Date expressions in languages the rules do not know, read by ``dateparser``.

The resolver as it was before the English and French rules: dateparser reads the
expression, a yearless date is taken as the occurrence nearest the anchor, the past
winning ties. Its word lists are the ones it was written with; they cost nothing in
languages where they never match, and they still strip shared forms (Romance
prepositions, parts of the day) where they do.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from .value import PartialDate, Precision

__all__ = ["resolve"]

_PERIOD_PRECISION: dict[str, Precision] = {
    "day": "day",
    "time": "day",
    "week": "month",
    "month": "month",
    "year": "year",
}
_Direction = Literal["past", "future", "nearest"]

# Words that fix the direction; otherwise the nearest occurrence is taken.
_PAST = re.compile(r"\b(dernier|derni[eè]re|pass[ée]e?|last|previous|past)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(prochain|prochaine|suivant|suivante|next|coming)\b", re.IGNORECASE)
# Parts of the day: they keep the day, so they are dropped before parsing.
_PART_OF_DAY = re.compile(
    r"\b(soir|soirée|matin|matinée|après-midi|apres-midi|nuit|midi|"
    r"morning|afternoon|evening|night)\b",
    re.IGNORECASE,
)
_THIS_DAY = re.compile(
    r"^(ce|cet|cette)\s*$|^(tonight|this|earlier today|later today|aujourd'hui)\s*$",
    re.IGNORECASE,
)
# Words around a date that carry no date: determiners, prepositions, "early", "fin de".
_NOISE = re.compile(
    r"^(?:(?:le|la|l'|les|du|de|des|d'|au|aux|à|a|en|dans|dès|depuis|vers|jusqu'au|"
    r"on|in|at|by|since|until|the|of|early|late|mid|début|fin|mi|courant|"
    r"beginning|end|start|middle|(?:l'année|l'an|year)(?=\s+\d{4}))[\s-]+)+",
    re.IGNORECASE,
)
_TWO_DIGIT_YEAR = re.compile(r"^(?P<head>.*?)(?:\b|')(?P<yy>\d{2})$")
_HAS_YEAR = re.compile(r"\b\d{4}\b")
_UNIT = re.compile(r"\b(week|month|year|semaine|mois|an|année)\b", re.IGNORECASE)
_AGO = re.compile(r"\b(ago|il y a)\b", re.IGNORECASE)


def resolve(expression: str, anchor: PartialDate | None, language: str) -> PartialDate | None:
    """Place a date expression on the calendar, no more precisely than the text allows.

    See ``summarizer.dates.resolve_date``. ``anchor`` is the article's publication
    date, at whatever precision it is known.
    Parts of the day ("mardi soir") are set aside, and so, when the expression does not
    parse with them, are words that carry no date ("vers", "début"); "dernier"/"last"
    and "prochain"/"next" fix the direction; otherwise a yearless date ("23 juillet",
    "Friday") is taken as the occurrence nearest the anchor, the past winning ties.

    The expression is then read against the first and the last day the anchor may
    stand for. If both readings agree ("3 janvier", "last year"), that reading is kept
    at the precision it was written with. If they differ, the expression is relative to
    the unknown day ("lundi", "yesterday"), and it is placed at the anchor's own
    precision: an article dated only ``2020-01`` cannot put "lundi" on a day.

    Returns:
        The resolved date, or ``None`` when the expression cannot be read as a date.
    """
    candidates, direction = _prepare(expression)
    if not candidates:
        return None
    if anchor is None:
        return next(filter(None, (_absolute(c, language) for c in candidates)), None)
    if _THIS_DAY.match(candidates[-1]):
        return anchor
    for text in candidates:
        late = _resolve_at(text, language, anchor.last_day, direction)
        if late is not None:
            break
    else:
        return None
    if anchor.precision == "day":
        return late
    # Read without a preference for the past, so that a yearless "3 janvier" is not
    # pushed into the previous year by an early base and mistaken for a relative date.
    early = _parse(text, language, anchor.first_day, prefer="current_period")
    if early == _parse(text, language, anchor.last_day, prefer="current_period"):
        return late
    return anchor


# Two days far apart: an expression that reads the same from both names its own date.
_BASES = (date(1990, 3, 14), date(2031, 10, 2))


def _absolute(text: str, language: str) -> PartialDate | None:
    """``text`` as a date with no anchor: only if it needs none ("July 2019", not
    "Tuesday" or "3 January"), never read against today's date."""
    readings = {_parse(text, language, base, prefer="current_period") for base in _BASES}
    return readings.pop() if len(readings) == 1 else None


def _prepare(expression: str) -> tuple[list[str], _Direction]:
    """Texts to try, lightest clean-up first, and the direction the words fix."""
    text = " ".join(expression.replace("’", "'").split())
    direction: _Direction = "nearest"
    if _PAST.search(text):
        direction = "past"
    elif _FUTURE.search(text):
        direction = "future"
    light = " ".join(_PART_OF_DAY.sub(" ", text).replace(",", " ").split())
    if direction != "nearest" and not _UNIT.search(light):
        # "vendredi dernier", "le 6 mai dernier": the marker only gives the direction.
        light = " ".join((_FUTURE if direction == "future" else _PAST).sub(" ", light).split())
    stripped = _NOISE.sub("", light).strip(" -,.")
    candidates = [_expand_two_digit_year(c) for c in dict.fromkeys([light, stripped]) if c]
    return candidates, direction


def _expand_two_digit_year(text: str) -> str:
    """'97' and 'octobre 98' name years of the twentieth or twenty-first century."""
    match = _TWO_DIGIT_YEAR.match(text)
    if not match or _HAS_YEAR.search(text):
        return text
    head = match.group("head").strip()
    if head and (any(c.isdigit() for c in head) or len(head.split()) > 1):
        return text  # "12 98" or "le 3 98": not a year
    yy = int(match.group("yy"))
    year = 2000 + yy if yy < 50 else 1900 + yy
    return f"{head} {year}".strip()


def _resolve_at(text: str, language: str, base: date, direction: _Direction) -> PartialDate | None:
    if direction != "nearest":
        return _parse(text, language, base, prefer=direction)
    past = _parse(text, language, base, prefer="past")
    future = _parse(text, language, base, prefer="future")
    if past is None or future is None or past == future:
        return past or future
    if abs((future.first_day - base).days) < abs((base - past.last_day).days):
        return future
    return past


def _parse(text: str, language: str, base: date, *, prefer: str = "past") -> PartialDate | None:
    from datetime import datetime

    from dateparser.date import DateDataParser

    settings: dict[str, object] = {
        "PREFER_DATES_FROM": prefer,
        "RETURN_TIME_AS_PERIOD": True,
        # The end of the day, so that a clock time alone stays on the anchor's day.
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 23, 59, 59),
    }
    languages = [language] if language and language != "und" else None
    try:
        data = _parser(tuple(languages or ()), tuple(sorted(settings.items()))).get_date_data(text)
    except ValueError:  # a language dateparser does not know
        data = DateDataParser(settings=settings).get_date_data(text)
    if data.date_obj is None:
        return None
    period = data.period or "day"
    if period == "week" and _AGO.search(text):
        period = "day"  # "a week ago" names a day
    precision = _PERIOD_PRECISION.get(period, "day")
    return PartialDate.from_date(data.date_obj.date(), precision)


@lru_cache(maxsize=256)
def _parser(languages: tuple[str, ...], settings: tuple[tuple[str, object], ...]) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(languages) or None, settings=dict(settings))
