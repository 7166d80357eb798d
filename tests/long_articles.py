"""A long English report written for the tests, and the answers a careful reader gives.

``oracle_draft`` reads the numbered sentences a prompt shows and answers with a draft for
exactly those (one actor per named person, one event per sentence), so a routed
``FaultServer`` serving it lets a test check item by item what the program keeps, merges
and marks partial. The people and places in the report are invented.
"""

from __future__ import annotations

import re
from typing import Any

from summarizer import ArticleInput, Settings, load_article

from .fault_server import FaultServer

_SENTENCE = re.compile(r"^\[S(\d+)\] (.*)$", re.MULTILINE)
_PART = re.compile(r"This is part (\d+) of (\d+)")
SURNAMES = [
    "Alvarez", "Brennan", "Castillo", "Dimitrov", "Eriksen", "Fournier", "Gallagher",
    "Halvorsen", "Ibrahim", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak",
    "Okafor", "Petrov", "Quintero", "Rasmussen", "Sokolov", "Tanaka",
]  # fmt: skip
_PLACES = ["Lisbon", "Gdansk", "Tromso", "Porto", "Varna", "Brno", "Split", "Turku"]


def hand_built_long_article(sentences: int = 60) -> str:
    """An English report written for these tests: each sentence names one official and
    one city; every fifth official is named again, by surname, further on."""
    lines = ["Port officials meet across Europe as the strike spreads", ""]
    for n in range(sentences):
        name = SURNAMES[n % len(SURNAMES)]
        place = _PLACES[n % len(_PLACES)]
        if n >= len(SURNAMES) and n % 5 == 0:
            lines.append(f"Later, {name} told dockers in {place} that the talks had failed.")
        else:
            lines.append(
                f"Minister Anna {name} met the dock unions in {place} on day {n + 1} of the strike."
            )
    return "\n".join(lines) + "\n"


def oracle_draft(body: dict[str, Any]) -> dict[str, Any]:
    """The draft a careful reader would give for the sentences this prompt shows."""
    prompt = body["messages"][-1]["content"]
    actors: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for number, text in _SENTENCE.findall(prompt):
        name = next((s for s in SURNAMES if s in text), None)
        if name is None:
            continue  # the title names no one
        full = f"Anna {name}" if f"Anna {name}" in text else name
        if not any(a["name"] == full for a in actors):
            actors.append({
                "id": f"A{len(actors) + 1}", "name": full, "kind": "person",
                "sentences": [int(number)], "quote": full,
            })  # fmt: skip
        agent = next(a["id"] for a in actors if a["name"] == full)
        events.append({
            "type": "consult", "description": " ".join(text.split()[:6]),
            "agents": [agent], "targets": [], "realis": "occurred",
            "sentences": [int(number)], "quote": " ".join(text.split()[:7]),
        })  # fmt: skip
    return {
        "headline": "Port officials meet as the strike spreads",
        "summary": "Ministers met the dock unions in several ports.",
        "actors": actors, "stances": [], "demands": [], "events": events,
    }  # fmt: skip


def part_of(body: dict[str, Any]) -> int:
    """Which part of the article a request asks about (1 when it is the whole)."""
    found = _PART.search(body["messages"][-1]["content"])
    return int(found.group(1)) if found else 1


def long_settings(server: FaultServer, **changes: Any) -> Settings:
    """Settings that read TEXT in parts of 150 tokens, 2 attempts each and no re-ask."""
    values: dict[str, Any] = {
        "base_url": server.url, "model": "m", "backend": "vllm", "timeout": 5.0,
        "max_attempts": 2, "max_reasks": 0, "chunk_tokens": 150,
    }  # fmt: skip
    values.update(changes)
    return Settings(**values)


TEXT = hand_built_long_article()
LONG = ArticleInput("long", TEXT, language="en")
#: The sentences that name someone: all but the title.
NAMED = list(range(2, len(load_article(TEXT).sentences) + 1))
