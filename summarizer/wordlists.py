"""Internal: Word lists shared by the checks that read numbers and dates in text.

Folded like the text (lower case, no accents), so they compare with ``grounding.fold``
output. Data only: nothing here imports the rest of the package.
"""

from __future__ import annotations

__all__ = ["ALL_CALENDAR_WORDS", "CALENDAR_WORDS", "UNITS", "unit_value"]

#: Weekday and month names, folded, by language.
_CALENDAR_BY_LANGUAGE: dict[str, str] = {
    "en": "monday tuesday wednesday thursday friday saturday sunday january february march "
    "april may june july august september october november december",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai "
    "juin juillet aout septembre octobre novembre decembre",
    "es": "lunes martes miercoles jueves viernes sabado domingo enero febrero marzo abril "
    "mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "lunedi martedi mercoledi giovedi venerdi sabato domenica gennaio febbraio marzo "
    "aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "pt": "segunda terca quarta quinta sexta sabado domingo janeiro fevereiro marco abril "
    "maio junho julho agosto setembro outubro novembro dezembro",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar marz "
    "april mai juni juli august september oktober november dezember",
}
#: Month and weekday names in English and French: capitalised in English, yet dates
#: rather than names.
CALENDAR_WORDS: frozenset[str] = frozenset(
    (_CALENDAR_BY_LANGUAGE["en"] + " " + _CALENDAR_BY_LANGUAGE["fr"]).split()
)
#: Month and weekday names in every language the quote checks read.
ALL_CALENDAR_WORDS: frozenset[str] = frozenset(
    word for words in _CALENDAR_BY_LANGUAGE.values() for word in words.split()
)

#: Values of the number words below a hundred, English and French.
UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "dozens": 12,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60, "douzaine": 12, "douzaines": 12,
}  # fmt: skip


def unit_value(word: str) -> int | None:
    """The value of a folded number word below a hundred ("two", "deux": 2), or ``None``."""
    return UNITS.get(word)
