"""The readers of periods longer than a day and shorter than a decade: weekends,
quarters, halves and seasons, and the sentence lookups (tense, the words before the
expression) they share with the rest of the grammar in ``rules``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .calendar import add_months, choose, make
from .tense import Direction, direction_near, habitual
from .value import PartialDate, Season, season_of
from .words import Words, fold

__all__ = ["Periods", "Token", "end_of", "start_of"]

# A word class and its value: ("month", 3), ("year", 2011), ("unit", "quarter").
Token = tuple[str, int | str]


class Periods:
    """The part of the expression reader that places weekends, quarters, halves and
    seasons; ``rules`` gives it the expression, its sentence and the reference day."""

    text: str
    ref: date | None
    words: Words
    language: str
    expression: str
    context: str | None

    def _relative_year(self, cue: Direction | None) -> int | None:
        raise NotImplementedError  # the year "of the previous year" needs the antecedent

    def _tense(self) -> Direction | None:
        return direction_near(self.context, self.expression, self.language)

    def _context_before(self) -> str:
        if not self.context:
            return ""
        return fold(self.context)[: self._position()].rstrip()

    def _position(self) -> int:
        assert self.context is not None
        return max(fold(self.context).find(self.text), 0)

    def _weekend(self, step: int, said: bool) -> PartialDate | None:
        """ "this weekend", "le week-end dernier"; "the weekend" alone is the one nearest
        the article on the side its verb's tense says (the coming one under a future, the
        one under way or just past otherwise): a weekend is too short for news to mean
        another without saying so."""
        assert self.ref is not None
        if not said:
            weekday = self.ref.weekday()
            if self._tense() == "future":
                step = 1 if weekday == 6 else 0
            else:
                step = 0 if weekday >= 5 else -1
        return PartialDate.from_date(self.ref + timedelta(weeks=step), "weekend")

    def _quarter(
        self, tokens: list[Token], cue: Direction | None, year: int | str | None, this: bool
    ) -> PartialDate | None:
        """A quarter or half of a year. With its year said relatively ("the third quarter
        of the previous year"), the direction word belongs to the year; a bare "the first
        quarter" is the latest such quarter its verb allows: one already over under a past
        verb (results are told once the quarter is closed), the one under way or next
        under a future, the latest begun otherwise. A half is written at its year's
        precision, the nearest the record has."""
        number = next((int(v) for k, v in tokens if k in ("quarter", "ordinal")), None)
        half = any(v == "half" for k, v in tokens if k == "unit")
        relative_year = ("unit", "year") in tokens
        if year is None and relative_year and self.ref is not None and (cue or this):
            year = self._relative_year(cue) or self.ref.year
            cue = None
        if year is not None:
            if half:
                return PartialDate(int(year))
            return make(int(year), quarter=number)
        if self.ref is None:
            return None
        if number is None:  # "last quarter", "ce trimestre"
            if half:
                return None
            months = 3 * {"past": -1, "future": 1, None: 0}[cue]
            current = PartialDate.from_date(self.ref, "quarter").first_day
            return PartialDate.from_date(add_months(current, months), "quarter")
        tense = self._tense()
        direction = cue or tense or "past"
        years = range(self.ref.year - 2, self.ref.year + 2)
        if half:
            if number > 2:
                return None
            halves = [(y, date(y, 6 * number - 5, 1), date(y, 6 * number, 30)) for y in years]
            picked = choose(
                self.ref, halves, _second, _third, direction, cue is not None or tense == "past"
            )
            return PartialDate(picked[0])
        if number > 4:
            return None
        options = [PartialDate(y, quarter=number) for y in years]
        strict = cue is not None or tense == "past"
        return choose(self.ref, options, start_of, end_of, direction, strict)

    def _season(
        self, season: str, cue: Direction | None, year: int | str | None, this: bool
    ) -> PartialDate | None:
        name: Season = season  # type: ignore[assignment]
        if year is not None:
            return PartialDate(int(year), season=name)
        if self.ref is None or (cue is None and not this and self._generic_season()):
            return None
        if this and not cue and season_of(self.ref).season == name:
            return season_of(self.ref)
        options = [PartialDate(y, season=name) for y in range(self.ref.year - 2, self.ref.year + 2)]
        return choose(self.ref, options, start_of, end_of, cue or self._tense(), cue is not None)

    def _generic_season(self) -> bool:
        """ "en hiver", "in winter": a season after a bare preposition, with no article,
        in a present or habitual statement ("en hiver, la route est souvent fermée"):
        every winter, no one value. Under a future or a perfect it is one winter."""
        seasons = "|".join(self.words.seasons)
        bare = re.fullmatch(rf"(?:en|au|in|during) (?:{seasons})", self.text) is not None
        if self.text in self.words.seasons and self.context:
            bare = bare or re.search(r"\b(?:en|au|in|during)$", self._context_before()) is not None
        if not bare:
            return False
        present = self._tense() is None
        return present or habitual(self.context, self.expression, self.language, past=True)


def _second(value: tuple[int, date, date]) -> date:
    return value[1]


def _third(value: tuple[int, date, date]) -> date:
    return value[2]


def start_of(value: PartialDate) -> date:
    return value.first_day


def end_of(value: PartialDate) -> date:
    return value.last_day
