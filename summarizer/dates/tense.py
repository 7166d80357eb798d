"""The tense of the verb that governs a time expression, read cheaply.

A yearless "October" or a lone "mercredi" is placed by the tense of its verb: the
coming one under a future or a modal ("will close", "se réunira", "may be signed"),
the last one under a past. These are surface patterns of each language's verb
inflection, not a parser: good enough to choose between two readings a year apart.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Direction", "tense_near"]

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
    r"to be held|next|coming)\b"
)
_FR_PAST = re.compile(
    r"\b(?:a|ont|avait|avaient|est|sont|était|étaient|fut|furent|eut|eurent)\s+"
    r"(?:(?:pas|déjà|bien|encore|aussi|toujours|été|jamais|même)\s+)?"
    r"\w+(?:é|ée|és|ées|i|ie|is|u|ue|us|it|ite|its|ert|erte|ort|orte)\b|\b\w{3,}(?:ait|aient)\b"
    r"|\bil y a\b|\bdernière?s?\b|\bpassée?s?\b"
)
_FR_FUTURE = re.compile(
    r"\b(?!(?:vrai|opéra|caméra|extra|contra|ultra|intra|mantra|sahara|cobra)\b)"
    r"\w{2,}r(?:a|ont|ons|ez|ai)\b|\b(?:va|vont|doit|doivent|peut|peuvent|pourrait|pourraient|"
    r"devrait|devraient|prévue?s?|programmée?s?|"
    r"prochaine?s?|à venir)\b"
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
    where = sentence.find(expression.lower().translate(_QUOTES))
    if where < 0:
        return None
    end = where + len(expression)
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
