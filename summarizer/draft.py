"""Internal: The model-facing schema: what the LLM fills in.

Small and flat on purpose. Every field carries a description (instructor sends them
with the schema), actors are referenced by id, and evidence is sentence numbers plus
a short verbatim quote. Offsets, resolved dates and quality figures are computed by
the program afterwards and never asked of the model.

Validation runs in two strengths, chosen by the validation context:

- ``{"article": Article}`` checks references and evidence against the article; its
  errors are sent back to the model to fix (a re-ask).
- ``{"article": Article, "lenient": True}`` (or no context) checks only structure, so
  an answer whose re-ask budget is spent can still be read and flagged item by item.
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from .article import Article
from .chunking import Chunk

__all__ = [
    "EVENT_TYPES",
    "ActorId",
    "ActorKind",
    "Draft",
    "DraftActor",
    "DraftDemand",
    "DraftEvent",
    "DraftStance",
    "EventType",
    "Position",
    "Quote",
    "Realis",
    "SentenceIds",
    "ShortText",
    "Speech",
    "read_lenient",
    "validation_context",
]

#: The validation context of the extraction in progress, set by the transport
#: (``llm.extract``) and read by validators here. instructor's own ``context``
#: argument would also render every message as a Jinja template, so an article
#: holding ``{{`` or ``{%`` would be altered or crash.
validation_context: ContextVar[dict[str, Any] | None] = ContextVar(
    "validation_context", default=None
)

ActorKind = Literal[
    "person",
    "state",
    "government",
    "organization",
    "armed_group",
    "institution",
    "group",
    "other",
]
# PLOVER's sixteen event types, plus "other" for what none of them covers.
EventType = Literal[
    "agree",
    "consult",
    "support",
    "concede",
    "cooperate",
    "aid",
    "retreat",
    "request",
    "accuse",
    "reject",
    "threaten",
    "protest",
    "sanction",
    "mobilize",
    "coerce",
    "assault",
    "other",
]
Position = Literal[
    "support", "oppose", "condemn", "praise", "accuse", "warn", "demand", "deny", "neutral"
]
Speech = Literal["direct_quote", "reported", "paraphrase"]
Realis = Literal["occurred", "planned", "hypothetical", "negated"]

EVENT_TYPES: tuple[str, ...] = get_args(EventType)

_LOOSE_ID = re.compile(r"^\s*a0*(\d{1,3})\s*$", re.IGNORECASE)


def _canonical_id(value: object) -> object:
    """``a01``, ``A01`` and `` A1 `` all mean actor ``A1``."""
    if isinstance(value, str) and (match := _LOOSE_ID.match(value)):
        return f"A{int(match.group(1))}"
    return value


ActorId = Annotated[
    str,
    BeforeValidator(_canonical_id),
    Field(pattern=r"^A\d{1,3}$", description="An actor id such as A1."),
]
Quote = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        description="Words copied exactly from the cited sentence, at most 25 words.",
    ),
]
SentenceIds = Annotated[
    list[Annotated[int, Field(ge=1)]],
    Field(min_length=1, max_length=3, description="Numbers of the sentences cited, e.g. [3]."),
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftActor(_Item):
    """A person, state, organisation or group that acts or is acted upon."""

    id: ActorId
    name: ShortText = Field(description="Full name as written in the article.")
    kind: ActorKind = Field(description="What sort of actor this is.")
    role: str | None = Field(
        default=None, max_length=120, description="Title or role, e.g. 'Prime Minister'."
    )
    country: str | None = Field(
        default=None, max_length=60, description="Country the actor belongs to, if stated."
    )
    mentions: list[ShortText] = Field(
        default_factory=list,
        max_length=6,
        description="Other exact phrases the article uses for this actor.",
    )
    sentences: SentenceIds
    quote: Quote


class DraftStance(_Item):
    """A position an actor holds on a topic."""

    holder: ActorId = Field(description="Id of the actor who holds the position.")
    topic: ShortText = Field(description="What the position is about.")
    target: ActorId | None = Field(default=None, description="Id of the actor it is aimed at.")
    position: Position
    paraphrase: ShortText = Field(description="One line saying the position, in output language.")
    speech: Speech = Field(description="How the article reports it.")
    sentences: SentenceIds
    quote: Quote


class DraftDemand(_Item):
    """Something one actor asks of another."""

    claimant: ActorId = Field(description="Id of the actor who demands.")
    addressee: ActorId | None = Field(default=None, description="Id of the actor asked.")
    demand: ShortText = Field(description="What is demanded, in output language.")
    sentences: SentenceIds
    quote: Quote


def _blank_none(value: object) -> object:
    """An empty or blank place or date says nothing: it is left out, not kept as ""."""
    return None if isinstance(value, str) and not value.strip() else value


class DraftEvent(_Item):
    """Something that happened, is planned, or is said not to have happened."""

    type: EventType
    description: ShortText = Field(description="One line saying what happened, in output language.")
    agents: list[ActorId] = Field(default_factory=list, max_length=5, description="Who did it.")
    targets: list[ActorId] = Field(default_factory=list, max_length=5, description="To whom.")
    when: Annotated[str | None, BeforeValidator(_blank_none)] = Field(
        default=None, max_length=60, description="Date words exactly as in the article."
    )
    where: Annotated[str | None, BeforeValidator(_blank_none)] = Field(
        default=None, max_length=80, description="Place as in the article."
    )
    realis: Realis = Field(description="Whether it occurred, is planned, hypothetical or denied.")
    killed: int | None = Field(default=None, ge=0, description="Deaths, only if stated.")
    injured: int | None = Field(default=None, ge=0, description="Injured, only if stated.")
    sentences: SentenceIds
    quote: Quote


class Draft(_Item):
    """A structured summary of one news article."""

    headline: ShortText = Field(description="A short factual headline, in output language.")
    summary: str = Field(
        min_length=1, max_length=800, description="Two or three sentences, in output language."
    )
    # Limits per answer, and so per part of a long article (see ``chunking``): sized for
    # the densest news a part of the default size holds, so that the number of parts,
    # not these limits, decides how much an article can hold.
    actors: list[DraftActor] = Field(max_length=50, description="Actors, each with a unique id.")
    stances: list[DraftStance] = Field(default_factory=list, max_length=25)
    demands: list[DraftDemand] = Field(default_factory=list, max_length=20)
    events: list[DraftEvent] = Field(default_factory=list, max_length=40)

    @model_validator(mode="after")
    def _check_against_article(self, info: ValidationInfo) -> Draft:
        context: dict[str, Any] = info.context or validation_context.get() or {}
        article = context.get("article")
        if isinstance(article, Article) and not context.get("lenient"):
            problems = _draft_problems(self, article, context.get("chunk"))
            if problems:
                raise ValueError(
                    "fix these problems and answer again with the whole JSON:\n- "
                    + "\n- ".join(problems)
                )
        return self


def _draft_problems(draft: Draft, article: Article, chunk: Chunk | None = None) -> list[str]:
    """Everything in ``draft`` that the article or the draft itself contradicts.

    Checks that actor ids are unique, that every actor reference names an actor, that
    cited sentences exist (in the part read, when ``chunk`` is one part of the article),
    and that every quote is grounded: found in the article word for word (see
    ``grounding.Located.problem``, which also names what a misquote changed).
    """
    from .grounding import locate

    problems: list[str] = []
    ids = [actor.id for actor in draft.actors]
    known = set(ids)
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"actor id {duplicate} is used for more than one actor")
    known_text = ", ".join(ids) or "none"
    for where, ref in _references(draft):
        if ref not in known:
            problems.append(f"{where} is {ref!r}, which is not an actor id (known: {known_text})")
    for where, item in _evidence_items(draft):
        missing = [n for n in item.sentences if article.sentence(n) is None]
        outside = [n for n in item.sentences if chunk is not None and not chunk.holds(n)]
        if missing and (chunk is None or chunk.whole):
            problems.append(
                f"{where}.sentences cites {missing}, but the article has sentences "
                f"1 to {len(article.sentences)}"
            )
        elif outside and chunk is not None:
            problems.append(
                f"{where}.sentences cites {outside}, but this part of the article has "
                f"sentences {chunk.first} to {chunk.last}"
            )
        elif problem := (located := locate(item.quote, article, item.sentences)).problem():
            problems.append(f"{where}.quote {item.quote!r} {problem}")
        elif located.start is not None and located.end is not None:
            problems.extend(_meaning_problems(where, item, (located.start, located.end), draft,
                                              article))  # fmt: skip
    return problems


def _meaning_problems(
    where: str,
    item: DraftActor | DraftStance | DraftDemand | DraftEvent,
    span: tuple[int, int],
    draft: Draft,
    article: Article,
) -> list[str]:
    """The fields of a grounded item that its evidence contradicts (see ``meaning``)."""
    from .meaning import judge_actor, judge_event, judge_stance
    from .mentions import name_spans, surface_names

    if isinstance(item, DraftActor):
        judged = [judge_actor(item.name, item.kind)]
    elif isinstance(item, DraftStance):
        judged = [judge_stance(item.position, span, article)]
    elif isinstance(item, DraftEvent):
        actors = {a.id: a for a in draft.actors}
        mentions = {
            ref: name_spans(
                surface_names(actors[ref].name, actors[ref].kind, actors[ref].mentions), article
            )
            for ref in dict.fromkeys([*item.agents, *item.targets])
            if ref in actors
        }
        judged = judge_event(
            item.type, item.realis, item.agents, item.targets, span, article, mentions
        )
    else:
        return []
    names = {"roles": "agents/targets"}
    return [
        f"{where}.{names.get(j.field, j.field)} {j.problem}"
        for j in judged
        if j.problem is not None
    ]


def _references(draft: Draft) -> list[tuple[str, str]]:
    refs: list[tuple[str, str]] = []
    for i, stance in enumerate(draft.stances):
        refs.append((f"stances[{i}].holder", stance.holder))
        if stance.target is not None:
            refs.append((f"stances[{i}].target", stance.target))
    for i, demand in enumerate(draft.demands):
        refs.append((f"demands[{i}].claimant", demand.claimant))
        if demand.addressee is not None:
            refs.append((f"demands[{i}].addressee", demand.addressee))
    for i, event in enumerate(draft.events):
        refs.extend((f"events[{i}].agents", a) for a in event.agents)
        refs.extend((f"events[{i}].targets", t) for t in event.targets)
    return refs


def _evidence_items(
    draft: Draft,
) -> list[tuple[str, DraftActor | DraftStance | DraftDemand | DraftEvent]]:
    items: list[tuple[str, DraftActor | DraftStance | DraftDemand | DraftEvent]] = []
    items.extend((f"actors[{i}]", a) for i, a in enumerate(draft.actors))
    items.extend((f"stances[{i}]", s) for i, s in enumerate(draft.stances))
    items.extend((f"demands[{i}]", d) for i, d in enumerate(draft.demands))
    items.extend((f"events[{i}]", e) for i, e in enumerate(draft.events))
    return items


def read_lenient(raw: str) -> tuple[Draft, list[str]]:
    """Read a draft from JSON text item by item, dropping the items that do not validate.

    Used when the re-ask budget is spent: one malformed stance should not cost the
    whole answer. References and evidence are not checked here; ``verify`` does that.

    Returns:
        The draft and one message per dropped item or cleared optional field.

    Raises:
        ValueError: The text is not a JSON object, or headline or summary is unusable.
    """
    start, end = raw.find("{"), raw.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    # strict=False: small models put raw line breaks inside strings.
    data = json.loads(raw[start : end + 1], strict=False)
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    dropped: list[str] = []
    kept: dict[str, Any] = {}
    item_models: dict[str, type[BaseModel]] = {
        "actors": DraftActor,
        "stances": DraftStance,
        "demands": DraftDemand,
        "events": DraftEvent,
    }
    for key, model in item_models.items():
        items = data.get(key)
        if not isinstance(items, list):
            kept[key] = []
            continue
        valid = []
        for i, item in enumerate(items[: _max_items(key)]):
            try:
                valid.append(model.model_validate(item))
            except ValidationError as exc:
                cleared = _without_optional(model, item, exc)
                if cleared is not None:
                    valid.append(cleared)
                    dropped.extend(
                        f"cleared {key}[{i}].{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                        for e in exc.errors()
                    )
                    continue
                error = exc.errors()[0]
                where = ".".join(str(p) for p in error["loc"])
                dropped.append(f"dropped {key}[{i}]: {where or 'item'}: {error['msg']}")
        kept[key] = valid
    draft = Draft.model_validate(
        {"headline": data.get("headline"), "summary": data.get("summary"), **kept},
        context={"lenient": True},
    )
    return draft, dropped


def _without_optional(
    model: type[BaseModel], item: object, exc: ValidationError
) -> BaseModel | None:
    """The item with its unusable optional fields left out ("target": "Iraq" where an
    actor id belongs, one bad id among the agents), or ``None`` when a required field is
    what is wrong: an item is worth keeping without what it may lack."""
    if not isinstance(item, dict):
        return None
    fixed = dict(item)
    bad: dict[str, set[int] | None] = {}  # a field, and which of its entries (None: all)
    for error in exc.errors():
        loc = error["loc"]
        name = str(loc[0]) if loc else ""
        field = model.model_fields.get(name)
        if field is None or field.is_required():
            return None
        entries = bad.setdefault(name, set())
        if entries is not None and len(loc) == 2 and isinstance(loc[1], int):
            entries.add(loc[1])
        else:
            bad[name] = None
    for name, entries in bad.items():
        value = fixed.get(name)
        if entries is not None and isinstance(value, list):
            fixed[name] = [v for n, v in enumerate(value) if n not in entries]
        else:
            fixed.pop(name, None)
    try:
        return model.model_validate(fixed)
    except ValidationError:
        return None


def _max_items(key: str) -> int:
    limit = Draft.model_fields[key].metadata
    return next((m.max_length for m in limit if hasattr(m, "max_length")), 100)
