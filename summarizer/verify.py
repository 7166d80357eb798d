"""From the model's draft to the public record, checking everything the program can.

- Duplicate actors are merged ("Pompeo" into "Mike Pompeo"), their mentions pooled and
  every reference rewritten.
- Every quote is grounded to character offsets (see ``grounding``); what cannot be
  found is flagged, or dropped when ``strict``.
- Every actor name and mention is found in the text, with all its occurrences.
- References to actors that do not exist are removed: an item whose holder or claimant
  is unknown is dropped, an unknown target or addressee is cleared and flagged.
- Event dates are placed on the calendar against the article date (see ``dates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .article import Article, Sentence
from .dates import carried_day, resolve_date
from .draft import Draft, DraftActor
from .grounding import GROUNDED, fold, locate
from .record import Actor, DateValue, Demand, Event, Evidence, Flag, Mention, Stance

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


def verify_draft(draft: Draft, article: Article, *, strict: bool = False) -> Verified:
    """Check ``draft`` against ``article`` and build the record's items.

    Args:
        draft: The model's answer, possibly read leniently (unchecked references).
        article: The article it is about.
        strict: Drop items whose evidence is not found in the text instead of flagging.
    """
    out = Verified()
    merged, id_map = _merge_actors(draft.actors)
    for actor in merged:
        evidence = _evidence(actor.quote, actor.sentences, article)
        flags = _evidence_flags(evidence)
        mentions = _find_mentions(_surfaces(actor), article)
        if not mentions:
            flags.append(Flag(code="name_not_found", message=f"{actor.name!r} is not in the text"))
        if strict and flags:
            out.dropped += 1
            out.warnings.append(f"dropped actor {actor.id} ({actor.name}): {flags[0].message}")
            continue
        out.actors.append(
            Actor(
                id=actor.id,
                name=actor.name,
                kind=actor.kind,
                role=actor.role,
                country=actor.country,
                mentions=mentions,
                evidence=[evidence],
                flags=flags,
            )
        )
    known = {a.id for a in out.actors}

    def ref(value: str | None) -> str | None:
        return None if value is None else id_map.get(value, value)

    def claim(
        where: str, role: str, raw: str, other_role: str, other_raw: str | None,
        quote: str, sentences: list[int],
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
        return who, other, evidence, flags + problems

    for i, stance in enumerate(draft.stances):
        checked = claim(
            f"stances[{i}]", "holder", stance.holder, "target", stance.target,
            stance.quote, stance.sentences,
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
            demand.quote, demand.sentences,
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
        agents = _known_refs(event.agents, id_map, known, "agent", flags)
        targets = _known_refs(event.targets, id_map, known, "target", flags)
        evidence = _evidence(event.quote, event.sentences, article)
        problems = _evidence_flags(evidence)
        if strict and problems:
            out.dropped += 1
            out.warnings.append(f"dropped events[{i}]: {problems[0].message}")
            continue
        flags += problems
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
    return Evidence(
        sentence=found.sentence,
        quote=quote,
        start=found.start,
        end=found.end,
        match=found.match,
        grounded=found.match in GROUNDED,
        flags=flags,
    )


def _evidence_flags(evidence: Evidence) -> list[Flag]:
    """The evidence's own flags that make an item unproven (informational ones excluded)."""
    return [f for f in evidence.flags if f.code != "cited_sentence_corrected"]


def _known_refs(
    refs: Iterable[str], id_map: dict[str, str], known: set[str], role: str, flags: list[Flag]
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


def _key(name: str) -> str:
    return fold(name).text.strip()


def _same_actor(a: DraftActor, b: DraftActor) -> bool:
    if a.id == b.id:
        return True
    names_a = {_key(n) for n in [a.name, *a.mentions]} - {""}
    names_b = {_key(n) for n in [b.name, *b.mentions]} - {""}
    if names_a & names_b:
        return True
    if a.kind == b.kind == "person":
        # "Pompeo" and "Mike Pompeo": every word of one name is a word of the other.
        words_a, words_b = set(_key(a.name).split()), set(_key(b.name).split())
        if words_a and words_b and (words_a <= words_b or words_b <= words_a):
            return True
    # "le secrétaire d'Etat américain" named as an actor of its own, and as the role
    # of "Mike Pompeo".
    return _is_role_of(a, b) or _is_role_of(b, a)


_DETERMINER = re.compile(r"^(?:le|la|les|l'|the|a|an|un|une|el|los|las|der|die|das)\s*")


def _is_role_of(title: DraftActor, holder: DraftActor) -> bool:
    if holder.role is None or title.kind not in ("person", "other"):
        return False
    role = _DETERMINER.sub("", _key(holder.role))
    name = _DETERMINER.sub("", _key(title.name))
    return bool(role) and len(role.split()) >= 2 and name == role


def _merge_actors(actors: list[DraftActor]) -> tuple[list[DraftActor], dict[str, str]]:
    """Merge actors that name the same entity; map each removed id to the kept one."""
    kept: list[DraftActor] = []
    id_map: dict[str, str] = {}
    for actor in actors:
        target = next((k for k in kept if _same_actor(k, actor)), None)
        if target is None:
            kept.append(actor)
            continue
        if actor.id != target.id:
            id_map.setdefault(actor.id, target.id)
        if _is_role_of(actor, target) or (
            not _is_role_of(target, actor) and len(target.name) >= len(actor.name)
        ):
            longer, shorter = target.name, actor.name
        else:
            longer, shorter = actor.name, target.name
        mentions = list(dict.fromkeys([*target.mentions, shorter, *actor.mentions]))
        merged = target.model_copy(
            update={
                "name": longer,
                "mentions": [m for m in mentions if m != longer],
                "role": target.role or actor.role,
                "country": target.country or actor.country,
            }
        )
        kept[kept.index(target)] = merged
    return kept, id_map


def _surfaces(actor: DraftActor) -> list[str]:
    """Names to look for: the name, the mentions, and a person's surname on its own."""
    surfaces = [actor.name, *actor.mentions]
    words = actor.name.split()
    if (
        actor.kind == "person"
        and len(words) >= 2
        and len(words[-1]) >= 3
        and words[-1][0].isupper()
    ):
        surfaces.append(words[-1])
    return surfaces


def _find_mentions(surfaces: list[str], article: Article) -> list[Mention]:
    """Every word-bounded occurrence in the body of any of ``surfaces``, longest first."""
    folded = fold(article.text)
    body_start = folded.from_original(article.body_start, article.body_start)[0]
    spans: list[tuple[int, int]] = []
    for needle in sorted({_key(s) for s in surfaces} - {""}, key=len, reverse=True):
        cursor = body_start
        while (found := folded.text.find(needle, cursor)) >= 0:
            cursor = found + 1
            end = found + len(needle)
            if (found > 0 and folded.text[found - 1].isalnum()) or (
                end < len(folded.text) and folded.text[end].isalnum()
            ):
                continue
            start, stop = folded.to_original(found, end)
            if not any(s < stop and start < e for s, e in spans):
                spans.append((start, stop))
    return [Mention(text=article.text[s:e], start=s, end=e) for s, e in sorted(spans)]
