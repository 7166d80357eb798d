"""Calendar dates with an honest precision.

A ``PartialDate`` is a date known to the day, the month or only the year: an article
dated ``2020-01`` is not silently placed on the first of January.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = ["PartialDate", "Precision", "parse_iso_partial", "resolve_date"]

Precision = Literal["day", "month", "year", "unknown"]

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date known to the day, the month or the year."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # Raises ValueError for impossible dates such as 2020-02-30.
        date(self.year, self.month or 1, self.day or 1)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        if self.day is not None:
            return self.first_day
        if self.month is None:
            return date(self.year, 12, 31)
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def from_date(cls, value: date, precision: Precision = "day") -> PartialDate:
        if precision == "year":
            return cls(value.year)
        if precision == "month":
            return cls(value.year, value.month)
        return cls(value.year, value.month, value.day)

    def __str__(self) -> str:
        return self.isoformat()


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


_PERIOD_PRECISION: dict[str, Precision] = {
    "day": "day",
    "time": "day",
    "week": "month",
    "month": "month",
    "year": "year",
}


def resolve_date(expression: str, anchor: PartialDate | None, language: str) -> PartialDate | None:
    """Place a date expression on the calendar, no more precisely than the text allows.

    ``anchor`` is the article's publication date, at whatever precision it is known.
    The expression is parsed against the first and the last day the anchor may stand
    for. If both readings agree ("3 janvier", "last year"), that reading is kept at the
    precision it was written with. If they differ, the expression is relative to the
    unknown day ("lundi", "yesterday"), and it is placed at the anchor's own precision:
    an article dated only ``2020-01`` cannot put "lundi" on a day.

    Returns:
        The resolved date, or ``None`` when the expression cannot be read as a date.
    """
    text = " ".join(expression.split())
    if not text:
        return None
    if anchor is None:
        return _parse(text, language, None)
    late = _parse(text, language, anchor.last_day)
    if late is None or anchor.precision == "day":
        return late
    # Read without a preference for the past, so that a yearless "3 janvier" is not
    # pushed into the previous year by an early base and mistaken for a relative date.
    early = _parse(text, language, anchor.first_day, prefer="current_period")
    if early == _parse(text, language, anchor.last_day, prefer="current_period"):
        return late
    return anchor


def _parse(
    text: str, language: str, base: date | None, *, prefer: str = "past"
) -> PartialDate | None:
    from datetime import datetime

    from dateparser.date import DateDataParser

    settings: dict[str, object] = {"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    else:
        settings["STRICT_PARSING"] = False
    languages = [language] if language and language != "und" else None
    try:
        data = DateDataParser(languages=languages, settings=settings).get_date_data(text)
    except ValueError:  # a language dateparser does not know
        data = DateDataParser(settings=settings).get_date_data(text)
    if data.date_obj is None:
        return None
    precision = _PERIOD_PRECISION.get(data.period or "day", "day")
    return PartialDate.from_date(data.date_obj.date(), precision)
