"""Internal: An item's own fields against its evidence: the last proof level, *consistent*.

A quote can be verbatim and the item still say more than it: a date, a place or a
number its evidence does not hold, a holder nowhere near the words given as theirs.
These checks flag such items; they never drop or re-ask them (a paraphrase may be
right in words the check cannot see), and they never fail.

- An event's ``when`` and ``where`` occur in its evidence sentences.
- An actor's name is among the places the text names it.
- The holder of a stance, the claimant of a demand is named in its evidence sentence
  or the one next to it.
- The numbers of a paraphrase (a stance's, a demand's, an event's description, and
  its killed and injured counts) occur in its evidence sentences, as digits or as
  number words; number words are compared only when the paraphrase is written in the
  article's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .actors import find_mentions
from .article import Article
from .changes import number_value, tokens
from .grounding import fold
from .mentions import names_no_one
from .record import Evidence, Flag, Mention

__all__ = ["holder_flags", "name_flags", "number_flags", "place_flags"]

# "1,000", "1 000" and "1.000" are one number: the group separators go before reading.
_DIGIT_GROUPS = re.compile(r"(?<=\d)[,.\u00a0\u202f ](?=\d{3}(?!\d))")


def _sentence_ids(evidence: Evidence, cited: Iterable[int]) -> list[int]:
    ids = set(cited)
    if evidence.sentence is not None:
        ids.add(evidence.sentence)
    return sorted(ids)


def _text_of(article: Article, ids: Iterable[int]) -> str:
    sentences = [s for s in (article.sentence(n) for n in ids) if s is not None]
    return " ".join(article.text[s.start : s.end] for s in sentences)


def _words(text: str) -> list[str]:
    folded = fold(_DIGIT_GROUPS.sub("", text))
    return [t.text for t in tokens(folded.text, folded.index, folded.original, 0, len(folded.text))]


def _occurs(phrase: str, text: str) -> bool:
    wanted, words = _words(phrase), _words(text)
    if not wanted:
        return True
    n = len(wanted)
    return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


def place_flags(
    when: str | None, where: str | None, evidence: Evidence, cited: list[int], article: Article
) -> list[Flag]:
    """Flags for an event's date and place words that its evidence sentences lack."""
    if evidence.start is None:
        return []
    text = _text_of(article, _sentence_ids(evidence, cited))
    flags: list[Flag] = []
    if when and when.strip() and not _occurs(when, text):
        flags.append(
            Flag(code="when_not_in_evidence", message=f"{when!r} is not in the evidence sentences")
        )
    if where and where.strip() and not _occurs(where, text):
        flags.append(
            Flag(
                code="where_not_in_evidence", message=f"{where!r} is not in the evidence sentences"
            )
        )
    return flags


def name_flags(name: str, mentions: list[Mention], article: Article) -> list[Flag]:
    """A flag when the text names the actor, but never as ``name`` is written."""
    if not mentions:
        if names_no_one(name):
            return [Flag(code="name_not_found", message=f"{name!r} names no one")]
        return [Flag(code="name_not_found", message=f"{name!r} is not in the text")]
    if find_mentions([name], article):
        return []
    found = ", ".join(sorted({repr(m.text) for m in mentions}))
    return [
        Flag(
            code="name_not_found",
            message=f"{name!r} is not in the text as written; it names the actor as {found}",
        )
    ]


def holder_flags(
    role: str, holder: str, mentions: list[Mention], evidence: Evidence, article: Article
) -> list[Flag]:
    """A flag when the holder is not named in the evidence sentence or next to it."""
    if evidence.sentence is None:
        return []
    near = [
        s
        for s in (article.sentence(n) for n in range(evidence.sentence - 1, evidence.sentence + 2))
        if s is not None
    ]
    lo, hi = near[0].start, near[-1].end
    if any(lo <= m.start < hi for m in mentions):
        return []
    return [
        Flag(
            code="holder_not_in_evidence",
            message=f"{role} {holder} is not named in sentence {evidence.sentence} or next to it",
        )
    ]


def number_flags(
    paraphrase: Iterable[str],
    counts: Iterable[int | None],
    evidence: Evidence,
    cited: list[int],
    article: Article,
    *,
    same_language: bool,
) -> list[Flag]:
    """A flag for each number of the paraphrase that its evidence sentences lack."""
    if evidence.start is None:
        return []
    present = {
        v
        for v in (
            number_value(w) for w in _words(_text_of(article, _sentence_ids(evidence, cited)))
        )
        if v is not None
    }
    wanted: list[str] = []
    for text in paraphrase:
        for word in _words(text):
            value = number_value(word)
            if value is not None and (same_language or word == value):
                wanted.append(value)
    # One death is often "a man": counts below two have no number to find.
    wanted.extend(str(c) for c in counts if c is not None and c >= 2)
    missing = list(dict.fromkeys(v for v in wanted if v not in present))
    if not missing:
        return []
    return [
        Flag(
            code="number_not_in_evidence",
            message=f"{', '.join(missing)} not in the evidence sentences",
        )
    ]
