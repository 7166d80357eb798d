"""Internal: Words the checks treat specially, in English and French: stop words, numbers, dates.

Words are compared *folded* (see ``grounding.fold``: lower case, accents removed), so
"Zéro" and "zero" are one word. The lists are closed classes of the
languages (articles, pronouns, prepositions, number and calendar words), not words
picked from any article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .grounding import fold
from .wordlists import CALENDAR_WORDS
from .wordlists import UNITS as _UNITS

__all__ = [
    "CALENDAR_WORDS",
    "STOP_WORDS",
    "WrittenNumber",
    "is_number_word",
    "numbers_in",
    "tokens",
]

_EN_STOP = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
out over own same she should so some such than that the their theirs them then there these
they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours
"""
_FR_STOP = """
a ai au aux avec avait avoir c ce ceci cela celle celles celui ces cet cette ceux chez d dans
de des donc dont du elle elles en encore est et etaient etait etre eu eux il ils j je l la le
les leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ont ou par pas
peu plus pour qu quand que quel quelle quelles quels qui s sa sans se ses si son sont sous
sur t ta te tes toi ton tous tout toute toutes tres tu un une vers vos votre vous y
"""
#: Function words: never a name, never a content word.
STOP_WORDS: frozenset[str] = frozenset((_EN_STOP + _FR_STOP).split())

_HUNDREDS = frozenset({"hundred", "hundreds", "cent", "cents"})
_SCALES: dict[str, int] = {
    "thousand": 1_000, "thousands": 1_000, "mille": 1_000, "milliers": 1_000,
    "million": 1_000_000, "millions": 1_000_000, "billion": 1_000_000_000,
    "billions": 1_000_000_000, "milliard": 1_000_000_000, "milliards": 1_000_000_000,
}  # fmt: skip
# Words that are numbers only inside a longer number: alone, they are articles
# ("un", "une") or pronouns ("one").
_ONLY_IN_RUNS = frozenset({"one", "un", "une"})
_JOINERS = frozenset({"and", "et"})
# "pour cent", "per cent": a unit, not a hundred.
_PERCENT_LEAD = frozenset({"pour", "per"})

_WORD = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*")
_SCALE_AFTER = re.compile(r"[\s\u00a0]*([^\W\d_]+)")


def tokens(folded: str) -> list[str]:
    """The words of folded text: runs of letters and digits."""
    return _WORD.findall(folded)


def is_number_word(word: str) -> bool:
    """Whether the folded ``word`` can be part of a number written in words."""
    return word in _UNITS or word in _SCALES or word in _HUNDREDS


@dataclass(frozen=True, slots=True)
class WrittenNumber:
    """A number as written, with the values it can be read as."""

    text: str
    values: frozenset[float]


def numbers_in(text: str) -> list[WrittenNumber]:
    """The numbers in ``text``, in digits or in English or French words.

    In digits, a separator followed by exactly three digits groups thousands ("1,000",
    "1 000"); any other is a decimal mark ("3,5", "3.5"). A scale word after digits
    ("3,5 millions") gives the scaled value beside the bare one. In words, runs like
    "vingt et un", "quatre-vingt-dix" or "two hundred and five" are one number; "one",
    "un" and "une" alone are not numbers (they are articles and pronouns), nor is the
    "cent" of "pour cent".
    """
    digits = _digit_numbers(text)
    # A scale word after digits belongs to them: blank what they cover before reading words.
    rest = list(text)
    for _, start, end in digits:
        rest[start:end] = " " * (end - start)
    return [*(n for n, _, _ in digits), *_word_numbers(tokens(fold("".join(rest)).text))]


def _digit_numbers(text: str) -> list[tuple[WrittenNumber, int, int]]:
    """Numbers in digits, each with the span it covers."""
    found: list[tuple[WrittenNumber, int, int]] = []
    for match in _DIGITS.finditer(text):
        groups = re.split(r"[.,\u00a0\u202f]", match.group())
        if len(groups) > 2 and len(groups[-1]) != 3:  # "2.5.2020": several numbers
            found += [
                (WrittenNumber(g, frozenset({float(g)})), match.start(), match.end())
                for g in groups
            ]
            continue
        if len(groups) == 2 and len(groups[-1]) != 3:
            value = float(f"{int(groups[0])}.{groups[1]}")
        else:
            value = float("".join(groups))
        after = _SCALE_AFTER.match(text, match.end())
        scale = _SCALES.get(after.group(1).casefold()) if after else None
        if after is not None and scale is not None:
            written = WrittenNumber(
                text[match.start() : after.end()], frozenset({value, value * scale})
            )
            found.append((written, match.start(), after.end()))
        else:
            found.append((WrittenNumber(match.group(), frozenset({value})), *match.span()))
    return found


def _word_numbers(words: Sequence[str]) -> list[WrittenNumber]:
    found: list[WrittenNumber] = []
    run: list[str] = []
    for i, word in enumerate([*words, ""]):
        numeric = word in _UNITS or word in _SCALES or word in _HUNDREDS
        if word in _HUNDREDS and i > 0 and words[i - 1] in _PERCENT_LEAD:
            numeric = False
        if numeric or (word in _JOINERS and run and _joins(run[-1])):
            run.append(word)
            continue
        while run and run[-1] in _JOINERS:
            run.pop()
        if run and not (len(run) == 1 and run[0] in _ONLY_IN_RUNS):
            found.append(WrittenNumber(" ".join(run), frozenset({_value(run)})))
        run = []
    return found


def _joins(word: str) -> bool:
    """Whether "and"/"et" after ``word`` goes on with a number ("vingt et un", "cent et un")."""
    return word in _HUNDREDS or word in _SCALES or (_UNITS.get(word, 0) >= 20)


def _value(run: Iterable[str]) -> float:
    total, current = 0, 0
    for word in run:
        if word in _JOINERS:
            continue
        if word in _HUNDREDS:
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif word in ("vingt", "vingts") and current == 4:
            current = 80  # quatre-vingt(s)
        else:
            current += _UNITS[word]
    return float(total + current)
