"""The tense of the verb that governs a time expression, read cheaply.

A yearless "October" or a lone "mercredi" is placed by the tense of its verb: the
coming one under a future or a modal ("will close", "se réunira", "may be signed"),
the last one under a past. These are surface patterns of each language's verb
inflection, not a parser: good enough to choose between two readings a year apart.

Three more cues point forward where the verb alone does not (``direction_near``):
- a deadline: "until", "by", "no later than", "jusqu'à", "d'ici" right before the
  expression, under a verb that is not past ("the offer runs until May", "à rendre d'ici
  lundi"); under a past one it is a past deadline ("the strike lasted until May");
- a schedule or a notice of an event to come: "set for", "scheduled", "due", "prévu",
  "programmé", "rendez-vous", "inscriptions" (these are future markers of ``tense_near``);
- quoted speech: inside quotation marks only the quotation's own verbs count, and a
  quotation with no past verb speaks of what is to come ("'Meet me Saturday evening,'
  he said"): the reporting verb outside is the past of the telling, not of the plan.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Direction", "direction_near", "habitual", "tense_near"]

Direction = Literal["past", "future"]
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_EN_PAST = re.compile(
    r"(?<!\bbe )(?<!\bis )(?<!\bare )(?<!\bam )(?<!\bbeen )(?<!\bbeing )\b[a-z]+ed\b"
    r"|\b(?:was|were|had|did|said|told|made|came|went|took|got|gave|fell|rose|"
    r"won|lost|met|left|began|became|saw|found|sold|bought|paid|sent|spent|struck|"
    r"hit|led|ran|brought|thought|kept|ago)\b"
)
_EN_FUTURE = re.compile(
    r"\b(?:will|'ll|shall|won't|going to|(?:is|are|was|were) to|set to|due to|"
    r"scheduled|expected to|plans? to|planned|may|might|should|could|upcoming|"
    r"to be held|next|coming|must|has to|have to|needs? to|set for|slated|due|"
    r"deadline|(?:is|are|am) \w+ing)\b"
)
_FR_PAST = re.compile(
    r"\b(?:a|ont|avait|avaient|est|sont|était|étaient|fut|furent|eut|eurent)\s+"
    r"(?:(?:pas|déjà|bien|encore|aussi|toujours|été|jamais|même)\s+)?"
    r"(?!jusqu)\w+(?:é|ée|és|ées|i|ie|is|u|ue|us|it|ite|its|ert|erte|ort|orte)\b"
    r"|\b\w{3,}(?:ait|aient)\b"
    r"|\bil y a\b|\bdernière?s?\b|\bpassée?s?\b"
)
_FR_FUTURE = re.compile(
    r"\b(?!(?:vrai|opéra|caméra|extra|contra|ultra|intra|mantra|sahara|cobra)\b)"
    r"\w{2,}r(?:a|ont|ons|ez|ai)\b|\b(?:va|vont|doit|doivent|peut|peuvent|pourrait|pourraient|"
    r"devrait|devraient|prévue?s?|programmée?s?|fixée?s?|"
    r"prochaine?s?|à venir|rendez-vous|inscriptions?|réservations?|d'ici)\b"
)
_TENSES = {"en": (_EN_PAST, _EN_FUTURE), "fr": (_FR_PAST, _FR_FUTURE)}


def tense_near(context: str | None, expression: str, language: str) -> Direction | None:
    """The tense of the verb nearest ``expression`` in its sentence ``context``.

    Read cheaply, from the surface: an auxiliary, a modal or an inflection ending
    ("will", "should", "-ed"; "-ra", "va", "a + participle", "-ait"). Where a future
    and a past marker are equally near, the future wins: a modal governs the
    participle after it ("should be completed").
    """
    patterns = _TENSES.get(language)
    if not context or patterns is None:
        return None
    sentence = context.lower().translate(_QUOTES)
    where, end = _locate(sentence, expression.lower().translate(_QUOTES))
    if where < 0:
        return None
    best: tuple[int, int, Direction] | None = None
    tenses: tuple[tuple[re.Pattern[str], Direction], ...] = (
        (patterns[1], "future"),
        (patterns[0], "past"),
    )
    for rank, (pattern, tense) in enumerate(tenses):
        for match in pattern.finditer(sentence):
            if match.start() < end and match.end() > where:
                continue  # the expression's own words
            gap = where - match.end() if match.end() <= where else match.start() - end
            candidate = (max(gap, 0), rank, tense)
            if best is None or candidate < best:
                best = candidate
    return None if best is None else best[2]


# A deadline: the words right before an expression that make it the end of a span
# still running, unless the verb is past.
_DEADLINE = {
    "en": re.compile(r"\b(?:until|till|by|through|no later than|ahead of)\s*$"),
    "fr": re.compile(r"(?:\bjusqu'(?:à|au|en)|\bd'ici(?: à)?|\bau plus tard)\s*(?:l[ae] |l')?$"),
}
_LEADING_DEADLINE = {
    "en": re.compile(r"^(?:until|till|by|no later than)\b"),
    "fr": re.compile(r"^(?:jusqu'|d'ici\b)"),
}
# Quotation marks that open and close a quotation; a straight quote does both.
_OPEN, _CLOSE = '"“«', '"”»'


def direction_near(context: str | None, expression: str, language: str) -> Direction | None:
    """The way the sentence ``context`` points ``expression``: a past or future verb
    (``tense_near``), a deadline under a verb that is not past, or a quotation with
    no past verb of its own."""
    if not context or language not in _TENSES:
        return None
    sentence = context.lower().translate(_QUOTES)
    written = expression.lower().translate(_QUOTES)
    where, end = _locate(sentence, written)
    if where < 0:
        return None
    quoted = _quotation(sentence, where, end)
    tense = tense_near(quoted or context, expression, language)
    if tense is not None:
        return tense
    deadline = _DEADLINE[language].search(sentence[:where]) or _LEADING_DEADLINE[language].match(
        written
    )
    if deadline or quoted is not None:
        return "future"
    return None


def _locate(sentence: str, written: str) -> tuple[int, int]:
    """Where the expression stands in its sentence, as written or without its article
    ("le troisième trimestre" in "au troisième trimestre"); (-1, -1) if nowhere."""
    for form in (written, _ARTICLE.sub("", written)):
        where = sentence.find(form) if form else -1
        if where >= 0:
            return where, where + len(form)
    return -1, -1


_ARTICLE = re.compile(r"^(?:the|le|la|les|l')\s*")


def _quotation(sentence: str, start: int, end: int) -> str | None:
    """The quotation the span ``start:end`` stands in, if any: from the last mark that
    opens a quotation before it, left open, to the next mark that closes it after it.
    A single quote opens only at a word's start and closes only at a word's end, so
    the apostrophes of "l'an" and "workers' pay" are neither."""
    opened: int | None = None
    for i in range(start):
        if opened is None and _opens(sentence, i):
            opened = i
        elif opened is not None and _closes(sentence, i):
            opened = None
    if opened is None:
        return None
    close = next((i for i in range(end, len(sentence)) if _closes(sentence, i)), None)
    return None if close is None else sentence[opened + 1 : close]


def _opens(text: str, i: int) -> bool:
    if text[i] in _OPEN:
        return True
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return text[i] == "'" and (before.isspace() or before in "([") and after.isalpha()


def _closes(text: str, i: int) -> bool:
    if text[i] in _CLOSE:
        return True
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return text[i] == "'" and not before.isspace() and not after.isalnum() and before in ",.!?;:"


# Words that make a statement general or habitual: frequency adverbs, quantifiers over
# kinds ("most households"), and a contrast with a distant past ("twenty years ago,
# …; today, …"): under them a season or "today" names no one time.
_HABITUAL = {
    "en": re.compile(
        r"\b(?:usually|often|always|generally|typically|normally|traditionally|rarely|"
        r"seldom|sometimes|every|each|most|many|more and more|fewer and fewer|increasingly|"
        r"nowadays|these days|used to)\b"
    ),
    "fr": re.compile(
        r"\b(?:souvent|toujours|généralement|habituellement|d'ordinaire|traditionnellement|"
        r"rarement|parfois|chaque|tous les|toutes les|la plupart|de plus en plus|"
        r"de moins en moins|de nos jours|désormais)\b"
    ),
}
# A contrast with a distant past: the other clause is past, "today" is the present age.
_CONTRAST = {
    "en": re.compile(r"\b(?:in the past|once|formerly|(?:years|decades|centuries) ago)\b"),
    "fr": re.compile(
        r"\b(?:autrefois|jadis|naguère|à l'époque|par le passé|"
        r"il y a (?:\w+ )?(?:ans|années|décennies|siècles?))\b"
    ),
}


def habitual(context: str | None, expression: str, language: str, *, past: bool) -> bool:
    """Whether the sentence ``context`` states what holds in general rather than what
    happened or will happen at one time: a habitual or generic cue outside
    ``expression``, and no future verb near it, or a contrast with a distant past
    ("thirty years ago …; today …"), whose own verb is past. A past verb is allowed only with
    ``past`` and only as a habit ("in winter the pass was usually closed", "en hiver, la
    route était souvent fermée"), never a French perfect ("a été fermée")."""
    pattern = _HABITUAL.get(language)
    if not context or pattern is None:
        return False
    sentence = context.lower().translate(_QUOTES)
    where, end = _locate(sentence, expression.lower().translate(_QUOTES))
    if where < 0:
        return False
    outside = f"{sentence[:where]} {sentence[end:]}"
    tense = tense_near(context, expression, language)
    if _CONTRAST[language].search(outside):
        # "Thirty years ago …; today …": the past is the other clause's.
        clause = _CLAUSES.split(sentence[:where])[-1] + _CLAUSES.split(sentence[where:])[0]
        return tense_near(clause, expression.lower().translate(_QUOTES), language) is None
    if not pattern.search(outside):
        return False
    if tense is None:
        return True
    return tense == "past" and past and not _PERFECT.get(language, _NEVER).search(outside)


_NEVER = re.compile(r"(?!)")
# Where one clause ends and a contrasted one begins.
_CLAUSES = re.compile(r"[;:]|\b(?:but|while|whereas|mais|alors que|tandis que)\b")
_PERFECT = {
    "fr": re.compile(
        r"\b(?:a|ont|est|sont|fut|furent)\s+(?:\w+\s+)?\w+(?:é|ée|és|ées|i|is|u|us|it)\b"
    ),
}
