"""The time of day an expression names: a clock time, or a part of the day.

A time of day is no calendar value by itself; ``rules`` puts it on a day only when the
day is known. Clock times follow the languages' written forms (``20:30``, ``8.30 p.m.``,
``8 pm``, ``18 h 55``, ``0800 UTC``); parts of the day are word classes of ``words``
mapped to TIMEX3's ``MO``/``AF``/``EV``/``NI``/``DT``, or to a clock time for the ones
that name an instant ("noon", "midi").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .value import PART_START, PartialDate, PartOfDay
from .words import Words, find

__all__ = ["CLOCK_WORDS", "TimeOfDay", "time_of_day"]

# Everything that marks a clock time or its zone, set aside before the date is read.
CLOCK_WORDS = re.compile(
    r"\b\d{1,2}\s*h\s*(?:\d{2}\b)?|\b\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\b\.?)?"
    r"|\b\d{1,2}\s*[ap]\.?m\b\.?|\b\d{4}\s*(?=utc|gmt|hours|hrs|h\b)"
    r"|\b(?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d{2})?\b"
    r"|\b(?:utc|gmt|cet|cest|edt|est|cdt|cst|mdt|mst|pdt|pst|bst|z|o'clock|local time"
    r"|paris time|central european time|heure de (?:paris|france|greenwich)|heure francaise"
    r"|en france|heures?(?: locales?)?)\b"
)

_CLOCKS = (
    re.compile(r"\b(?P<h>\d{1,2})[:.](?P<m>\d{2})(?::\d{2})?(?:\s*(?P<ampm>[ap])\.?m\b\.?)?"),
    re.compile(r"\b(?P<h>\d{1,2})\s*(?P<ampm>[ap])\.?m\b\.?"),
    re.compile(r"\b(?P<h>\d{1,2})\s*h(?:eures?)?(?:\s*(?P<m>\d{2})\b)?"),
    re.compile(r"\b(?P<h>\d{2})(?P<m>\d{2})\s*(?=utc|gmt|hours|hrs|h\b)"),
    re.compile(r"\b(?P<h>\d{1,2})\s*o'clock\b"),
)
# An offset written after UTC or GMT: "GMT+2", "UTC -5", "UTC+05:30".
_OFFSET = re.compile(r"\b(?:utc|gmt)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b")
_INSTANT = re.compile(r"^(\d{2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    """A clock time (``hour``, ``minute``, ``zone``) or a ``part`` of the day."""

    hour: int | None = None
    minute: int | None = None
    zone: str | None = None
    part: PartOfDay | None = None

    def on(self, day: PartialDate) -> PartialDate | None:
        """This time on ``day``; None where the time is no clock time ("25:00")."""
        d = day.the_day
        zone = self.zone
        if zone == "EU":
            zone = "+02" if _european_summer(d.first_day) else "+01"
        try:
            return PartialDate(
                d.year, d.month, d.day, hour=self.hour, minute=self.minute, zone=zone,
                part=self.part,
            )  # fmt: skip
        except ValueError:
            return None


def time_of_day(text: str, words: Words) -> TimeOfDay | None:
    """The clock time or part of the day in ``text`` (folded), the clock time first."""
    name = find(tuple(words.parts_of_day), text)
    part = None if name is None else _part(words.parts_of_day[name])
    for pattern in _CLOCKS:
        match = pattern.search(text)
        if match is None:
            continue
        found = match.groupdict()
        hour, minute = int(found["h"]), int(found.get("m") or 0)
        ampm = found.get("ampm")
        if ampm is not None:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "p" else 0)
        elif part is not None and part.part is not None and _afternoon(hour, part.part):
            hour += 12  # "8 heures du soir", "3 o'clock in the afternoon"
        return TimeOfDay(hour, minute, _zone(text, words))
    return part


def _zone(text: str, words: Words) -> str | None:
    """The zone the text names for its clock time, if any: an offset after UTC/GMT
    first, then a zone's name."""
    offset = _OFFSET.search(text)
    if offset is not None and int(offset["h"]) <= 14:
        hours, minutes = int(offset["h"]), offset["m"]
        if hours == 0 and not minutes:
            return "Z"
        return f"{offset['sign']}{hours:02d}" + (f":{minutes}" if minutes else "")
    name = find(tuple(words.zones), text)
    return None if name is None else words.zones[name]


def _european_summer(day: date) -> bool:
    """Summer time in the European Union: from the last Sunday of March to the last
    Sunday of October."""

    def last_sunday(month: int) -> date:
        end = date(day.year, month, 31)
        return end - timedelta(days=(end.weekday() + 1) % 7)

    return last_sunday(3) <= day < last_sunday(10)


def _part(code: str) -> TimeOfDay:
    if instant := _INSTANT.match(code):
        return TimeOfDay(int(instant.group(1)), int(instant.group(2)))
    return TimeOfDay(part=next(p for p in PART_START if p == code))


def _afternoon(hour: int, part: PartOfDay) -> bool:
    """A twelve-hour clock time the part of the day puts after noon."""
    if part in ("AF", "EV"):
        return 1 <= hour < 12
    return part == "NI" and 6 <= hour < 12  # "10 at night", but "2 at night" stays 02:00
