"""The words of time in English and French, accents removed and lower-cased.

Tables, and how text is folded and matched against them; the grammar that reads them
is in ``rules``. Each entry is a word class of the language (month and weekday names,
number words, direction words, units), not a phrase seen in some article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .value import Season

__all__ = ["LANGUAGES", "Words", "date_names", "day_names", "find", "fold", "phrase"]

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-"})


@dataclass(frozen=True)
class Words:
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    ordinals: dict[str, int]
    seasons: dict[str, Season]
    # day / week / weekend / month / quarter / half / year / decade / century
    units: dict[str, str]
    past: frozenset[str]
    future: frozenset[str]
    this: frozenset[str]
    ago: str  # a regular expression for "N units ago"
    ahead: str  # "in N units"
    relative_days: dict[str, int]  # today, yesterday, tomorrow…
    reference_days: dict[str, int]  # the day before/after a day under discussion
    filler: frozenset[str]  # determiners, prepositions, "early/late", "début/fin"
    # A part of the day: its TIMEX3 code (MO, AF, EV, NI, DT), or the instant it names.
    parts_of_day: dict[str, str]
    sets: frozenset[str]  # "every", "chaque": a recurring time, no one value
    positions: frozenset[str]  # "end", "début": a part of a period, the current one
    plural_units: frozenset[str]
    decade_head: str  # "années" before "60"; "" where decades are a suffix
    decade_words: dict[str, int] = field(default_factory=dict)
    # Feasts: a fixed (month, day), or days after Easter Sunday.
    feasts: dict[str, tuple[int, int]] = field(default_factory=dict)
    easter: dict[str, int] = field(default_factory=dict)
    day_first: bool = True  # 03/04/2009 is the 3rd of April
    # Time zones a clock time may name: "Z", an offset ("-05"), or "EU" for the time of
    # France and its neighbours, +01 in winter and +02 in summer.
    zones: dict[str, str] = field(default_factory=dict)


_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "several": 0, "few": 0, "couple": 0,
}  # fmt: skip
_FR_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
    "trente": 30, "quelques": 0, "plusieurs": 0,
}  # fmt: skip

_EN = Words(
    months={
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
        "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8,
        "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
        "november": 11, "nov": 11, "december": 12, "dec": 12,
    },
    weekdays={
        "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
        "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
        "sat": 5, "sunday": 6, "sun": 6,
    },
    numbers=_EN_NUMBERS,
    ordinals={"first": 1, "second": 2, "third": 3, "fourth": 4},
    seasons={"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"},
    units={
        "day": "day", "days": "day", "week": "week", "weeks": "week", "weekend": "weekend",
        "month": "month", "months": "month", "quarter": "quarter", "quarters": "quarter",
        "half": "half", "year": "year", "years": "year", "decade": "decade",
        "decades": "decade", "century": "century",
    },
    past=frozenset({"last", "past", "previous", "preceding", "prior"}),
    future=frozenset({"next", "coming", "upcoming", "following"}),
    this=frozenset({"this", "current"}),
    ago=r"\b(?P<n>\w+)\s+(?P<unit>\w+)\s+ago\b",
    ahead=r"^(?:in|within)\s+(?P<n>\w+)\s+(?P<unit>\w+)$",
    relative_days={
        "today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "last night": -1,
    },
    reference_days={"the day before": -1, "the previous day": -1, "the day after": 1,
                    "the next day": 1, "the following day": 1},
    filler=frozenset({
        "on", "in", "at", "by", "since", "until", "till", "from", "to", "during", "the",
        "of", "early", "earlier", "late", "later", "mid", "around", "about", "before",
        "after", "beginning", "start", "end", "middle", "close", "and", "or", "as",
        "same", "this", "that", "day", "s",
    }),
    parts_of_day={"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                  "tonight": "NI", "overnight": "NI", "dawn": "MO", "dusk": "EV",
                  "noon": "12:00", "midday": "12:00", "midnight": "24:00", "daytime": "DT",
                  "during the day": "DT"},
    positions=frozenset({"beginning", "start", "end", "middle", "close"}),
    sets=frozenset({"each", "every", "per", "daily", "weekly", "monthly", "yearly",
                    "annually", "weekdays", "weekends", "mondays", "tuesdays", "wednesdays",
                    "thursdays", "fridays", "saturdays", "sundays"}),
    plural_units=frozenset({"days", "weeks", "weekends", "months", "quarters", "years",
                            "decades", "centuries"}),
    decade_head="",
    decade_words={"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50,
                  "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90},
    day_first=False,
    feasts={"christmas": (12, 25), "christmas eve": (12, 24), "christmas day": (12, 25),
            "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31),
            "independence day": (7, 4), "valentine's day": (2, 14)},
    zones={"utc": "Z", "gmt": "Z", "z": "Z", "est": "-05", "edt": "-04", "cst": "-06",
           "cdt": "-05", "mst": "-07", "mdt": "-06", "pst": "-08", "pdt": "-07",
           "bst": "+01", "cet": "+01", "cest": "+02", "paris time": "EU",
           "central european time": "EU"},
    easter={"easter": 0, "easter sunday": 0, "easter monday": 1, "good friday": -2,
            "ascension day": 39, "pentecost": 49, "whit monday": 50},
)  # fmt: skip

_FR = Words(
    months={
        "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "mars": 3, "avril": 4, "avr": 4,
        "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
        "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    },
    weekdays={
        "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
        "dimanche": 6,
    },
    numbers=_FR_NUMBERS,
    ordinals={"premier": 1, "1er": 1, "deuxieme": 2, "second": 2, "troisieme": 3,
              "quatrieme": 4},
    seasons={"printemps": "SP", "ete": "SU", "automne": "FA", "hiver": "WI"},
    units={
        "jour": "day", "jours": "day", "journee": "day", "semaine": "week",
        "semaines": "week", "week-end": "weekend", "weekend": "weekend", "mois": "month",
        "trimestre": "quarter", "semestre": "half", "an": "year", "ans": "year",
        "annee": "year", "annees": "year", "decennie": "decade", "siecle": "century",
    },
    past=frozenset({"dernier", "derniere", "derniers", "dernieres", "passe", "passee",
                    "passes", "passees", "precedent", "precedente", "precedents",
                    "precedentes", "ecoule", "ecoulee"}),
    future=frozenset({"prochain", "prochaine", "prochains", "prochaines", "suivant",
                      "suivante", "suivants", "suivantes", "a venir"}),
    this=frozenset({"ce", "cet", "cette", "courant"}),
    ago=r"\bil y a\s+(?P<n>\w+)\s+(?P<unit>\w+)\b",
    ahead=r"^dans\s+(?P<n>\w+)\s+(?P<unit>\w+)$",
    relative_days={
        "aujourd'hui": 0, "aujourd hui": 0, "hier": -1, "avant-hier": -2, "demain": 1,
        "apres-demain": 2,
    },
    reference_days={"la veille": -1, "l'avant-veille": -2, "le lendemain": 1,
                    "le surlendemain": 2, "le jour precedent": -1, "le jour suivant": 1},
    filler=frozenset({
        "le", "la", "l", "les", "du", "de", "des", "d", "au", "aux", "a", "en", "dans",
        "depuis", "vers", "jusqu", "jusqu'au", "jusqu'a", "pour", "courant",
        "debut", "fin", "mi", "milieu", "cours", "et", "ou", "entre", "avant", "apres",
        "partir", "meme", "ce", "cet", "cette", "jour", "journee", "par", "sur",
    }),
    parts_of_day={"matin": "MO", "matinee": "MO", "apres-midi": "AF", "soir": "EV",
                  "soiree": "EV", "nuit": "NI", "aube": "MO", "crepuscule": "EV",
                  "midi": "12:00", "minuit": "24:00", "dans la journee": "DT",
                  "en journee": "DT"},
    positions=frozenset({"debut", "fin", "milieu", "mi"}),
    sets=frozenset({"chaque", "tous", "toutes", "quotidien", "quotidienne",
                    "hebdomadaire", "mensuel", "mensuelle", "annuel", "annuelle", "lundis",
                    "mardis", "mercredis", "jeudis", "vendredis", "samedis", "dimanches"}),
    plural_units=frozenset({"jours", "journees", "semaines", "week-ends", "trimestres",
                            "ans", "annees", "decennies", "siecles"}),
    decade_head="annees",
    decade_words={"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50,
                  "soixante": 60, "soixante-dix": 70, "quatre-vingt": 80,
                  "quatre-vingts": 80, "quatre-vingt-dix": 90},
    feasts={"noel": (12, 25), "la saint-sylvestre": (12, 31), "le jour de l'an": (1, 1),
            "la toussaint": (11, 1), "le 14 juillet": (7, 14), "l'assomption": (8, 15),
            "l'armistice": (11, 11), "la saint-valentin": (2, 14)},
    zones={"utc": "Z", "gmt": "Z", "heure de greenwich": "Z", "cet": "+01", "cest": "+02",
           "heure de paris": "EU", "heure francaise": "EU", "heure de france": "EU",
           "en france": "EU"},
    easter={"paques": 0, "lundi de paques": 1, "vendredi saint": -2, "l'ascension": 39,
            "pentecote": 49, "lundi de pentecote": 50},
)  # fmt: skip

LANGUAGES: dict[str, Words] = {"en": _EN, "fr": _FR}


def fold(text: str) -> str:
    """Lower-case, accents and typographic quotes removed, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES).lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def phrase(name: str, text: str) -> bool:
    return find((name,), text) is not None


@lru_cache(maxsize=64)
def _alternation(names: tuple[str, ...]) -> re.Pattern[str]:
    longest_first = sorted(names, key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, longest_first))})(?![\w-])")


def find(names: tuple[str, ...], text: str) -> str | None:
    """The longest of ``names`` that stands as whole words in ``text``, if any."""
    match = _alternation(names).search(text)
    return None if match is None else match.group(0)


@lru_cache(maxsize=8)
def day_names(language: str, *, abbreviations: bool = True) -> re.Pattern[str]:
    """Words that name a day: weekdays, "yesterday", "3 March", "March 3".

    Without ``abbreviations``, a weekday's short form ("sun", "wed") is left out: it is
    also a common word, safe to read only next to the expression it dates.
    """
    w = LANGUAGES[language]
    weekdays = [
        d
        for d in w.weekdays
        if abbreviations or not any(o != d and o.startswith(d) for o in w.weekdays)
    ]
    names = [*weekdays, *w.relative_days]
    names += [rf"\d{{1,2}}(?:er)? {m}" for m in w.months] + [rf"{m} \d{{1,2}}" for m in w.months]
    alternation = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?:\s+\d{{4}})?(?![\w-])")


# English month names that are also common words: a month only after a preposition.
_HOMOGRAPHS = {"en": frozenset({"may", "march", "mar", "sat", "sun", "dec", "jan"})}
_ORDINAL_QUARTERS = {
    "en": r"(?:first|second|third|fourth)[ -]quarter",
    "fr": r"(?:premier|1er|deuxieme|second|troisieme|quatrieme) trimestre",
}


@lru_cache(maxsize=8)
def date_names(language: str) -> re.Pattern[str]:
    """Words that name a date of their own, at any precision: the days of
    ``day_names``, a month with or without its year, a quarter, a year ("2008",
    "in 97"). What an anaphor ("that week", "l'année précédente") refers back to."""
    w = LANGUAGES[language]
    homographs = _HOMOGRAPHS.get(language, frozenset())
    plain = [m for m in w.months if m not in homographs and len(m) > 3]
    after_preposition = [m for m in w.months if m in homographs]
    names = [
        day_names(language, abbreviations=False).pattern.removeprefix("(?<![\\w-])"),
        rf"{_ORDINAL_QUARTERS[language]}(?: (?:of |de |d')?(?:1[89]|20)\d{{2}})?",
        rf"(?:{'|'.join(plain)})(?: (?:of |de )?(?:1[89]|20)\d{{2}})?",
        rf"(?:in|of|by|until|since|early|late|mid) (?:{'|'.join(after_preposition)})"
        rf"(?: (?:1[89]|20)\d{{2}})?"
        if after_preposition
        else "",
        r"(?:1[89]|20)\d{2}",
    ]
    alternation = "|".join(n for n in names if n)
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")
