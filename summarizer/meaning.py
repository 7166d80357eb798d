"""Internal: An item's fields against what its evidence says: proven meaning, not only proven words.

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
from .clauses import BE, DETERMINERS, EvidenceWords, Found
from .countries import body_word, is_country
from .cues import POLARITY

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
_BY = frozenset({"by", "par"})
_AGAINST = frozenset({"on", "against", "upon", "at", "to", "contre", "sur", "envers", "visant"})
_COORDINATORS = frozenset({"and", "or", "but", "et", "ou", "mais"})
# How far before its verb a subject may stand ("Police on Tuesday arrested").
_SUBJECT_WORDS = 4


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


def _readable(article: Article, span: tuple[int, int] | None) -> EvidenceWords | None:
    if span is None or article.language not in _READ:
        return None
    return EvidenceWords(article, *span)


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
    type_: str, evidence: EvidenceWords, cues: list[Found], own: list[Found]
) -> Judgement:
    if type_ == "other" or not cues:
        return _unjudged("type")
    if own:
        return _fine("type")
    return _another(evidence, cues[0], "type", type_)


def _judge_realis(
    realis: str, evidence: EvidenceWords, triggers: list[Found], own: list[Found]
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
        "planned": ("future", "possible"),
        "hypothetical": ("modality", "future", "reported", "possible"),
    }.get(realis)
    if wanted is None:
        return _unjudged("realis")
    if own:
        # The cue bears on the event's own trigger: in its clause, or anywhere before it in
        # its sentence ("wanted to meet with his son and express their support"), or after
        # it ("laws banning illegal migrants from claiming asylum expected next month"),
        # except a negation, which there belongs to another verb ("attacked the convoy
        # after Meridia had denied it passage").
        if any(
            kind in wanted
            for t in own
            for _, kind in [
                *evidence.doubts(t, ahead=True),
                *evidence.before(t),
                *((said, kind) for said, kind in evidence.after(t) if kind != "negation"),
            ]
        ):
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


def _intended(evidence: EvidenceWords, trigger: Found) -> bool:
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
    evidence: EvidenceWords,
    triggers: list[Found],
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
    evidence: EvidenceWords, trigger: Found, named: list[tuple[int, int, str]]
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
    nominal = trigger.at > 0 and evidence.texts[trigger.at - 1] in DETERMINERS
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
        and any(evidence.texts[i] in BE for i in scope if i >= trigger.at - 3)
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
        return _judge_side(position, evidence)
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


def _judge_side(position: str, evidence: EvidenceWords) -> Judgement:
    """A stance with no position cue, judged by what its evidence calls a thing ("is
    unacceptable"): the side of the position, for or against, must be the evaluation's."""
    side = POLARITY.get(position, 0)
    evaluation = evidence.evaluation()
    if not side or evaluation is None:
        return _unjudged("position")
    word, lean = evaluation
    if lean == side:
        return _fine("position")
    said = "for" if lean > 0 else "against"
    return Judgement(
        "position",
        True,
        "position_contradicted",
        f"the evidence calls it {word!r} ({said}), the opposite of {position}",
        f"is {position!r}, but its quote calls it {word!r} ({said}), the opposite: give the "
        "position the quote states",
    )


def _another(
    evidence: EvidenceWords, other: Found, field: Literal["type", "position"], value: str
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
