"""An item's fields against what its evidence says: proven meaning, not only proven words.

A quote can be the text's own words and the item still say something else: an event
typed ``protest`` whose evidence says "attacked", an event marked ``occurred`` whose
evidence says "will attack", agents and targets the wrong way round, a stance said to
``praise`` whose evidence says "condemned", a country given as a person. Each check
here reads the evidence's words (see ``cues``) and speaks only where they let it judge:

- **type**: the evidence holds a cue of another PLOVER type and none of the item's own;
- **realis**: an ``occurred`` event's trigger is negated, future, modal or conditional
  in its clause; a ``negated`` event's sentence holds no negation; a ``planned`` one no
  future or intent; a ``hypothetical`` one no modality;
- **roles**: the trigger has a clear pattern ("A attacked B", "B was attacked by A",
  "B a été attaqué par A", "A's attack on B") and an agent stands where the target
  does, or the other way round (symmetric types, meeting or agreeing, are not judged);
- **position**: the evidence holds a cue of another position and none of the stance's
  own (``position_contradicted`` when that cue is of the opposite side, or the own cue
  is negated);
- **kind**: a ``state`` whose name is no country and names a body ("Ministry"), a
  ``person`` whose name is a country, names a body, or is an acronym.

Where no cue is found a field is *unjudged*, never flagged. English and French are
read; other languages stay unjudged, except for an actor's kind, which is read from
country names in both languages. Nothing here drops or asks anything: ``verify`` flags
and drops, ``draft`` turns a contradiction into a re-ask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .article import Article
from .changes import tokens
from .countries import body_word, is_country
from .cues import FR_NE, FR_NEGATION_PARTNERS, POLARITY, event_cues, position_cues, realis_cues
from .grounding import fold, sentence_at
from .inflection import Cue

__all__ = ["FIELDS", "Code", "Field", "Judgement", "judge_actor", "judge_event", "judge_stance"]

Field = Literal["type", "realis", "roles", "position", "kind"]
#: The flags these checks raise (reason codes of the record).
Code = Literal[
    "type_not_in_evidence",
    "realis_contradicted",
    "roles_swapped",
    "position_not_in_evidence",
    "position_contradicted",
    "kind_contradicted",
]
FIELDS: tuple[Field, ...] = ("type", "realis", "roles", "position", "kind")
#: Languages whose cue words are known.
_READ = frozenset({"en", "fr"})
# Types whose two sides can be swapped without changing what happened.
_SYMMETRIC = frozenset({"consult", "cooperate", "agree", "other"})
# What bounds a clause between two words.
_BOUNDARY = frozenset(',;:()[]—–!?."«»“”')
_HARD_BOUNDARY = frozenset(";:!?.")
_BE = frozenset(
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
_BY = frozenset({"by", "par"})
_AGAINST = frozenset({"on", "against", "upon", "at", "to", "contre", "sur", "envers", "visant"})
# Cues of these kinds put an event's occurrence in doubt.
_IRREALIS = ("negation", "future", "modality")
_COORDINATORS = frozenset({"and", "or", "but", "et", "ou", "mais"})
_DETERMINERS = frozenset(
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
# How far before its verb a subject may stand ("Police on Tuesday arrested").
_SUBJECT_WORDS = 4
_SCOPE = 8


@dataclass(frozen=True, slots=True)
class Judgement:
    """What one check found: whether the text let it judge, and the flag if contradicted.

    ``problem`` says the same to the model, for a re-ask.
    """

    field: Field
    judged: bool
    code: Code | None = None
    message: str | None = None
    problem: str | None = None

    @property
    def contradicted(self) -> bool:
        return self.code is not None


def _unjudged(field: Field) -> Judgement:
    return Judgement(field, False)


def _fine(field: Field) -> Judgement:
    return Judgement(field, True)


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    start: int
    end: int
    capital: bool
    initial: bool
    boundary_before: bool
    hard_before: bool


@dataclass(frozen=True, slots=True)
class _Found:
    cue: Cue
    at: int  # index of its first word
    end: int  # index past its last word


class _Evidence:
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
        words: list[_Word] = []
        last = lo
        for token in tokens(folded.text, folded.index, folded.original, flo, fhi):
            ostart, oend = folded.to_original(token.start, token.end)
            gap = set(article.text[last:ostart]) if ostart >= last else set()
            words.append(
                _Word(token.text, ostart, oend, token.capital, token.initial,
                      bool(gap & _BOUNDARY), bool(gap & _HARD_BOUNDARY))
            )  # fmt: skip
            last = max(last, oend)
        self.words = words
        self.texts = [w.text for w in words]
        self.span = [i for i, w in enumerate(words) if w.start >= start and w.end <= end]

    def find(
        self, kind: Literal["event", "position", "realis"], *, whole: bool = False
    ) -> list[_Found]:
        lexicon = {"event": event_cues, "position": position_cues, "realis": realis_cues}[kind]()
        where = range(len(self.words)) if whole else self.span
        found: list[_Found] = []
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
                found.append(_Found(cue, i, i + len(cue.words)))
        return found

    def _predicative(self, i: int, cue: Cue) -> bool:
        """A verb's plain form after "was", "est": an adjective ("was welcome to")."""
        return (
            i > 0
            and self.texts[i - 1] in _BE
            and not self.words[i].boundary_before
            and not cue.forms & {"participle", "ing", "noun"}
        )

    def said(self, found: _Found) -> str:
        first, last = self.words[found.at], self.words[found.end - 1]
        return " ".join(self.article.text[first.start : last.end].split())

    def scope(self, at: int) -> range:
        """The words before ``at`` in its clause, at most ``_SCOPE`` of them."""
        first = at
        while first > 0 and at - first < _SCOPE and not self.words[first].boundary_before:
            first -= 1
        return range(first, at)

    def irrealis(self, trigger: _Found) -> tuple[str, str] | None:
        """The first cue that puts the trigger in doubt, with its kind, else ``None``."""
        doubts = self.doubts(trigger)
        return doubts[0] if doubts else None

    def doubts(self, trigger: _Found, *, ahead: bool = False) -> list[tuple[str, str]]:
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
            for cue in _realis_in(self, before)
            if cue.cue.label in _IRREALIS
            and (cue.cue.words[0] not in _PARTICLES or self._governs(cue.end, trigger.at))
        )
        nominal = forms == {"noun"} or (
            trigger.at > 0 and self.texts[trigger.at - 1] in _DETERMINERS
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
                for cue in _realis_in(self, range(trigger.end, last))
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
                found.append((self.said(_Found(trigger.cue, ne[0], partners[-1] + 1)), "negation"))
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

    def says(self, label: str, own: Sequence[_Found] = ()) -> str | None:
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


def _realis_in(evidence: _Evidence, where: range) -> list[_Found]:
    """Realis cues among the words ``where``."""
    lexicon = realis_cues()
    found: list[_Found] = []
    for i in where:
        word = evidence.words[i]
        if evidence.texts[i] not in lexicon or (word.capital and not word.initial):
            continue
        found.extend(_Found(cue, i, i + len(cue.words)) for cue in lexicon.at(evidence.texts, i))
    return found


def _readable(article: Article, span: tuple[int, int] | None) -> _Evidence | None:
    if span is None or article.language not in _READ:
        return None
    return _Evidence(article, *span)


# Events -----------------------------------------------------------------------------


def judge_event(
    type_: str,
    realis: str,
    agents: Sequence[str],
    targets: Sequence[str],
    span: tuple[int, int] | None,
    article: Article,
    mentions: Mapping[str, Sequence[tuple[int, int]]],
    names: Mapping[str, str] | None = None,
) -> list[Judgement]:
    """Judge an event's type, realis and roles against its evidence span.

    Args:
        type_, realis, agents, targets: The event's fields (agents and targets as ids).
        span: The evidence's located span (``None`` when not located).
        article: The article.
        mentions: Offsets where each actor id is named.
        names: Actor names by id, for the flags' messages.
    """
    evidence = _readable(article, span)
    if evidence is None:
        return [_unjudged("type"), _unjudged("realis"), _unjudged("roles")]
    cues = evidence.find("event")
    own = [c for c in cues if c.cue.label == type_]
    return [
        _judge_type(type_, evidence, cues, own),
        _judge_realis(realis, evidence, own or cues, own),
        _judge_roles(type_, agents, targets, evidence, own, mentions, names or {}),
    ]


def _judge_type(
    type_: str, evidence: _Evidence, cues: list[_Found], own: list[_Found]
) -> Judgement:
    if type_ == "other" or not cues:
        return _unjudged("type")
    if own:
        return _fine("type")
    return _another(evidence, cues[0], "type", type_)


def _judge_realis(
    realis: str, evidence: _Evidence, triggers: list[_Found], own: list[_Found]
) -> Judgement:
    if realis == "occurred":
        if not triggers:
            return _unjudged("realis")
        doubts = [evidence.irrealis(t) for t in triggers]
        if any(d is None for d in doubts):
            return _fine("realis")
        said, kind = next(d for d in doubts if d is not None)
        return Judgement(
            "realis",
            True,
            "realis_contradicted",
            f"marked occurred, but the evidence says {said!r} ({kind})",
            f"is 'occurred', but its quote says {said!r} ({kind}): set realis to what the "
            "quote says",
        )
    wanted = {
        "negated": ("negation",),
        "planned": ("future",),
        "hypothetical": ("modality", "future"),
    }.get(realis)
    if wanted is None:
        return _unjudged("realis")
    if own:
        # The cue must bear on the event's own trigger, not on another verb of the sentence:
        # in its clause, before it or after it ("expected next month").
        if any(kind in wanted for t in own for _, kind in evidence.doubts(t, ahead=True)):
            return _fine("realis")
    elif any(evidence.says(label) for label in wanted):
        return _fine("realis")
    if realis == "planned" and any(_intended(evidence, t) for t in own):
        return _fine("realis")
    what = {"negated": "no negation", "planned": "no future or intent",
            "hypothetical": "no modality or condition"}[realis]  # fmt: skip
    return Judgement(
        "realis",
        True,
        "realis_contradicted",
        f"marked {realis}, but the evidence holds {what} for it",
        f"is {realis!r}, but its quote holds {what} for it: set realis to what the quote says",
    )


def _intended(evidence: _Evidence, trigger: _Found) -> bool:
    """A trigger whose own form points ahead: a future ("attaquera"), "to attack", or a
    French infinitive alone ("pour attaquer")."""
    forms = trigger.cue.forms
    if forms <= {"future"} or forms == {"infinitive"}:
        return True
    return "infinitive" in forms and trigger.at > 0 and evidence.texts[trigger.at - 1] == "to"


def _judge_roles(
    type_: str,
    agents: Sequence[str],
    targets: Sequence[str],
    evidence: _Evidence,
    triggers: list[_Found],
    mentions: Mapping[str, Sequence[tuple[int, int]]],
    names: Mapping[str, str],
) -> Judgement:
    if type_ in _SYMMETRIC or not triggers or not (agents or targets):
        return _unjudged("roles")
    lo, hi = evidence.words[0].start, evidence.words[-1].end
    named: list[tuple[int, int, str]] = []
    for actor in dict.fromkeys([*agents, *targets]):
        named.extend((s, e, actor) for s, e in mentions.get(actor, ()) if lo <= s and e <= hi)
    if not named:
        return _unjudged("roles")
    verdicts: list[tuple[str, str] | None] = []
    for trigger in triggers:
        slots = _slots(evidence, trigger, named)
        if slots is None:
            continue
        agent_at, target_at = slots
        swapped = None
        if agent_at is not None and agent_at in targets and agent_at not in agents:
            swapped = (agent_at, "agent")
        elif target_at is not None and target_at in agents and target_at not in targets:
            swapped = (target_at, "target")
        verdicts.append(swapped)
    if not verdicts:
        return _unjudged("roles")
    if any(v is None for v in verdicts):
        return _fine("roles")
    actor, side = next(v for v in verdicts if v is not None)
    listed = "a target" if side == "agent" else "an agent"
    return Judgement(
        "roles",
        True,
        "roles_swapped",
        f"{names[actor] + ' (' + actor + ')' if actor in names else actor} is listed as "
        f"{listed}, but the evidence names it as the {side}",
        f"lists {actor} as {listed}, but its quote names it as the {side}: put agents "
        "(who did it) and targets (to whom) on the sides the quote gives them",
    )


def _slots(
    evidence: _Evidence, trigger: _Found, named: list[tuple[int, int, str]]
) -> tuple[str | None, str | None] | None:
    """The actors in the agent and target positions of a trigger's clear pattern."""
    words = evidence.words
    first = words[trigger.at]

    def before(limit: int) -> str | None:
        """The actor named nearest before the trigger, in its clause, at most ``limit``
        words away, with no "and" between: a subject, not an earlier conjunct's word."""
        best: tuple[int, str] | None = None
        for _s, e, actor in named:
            if e <= first.start and (best is None or e > best[0]):
                between = [w for w in words if e <= w.start < first.start]
                if (
                    len(between) <= limit
                    and not any(w.boundary_before for w in between[1:])
                    and not (first.boundary_before and between)
                    and not any(w.text in _COORDINATORS for w in between)
                ):
                    best = (e, actor)
        return None if best is None else best[1]

    def after(start_word: int, limit: int) -> str | None:
        """The actor named within ``limit`` words from word ``start_word``."""
        if start_word >= len(words):
            return None
        at = words[start_word].start
        for s, _e, actor in sorted(named):
            if s < at:
                continue
            between = [w for w in words if at <= w.start < s]
            if len(between) > limit or any(w.boundary_before for w in between[1:]):
                return None
            if start_word < len(words) and words[start_word].boundary_before:
                return None
            return actor
        return None

    def after_word(wanted: frozenset[str], within: int) -> int | None:
        for i in range(trigger.end, min(trigger.end + within, len(words))):
            if words[i].boundary_before and i > trigger.end:
                return None
            if evidence.texts[i] in wanted:
                return i
        return None

    by = after_word(_BY, 4)
    by_actor = after(by + 1, 3) if by is not None else None
    # After "the", "his", "leurs" a verb's form is a noun: "his calls for".
    nominal = trigger.at > 0 and evidence.texts[trigger.at - 1] in _DETERMINERS
    if trigger.cue.forms == frozenset({"noun"}) or nominal:
        on = after_word(_AGAINST, 2)
        target = after(on + 1, 3) if on is not None else None
        agent = by_actor
        if agent is None and trigger.at >= 2 and evidence.texts[trigger.at - 1] == "s":
            agent = before(1)  # "Iran's attack"
        return None if agent is None and target is None else (agent, target)
    scope = evidence.scope(trigger.at)
    passive = by is not None and "participle" in trigger.cue.forms
    passive = passive or (
        "participle" in trigger.cue.forms
        and any(evidence.texts[i] in _BE for i in scope if i >= trigger.at - 3)
    )
    if passive:
        agent, target = by_actor, before(_SUBJECT_WORDS)
    else:
        agent = before(_SUBJECT_WORDS)
        start = trigger.end
        if start < len(words) and evidence.texts[start] in _AGAINST:
            start += 1
        target = after(start, 3)
    return None if agent is None and target is None else (agent, target)


# Stances ----------------------------------------------------------------------------


def judge_stance(position: str, span: tuple[int, int] | None, article: Article) -> Judgement:
    """Judge a stance's position against its evidence span."""
    evidence = _readable(article, span)
    if evidence is None or position == "neutral":
        return _unjudged("position")
    cues = evidence.find("position")
    if not cues:
        return _unjudged("position")
    own = [c for c in cues if c.cue.label == position]
    negated = [(c, evidence.irrealis(c)) for c in own]
    if any(doubt is None or doubt[1] != "negation" for _, doubt in negated):
        return _fine("position")
    if own:
        said = next(d for _, d in negated if d is not None)[0]
        return Judgement(
            "position",
            True,
            "position_contradicted",
            f"the evidence negates it: {said!r}",
            f"is {position!r}, but its quote negates it ({said!r}): give the position the "
            "quote states",
        )
    side = POLARITY.get(position, 0)
    opposite = [c for c in cues if side and POLARITY.get(c.cue.label, 0) == -side]
    if opposite and evidence.irrealis(opposite[0]) is None:
        said, label = evidence.said(opposite[0]), opposite[0].cue.label
        return Judgement(
            "position",
            True,
            "position_contradicted",
            f"the evidence says {said!r} ({label}), the opposite of {position}",
            f"is {position!r}, but its quote says {said!r} ({label}), the opposite: give "
            "the position the quote states",
        )
    return _another(evidence, cues[0], "position", position)


def _another(
    evidence: _Evidence, other: _Found, field: Literal["type", "position"], value: str
) -> Judgement:
    """The evidence speaks of another type or position than the item's, and not of its own."""
    said, label = evidence.said(other), other.cue.label
    code: Code = "type_not_in_evidence" if field == "type" else "position_not_in_evidence"
    return Judgement(
        field,
        True,
        code,
        f"the evidence says {said!r} ({label}), and nothing of {value}",
        f"is {value!r}, but its quote says {said!r} ({label}): give the {field} the quote "
        f"states, or quote the words that state this one",
    )


# Actors -----------------------------------------------------------------------------


def judge_actor(name: str, kind: str) -> Judgement:
    """Judge an actor's kind against its name: countries, bodies and acronyms."""
    if kind not in ("state", "person"):
        return _unjudged("kind")
    country = is_country(name)
    body = body_word(name, state=kind == "state", person=kind == "person")
    if kind == "state":
        if country:
            return _fine("kind")
        if body is None:
            return _unjudged("kind")
        return _kind_flag(name, kind, f"names a body ({body!r})")
    if country:
        return _kind_flag(name, kind, "is a country")
    if body is not None:
        return _kind_flag(name, kind, f"names a body ({body!r})")
    letters = [c for c in name if c.isalpha()]
    if 2 <= len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in name.strip():
        return _kind_flag(name, kind, "is an acronym")
    return _unjudged("kind")


def _kind_flag(name: str, kind: str, why: str) -> Judgement:
    return Judgement(
        "kind",
        True,
        "kind_contradicted",
        f"{name!r} {why}, not a {kind}",
        f"is {kind!r}, but {name!r} {why}: give the kind the name shows",
    )
