"""A calendar value known no more precisely than the text says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = [
    "PART_START",
    "PartOfDay",
    "PartialDate",
    "Precision",
    "Reference",
    "Season",
    "TemporalReference",
    "parse_iso_partial",
    "parse_value",
    "season_of",
]

Precision = Literal[
    "time",
    "part_of_day",
    "day",
    "weekend",
    "week",
    "month",
    "quarter",
    "season",
    "year",
    "decade",
    "reference",
    "unknown",
]
Season = Literal["SP", "SU", "FA", "WI"]
# TIMEX3 parts of the day: morning, afternoon, evening, night, daytime.
PartOfDay = Literal["MO", "AF", "EV", "NI", "DT"]
# What a TIMEX3 PRESENT_REF, PAST_REF or FUTURE_REF points at.
Reference = Literal["PRESENT", "PAST", "FUTURE"]

# The hour each part of the day begins, for ordering values within a day.
PART_START: dict[PartOfDay, int] = {"MO": 6, "DT": 8, "AF": 12, "EV": 18, "NI": 22}

# Meteorological seasons: the month each starts in (winter runs into the next year).
_SEASON_START: dict[Season, int] = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")
_WITHIN_DAY = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2})T(?:(?P<hour>\d{2}):(?P<minute>\d{2})(?P<zone>Z|[+-]\d{2}(?::\d{2})?)?"
    r"|(?P<part>MO|AF|EV|NI|DT))$"
)
# A clock time's zone: UTC ("Z") or an offset from it in hours ("+01", "-05", "+05:30").
_ZONE = re.compile(r"^(?:Z|[+-](?:0\d|1[0-4])(?::[0-5]\d)?)$")
_TIMEX = re.compile(
    r"^(?P<year>\d{4})(?:-W(?P<week>\d{2})(?P<weekend>-WE)?|-Q(?P<quarter>[1-4])|-(?P<season>SP|SU|FA|WI))$"
    r"|^(?P<decade>\d{3})X$"
)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar value: a clock time or part of a day, a day, the weekend of an ISO week,
    an ISO week, month, quarter, season, year or decade.

    At most one of ``month``, ``week``, ``quarter``, ``season`` and ``decade`` is set;
    ``day`` needs ``month``, and a clock time (``hour``, ``minute``, ``zone``) or a
    ``part`` of the day needs a day: a time with no day is no calendar value. ``zone``
    is ``"Z"`` when the text says UTC or GMT, an offset from UTC (``"+01"``, ``"-05"``)
    when it names another zone ("EST", "heure de Paris"), else the time is the
    article's local one.
    A decade is stored by its first year (1960 for ``196X``); a week by its ISO year and
    number, so ``year`` may differ from the calendar year of the week's first day. A
    ``weekend`` is the Saturday and Sunday of its ``week`` (TIMEX3 ``2020-W02-WE``): a
    week with a flag rather than a unit of its own, since its place on the calendar is
    the week's.
    """

    year: int
    month: int | None = None
    day: int | None = None
    week: int | None = None
    quarter: int | None = None
    season: Season | None = None
    decade: bool = False
    hour: int | None = None
    minute: int | None = None
    zone: str | None = None
    part: PartOfDay | None = None
    weekend: bool = False

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if (self.hour is not None or self.part is not None) and self.day is None:
            raise ValueError("a time of day needs a day")
        if self.hour is not None and self.part is not None:
            raise ValueError("a date has one precision")
        if (self.hour is None) != (self.minute is None) or (self.zone and self.hour is None):
            raise ValueError("a clock time has an hour and a minute")
        if self.zone is not None and not _ZONE.match(self.zone):
            raise ValueError(f"not a zone: {self.zone!r}")
        h, m = self.hour, self.minute
        in_day = h is None or m is None or (0 <= h < 24 and 0 <= m < 60)
        # 24:00 is the end of the day, as TIMEX3 writes midnight.
        if not in_day and (h, m) != (24, 0):
            raise ValueError(f"not a clock time: {h}:{m}")
        units = (self.month, self.week, self.quarter, self.season, self.decade or None)
        if sum(u is not None for u in units) > 1:
            raise ValueError("a date has one precision")
        if self.decade and self.year % 10:
            raise ValueError("a decade starts on a year ending in 0")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError("a quarter is 1 to 4")
        if self.season is not None and self.season not in _SEASON_START:
            raise ValueError(f"not a season: {self.season!r}")
        if self.weekend and self.week is None:
            raise ValueError("a weekend needs a week")
        if self.week is not None:
            date.fromisocalendar(self.year, self.week, 1)  # ValueError for week 54
        # Raises ValueError for impossible dates such as 2020-02-30.
        date(self.year, self.month or 1, self.day or 1)

    @property
    def precision(self) -> Precision:
        if self.hour is not None:
            return "time"
        if self.part is not None:
            return "part_of_day"
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        if self.week is not None:
            return "weekend" if self.weekend else "week"
        if self.quarter is not None:
            return "quarter"
        if self.season is not None:
            return "season"
        return "decade" if self.decade else "year"

    @property
    def first_day(self) -> date:
        if self.week is not None:
            return date.fromisocalendar(self.year, self.week, 6 if self.weekend else 1)
        if self.quarter is not None:
            return date(self.year, 3 * self.quarter - 2, 1)
        if self.season is not None:
            return date(self.year, _SEASON_START[self.season], 1)
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        if self.day is not None:
            return self.first_day
        if self.week is not None:
            return date.fromisocalendar(self.year, self.week, 7)
        if self.decade:
            return date(self.year + 9, 12, 31)
        months = 3 if self.quarter is not None or self.season is not None else 1
        if self.month is None and months == 1:
            return date(self.year, 12, 31)
        start = self.first_day
        following = start.month - 1 + months
        return date(start.year + following // 12, following % 12 + 1, 1) - timedelta(days=1)

    @property
    def start_minute(self) -> int | None:
        """The minute of its day a clock time or part of the day begins at; else None."""
        if self.hour is not None and self.minute is not None:
            return self.hour * 60 + self.minute
        return None if self.part is None else PART_START[self.part] * 60

    @property
    def the_day(self) -> PartialDate:
        """The day alone, without the time of day (itself for any other precision)."""
        if self.hour is None and self.part is None:
            return self
        return PartialDate(self.year, self.month, self.day)

    def isoformat(self) -> str:
        """The TIMEX3 value: ``2020-01-06T20:30``, ``2020-01-06T08:00Z``,
        ``2020-01-06T08:00-05``, ``2020-01-06TEV``,
        ``2020-01-06``, ``2020-W02-WE``, ``2020-W02``, ``2020-01``, ``2020-Q1``, ``2020-SU``,
        ``2020`` or ``196X``."""
        if self.hour is not None:
            return f"{self.the_day.isoformat()}T{self.hour:02d}:{self.minute:02d}{self.zone or ''}"
        if self.part is not None:
            return f"{self.the_day.isoformat()}T{self.part}"
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        if self.week is not None:
            return f"{self.year:04d}-W{self.week:02d}{'-WE' if self.weekend else ''}"
        if self.quarter is not None:
            return f"{self.year:04d}-Q{self.quarter}"
        if self.season is not None:
            return f"{self.year:04d}-{self.season}"
        if self.decade:
            return f"{self.year // 10:03d}X"
        return f"{self.year:04d}"

    @classmethod
    def from_date(cls, value: date, precision: Precision = "day") -> PartialDate:
        if precision == "year":
            return cls(value.year)
        if precision == "decade":
            return cls(value.year - value.year % 10, decade=True)
        if precision == "month":
            return cls(value.year, value.month)
        if precision in ("week", "weekend"):
            year, week, _ = value.isocalendar()
            return cls(year, week=week, weekend=precision == "weekend")
        if precision == "quarter":
            return cls(value.year, quarter=(value.month - 1) // 3 + 1)
        if precision == "season":
            return season_of(value)
        return cls(value.year, value.month, value.day)

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True, slots=True)
class TemporalReference:
    """A time the text points at without placing it on the calendar: TIMEX3's
    ``PRESENT_REF`` ("currently", "de nos jours"), ``PAST_REF`` ("recently", "autrefois")
    and ``FUTURE_REF`` ("soon", "à l'avenir"). It has no day, so it sorts after dated values.
    """

    reference: Reference

    @property
    def precision(self) -> Precision:
        return "reference"

    def isoformat(self) -> str:
        return f"{self.reference}_REF"

    def __str__(self) -> str:
        return self.isoformat()


def season_of(value: date) -> PartialDate:
    """The season a day falls in; January and February belong to the winter begun before."""
    if value.month <= 2:
        return PartialDate(value.year - 1, season="WI")
    name: Season = ("SP", "SU", "FA", "WI")[(value.month - 3) // 3]
    return PartialDate(value.year, season=name)


def parse_iso_partial(value: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``/`` also accepted).

    Raises:
        ValueError: The text is not such a date, or names an impossible day.
    """
    match = _ISO_PARTIAL.match(value.strip())
    if not match:
        raise ValueError(f"not a date of the form YYYY, YYYY-MM or YYYY-MM-DD: {value!r}")
    year, month, day = match.groups()
    return PartialDate(int(year), int(month) if month else None, int(day) if day else None)


def parse_value(value: str) -> PartialDate:
    """Parse any value ``PartialDate.isoformat`` writes: a day, month or year as in
    ``parse_iso_partial``, or ``2020-W02``, ``2020-W02-WE``, ``2009-Q1``, ``2020-SU``, ``196X``,
    ``2020-01-06T20:30``, ``2020-01-06T08:00Z``, ``2020-01-06T08:00+01``, ``2020-01-06TEV``.

    Raises:
        ValueError: The text is none of these, or names an impossible date.
    """
    within = _WITHIN_DAY.match(value.strip())
    if within:
        day = parse_iso_partial(within["day"])
        if within["part"]:
            part = next(p for p in PART_START if p == within["part"])
            return PartialDate(day.year, day.month, day.day, part=part)
        return PartialDate(
            day.year,
            day.month,
            day.day,
            hour=int(within["hour"]),
            minute=int(within["minute"]),
            zone=within["zone"],
        )
    match = _TIMEX.match(value.strip())
    if not match:
        return parse_iso_partial(value)
    if match["decade"]:
        return PartialDate(int(match["decade"]) * 10, decade=True)
    year = int(match["year"])
    if match["week"]:
        return PartialDate(year, week=int(match["week"]), weekend=bool(match["weekend"]))
    if match["quarter"]:
        return PartialDate(year, quarter=int(match["quarter"]))
    season = next(s for s in _SEASON_START if s == match["season"])
    return PartialDate(year, season=season)
