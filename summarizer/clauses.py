"""Internal: The words of a piece of evidence, read for what they say of an item's fields.

``EvidenceWords`` holds the words of an evidence span and of the sentences it stands in,
each knowing where it is and whether punctuation bounds a clause before it. It finds the
cue words of ``cues`` among them and reads what bears on a trigger word: a negation,
future or modality in its clause ("did not attack", "will meet", "pourrait frapper"),
a French "ne … pas" around it, a cancellation after a noun ("the strike was called
off"). ``meaning`` judges the fields from what it finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .article import Article
from .changes import tokens
from .cues import (
    EVALUATIONS,
    FR_NE,
    FR_NEGATION_PARTNERS,
    event_cues,
    position_cues,
    realis_cues,
)
from .grounding import fold, sentence_at
from .inflection import Cue

__all__ = ["BE", "DETERMINERS", "IRREALIS", "EvidenceWords", "Found", "Word"]

# What bounds a clause between two words.
_BOUNDARY = frozenset(',;:()[]—–!?."«»“”')
_HARD_BOUNDARY = frozenset(";:!?.")
BE = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "get",
        "gets",
        "got",
        "gotten",
        "ete",
        "est",
        "sont",
        "etait",
        "etaient",
        "fut",
        "furent",
        "etre",
        "sera",
        "seront",
        "serait",
        "seraient",
    ]
)
# Cues of these kinds put an event's occurrence in doubt.
IRREALIS = ("negation", "future", "modality")
DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "ce",
        "cet",
        "cette",
        "ces",
        "notre",
        "nos",
    ]
)
# Negations that are words of their own and bear on the next verb only ("not", "jamais");
# verbs of denial or refusal ("denied that", "refused to") govern their whole clause.
_PARTICLES = frozenset(
    [
        "not",
        "never",
        "no",
        "none",
        "neither",
        "nor",
        "without",
        "cannot",
        "sans",
        "jamais",
        "aucun",
        "aucune",
        "nullement",
        "ni",
    ]
)
# What may stand between a negation particle and its verb.
_FUNCTION = frozenset(
    [
        "one",
        "will",
        "would",
        "can",
        "could",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "be",
        "is",
        "are",
        "was",
        "were",
        "been",
        "being",
        "am",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "to",
        "yet",
        "ever",
        "even",
        "also",
        "still",
        "really",
        "actually",
        "so",
        "get",
        "got",
        "gets",
        "a",
        "an",
        "the",
        "any",
        "a",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "avait",
        "avaient",
        "aura",
        "est",
        "sont",
        "etait",
        "ete",
        "etre",
        "pas",
        "plus",
        "jamais",
        "encore",
        "se",
        "s",
        "l",
        "le",
        "la",
        "les",
        "y",
        "en",
        "lui",
        "leur",
        "me",
        "te",
        "nous",
        "vous",
        "ne",
        "n",
        "fait",
    ]
)
_SCOPE = 8
# What makes the word after it what a speaker calls a thing: "is", "called it", "jugé".
_CALLED = BE | frozenset(
    ["called", "calling", "calls", "call", "described", "as", "qualifie", "qualifiee",
     "juge", "jugee", "estime", "estimee"]
)  # fmt: skip
# Words that turn a sentence against what came before it: the stance is in what follows.
_CONTRAST = frozenset(["but", "however", "yet", "mais", "cependant", "pourtant", "toutefois"])


@dataclass(frozen=True, slots=True)
class Word:
    """One word, folded, with its offsets in the article and what stands before it."""

    text: str
    start: int
    end: int
    capital: bool
    initial: bool
    boundary_before: bool
    hard_before: bool


@dataclass(frozen=True, slots=True)
class Found:
    """A cue found among the words: its first word's index and the index past its last."""

    cue: Cue
    at: int  # index of its first word
    end: int  # index past its last word


class EvidenceWords:
    """The words of an evidence span and of the sentences it stands in."""

    def __init__(self, article: Article, start: int, end: int) -> None:
        self.article = article
        self.start, self.end = start, end
        lo, hi = start, end
        # The sentences the span starts and ends in, looked up, not searched for: an
        # article of many sentences has many items.
        for offset in (start, max(start, end - 1)):
            number = sentence_at(article, offset)
            sentence = None if number is None else article.sentence(number)
            if sentence is not None:
                lo, hi = min(lo, sentence.start), max(hi, sentence.end)
        folded = fold(article.text)
        flo, fhi = folded.from_original(lo, hi)
        words: list[Word] = []
        last = lo
        for token in tokens(folded.text, folded.index, folded.original, flo, fhi):
            ostart, oend = folded.to_original(token.start, token.end)
            gap = set(article.text[last:ostart]) if ostart >= last else set()
            words.append(
                Word(token.text, ostart, oend, token.capital, token.initial,
                      bool(gap & _BOUNDARY), bool(gap & _HARD_BOUNDARY))
            )  # fmt: skip
            last = max(last, oend)
        self.words = words
        self.texts = [w.text for w in words]
        self.span = [i for i, w in enumerate(words) if w.start >= start and w.end <= end]

    def find(
        self,
        kind: Literal["event", "position", "realis"],
        *,
        whole: bool = False,
        where: Sequence[int] | None = None,
    ) -> list[Found]:
        """The cues of ``kind`` starting in the span (or its sentences, with ``whole``,
        or at the words ``where``)."""
        lexicon = {"event": event_cues, "position": position_cues, "realis": realis_cues}[kind]()
        if where is None:
            where = range(len(self.words)) if whole else self.span
        found: list[Found] = []
        for i in where:
            if self.texts[i] not in lexicon:
                continue
            word = self.words[i]
            # "May", "Will": a capital mid-sentence makes a name of the word.
            if kind == "realis" and word.capital and not word.initial:
                continue
            for cue in lexicon.at(self.texts, i):
                if kind != "realis" and self._predicative(i, cue):
                    continue
                found.append(Found(cue, i, i + len(cue.words)))
        return found

    def _predicative(self, i: int, cue: Cue) -> bool:
        """A verb's plain form after "was", "est": an adjective ("was welcome to")."""
        return (
            i > 0
            and self.texts[i - 1] in BE
            and not self.words[i].boundary_before
            and not cue.forms & {"participle", "ing", "noun"}
        )

    def before(self, found: Found) -> list[tuple[str, str]]:
        """The realis cues before a cue in its sentence, with their kind."""
        return [
            (self.said(cue), cue.cue.label)
            for cue in self.find("realis", where=self._sentence_before(found.at))
        ]

    def after(self, found: Found) -> list[tuple[str, str]]:
        """The realis cues after a cue in its sentence, with their kind."""
        last = found.end
        while last < len(self.words) and not self.words[last].hard_before:
            last += 1
        return [
            (self.said(cue), cue.cue.label)
            for cue in self.find("realis", where=range(found.end, last))
        ]

    def _sentence_before(self, at: int) -> range:
        first = at
        while first > 0 and not self.words[first].hard_before:
            first -= 1
        return range(first, at)

    def evaluation(self) -> tuple[str, int] | None:
        """What the span calls a thing, for (+1) or against (-1): an evaluative word after
        "is", "called", "est", "jugé" ("is unacceptable", "n'est pas acceptable", "called it
        a mistake"), read after the span's last "but"; ``None`` unless every such word is
        of one side."""
        span = list(self.span)
        contrast = [n for n, i in enumerate(span) if self.texts[i] in _CONTRAST]
        if contrast:
            span = span[contrast[-1] + 1 :]
        found: list[tuple[str, int]] = []
        for n, i in enumerate(span):
            side = EVALUATIONS.get(self.texts[i])
            if side is None:
                continue
            before = [j for j in span[max(0, n - 4) : n] if j < i]
            if self.words[i].boundary_before or not any(self.texts[j] in _CALLED for j in before):
                continue
            if any(self.texts[j] in _PARTICLES or self.texts[j] in FR_NE for j in before):
                side = -side
            found.append((self.words[i].text, side))
        sides = {side for _, side in found}
        return found[0] if len(sides) == 1 else None

    def said(self, found: Found) -> str:
        first, last = self.words[found.at], self.words[found.end - 1]
        return " ".join(self.article.text[first.start : last.end].split())

    def scope(self, at: int) -> range:
        """The words before ``at`` in its clause, at most ``_SCOPE`` of them."""
        first = at
        while first > 0 and at - first < _SCOPE and not self.words[first].boundary_before:
            first -= 1
        return range(first, at)

    def irrealis(self, trigger: Found) -> tuple[str, str] | None:
        """The first cue that puts the trigger in doubt, with its kind, else ``None``."""
        doubts = self.doubts(trigger)
        return doubts[0] if doubts else None

    def doubts(self, trigger: Found, *, ahead: bool = False) -> list[tuple[str, str]]:
        """Every cue that puts the trigger in doubt (its own form, then the words of its
        clause before it, then a French "ne … pas" around it; with ``ahead``, the words of
        its clause after it too), with its kind."""
        forms = trigger.cue.forms
        found: list[tuple[str, str]] = []
        if forms <= {"future"}:
            found.append((self.said(trigger), "future"))
        if forms <= {"conditional"}:
            found.append((self.said(trigger), "modality"))
        before = self.scope(trigger.at)
        found.extend(
            (self.said(cue), cue.cue.label)
            for cue in self.find("realis", where=before)
            if cue.cue.label in IRREALIS
            and (cue.cue.words[0] not in _PARTICLES or self._governs(cue.end, trigger.at))
        )
        nominal = forms == {"noun"} or (
            trigger.at > 0 and self.texts[trigger.at - 1] in DETERMINERS
        )
        if ahead or nominal:
            last = trigger.end
            while (
                last < len(self.words)
                and last - trigger.end < _SCOPE
                and not self.words[last].boundary_before
            ):
                last += 1
            # After the verb, a future or a condition still bears on it; a negation
            # there belongs to the next verb ("attacked after X had denied"), except
            # that a noun is the subject of the verb after it ("the strike was called off").
            found.extend(
                (self.said(cue), cue.cue.label)
                for cue in self.find("realis", where=range(trigger.end, last))
                if (ahead and cue.cue.label in ("future", "modality"))
                or (nominal and cue.cue.label == "negation" and cue.cue.words[0] not in _PARTICLES)
            )
        ne = [i for i in before if self.texts[i] in FR_NE]
        if ne:
            after = range(trigger.end, min(trigger.end + 2, len(self.words)))
            partners = [i for i in (*before, *after) if self.texts[i] in FR_NEGATION_PARTNERS]
            near = max([i for i in (*ne, *partners) if i < trigger.at], default=ne[-1])
            if (
                partners
                and not any(self.words[i].boundary_before for i in after[:1])
                and self._governs(near + 1, trigger.at)
            ):
                found.append((self.said(Found(trigger.cue, ne[0], partners[-1] + 1)), "negation"))
        return found

    def _governs(self, start: int, at: int) -> bool:
        """Whether a negation particle ending before word ``start`` bears on the word at
        ``at``: only auxiliaries, articles and adverbs stand between ("did not attack",
        "has never been attacked", "n'a pas été attaquée"), not another verb ("have not
        stopped attacking", "never hesitated to condemn")."""
        return all(
            self.texts[i] in _FUNCTION or (len(self.texts[i]) > 4 and self.texts[i].endswith("ly"))
            for i in range(start, at)
        )

    def says(self, label: str, own: Sequence[Found] = ()) -> str | None:
        """Words of the evidence sentences that carry cues of ``label``, else ``None``.

        The event's own trigger is no cue about it: "refused" is a refusal that took
        place, not a negated one.
        """
        taken = {i for t in own for i in range(t.at, t.end)}
        for found in self.find("realis", whole=True):
            if found.cue.label == label and not taken & set(range(found.at, found.end)):
                return self.said(found)
        if label == "negation":
            ne = [i for i, t in enumerate(self.texts) if t in FR_NE]
            if ne and any(t in FR_NEGATION_PARTNERS for t in self.texts[ne[0] :]):
                return self.words[ne[0]].text
        return None
