"""The public schema: ``ArticleSummary`` and what it holds.

This is what users, files and ``schemas/record.schema.json`` see. Every item carries
evidence located to character offsets (Python ``str`` indices into ``text``, end
exclusive) with how it was matched, and a ``flags`` list saying what could not be
proven. Nothing here is asked of the model directly: ``verify`` builds it from a draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .dates import Precision
from .draft import ActorKind, EventType, Position, Realis, Speech
from .grounding import MatchKind

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "ArticleSummary",
    "ChunkReport",
    "Claim",
    "ClaimPart",
    "DateValue",
    "Demand",
    "Event",
    "Evidence",
    "FieldCheck",
    "Flag",
    "Mention",
    "Quality",
    "ReasonCode",
    "SecondOpinion",
    "Stance",
    "Unread",
    "Verdict",
    "actor_names",
    "fields_label",
    "flagged_claims",
    "located_spans",
    "second_opinion_label",
    "verdict_label",
    "when_label",
    "who",
]

#: Bumped whenever the record's shape changes in a way readers must know about.
SCHEMA_VERSION = "2.2"

#: Stable reason codes of flags. Readers filter on these; the message is for people.
ReasonCode = Literal[
    # Where a quote stands.
    "quote_not_found",  # not in the text: the span is the sentence the model cited
    "no_span",  # not in the text, and the cited sentence does not exist
    "cited_sentence_corrected",  # found, in another sentence than the one cited (informational)
    # Located, but not verbatim: what changed (see ``changes``).
    "number",  # digits or number words differ
    "negation",  # a negation cue added, removed or replaced
    "name",  # a capitalised name differs
    "date",  # a weekday or month differs
    "words_changed",  # other words replaced or added
    "words_dropped",  # words of the text left out without "…"
    # An item's own fields against its evidence (see ``consistency``).
    "name_not_found",  # the actor's name is not in the text as written
    "when_not_in_evidence",  # an event's date words are not in its evidence sentences
    "where_not_in_evidence",  # an event's place is not in its evidence sentences
    "holder_not_in_evidence",  # holder or claimant not named in or next to the evidence
    "number_not_in_evidence",  # a number of the paraphrase is not in the evidence
    # What an item's fields mean against what its evidence says (see ``meaning``).
    "type_not_in_evidence",  # the evidence holds a cue of another event type, none of its own
    "realis_contradicted",  # occurred but negated/future/modal, or negated/planned without a cue
    "roles_swapped",  # an agent stands where the evidence puts the target, or the reverse
    "position_not_in_evidence",  # the evidence holds a cue of another position, none of its own
    "position_contradicted",  # the evidence says the opposite position, or negates this one
    "kind_contradicted",  # a person named as a country or a body, a state named as a body
    # References between items.
    "unknown_reference",
    # Headline and summary sentences against the article.
    "name_not_in_article",
    "number_not_in_article",
    "unsupported_claim",
    "empty_claim",
    "wrong_language",
]

ClaimPart = Literal["headline", "summary"]


class Flag(BaseModel):
    """Something about an item or a piece of evidence that is not proven, or was repaired."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ReasonCode = Field(
        description="Stable reason code: see the flag codes table (docs/flags.md)."
    )
    message: str = Field(description="What was found, for people.")

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Model):
    """Words of the article that support an item, and where they stand."""

    sentence: int | None = Field(description="Number of the sentence the span starts in (1-based).")
    quote: str = Field(description="The quote as the model gave it, verbatim.")
    start: int | None = Field(description="Offset of the span's first character in `text`.")
    end: int | None = Field(description="Offset just past the span's last character in `text`.")
    match: MatchKind = Field(
        description="How the quote was located: exact, normalised, subsequence (its words in "
        "order, with words of the text left out), fuzzy, sentence (only the cited sentence "
        "could be checked) or unverified (no span)."
    )
    grounded: bool = Field(
        description="The quote is the span's words, up to typography, case, accents and marked "
        "elisions, and agrees with it on numbers, negations, names and dates."
    )
    flags: list[Flag] = Field(
        default_factory=list, description="Why the evidence is not grounded, or what was repaired."
    )


def located_spans(evidence: list[Evidence]) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the evidence that was located in the text."""
    return [(e.start, e.end) for e in evidence if e.start is not None and e.end is not None]


class Mention(_Model):
    """One place where an actor is named."""

    text: str = Field(description="The words in the article.")
    start: int = Field(description="Offset of the first character in `text`.")
    end: int = Field(description="Offset just past the last character in `text`.")


class DateValue(_Model):
    """A date as written, resolved to the calendar at the precision the text supports."""

    text: str = Field(description="The date words as written.")
    value: str | None = Field(
        description=(
            "The TIMEX3 value, per `precision`: YYYY-MM-DDThh:mm (a clock time, with Z "
            "when the text says UTC or GMT, or an offset such as -05 or +01 for another zone "
            "it names), YYYY-MM-DDTMO/AF/EV/NI/DT (morning, afternoon, "
            "evening, night, daytime), YYYY-MM-DD, YYYY-Www-WE (the weekend of an ISO week), "
            "YYYY-Www (ISO week), YYYY-MM, YYYY-Qn, YYYY-SP/SU/FA/WI (season), YYYY, YYYX "
            "(decade), or PRESENT_REF/PAST_REF/FUTURE_REF (the present, past or future with "
            "no calendar value: 'currently', 'recently', 'soon'); null when the words name "
            "no calendar value."
        )
    )
    precision: Precision = Field(
        description=(
            "time, part_of_day, day, weekend, week, month, quarter, season, year, decade, "
            "reference (PRESENT_REF, PAST_REF, FUTURE_REF), or unknown when the words "
            "name no calendar value and point at no time (a duration, a set, a part of the "
            "day whose day is named nowhere)."
        )
    )


class Verdict(_Model):
    """A second model's opinion of an item: does its evidence support the claim its
    fields make? (``--verify-with``; see ``second_opinion``.)"""

    label: Literal["supported", "unsupported", "unclear"]
    model: str = Field(description="The verifier model that gave it.")


class _Item(_Model):
    evidence: list[Evidence] = Field(description="The words that ground the item.")
    flags: list[Flag] = Field(
        default_factory=list, description="What could not be proven or was repaired."
    )


class _Claimed(_Item):
    verdict: Verdict | None = Field(
        default=None, description="The verifier's opinion, when one was asked for."
    )


class Actor(_Item):
    """A person, state, organisation or group."""

    id: str = Field(description="Identifier referenced by stances, demands and events.")
    name: str = Field(description="Canonical name as written.")
    kind: ActorKind
    role: str | None = Field(default=None, description="Title or role.")
    country: str | None = Field(default=None, description="Country the actor belongs to.")
    mentions: list[Mention] = Field(description="Every place in the text the actor is named.")


class Stance(_Claimed):
    """Who holds what position on what."""

    holder: str = Field(description="Actor id of the holder.")
    topic: str
    target: str | None = Field(default=None, description="Actor id the position is aimed at.")
    position: Position
    paraphrase: str = Field(description="The position in one line, in the output language.")
    speech: Speech


class Demand(_Claimed):
    """Who asks what of whom."""

    claimant: str = Field(description="Actor id of who demands.")
    addressee: str | None = Field(default=None, description="Actor id of who is asked.")
    demand: str = Field(description="What is demanded, in the output language.")


class Event(_Claimed):
    """What happened, when, where, who did it to whom."""

    type: EventType = Field(description="PLOVER event type, or other.")
    description: str = Field(description="One line, in the output language.")
    agents: list[str] = Field(description="Actor ids of who did it.")
    targets: list[str] = Field(description="Actor ids of whom it was done to.")
    when: DateValue | None = None
    where: str | None = None
    realis: Realis
    killed: int | None = None
    injured: int | None = None


class Claim(_Model):
    """One sentence of the headline or the summary, checked against the article."""

    part: ClaimPart = Field(description="Which text the sentence belongs to.")
    text: str = Field(description="The sentence as the model wrote it.")
    supported: bool = Field(
        description="Every name and number in it occurs in the article and, when it is written "
        "in the article's language, enough of its content words do too."
    )
    flags: list[Flag] = Field(
        default_factory=list, description="What is not in the article, or the wrong language."
    )


class ChunkReport(_Model):
    """One part of the article as one request read it (the whole article, when short)."""

    index: int = Field(description="Which part, counting from 1.")
    first_sentence: int = Field(
        description="First sentence read, overlap with the part before included."
    )
    last_sentence: int = Field(description="Last sentence read.")
    start: int = Field(description="Offset in `text` of the first sentence read.")
    end: int = Field(description="Offset in `text` just past the last sentence read.")
    passes: int = Field(description="Passes that read the part and were answered.")
    attempts: int = Field(description="Requests made for the part, failed ones included.")
    cached: int = Field(default=0, description="Passes answered from the cache, at no cost.")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = Field(
        default=None, description="Why a pass over the part brought no answer, if one did not."
    )


class Unread(_Model):
    """Sentences no answer covers, and why."""

    first_sentence: int
    last_sentence: int
    start: int = Field(description="Offset in `text` of the first unread sentence.")
    end: int = Field(description="Offset in `text` just past the last unread sentence.")
    reason: str


class FieldCheck(_Model):
    """How much of one field of the items could be judged against their evidence."""

    items: int = Field(description="Items that carry the field.")
    judged: int = Field(
        description="Items whose evidence let the check judge the field (a cue was found)."
    )
    judged_share: float | None = Field(description="judged / items; null when no item.")
    flagged: int = Field(description="Items whose field the evidence contradicts.")


class SecondOpinion(_Model):
    """What the verifier model was asked, and what it said and cost."""

    model: str
    endpoint: str = Field(description="Base URL of the verifier (no credentials).")
    claims: int = Field(description="Items sent to it, in one request.")
    supported: int = 0
    unsupported: int = 0
    unclear: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = Field(default=False, description="The verdicts came from the cache.")
    error: str | None = Field(
        default=None, description="Why no verdict came back, if none did (the record stands)."
    )


class Quality(_Model):
    """How the record was made, and how much of it is proven."""

    model: str
    endpoint: str = Field(description="Base URL of the server (no credentials).")
    backend: str = Field(description="Backend profile used.")
    mode: str = Field(description="Structured-output mode used.")
    prompt_version: str
    attempts: int = Field(description="Requests made, failed ones included.")
    reasks: int = Field(description="Attempts spent asking the model to fix its answer.")
    prompt_tokens: int
    completion_tokens: int
    seconds: float = Field(description="Wall time of the whole summarisation.")
    items: dict[str, int] = Field(description="Items kept per kind.")
    grounded_share: float | None = Field(
        description="Share of evidence that is grounded (verbatim and consistent with its "
        "span); null when there is no evidence at all."
    )
    summary_support: float | None = Field(
        default=None,
        description="Share of the summary's content words found in the article, over all its "
        "claims (null when the summary is in another language than the article, or has none).",
    )
    claims: list[Claim] = Field(
        default_factory=list, description="The headline and the summary, sentence by sentence."
    )
    flagged: int = Field(description="Items kept with at least one flag.")
    fields: dict[str, FieldCheck] = Field(
        default_factory=dict,
        description="Per field (type, realis, roles, position, kind): how many items the "
        "evidence let the checks judge, and how many it contradicts. Unjudged is not flagged.",
    )
    dropped: int = Field(
        description="Items removed (unknown references, or unproven in strict mode)."
    )
    warnings: list[str] = Field(default_factory=list)
    chunks: list[ChunkReport] = Field(
        default_factory=list,
        description="The parts the article was read in, one request each per pass; one part "
        "when it fits a request.",
    )
    passes: int = Field(default=1, description="Passes asked for over each part.")
    duplicates: int = Field(
        default=0,
        description="Items left out because another part or pass had found them already "
        "(their evidence overlaps).",
    )
    partial: bool = Field(
        default=False,
        description="Some sentences were read by no answer (a part failed, or the token "
        "budget ran out): see `unread`.",
    )
    unread: list[Unread] = Field(default_factory=list, description="The sentences not read.")
    second_opinion: SecondOpinion | None = Field(
        default=None, description="The verifier's pass over the items (``--verify-with``)."
    )


class ArticleSummary(_Model):
    """A verified structured summary of one article."""

    schema_version: Literal["2.2"] = "2.2"
    id: str | None = Field(default=None, description="The article's identifier, if known.")
    title: str | None = Field(default=None, description="The article's own headline, if known.")
    headline: str = Field(description="A short headline written by the model.")
    summary: str
    language: str = Field(description="ISO 639-1 code of the article.")
    output_language: str = Field(description="Language of summary and paraphrases.")
    article_date: DateValue | None = None
    actors: list[Actor]
    stances: list[Stance]
    demands: list[Demand]
    events: list[Event]
    quality: Quality
    text: str = Field(description="The article as read; every offset indexes into it.")


# Names and labels every view of a record shows the same way.


def actor_names(record: ArticleSummary) -> dict[str, str]:
    """Actor names by id."""
    return {actor.id: actor.name for actor in record.actors}


def who(ids: Sequence[str] | str | None, names: dict[str, str]) -> str:
    """Actor ids as names, for display; "—" for none."""
    if ids is None:
        return "—"
    values = [ids] if isinstance(ids, str) else ids
    return ", ".join(names.get(i, i) for i in values) or "—"


def when_label(when: DateValue) -> str:
    """A resolved date for display: the value, and its precision where the value's shape
    does not say it to a reader ("2020-W02, week"); "unknown" when there is none."""
    if when.value is None:
        return "unknown"
    if when.precision in ("time", "day", "month", "year"):
        return when.value
    return f"{when.value}, {when.precision}"


def verdict_label(verdict: Verdict | None) -> str:
    """A verifier's verdict for display ("verifier checker: unsupported"); "" for none."""
    return f"verifier {verdict.model}: {verdict.label}" if verdict is not None else ""


def second_opinion_label(quality: Quality) -> str | None:
    """What the verifier said over the record, for display; ``None`` when none was asked."""
    o = quality.second_opinion
    if o is None:
        return None
    said = f"{o.supported} supported, {o.unsupported} unsupported, {o.unclear} unclear"
    failed = f"; failed: {o.error}" if o.error else ""
    return f"{o.model}: {said} of {o.claims} claim(s){' (cached)' if o.cached else ''}{failed}"


def fields_label(quality: Quality) -> str:
    """What the meaning checks judged, for display: "type 3/5 judged, 1 flagged; …"."""
    return (
        "; ".join(
            f"{name} {check.judged}/{check.items} judged, {check.flagged} flagged"
            for name, check in quality.fields.items()
        )
        or "nothing to judge"
    )


def flagged_claims(record: ArticleSummary) -> list[str]:
    """The headline and summary sentences that carry a flag, one line each."""
    return [
        f"⚠ {claim.part}: “{claim.text}” — {'; '.join(map(str, claim.flags))}"
        for claim in record.quality.claims
        if claim.flags
    ]
