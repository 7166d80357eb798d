"""Times named through an earlier one: "that week", "the same period a year earlier",
"the previous year", "two years later", "cette année-là", "l'année précédente",
"deux mois plus tard".

Such an expression has no value of its own: it takes the last date the text named
before it (its antecedent: in its own sentence, else the date under discussion carried
from the sentences before), at the unit it says ("that week" of a named day is that
day's week; "the same period" keeps the antecedent's own precision), moved by the step
it says ("a year earlier", "précédent"). Where the text named no date before it, "the
previous year" is the year before the article's, and "that week", "the same period" or
"two years later" is left without a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .calendar import add_months
from .value import PartialDate, Precision

__all__ = ["Anaphor", "anaphor", "place"]

_UNITS = {
    "en": {
        "day": "day", "week": "week", "month": "month", "quarter": "quarter",
        "year": "year", "period": "period",
    },
    "fr": {
        "jour": "day", "journee": "day", "semaine": "week", "mois": "month",
        "trimestre": "quarter", "annee": "year", "an": "year", "ans": "year",
        "annees": "year", "periode": "period", "epoque": "period", "date": "period",
    },
}  # fmt: skip
_COUNTS = {
    "en": {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
           "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "douze": 12},
}  # fmt: skip
# Words that step back or forward from the antecedent.
_BACK = {
    "en": "previous|preceding|prior|before|earlier|ago",
    "fr": "precedente?|d'avant|avant|auparavant|plus tot|derniere?|passee?",
}
_FORWARD = {"en": "following|after|later|on", "fr": "suivante?|d'apres|apres|plus tard"}
_LEAD = {
    "en": r"(?:(?:at|in|on|during|over|for|by|from|since|until) )?(?:the )?",
    "fr": r"(?:(?:a|au|en|dans|pendant|durant|depuis|jusqu'a|jusqu'au|de|du) )?(?:(?:le|la|l') ?)?",
}


@dataclass(frozen=True, slots=True)
class Anaphor:
    """What an anaphoric expression asks of its antecedent: the ``unit`` to take it at
    ("period": its own precision), moved by ``steps`` of ``step_unit``. ``bound`` is set
    when only an antecedent can give it a value ("that week", "the same period")."""

    unit: str
    step_unit: str
    steps: int
    bound: bool


@lru_cache(maxsize=4)
def _patterns(language: str) -> tuple[re.Pattern[str], ...]:
    unit = "|".join(sorted(_UNITS[language], key=len, reverse=True))
    count = "|".join([*_COUNTS[language], r"\d{1,2}"])
    back, forward, lead = _BACK[language], _FORWARD[language], _LEAD[language]
    step = rf"(?P<n>{count}) (?P<step>{unit})s? (?P<dir>{back}|{forward})"
    relative = (
        rf"(?:{step}|(?:de |d')?(?:the |l')?(?P<step2>{unit}) (?P<dir2>{back}|{forward}|last)"
        rf"|(?:the )?(?P<dir3>last|previous|preceding|prior|next|following) (?P<step3>{unit}))"
    )
    if language == "en":
        return (
            re.compile(rf"^{lead}same (?P<unit>{unit})(?:,? (?:{relative}))?$"),
            re.compile(rf"^{lead}(?:that|those) (?P<unit>{unit})s?$"),
            re.compile(rf"^{lead}(?P<dir>{back}|{forward}) (?P<unit>{unit})$"),
            re.compile(rf"^{lead}(?P<unit>{unit}) (?P<dir>before|after|earlier|later)$"),
            re.compile(rf"^{step}$"),
            # "the year-earlier period", "the year-ago quarter"
            re.compile(rf"^{lead}(?P<step>year|month|week)-(?P<dir>earlier|ago) (?P<unit>{unit})$"),
        )
    return (
        re.compile(rf"^{lead}meme (?P<unit>{unit})(?:,? (?:{relative}))?$"),
        re.compile(rf"^{lead}(?P<unit>{unit}) (?:de l'annee |de l'an )?(?:meme)$"),
        re.compile(rf"^{lead}(?:ce|cet|cette|ces) (?P<unit>{unit})s?-la$"),
        re.compile(rf"^{lead}(?P<unit>{unit}) (?P<dir>{back}|{forward})$"),
        re.compile(rf"^{step}$"),
    )


def anaphor(text: str, language: str) -> Anaphor | None:
    """The anaphor the folded expression ``text`` is, if it is one."""
    if language not in _UNITS:
        return None
    units, counts = _UNITS[language], _COUNTS[language]
    back = re.compile(rf"^(?:{_BACK[language]}|last)$")  # "the same month last year"
    for pattern in _patterns(language):
        match = pattern.match(text)
        if match is None:
            continue
        found = match.groupdict()
        unit = units[found.get("unit") or found["step"]]
        step_unit = found.get("step") or found.get("step2") or found.get("step3")
        direction = found.get("dir") or found.get("dir2") or found.get("dir3")
        if direction is None:
            return Anaphor(unit, unit, 0, bound=True)
        n = found.get("n")
        steps = (counts.get(n) or int(n)) if n else 1
        sign = -1 if back.match(direction) else 1
        if found.get("unit") is None:
            # "two years later": the step is the unit, and only a date named before
            # says from where; "two years ago" is counted from the article's day.
            if direction == "ago":
                return None
            return Anaphor(unit, unit, sign * steps, bound=True)
        if step_unit is None:  # "the previous year", "l'année suivante"
            return Anaphor(unit, unit, sign * steps, bound=False)
        return Anaphor(unit, units[step_unit], sign * steps, bound=True)
    return None


# How fine a value must be to be taken at each unit.
_FINE_ENOUGH: dict[str, frozenset[Precision]] = {
    "day": frozenset({"time", "part_of_day", "day"}),
    "week": frozenset({"time", "part_of_day", "day", "week", "weekend"}),
    "month": frozenset({"time", "part_of_day", "day", "month"}),
    "quarter": frozenset({"time", "part_of_day", "day", "month", "quarter"}),
    "year": frozenset(
        {"time", "part_of_day", "day", "week", "weekend", "month", "quarter", "season", "year"}
    ),
}


def place(found: Anaphor, antecedent: PartialDate | None, ref: date | None) -> PartialDate | None:
    """The value of ``found`` given the last date named before it, or, for a step
    with nothing named before, the article's day ``ref``."""
    if antecedent is None:
        if found.bound or ref is None:
            return None
        antecedent = PartialDate.from_date(ref)
    base = antecedent.the_day
    precision: Precision = base.precision if found.unit == "period" else _precision(found.unit)
    if found.unit != "period" and base.precision not in _FINE_ENOUGH[found.unit]:
        return None  # "that week" after "in 2008": which week is not said
    if precision == "decade" and found.steps:
        return None
    moved = _moved(base.first_day, found.step_unit, found.steps)
    return PartialDate.from_date(moved, precision)


_PRECISIONS: dict[str, Precision] = {
    "day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"
}  # fmt: skip


def _precision(unit: str) -> Precision:
    return _PRECISIONS.get(unit, "year")


def _moved(day: date, unit: str, steps: int) -> date:
    if unit == "day":
        return day + timedelta(days=steps)
    if unit == "week":
        return day + timedelta(weeks=steps)
    months = {"month": 1, "quarter": 3, "year": 12, "period": 12}.get(unit, 12) * steps
    first = add_months(day.replace(day=1), months)
    for last in (day.day, 30, 29, 28):
        try:
            return first.replace(day=last)
        except ValueError:
            continue
    return first
