"""A grammar of time expressions for the languages in ``words``.

The expression is read as a handful of word classes (month, weekday, number, year,
season, unit, direction, "this") once clock times, parts of the day and words that
carry no date (determiners, prepositions, "early", "début") are set aside. What is
left either names a calendar value, absolute or relative to a reference day, or it
does not, and then nothing is returned: a duration ("six years"), a set ("chaque
mois"), an ordinal ("the 99th day") or a clock time with no day named is no date.
A clock time or part of the day is put on the day the expression names, else on the
day its sentence names, else on the day carried from earlier in the article; a clock
time with none of these is put on the article's own day, the convention of TimeML news
annotation (a report of the day it is dated), unless ``clock_on_article_day`` is off.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TypeVar

from .anaphora import anaphor, place
from .calendar import choose, easter, full_year, make
from .calendar import step as step_by
from .daytime import CLOCK_WORDS, time_of_day
from .periods import Periods, Token, end_of, start_of
from .tense import Direction
from .value import PartialDate
from .words import Words, date_names, day_names, find, fold, phrase

__all__ = ["Direction", "read"]

_Token = Token
_T = TypeVar("_T")

_NUMERIC = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4}|\d{2})\b"),
)
_TOKEN = re.compile(r"\bq[1-4]\b|'\d{2}s?|\d+(?:er|re|eme|e|st|nd|rd|th|s)?\b|[a-z]+(?:-[a-z]+)*")
# Direction words that step from the last date named, not from the article's day.
_ANAPHORIC = re.compile(r"\b(?:previous|preceding|prior|following|precedente?|suivante?)\b")
_HYPHENATED = re.compile(r"\b([a-z]+|\d+[a-z]*)-([a-z]+)\b")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:er|re|eme|e|st|nd|rd|th)$")


def read(
    expression: str,
    ref: date | None,
    words: Words,
    language: str,
    context: str | None = None,
    carried: PartialDate | None = None,
    *,
    nested: bool = False,
    clock_on_article_day: bool = True,
) -> PartialDate | None:
    """The calendar value of ``expression`` seen from the reference day ``ref``.

    ``carried`` is the date under discussion before the expression's sentence: the day
    of a clock time, a part of the day or "the day before" that neither the expression
    nor its sentence names (when it is a day), and the antecedent of "that week" or "the
    same period a year earlier" that its sentence does not name (at any precision).
    """
    text = fold(expression).strip(" .,;:!?\"'()[]«»")
    if not text:
        return None
    reader = _Reader(text, ref, words, language, expression, context, nested)
    reader.carried = carried if carried is not None and carried.day is not None else None
    reader.antecedent = carried
    reader.clock_on_article_day = clock_on_article_day
    found = reader.value()
    if found is None or found.day is None or found.the_day != found:
        return found
    when = time_of_day(text, words)
    return found if when is None else when.on(found) or found  # "25 h": the day alone


class _Reader(Periods):
    def __init__(
        self,
        text: str,
        ref: date | None,
        words: Words,
        language: str,
        expression: str,
        context: str | None,
        nested: bool,
    ) -> None:
        self.text, self.ref, self.words, self.language = text, ref, words, language
        self.expression, self.context, self.nested = expression, context, nested
        self.carried: PartialDate | None = None
        self.antecedent: PartialDate | None = None
        self.clock_on_article_day = True

    def value(self) -> PartialDate | None:
        numeric = self._numeric()
        if numeric is not None:
            return numeric
        has_clock = bool(CLOCK_WORDS.search(self.text))
        text = CLOCK_WORDS.sub(" ", self.text)
        text = re.sub(r"\b(mi|mid)-", r"\1 ", text)
        text = _HYPHENATED.sub(self._unhyphen, text)  # "fourth-quarter", "second-half"
        text = re.sub(r"(\d)'s\b", r"\1s", text)  # "the 1990's"
        distal = re.search(r"-la\b", text) is not None  # "ce jour-là" is that day, not today
        text = re.sub(r"-ci\b|\ben cours\b", " this ", re.sub(r"-la\b", " ", text))
        readings = (self._feast, self._relative_day, self._reference_day, self._anaphora)
        for reading in (*readings, self._counted):
            found, value = reading(text)
            if found:
                return value
        tokens = _TOKEN.findall(text)
        decades = bool(self.words.decade_head) and phrase(self.words.decade_head, text)
        if self.words.sets & set(tokens) or (self._plural_unit(tokens) and not decades):
            return None  # "every month", "tous les ans", "les mois à venir": no one value
        has_part = any(t in self.words.parts_of_day for t in tokens)
        this = not distal and any(t in self.words.this for t in tokens)
        # "the end of the month", "en fin de semaine": a part of the period under way.
        this = this or bool(self.words.positions & set(tokens))
        cue = self._cue(text, tokens)
        tokens = [t for t in tokens if t not in self.words.parts_of_day]
        classified = [c for c in (self._classify(t) for t in tokens) if c is not None]
        if not classified:
            if this and (has_part or re.search(r"\b(day|jour)\b", text)):
                return self._shift(0)  # "ce soir", "this morning", "ce jour"
            if has_clock or has_part or re.search(r"\b(day|jour|journee)\b", text):
                if self.nested:
                    return None
                day = self._context_day()
                when = time_of_day(self.text, self.words)
                if day is None and when is not None and when.hour is not None:
                    # A clock time no day is named for: the article's own day, as TimeML
                    # annotates news (a same-day report), unless the caller wants none.
                    return self._shift(0) if self.clock_on_article_day else None
                return day
            return None
        return self._grammar(classified, cue, this)

    def _unhyphen(self, match: re.Match[str]) -> str:
        """Two words joined to qualify a noun ("fourth-quarter earnings") are read apart
        when they are an ordinal and a unit of time."""
        first, unit = match.group(1), match.group(2)
        ordinal = first in self.words.ordinals or _ORDINAL_DIGITS.match(first) is not None
        return f"{first} {unit}" if ordinal and unit in self.words.units else match.group(0)

    # -- whole-expression forms -------------------------------------------------------

    def _numeric(self) -> PartialDate | None:
        for pattern in _NUMERIC:
            match = pattern.search(self.text)
            if not match:
                continue
            parts = match.groupdict()
            if "d" in parts:
                y, m, d = int(parts["y"]), int(parts["m"]), int(parts["d"])
            else:
                a, b, y = int(parts["a"]), int(parts["b"]), full_year(parts["y"], self.ref)
                d, m = (a, b) if self.words.day_first or b > 12 else (b, a)
            return make(y, m, d)
        return None

    def _feast(self, text: str) -> tuple[bool, PartialDate | None]:
        w = self.words
        name = find((*w.easter, *w.feasts), text)
        if name is None:
            return False, None
        offset: int | tuple[int, int] = w.easter[name] if name in w.easter else w.feasts[name]

        def on(y: int) -> date:
            if isinstance(offset, tuple):
                return date(y, *offset)
            return easter(y) + timedelta(days=offset)

        year = re.search(r"\b(1\d{3}|20\d{2})\b", text)
        if year:
            return True, PartialDate.from_date(on(int(year.group(1))))
        if self.ref is None:
            return True, None
        days = [on(y) for y in (self.ref.year - 1, self.ref.year, self.ref.year + 1)]
        cue = self._cue(text, [])
        pick = choose(self.ref, days, _same, _same, cue or self._tense(), cue is not None)
        return True, PartialDate.from_date(pick)

    def _relative_day(self, text: str) -> tuple[bool, PartialDate | None]:
        name = find(tuple(self.words.relative_days), text)
        if name is None:
            return False, None
        return True, self._shift(self.words.relative_days[name])

    def _reference_day(self, text: str) -> tuple[bool, PartialDate | None]:
        name = find(tuple(self.words.reference_days), text)
        if name is None:
            return False, None
        days = self.words.reference_days[name]
        base = None if self.nested else self._context_day()
        if base is None or base.day is None:
            return True, self._shift(days)
        return True, PartialDate.from_date(base.first_day + timedelta(days=days))

    def _anaphora(self, text: str) -> tuple[bool, PartialDate | None]:
        """ "that week", "the same period a year earlier", "l'année précédente"."""
        found = anaphor(self.text, self.language)
        if found is None:
            return False, None
        return True, place(found, self._antecedent(), self.ref)

    def _counted(self, text: str) -> tuple[bool, PartialDate | None]:
        """ "two years ago", "il y a une semaine", "in three days"; other counts are spans."""
        for pattern, sign in ((self.words.ago, -1), (self.words.ahead, 1)):
            match = re.search(pattern, text)
            if match:
                n = self._count(match.group("n"))
                unit = self.words.units.get(match.group("unit"))
                if n is None or unit is None:
                    continue  # "in March 2008": no count of units
                if not n or unit not in ("day", "week", "month", "year") or self.ref is None:
                    return True, None
                return True, step_by(self.ref, unit, sign * n, keep_day=unit in ("day", "week"))
        for pair in re.finditer(r"(?=\b([\w']+)\s+([\w-]+)\b)", text):
            if self._count(pair.group(1)) is not None and pair.group(2) in self.words.units:
                return True, None  # a duration: "six years", "dans les 10 jours"
        return False, None

    def _plural_unit(self, tokens: list[str]) -> bool:
        units = self.words.units
        for before, token in zip(["", *tokens], tokens, strict=False):
            if token in units and (
                token in self.words.plural_units or before in ("les", "ces", "these", "those")
            ):
                return True
        return False

    def _count(self, word: str) -> int | None:
        if word.isdigit():
            return int(word)
        return self.words.numbers.get(word)

    # -- the grammar over word classes --------------------------------------------------

    def _classify(self, token: str) -> _Token | None:
        w = self.words
        if token in w.months:
            return ("month", w.months[token])
        if token in w.weekdays:
            return ("weekday", w.weekdays[token])
        if token in w.seasons:
            return ("season", w.seasons[token])
        if token in w.decade_words:
            return ("decade_word", 1900 + w.decade_words[token])
        if token in w.units and token not in w.filler:
            return ("unit", w.units[token])
        if token in w.ordinals:
            return ("ordinal", w.ordinals[token])
        if re.fullmatch(r"q[1-4]", token):
            return ("quarter", int(token[1]))
        return self._classify_number(token)

    def _classify_number(self, token: str) -> _Token | None:
        if re.fullmatch(r"'?\d{2,4}s", token):  # 1960s, 60s, '60s
            digits = token.strip("'s")
            if len(digits) == 3 or int(digits) % 10:
                return ("word", token)
            year = int(digits) if len(digits) == 4 else full_year(digits, self.ref, past=True)
            return ("decade", year)
        if token.startswith("'"):
            return ("year", full_year(token[1:], self.ref))
        ordinal = _ORDINAL_DIGITS.match(token)
        if ordinal:
            return ("ordinal_day", int(ordinal.group(1)))
        if token.isdigit():
            if len(token) == 4 and 1000 <= int(token) <= 2199:
                return ("year", int(token))
            if len(token) <= 2:
                return ("number", int(token))
            return ("word", token)
        w = self.words
        if token in w.filler or token in w.this or token in w.past or token in w.future:
            return None
        return ("word", token)

    def _grammar(
        self, tokens: list[_Token], cue: Direction | None, this: bool
    ) -> PartialDate | None:
        kinds = [k for k, _ in tokens]
        first = dict(reversed(tokens))
        year = first.get("year")
        decade = self._decade(first)
        if decade is not None:
            return decade
        if "month" in first:
            return self._month_date(tokens, cue, this)
        if "quarter" in first or first.get("unit") in ("quarter", "half"):
            return self._quarter(tokens, cue, year, this)
        if "season" in first:
            return self._season(str(first["season"]), cue, year, this)
        if "ordinal_day" in first or "ordinal" in first:
            return None  # "the 99th day", "le premier jour": no calendar value alone
        if "weekday" in first:
            at = kinds.index("weekday")
            if at and kinds[at - 1] == "word":
                return None  # "Black Monday", "Bloody Sunday": a name, not this week's day
            return self._weekday(int(first["weekday"]), cue, this)
        unit = first.get("unit")
        if unit is not None and "number" not in first:
            return self._unit(str(unit), cue, this, year)
        if year is not None:
            return PartialDate(int(year))
        if kinds == ["number"]:
            return self._bare_number(int(first["number"]))
        return None

    def _decade(self, first: dict[str, int | str]) -> PartialDate | None:
        """ "the 1960s", "the '60s", "the sixties", "les années 60", "les années soixante"."""
        head = self.words.decade_head
        if "decade" in first:
            start = int(first["decade"])
        elif "decade_word" in first and (not head or phrase(head, self.text)):
            start = int(first["decade_word"])
        elif head and phrase(head, self.text) and isinstance(n := first.get("number"), int):
            start = full_year(f"{n:02d}", self.ref, past=True)
        elif head and phrase(head, self.text) and isinstance(n := first.get("year"), int):
            start = n
        else:
            return None
        return PartialDate(start, decade=True) if start % 10 == 0 else None

    def _month_date(
        self, tokens: list[_Token], cue: Direction | None, this: bool = False
    ) -> PartialDate | None:
        index = next(i for i, (k, _) in enumerate(tokens) if k == "month")
        month = int(tokens[index][1])
        before = tokens[index - 1] if index else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        day: int | None = None
        year = next((int(v) for k, v in tokens[index:] if k == "year"), None)
        if self.words.day_first and after and after[0] == "number" and year is None:
            year = full_year(f"{int(after[1]):02d}", self.ref)  # "octobre 98", "10 nov. 93"
            after = None
        if before and before[0] in ("number", "ordinal_day") and int(before[1]) <= 31:
            start = index - 1
            while start and tokens[start - 1][0] == before[0]:
                start -= 1  # "les 6 et 13 avril": the first day of the list
            day = int(tokens[start][1])
        elif after and after[0] in ("number", "ordinal_day") and int(after[1]) <= 31:
            day = int(after[1])
        elif before and before[0] == "ordinal" and before[1] == 1:
            day = 1  # "le premier mai"
        weekday = next((int(v) for k, v in tokens if k == "weekday"), None)
        if year is None and self.ref is not None and ("unit", "year") in tokens[index:]:
            # "March of next year", "en mars de l'année dernière": the year said is relative.
            year = self._relative_year(cue) or (self.ref.year if this else None)
        if year is not None:
            return make(year, month, day)
        if self.ref is None:
            return None
        ref = self.ref
        options = [
            p
            for y in (ref.year - 1, ref.year, ref.year + 1)
            if (p := make(y, month, day)) is not None
        ]
        if not options:
            return None  # "February 30": no year has it
        if weekday is not None and day is not None:
            matching = [p for p in options if p.first_day.weekday() == weekday]
            if matching:
                return min(matching, key=lambda p: abs((p.first_day - ref).days))
        return choose(
            self.ref,
            options,
            start_of,
            end_of,
            cue or self._tense(),
            cue is not None,
            nearest=day is not None,
        )

    def _weekday(self, weekday: int, cue: Direction | None, this: bool) -> PartialDate | None:
        if self.ref is None:
            return None
        ref = self.ref
        back = (ref.weekday() - weekday) % 7
        ahead = (weekday - ref.weekday()) % 7
        if cue == "past":
            return PartialDate.from_date(ref - timedelta(days=back or 7))
        if cue == "future":
            return PartialDate.from_date(ref + timedelta(days=ahead or 7))
        tense = self._tense()
        if tense == "future" or (this and tense is None):
            return PartialDate.from_date(ref + timedelta(days=ahead))
        return PartialDate.from_date(ref - timedelta(days=back))

    def _unit(
        self, unit: str, cue: Direction | None, this: bool, year: int | str | None
    ) -> PartialDate | None:
        if self.ref is None:
            return None
        step = {"past": -1, "future": 1, None: 0}[cue]
        if unit == "year" and year is not None:
            return PartialDate(int(year))
        if unit == "weekend":
            return self._weekend(step, this or cue is not None)
        if not (this or cue) and unit != "year":
            return None  # "the week", "la semaine": which one is not said
        if unit == "week":
            return PartialDate.from_date(self.ref + timedelta(weeks=step), "week")
        if unit in ("month", "year"):
            return step_by(self.ref, unit, step, keep_day=False)
        if unit == "decade":
            return PartialDate.from_date(date(self.ref.year + 10 * step, 1, 1), "decade")
        if unit == "day" and this and not cue:
            return self._shift(0)
        return None

    def _bare_number(self, number: int) -> PartialDate | None:
        """A bare two-digit number is a year only after "en"/"in" or an apostrophe;
        a bare day number takes its month from the words that follow ("les 6 et 13 avril")."""
        own = re.search(r"(?:^|\s)(?:en|in|since|depuis)\s+\d{2}$|'\d{2}$", self.text)
        if own or re.search(r"\b(?:en|in|since|depuis)$|'$", self._context_before()):
            return PartialDate(full_year(f"{number:02d}", self.ref))
        if 1 <= number <= 31 and self.context and not self.nested:
            after = fold(self.context)[self._position() + len(self.text) :]
            match = re.search(r"\b(\d{1,2})(?:er)?\s+([a-z]+)", after)
            if match and match.group(2) in self.words.months:
                return read(
                    f"{number} {match.group(2)}", self.ref, self.words, self.language,
                    self.context, nested=True,
                )  # fmt: skip
        return None

    # -- direction, tense and the day under discussion ---------------------------------

    def _cue(self, text: str, tokens: list[str]) -> Direction | None:
        words = set(tokens) or set(_TOKEN.findall(text))
        if words & self.words.past:
            return "past"
        if words & self.words.future or "a venir" in text:
            return "future"
        return None

    def _antecedent(self) -> PartialDate | None:
        """The last date named before the expression in its sentence, else the date
        under discussion carried from the sentences before."""
        if self.nested or not self.context:
            return self.antecedent
        sentence = fold(self.context)
        where = self._position()
        last: PartialDate | None = None
        for match in date_names(self.language).finditer(sentence[:where]):
            found = read(match.group(0), self.ref, self.words, self.language, self.context,
                         nested=True)  # fmt: skip
            last = found or last
        return last or self.antecedent

    def _relative_year(self, cue: Direction | None) -> int | None:
        """The year of "of the previous year" (the one before the last year named) or
        "of next year" (the one after the article's); None with no direction."""
        if self.ref is None or cue is None:
            return None
        step = -1 if cue == "past" else 1
        if _ANAPHORIC.search(self.text):
            antecedent = self._antecedent()
            if antecedent is not None:
                return antecedent.first_day.year + step
        return self.ref.year + step

    def _context_day(self) -> PartialDate | None:
        """The day named nearest the expression in its sentence, else the day carried
        from earlier sentences, for a clock time, a part of the day or "the day before"
        that names none itself."""
        if not self.context or self.ref is None:
            return self.carried
        sentence = fold(self.context)
        w = self.words
        where = self._position()
        best: tuple[int, PartialDate] | None = None
        for match in day_names(self.language).finditer(sentence):
            if where <= match.start() < where + len(self.text):
                continue
            value = read(match.group(0), self.ref, w, self.language, self.context, nested=True)
            if value is None or value.day is None:
                continue
            gap = abs(match.start() - where)
            if best is None or gap < best[0]:
                best = (gap, value.the_day)
        return self.carried if best is None else best[1]

    def _shift(self, days: int) -> PartialDate | None:
        return None if self.ref is None else PartialDate.from_date(self.ref + timedelta(days=days))


def _same(day: date) -> date:
    return day
