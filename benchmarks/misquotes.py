"""The misquotes models make, built from real quotes: shared by the benchmarks.

Each function takes a quote copied from an article (and the article's language) and
returns it changed one way, or ``None`` when the quote offers nothing to change that
way. The word lists are the languages' own (English, French, Spanish, German), written
here independently of the ones ``summarizer`` detects with, so a benchmark does not
grade the detector with its own answers.
"""

from __future__ import annotations

import random
import re

__all__ = [
    "add_negation",
    "change_date",
    "change_number",
    "drop_words",
    "remove_negation",
    "replace_word",
    "retype",
    "swap_name",
]

_NUMBERS = {
    "en": "one two three four five six seven eight nine ten eleven twelve fifteen twenty "
    "thirty forty fifty hundred thousand million billion",
    "fr": "deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente "
    "quarante cinquante cent mille million milliard",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez veinte cien mil millones",
    "de": "zwei drei vier fünf sechs sieben acht neun zehn zwanzig hundert tausend",
}
_WEEKDAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "lunes martes miércoles jueves viernes sábado domingo",
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
}
_MONTHS = {
    "en": "January February April June July August September October November December",
    "fr": "janvier février avril juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero abril junio julio agosto septiembre octubre noviembre diciembre",
    "de": "Januar Februar April Juni Juli August September Oktober November Dezember",
}
# Auxiliaries a negation attaches to, and how: English "was" → "was not"; French
# "est" → "n'est pas" (the verb takes "ne … pas" around it).
_AUXILIARIES = {
    "en": "is are was were will would can could should has have had does did must may",
    "fr": "est sont était étaient sera seront a ont avait avaient va vont peut peuvent "
    "doit doivent fait font",
    "es": "es son era fue será ha han había puede pueden",
    "de": "ist sind war waren wird werden hat haben hatte kann können muss",
}
_NEGATE = {
    "en": "{} not",
    "fr": "ne {} pas",
    "es": "no {}",
    "de": "{} nicht",
}
# Negation as written, to be taken out: French "ne … pas" around its verb; elsewhere a word.
_FRENCH_NEGATION = re.compile(r"\b(?:ne\s+|n['’])(\w+)\s+(?:pas|jamais|plus|rien)\b", re.IGNORECASE)
_NEGATION_WORDS = {
    "en": r"\b(?:not|never)\s+",
    "es": r"\b(?:no|nunca)\s+",
    "de": r"\s+\b(?:nicht|nie|niemals)\b",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_DIGITS = re.compile(r"\d+")
_STOP = {
    "en": "the a an of to in on at and or but for with by from that this it as",
    "fr": "le la les l un une des de du d à au aux et ou en par pour sur dans que qui",
    "es": "el la los las un una de del a al y o en por para con que",
    "de": "der die das ein eine und oder in an auf mit von zu für",
}


def _words(kind: dict[str, str], language: str) -> list[str]:
    return kind.get(language, kind["en"]).split()


def change_number(quote: str, language: str, rng: random.Random) -> str | None:
    """One number changed: a digit string to another value, or a number word to another."""
    digits = list(_DIGITS.finditer(quote))
    if digits:
        match = rng.choice(digits)
        value = match.group()
        swapped = value[::-1]
        if swapped == value or swapped.startswith("0"):
            swapped = str(int(value) + rng.choice([1, 2, 3, 10]))
        return quote[: match.start()] + swapped + quote[match.end() :]
    numbers = _words(_NUMBERS, language)
    found = [m for m in _WORD.finditer(quote) if m.group().lower() in numbers]
    if not found:
        return None
    match = rng.choice(found)
    other = rng.choice([n for n in numbers if n != match.group().lower()])
    return quote[: match.start()] + other + quote[match.end() :]


def add_negation(quote: str, language: str, rng: random.Random) -> str | None:
    """A negation added to an auxiliary verb of the quote."""
    auxiliaries = _words(_AUXILIARIES, language)
    found = [m for m in _WORD.finditer(quote) if m.group().lower() in auxiliaries]
    if not found:
        return None
    match = rng.choice(found)
    verb = match.group()
    if language == "fr" and verb[0].lower() in "aeéiouy":
        negated = f"n'{verb} pas"
    else:
        negated = _NEGATE.get(language, _NEGATE["en"]).format(verb)
    if match.start() == 0 and negated[0].islower() and verb[0].isupper():
        negated = negated[0].upper() + negated[1:]
    return quote[: match.start()] + negated + quote[match.end() :]


def remove_negation(quote: str, language: str, rng: random.Random) -> str | None:
    """The quote's negation taken out ("did not go" → "did go", "n'est pas" → "est")."""
    if language == "fr":
        match = _FRENCH_NEGATION.search(quote)
        if match is None:
            return None
        return quote[: match.start()] + match.group(1) + quote[match.end() :]
    if language == "en" and (contracted := re.search(r"(\w+)n't\b", quote)):
        stem = {"wo": "will", "ca": "can", "sha": "shall"}.get(contracted.group(1))
        return (
            quote[: contracted.start()] + (stem or contracted.group(1)) + quote[contracted.end() :]
        )
    pattern = _NEGATION_WORDS.get(language)
    if pattern is None:
        return None
    match = re.search(pattern, quote, re.IGNORECASE)
    if match is None:
        return None
    return quote[: match.start()] + quote[match.end() :]


def swap_name(quote: str, names: list[str], rng: random.Random) -> str | None:
    """A capitalised word inside the quote (not its first) replaced by another name."""
    words = list(_WORD.finditer(quote))[1:]
    found = [m for m in words if m.group()[0].isupper() and len(m.group()) > 2]
    others = [n for n in names if all(n != m.group() for m in found)]
    if not found or not others:
        return None
    match = rng.choice(found)
    return quote[: match.start()] + rng.choice(others) + quote[match.end() :]


def change_date(quote: str, language: str, rng: random.Random) -> str | None:
    """A weekday or month name replaced by another one."""
    for kind in (_WEEKDAYS, _MONTHS):
        names = _words(kind, language)
        found = [m for m in _WORD.finditer(quote) if m.group().lower() in map(str.lower, names)]
        if found:
            match = rng.choice(found)
            other = rng.choice([n for n in names if n.lower() != match.group().lower()])
            return quote[: match.start()] + other + quote[match.end() :]
    return None


def replace_word(quote: str, article_words: list[str], rng: random.Random) -> str | None:
    """One content word (not the first or last) replaced by another word of the article."""
    words = list(_WORD.finditer(quote))[1:-1]
    found = [m for m in words if len(m.group()) > 3 and m.group().islower()]
    if not found:
        return None
    match = rng.choice(found)
    others = [w for w in article_words if w.islower() and len(w) > 3 and w != match.group()]
    return quote[: match.start()] + rng.choice(others) + quote[match.end() :]


def drop_words(quote: str, language: str, rng: random.Random) -> str | None:
    """One to three words left out of the middle, silently (no "…")."""
    words = list(_WORD.finditer(quote))
    if len(words) < 6:
        return None
    count = rng.randint(1, min(3, len(words) - 4))
    first = rng.randint(1, len(words) - 2 - count)
    start, end = words[first].start(), words[first + count].start()
    return quote[:start] + quote[end:]


def retype(quote: str) -> str:
    """Harmless typography: curly quotes and apostrophes, a non-breaking space."""
    out = quote.replace("'", "’").replace('"', "”")
    return out.replace(" ", "\u00a0", 1)


def stop_words(language: str) -> set[str]:
    """Short, common words: the fragments a careless elision starts with."""
    return set(_words(_STOP, language))
