"""Calendar arithmetic the rules need: steps by unit, two-digit years, Easter, and which
occurrence of a yearless date is meant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from .tense import Direction
from .value import PartialDate

__all__ = ["add_months", "choose", "easter", "full_year", "make", "step"]

_T = TypeVar("_T")


def step(ref: date, unit: str, n: int, *, keep_day: bool) -> PartialDate:
    if unit == "day":
        return PartialDate.from_date(ref + timedelta(days=n))
    if unit == "week":
        return PartialDate.from_date(ref + timedelta(weeks=n), "day" if keep_day else "week")
    if unit == "month":
        return PartialDate.from_date(add_months(ref.replace(day=1), n), "month")
    return PartialDate(ref.year + n)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def full_year(digits: str, ref: date | None, *, past: bool = False) -> int:
    """A two-digit year in the century that puts it at most ten years past the reference
    (a decade is never in the future: "the 60s" seen from 2005 are the 1960s)."""
    yy = int(digits)
    if len(digits) > 2:
        return yy
    pivot = (ref.year if ref else date.today().year) + (0 if past else 10)
    year = pivot - pivot % 100 + yy
    return year - 100 if year > pivot else year


def easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def make(
    year: int, month: int | None = None, day: int | None = None, *, quarter: int | None = None
) -> PartialDate | None:
    """The date, or None where the calendar has no such day ("February 30")."""
    try:
        return PartialDate(year, month, day, quarter=quarter)
    except ValueError:
        return None


def choose(
    ref: date,
    options: list[_T],
    start: Callable[[_T], date],
    end: Callable[[_T], date],
    direction: Direction | None,
    strict: bool,
    *,
    nearest: bool = True,
) -> _T:
    """The occurrence the direction asks for, seen from ``ref``; with none, the nearest
    or the last begun."""
    if direction == "past" or (direction is None and not nearest):
        before = [o for o in options if (end(o) < ref if strict else start(o) <= ref)]
        if before:
            return max(before, key=start)
    if direction == "future":
        after = [o for o in options if (start(o) > ref if strict else end(o) >= ref)]
        if after:
            return min(after, key=start)

    def distance(o: _T) -> tuple[int, bool]:
        if start(o) <= ref <= end(o):
            return (0, False)
        gap = (start(o) - ref).days if start(o) > ref else (ref - end(o)).days
        return (gap, start(o) > ref)

    return min(options, key=distance)
