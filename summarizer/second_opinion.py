"""Internal: A second opinion on a record's items, from another model: optional, off by default.

The word-list checks (``meaning``) judge a field only where they find a cue. A verifier
model, such as a MiniCheck-class model served by Ollama, can read the rest: each
stance, demand and event becomes a claim rendered from its own fields ("assault
(occurred): the army shelled the port (done by: Kordavia; done to: Meridian)"), sent
with its evidence sentences, all of an article's claims in one request. The verifier answers
``supported``, ``unsupported`` or ``unclear`` per claim; the verdict is stored on the
item with the verifier's name, beside (never instead of) the program's own flags.

Its answer is cached like a part's (keyed by the request and the verifier), its tokens
count in the article's usage, and a verifier that fails leaves the record as it was,
with the error said in ``quality.second_opinion``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from string import Template
from typing import Annotated, Literal

from openai.types.chat import ChatCompletion
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .article import Article
from .cache import Cache, cache_key
from .config import Settings
from .connection import Connection
from .errors import SummarizerError
from .exchange import Extraction, Reask, Request, build_request, first_line, read_answer
from .llm import exchange
from .prompts import PromptTemplate, describe_fields, load_template
from .record import (
    ArticleSummary,
    Demand,
    Event,
    SecondOpinion,
    Stance,
    Verdict,
    actor_names,
    who,
)
from .usage import Usage

__all__ = [
    "CLAIMS_PER_REQUEST",
    "Checked",
    "Label",
    "Verdicts",
    "ask_second_opinion",
    "claims_of",
    "render_messages",
    "verifier_connection",
]

Label = Literal["supported", "unsupported", "unclear"]


def _claim_id(value: object) -> object:
    """``C1``, ``c01``, ``1`` and `` C1 `` all name claim ``C1``: small models drop the
    letter."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and (match := _LOOSE_ID.match(value)):
        return f"C{int(match.group(1))}"
    return value


_LOOSE_ID = re.compile(r"^\s*c?0*(\d{1,4})\s*$", re.IGNORECASE)


def _label(value: object) -> object:
    """A verdict the verifier words otherwise counts as ``unclear``, so that one odd
    answer costs no other claim its verdict."""
    if isinstance(value, str) and value.strip().lower() in _LABELS:
        return value.strip().lower()
    return "unclear"


class _Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, BeforeValidator(_claim_id)] = Field(
        description="The claim's id, as given: C1, C2 ..."
    )
    verdict: Annotated[Label, BeforeValidator(_label)] = Field(
        description="supported, unsupported or unclear"
    )


class Verdicts(BaseModel):
    """The verifier's answer: one verdict per claim."""

    model_config = ConfigDict(extra="ignore")

    verdicts: list[_Verdict] = Field(description="One verdict for every claim.")


@dataclass(frozen=True, slots=True)
class Checked:
    """One claim to check: its id, its text from the item's fields, its evidence."""

    id: str
    claim: str
    evidence: str


def _item_claim(item: Stance | Demand | Event, names: dict[str, str]) -> str:
    if isinstance(item, Event):
        when = f"; when: {item.when.text}" if item.when else ""
        where = f"; where: {item.where}" if item.where else ""
        agents = who(item.agents, names) if item.agents else "no one named"
        targets = who(item.targets, names) if item.targets else "no one named"
        return (
            f"{item.type} ({item.realis}): {item.description} (done by: {agents}; "
            f"done to: {targets}{when}{where})"
        )
    if isinstance(item, Stance):
        target = f" ({who(item.target, names)})" if item.target else ""
        return (
            f"{who(item.holder, names)} takes the position '{item.position}' on "
            f"{item.topic}{target}: {item.paraphrase}"
        )
    addressee = who(item.addressee, names) if item.addressee else "someone"
    return f"{who(item.claimant, names)} demands of {addressee}: {item.demand}"


def _items(record: ArticleSummary) -> list[Stance | Demand | Event]:
    return [*record.stances, *record.demands, *record.events]


def claims_of(record: ArticleSummary, article: Article) -> list[Checked]:
    """Each stance, demand and event as a claim with its evidence sentences."""
    names = actor_names(record)
    checked: list[Checked] = []
    for n, item in enumerate(_items(record), start=1):
        ids = sorted({e.sentence for e in item.evidence if e.sentence is not None})
        sentences = [s for s in (article.sentence(i) for i in ids) if s is not None]
        evidence = " ".join(" ".join(s.text.split()) for s in sentences)
        checked.append(Checked(f"C{n}", _item_claim(item, names), evidence))
    return checked


def _data(text: str) -> str:
    """Text as data inside the prompt: one line, no control characters, and no angle
    brackets, so that neither the article nor the model's own words can close the
    evidence block or open another claim."""
    line = " ".join(text.split())
    line = "".join(c for c in line if unicodedata.category(c) not in ("Cc", "Cf"))
    return line.replace("<", "‹").replace(">", "›")


def render_messages(claims: Sequence[Checked], template: PromptTemplate) -> list[dict[str, str]]:
    """The verifier's prompt: every claim with its evidence, as data."""
    blocks = "\n\n".join(
        f"{c.id}: {_data(c.claim)}\n<evidence>\n{_data(c.evidence)}\n</evidence>" for c in claims
    )
    values = {"claims": blocks, "fields": describe_fields(Verdicts)}
    return [
        {"role": "system", "content": Template(template.system).safe_substitute(values)},
        {"role": "user", "content": Template(template.user).safe_substitute(values)},
    ]


def verifier_connection(settings: Settings, main: Connection) -> Connection:
    """The connection to the verifier: the main one when it names the same server and
    model, else one of its own (the main key goes only to the main server)."""
    assert settings.verify_model is not None
    if settings.verify_base_url is None and main.embedded:
        return main
    same_server = settings.verify_base_url in (None, settings.base_url)
    return Connection(
        dataclasses.replace(
            settings,
            model=settings.verify_model,
            base_url=settings.verify_base_url or settings.base_url,
            api_key=settings.api_key if same_server else settings.verify_api_key,
            backend=settings.verify_backend,
            mode="auto",
            max_items=None,
        )
    )


async def ask_second_opinion(
    record: ArticleSummary,
    article: Article,
    connection: Connection,
    *,
    cache: Cache | None = None,
    model: str,
) -> ArticleSummary:
    """The record with every stance, demand and event given the verifier's verdict.

    A verifier that fails, or answers nothing usable, leaves the items as they were
    and says why in ``quality.second_opinion.error``: the record's own checks stand.
    """
    claims = claims_of(record, article)
    if not claims:
        return record
    endpoint, client = await connection.ready()
    template = load_template("verify")
    usage = Usage()
    errors: list[str] = []
    verdicts: dict[str, Label] = {}
    all_cached = True
    # A long article's claims go in groups, so that no request outgrows a verifier's window.
    for at in range(0, len(claims), CLAIMS_PER_REQUEST):
        group = claims[at : at + CLAIMS_PER_REQUEST]
        request = build_request(
            endpoint, connection.settings, render_messages(group, template), Verdicts,
            prompt_version=template.version,
        )  # fmt: skip
        key = cache_key({"request": request.body, **connection.identity()})
        cached = cache.get_answer(key) if cache is not None else None
        if cached is not None:
            verdicts.update({k: v for k, v in json.loads(cached).items() if v in _LABELS})
            continue
        all_cached = False

        def read(
            state: Request, answer: ChatCompletion, last: bool
        ) -> Extraction[Verdicts] | Reask:
            return read_answer(state, answer, Verdicts, context={}, last=last)

        try:
            extraction = await exchange(
                client, endpoint, connection.settings, request, read, connection.pause
            )
        except SummarizerError as exc:
            errors.append(first_line(exc))
            usage = usage + (exc.usage or Usage())
            continue
        except Exception as exc:
            errors.append(f"unreadable answer: {first_line(exc)}")
            continue
        usage = usage + extraction.usage
        wanted = {c.id for c in group}
        found: dict[str, Label] = {}
        for v in extraction.value.verdicts:
            if v.id in wanted:
                # Two different verdicts for one claim are no verdict: unclear.
                found[v.id] = v.verdict if found.get(v.id, v.verdict) == v.verdict else "unclear"
        verdicts.update(found)
        if cache is not None:
            cache.put_answer(key, json.dumps(found))
    error = "; ".join(dict.fromkeys(errors)) or None
    labelled = [
        item.model_copy(
            update={"verdict": Verdict(label=verdicts[c.id], model=endpoint.model)}
            if c.id in verdicts
            else {}
        )
        for c, item in zip(claims, _items(record), strict=True)
    ]
    n_s, n_d = len(record.stances), len(record.demands)
    counts = {label: sum(v == label for v in verdicts.values()) for label in _LABELS}
    opinion = SecondOpinion(
        model=endpoint.model,
        endpoint=endpoint.base_url,
        claims=len(claims),
        **counts,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cached=all_cached,
        error=error,
    )
    quality = record.quality.model_copy(update={"second_opinion": opinion})
    return record.model_copy(
        update={
            "stances": labelled[:n_s],
            "demands": labelled[n_s : n_s + n_d],
            "events": labelled[n_s + n_d :],
            "quality": quality,
        }
    )


_LABELS: tuple[Label, ...] = ("supported", "unsupported", "unclear")
#: Claims sent in one request: an article with more is asked in several.
CLAIMS_PER_REQUEST = 40
