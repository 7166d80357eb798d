"""Words that point at the present, the past or the future without a calendar value.

TimeML writes them ``PRESENT_REF`` ("currently", "nowadays", "actuellement", "de nos
jours"), ``PAST_REF`` ("recently", "formerly", "autrefois", "naguère") and
``FUTURE_REF`` ("soon", "in the future", "prochainement", "à l'avenir"). The word lists
follow HeidelTime's English and French date words and their synonyms in each language.
An expression is a reference only when, once determiners, prepositions and degree
adverbs ("the", "very", "more", "pour", "dans") are set aside, nothing but such words
is left: "the past week" is a week, "later this year" a year.

"Today" and "aujourd'hui" are the article's day unless the language marks the
"these days" sense: a possessive or "of" before a proper noun or a noun of an era
("today's GM", "the Europe of today", "la France d'aujourd'hui", "les jeunes
d'aujourd'hui"), or "still"/"even"/"encore" beside it, or the sentence is a general
statement in the present ("Today, most households own a computer"; "Aujourd'hui, la
plupart des ménages ont un ordinateur": see ``tense.habitual``).
"""

from __future__ import annotations

import re
import unicodedata

from .tense import habitual
from .value import Reference, TemporalReference
from .words import fold

__all__ = ["reference"]

_PHRASES: dict[str, dict[str, Reference]] = {
    "en": {
        "now": "PRESENT", "right now": "PRESENT", "for now": "PRESENT",
        "current": "PRESENT", "currently": "PRESENT", "presently": "PRESENT",
        "present": "PRESENT", "at present": "PRESENT", "nowadays": "PRESENT",
        "these days": "PRESENT", "at the moment": "PRESENT", "for the moment": "PRESENT",
        "time being": "PRESENT", "for the time being": "PRESENT",
        "recent": "PAST", "recently": "PAST", "until recently": "PAST", "lately": "PAST",
        "former": "PAST", "formerly": "PAST", "previously": "PAST", "once": "PAST",
        "past": "PAST", "in the past": "PAST", "earlier": "PAST", "in earlier times": "PAST",
        "soon": "FUTURE", "shortly": "FUTURE", "as soon as possible": "FUTURE",
        "later": "FUTURE", "future": "FUTURE", "in the future": "FUTURE",
        "near future": "FUTURE", "near term": "FUTURE", "short term": "FUTURE",
        "in the near term": "FUTURE", "in the short term": "FUTURE",
    },
    "fr": {
        "maintenant": "PRESENT", "actuellement": "PRESENT", "actuel": "PRESENT",
        "actuelle": "PRESENT", "en ce moment": "PRESENT", "pour le moment": "PRESENT",
        "pour l'instant": "PRESENT", "a present": "PRESENT", "a l'heure actuelle": "PRESENT",
        "de nos jours": "PRESENT", "desormais": "PRESENT", "dorenavant": "PRESENT",
        "tout de suite": "PRESENT",
        "recent": "PAST", "recente": "PAST", "recemment": "PAST", "dernierement": "PAST",
        "precedemment": "PAST", "auparavant": "PAST", "autrefois": "PAST", "jadis": "PAST",
        "naguere": "PAST", "anciennement": "PAST", "le passe": "PAST",
        "dans le passe": "PAST", "par le passe": "PAST", "plus tot": "PAST",
        "precedent": "PAST", "precedente": "PAST",
        "bientot": "FUTURE", "prochainement": "FUTURE", "sous peu": "FUTURE",
        "des que possible": "FUTURE", "l'avenir": "FUTURE", "a l'avenir": "FUTURE",
        "dans l'avenir": "FUTURE", "le futur": "FUTURE", "dans le futur": "FUTURE",
        "plus tard": "FUTURE", "a court terme": "FUTURE", "a breve echeance": "FUTURE",
    },
}  # fmt: skip

# Words around a reference that change neither its sense nor its direction.
_SET_ASIDE = {
    "en": r"the|very|more|most|quite|so|as|until|in|for|at|only|just|much|even",
    "fr": r"tres|plus|tout|si|jusqu'a|jusqu'au|encore|dans|pour|un|une",
}
_TODAY = {"en": ("today",), "fr": ("aujourd'hui", "aujourd hui")}
# The "these days" sense of today: a noun of an era, or a proper noun, it qualifies;
# "still"/"even"/"encore" beside it.
_ERA_NOUNS = {
    "en": r"world|society|economy|generation|youth|young|children|standards|technology|era",
    "fr": r"monde|societe|economie|generation|jeunes|jeunesse|enfants|epoque",
}
_EN_TODAY = re.compile(
    r"(?i:\btoday's)\s+(?:(?i:{era})\b|[A-Z][\w&.-]*(?=\s*(?:[.,;:!?\"”)]|$)))"
    r"|\b(?:[A-Z][\w-]*|(?i:{era}))\s+of\s+today\b(?!'s)"
    r"|(?i:\b(?:still|even)\s+today\b|\btoday\s+still\b)".replace("{era}", _ERA_NOUNS["en"])
)
_FR_TODAY = re.compile(
    r"\b(?:[A-Z][\w-]*|(?i:{era}))\s+d'aujourd'hui\b"
    r"|(?i:\baujourd'hui\s+encore\b|\bencore\s+aujourd'hui\b)".replace("{era}", _ERA_NOUNS["fr"])
)
_TODAY_SENSE = {"en": _EN_TODAY, "fr": _FR_TODAY}
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def reference(expression: str, context: str | None, language: str) -> TemporalReference | None:
    """The TIMEX3 reference ``expression`` makes, or ``None`` when it names a calendar
    value or nothing at all. ``context`` is its sentence, read only for "today"."""
    phrases = _PHRASES.get(language)
    if phrases is None:
        return None
    text = fold(expression).strip(" .,;:!?\"'()[]«»")
    if text in _TODAY[language]:
        return _today(expression, context, language)
    core = re.sub(rf"^(?:(?:{_SET_ASIDE[language]})\s+)+", "", text)
    found = phrases.get(text) or phrases.get(core)
    return None if found is None else TemporalReference(found)


def _today(expression: str, context: str | None, language: str) -> TemporalReference | None:
    """PRESENT_REF where the sentence gives "today" its "these days" sense; else None,
    and the caller reads the article's day."""
    if not context:
        return None
    sentence, written = _plain(context), _plain(expression)
    where = sentence.lower().find(written.lower())
    if where < 0:
        return None
    for match in _TODAY_SENSE[language].finditer(sentence):
        if match.start() <= where + len(written) and where <= match.end():
            return TemporalReference("PRESENT")
    if habitual(context, expression, language, past=False):
        return TemporalReference("PRESENT")  # "Today, most households own a computer."
    return None


def _plain(text: str) -> str:
    """Accents and typographic quotes removed, case kept: a proper noun is told by its
    capital."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
