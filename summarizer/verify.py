"""Internal: From the model's draft to the public record, checking everything the program can.

- Duplicate actors are merged ("Pompeo" into "Mike Pompeo"), their mentions pooled and
  every reference rewritten (see ``actors``).
- Every quote is located to character offsets and judged (see ``grounding``): what is
  not found, or found but not verbatim, is flagged with what changed, or dropped when
  ``strict``. A quote found in another sentence than cited is moved there, and says so.
- Every actor name and mention is found in the text, with all its occurrences.
- Each item's own fields are checked against its evidence: dates, places, numbers and
  holders (see ``consistency``), and what the fields mean: an event's type, realis and
  roles, a stance's position, an actor's kind (see ``meaning``). A contradicted field
  is flagged, or with ``strict`` its item dropped (an actor stays, flagged, since other
  items refer to it); an unjudged one is neither.
- References to actors that do not exist are removed: an item whose holder or claimant
  is unknown is dropped, an unknown target or addressee is cleared and flagged.
- Event dates are placed on the calendar against the article date (see ``dates``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from .actors import find_mentions, merge_actors, surfaces
from .article import Article, Sentence
from .consistency import holder_flags, name_flags, number_flags, place_flags
from .dates import carried_day, resolve_date
from .draft import Draft
from .grounding import fold, locate
from .meaning import FIELDS, Judgement, judge_actor, judge_event, judge_stance
from .record import Actor, DateValue, Demand, Event, Evidence, FieldCheck, Flag, Stance

__all__ = ["Verified", "verify_draft"]


@dataclass(slots=True)
class Verified:
    """The checked items, with what was flagged, dropped and warned along the way."""

    actors: list[Actor] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    demands: list[Demand] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    dropped: int = 0
    warnings: list[str] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)

    @property
    def items(self) -> list[Actor | Stance | Demand | Event]:
        return [*self.actors, *self.stances, *self.demands, *self.events]

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.flags)

    @property
    def grounded_share(self) -> float | None:
        evidence = [e for item in self.items for e in item.evidence]
        if not evidence:
            return None
        return round(sum(e.grounded for e in evidence) / len(evidence), 4)

    @property
    def fields(self) -> dict[str, FieldCheck]:
        """Per field: items checked, judged and contradicted."""
        out: dict[str, FieldCheck] = {}
        for name in FIELDS:
            made = [j for j in self.judgements if j.field == name]
            if not made:
                continue
            judged = sum(j.judged for j in made)
            out[name] = FieldCheck(
                items=len(made),
                judged=judged,
                judged_share=round(judged / len(made), 4),
                flagged=sum(j.contradicted for j in made),
            )
        return out

    def judge(self, judgements: list[Judgement]) -> list[Flag]:
        """Count ``judgements`` and turn the contradicted ones into flags."""
        self.judgements.extend(judgements)
        return [
            Flag(code=j.code, message=j.message)
            for j in judgements
            if j.code is not None and j.message is not None
        ]


def verify_draft(
    draft: Draft, article: Article, *, strict: bool = False, output_language: str | None = None
) -> Verified:
    """Check ``draft`` against ``article`` and build the record's items.

    Args:
        draft: The model's answer, possibly read leniently (unchecked references).
        article: The article it is about.
        strict: Drop items whose evidence is not grounded instead of flagging them. An
            actor the text names stays, without the evidence that failed, so that the
            items citing it keep it.
        output_language: Language of the paraphrases (default: the article's); number
            words in them are checked against the evidence only in the same language.
    """
    out = Verified()
    same_language = output_language in (None, article.language)
    merged, id_map = merge_actors(draft.actors)
    for actor in merged:
        evidence = _evidence(actor.quote, actor.sentences, article)
        problems = _evidence_flags(evidence)
        mentions = find_mentions(surfaces(actor), article)
        naming = name_flags(actor.name, mentions, article)
        kept_evidence = [evidence]
        if strict and not mentions:
            out.dropped += 1
            out.warnings.append(f"dropped actor {actor.id} ({actor.name}): {naming[0].message}")
            continue
        if strict and problems:
            kept_evidence, problems = [], []
            out.warnings.append(
                f"actor {actor.id} ({actor.name}): quote dropped, the name stays: "
                f"{_evidence_flags(evidence)[0].message}"
            )
        meaning = out.judge([judge_actor(actor.name, actor.kind)])
        out.actors.append(
            Actor(
                id=actor.id,
                name=actor.name,
                kind=actor.kind,
                role=actor.role,
                country=actor.country,
                mentions=mentions,
                evidence=kept_evidence,
                flags=problems + naming + meaning,
            )
        )
    known = {a.id: a for a in out.actors}

    def ref(value: str | None) -> str | None:
        return None if value is None else id_map.get(value, value)

    def claim(
        where: str, role: str, raw: str, other_role: str, other_raw: str | None,
        quote: str, sentences: list[int], paraphrase: str, position: str | None = None,
    ) -> tuple[str, str | None, Evidence, list[Flag]] | None:  # fmt: skip
        """Check who makes a stance or demand, whom it targets, and its evidence."""
        who, other = ref(raw), ref(other_raw)
        if who is None or who not in known:
            out.dropped += 1
            out.warnings.append(f"dropped {where}: {role} {raw!r} is not an actor")
            return None
        flags: list[Flag] = []
        if other is not None and other not in known:
            flags.append(
                Flag(
                    code="unknown_reference",
                    message=f"{other_role} {other_raw!r} is not an actor; cleared",
                )
            )
            other = None
        evidence = _evidence(quote, sentences, article)
        problems = _evidence_flags(evidence)
        if strict and problems:
            out.dropped += 1
            out.warnings.append(f"dropped {where}: {problems[0].message}")
            return None
        fields = holder_flags(role, who, known[who].mentions, evidence, article)
        fields += number_flags(
            [paraphrase], [], evidence, sentences, article, same_language=same_language
        )
        if position is not None:
            judged = judge_stance(position, _span(evidence), article)
            if strict and judged.contradicted:
                out.judge([judged])
                _dropped(out, where, judged)
                return None
            fields += out.judge([judged])
        return who, other, evidence, flags + problems + fields

    for i, stance in enumerate(draft.stances):
        checked = claim(
            f"stances[{i}]", "holder", stance.holder, "target", stance.target,
            stance.quote, stance.sentences, stance.paraphrase, stance.position,
        )  # fmt: skip
        if checked is not None:
            holder, target, evidence, flags = checked
            out.stances.append(
                Stance(
                    holder=holder,
                    topic=stance.topic,
                    target=target,
                    position=stance.position,
                    paraphrase=stance.paraphrase,
                    speech=stance.speech,
                    evidence=[evidence],
                    flags=flags,
                )
            )

    for i, demand in enumerate(draft.demands):
        checked = claim(
            f"demands[{i}]", "claimant", demand.claimant, "addressee", demand.addressee,
            demand.quote, demand.sentences, demand.demand,
        )  # fmt: skip
        if checked is not None:
            claimant, addressee, evidence, flags = checked
            out.demands.append(
                Demand(
                    claimant=claimant,
                    addressee=addressee,
                    demand=demand.demand,
                    evidence=[evidence],
                    flags=flags,
                )
            )

    for i, event in enumerate(draft.events):
        flags = []
        agents = _known_refs(event.agents, id_map, known.keys(), "agent", flags)
        targets = _known_refs(event.targets, id_map, known.keys(), "target", flags)
        evidence = _evidence(event.quote, event.sentences, article)
        problems = _evidence_flags(evidence)
        if strict and problems:
            out.dropped += 1
            out.warnings.append(f"dropped events[{i}]: {problems[0].message}")
            continue
        judged = judge_event(
            event.type, event.realis, agents, targets, _span(evidence), article,
            {a: [(m.start, m.end) for m in known[a].mentions] for a in [*agents, *targets]},
            {a: known[a].name for a in [*agents, *targets]},
        )  # fmt: skip
        contradicted = [j for j in judged if j.contradicted]
        if strict and contradicted:
            out.judge(judged)
            _dropped(out, f"events[{i}]", contradicted[0])
            continue
        flags += problems
        flags += out.judge(judged)
        flags += place_flags(event.when, event.where, evidence, event.sentences, article)
        flags += number_flags(
            [event.description], [event.killed, event.injured], evidence, event.sentences,
            article, same_language=same_language,
        )  # fmt: skip
        out.events.append(
            Event(
                type=event.type,
                description=event.description,
                agents=agents,
                targets=targets,
                when=_date_value(event.when, article, [evidence.sentence, *event.sentences]),
                where=event.where,
                realis=event.realis,
                killed=event.killed,
                injured=event.injured,
                evidence=[evidence],
                flags=flags,
            )
        )
    return out


def _evidence(quote: str, sentences: list[int], article: Article) -> Evidence:
    found = locate(quote, article, sentences)
    flags: list[Flag] = []
    if found.match == "sentence":
        flags.append(
            Flag(
                code="quote_not_found",
                message="quote not found in the text; only the cited sentence was checked",
            )
        )
    elif found.match == "unverified":
        flags.append(
            Flag(
                code="no_span",
                message="quote not found in the text and the cited sentence does not exist",
            )
        )
    else:
        flags.extend(Flag(code=d.code, message=d.message) for d in found.differences)
        if found.sentence is not None and sentences and found.sentence not in sentences:
            cited = ", ".join(str(n) for n in sentences)
            flags.append(
                Flag(
                    code="cited_sentence_corrected",
                    message=f"found in sentence {found.sentence}, not in sentence {cited} as cited",
                )
            )
    return Evidence(
        sentence=found.sentence,
        quote=quote,
        start=found.start,
        end=found.end,
        match=found.match,
        grounded=found.grounded,
        flags=flags,
    )


def _span(evidence: Evidence) -> tuple[int, int] | None:
    """The evidence's located span, when its words were found (not only its sentence)."""
    if evidence.start is None or evidence.end is None or evidence.match == "sentence":
        return None
    return evidence.start, evidence.end


def _dropped(out: Verified, where: str, judged: Judgement) -> None:
    out.dropped += 1
    out.warnings.append(f"dropped {where}: {judged.field}: {judged.message}")


def _evidence_flags(evidence: Evidence) -> list[Flag]:
    """The evidence's own flags that make an item unproven (informational ones excluded)."""
    return [f for f in evidence.flags if f.code != "cited_sentence_corrected"]


def _known_refs(
    refs: Iterable[str],
    id_map: dict[str, str],
    known: Collection[str],
    role: str,
    flags: list[Flag],
) -> list[str]:
    kept: list[str] = []
    for raw in refs:
        value = id_map.get(raw, raw)
        if value not in known:
            flags.append(
                Flag(code="unknown_reference", message=f"{role} {raw!r} is not an actor; removed")
            )
        elif value not in kept:
            kept.append(value)
    return kept


def _date_value(when: str | None, article: Article, cited: list[int | None]) -> DateValue | None:
    if not when or not when.strip():
        return None
    held = _sentence_with(when, article, cited)
    context = None if held is None else held.text
    # The day a clock time or "the day before" belongs to may be named sentences earlier.
    earlier = [] if held is None else [s.text for s in article.sentences if s.id < held.id]
    carried = carried_day(earlier, article.date, article.language)
    resolved = resolve_date(when, article.date, article.language, context, carried)
    if resolved is None:
        return DateValue(text=when, value=None, precision="unknown")
    return DateValue(text=when, value=resolved.isoformat(), precision=resolved.precision)


def _sentence_with(words: str, article: Article, cited: list[int | None]) -> Sentence | None:
    """The cited sentence the date words stand in, else the first cited one.

    The resolver reads the tense of its verb and the day it names, so the sentence that
    holds the words is the one to give it.
    """
    by_id = {s.id: s for s in article.sentences}
    cited_sentences = [by_id[i] for i in dict.fromkeys(cited) if i is not None and i in by_id]
    needle = fold(words).text.strip()
    holding = [s for s in cited_sentences if needle and needle in fold(s.text).text]
    return next(iter(holding or cited_sentences), None)
