"""Ingest: reading a long article and finding where its actors are named, per megabyte.

Builds synthetic articles of about 0.5, 1 and 2 MB (``--sizes``) by repeating a made-up
news paragraph whose people, places and bodies change from copy to copy (drawn in turn
from the lists below), and times, for each size:

- ``load``: ``load_article`` (header, sentences, language given);
- ``mentions``: every mention of about 50 actors, as the verifier looks for them
  (``find_mentions`` over each actor's surfaces: name, mentions, a person's surname),
  one of the actors named "The", as a model reading a part may name one;
- ``named``: what a long article's reading does per part and per wave: the actors a
  part may speak of (``named_in``) for every part of ``--part-chars`` characters, the
  mentions of three of them, as the checks of an event's agents and targets in that
  part's answer look them up, and, once per wave (parts 1, 2, 4 ...), whether the text
  holds each actor's name as written (``mentions.is_named``).

It prints the seconds of each step and the seconds per MB of the whole: when the work
is linear in the article's length, the figure per MB stays about the same as the size
doubles (a figure to read, not a test). No server, no model.

Usage::

    python benchmarks/ingest.py [--sizes 0.5,1,2] [--part-chars 6000]
"""

from __future__ import annotations

import argparse
import itertools
import time

from summarizer.actors import find_mentions, named_in, surfaces
from summarizer.article import Article, load_article
from summarizer.draft import DraftActor
from summarizer.mentions import is_named, name_spans

_PEOPLE = [
    "Anna Kovacs", "Peter Ilic", "Maria Lindqvist", "Jean Dupont", "Sofia Marquez",
    "Tomas Novak", "Elena Petrova", "David Mensah", "Laura Bianchi", "Henrik Olsen",
    "Amira Haddad", "Kenji Watanabe", "Grace Okafor", "Lucas Moreau", "Irina Volkova",
    "Samuel Adeyemi", "Clara Schmidt", "Omar Farouk", "Nadia Rahman", "Pablo Ortega",
]  # fmt: skip
_PLACES = [
    "Antwerp", "Rotterdam", "Gdansk", "Marseille", "Valencia", "Piraeus", "Hamburg",
    "Genoa", "Constanta", "Tallinn", "Bilbao", "Le Havre",
]  # fmt: skip
_BODIES = [
    "Port Authority", "Dockers Union", "Transport Ministry", "Harbour Council",
    "Shipping Federation", "Customs Office", "Chamber of Commerce", "Pilots Guild",
    "Labour Inspectorate", "Freight Alliance",
]  # fmt: skip
_PARAGRAPH = (
    "{place}, {n} March. {person} of the {body} said on Tuesday that the strike at the "
    "port of {place} would end after talks with {other}. The {body} had demanded higher "
    "night-shift pay for three weeks, and {other} told reporters the offer was fair. "
    '"We will not accept less," {surname} said, while the {body} of {place} asked the '
    "government to step in. The talks, the first since January, lasted nine hours.\n\n"
)


def _article_text(megabytes: float) -> str:
    """About ``megabytes`` MB of news paragraphs, each naming other people and places."""
    target = int(megabytes * 1_000_000)
    pieces = ["date: 2024-06-11\ntitle: Port strikes\n\n"]
    size = len(pieces[0])
    for n in itertools.count():
        person = _PEOPLE[n % len(_PEOPLE)]
        piece = _PARAGRAPH.format(
            place=_PLACES[n % len(_PLACES)],
            n=n,
            person=person,
            surname=person.split()[-1],
            body=_BODIES[n % len(_BODIES)],
            other=_PEOPLE[(n * 7 + 3) % len(_PEOPLE)],
        )
        pieces.append(piece)
        size += len(piece)
        if size >= target:
            return "".join(pieces)
    raise AssertionError("unreachable")  # pragma: no cover


def _actors() -> list[DraftActor]:
    """About 50 actors as a model names them, one of them "The"."""
    made: list[tuple[str, str, list[str]]] = [
        *((p, "person", [p.split()[-1]]) for p in _PEOPLE),
        *((p, "other", []) for p in _PLACES),
        *((f"the {b}", "organization", [b]) for b in _BODIES),
        ("Government", "institution", ["the government"]),
        ("Reporters", "group", []),
        ("Night-shift workers", "group", ["dockers"]),
        ("The", "organization", []),
        ("European Commission", "institution", ["Brussels"]),
        ("Port of Antwerp", "institution", []),
        ("World Bank", "organization", []),
    ]
    return [
        DraftActor(id=f"A{i}", name=name, kind=kind, mentions=mentions, sentences=[1], quote=name)  # type: ignore[arg-type]
        for i, (name, kind, mentions) in enumerate(made, start=1)
    ]


def _time(megabytes: float, actors: list[DraftActor], part_chars: int) -> None:
    text = _article_text(megabytes)
    size = len(text.encode()) / 1_000_000
    started = time.perf_counter()
    article = load_article(text, language="en")
    loaded = time.perf_counter()
    found = sum(len(find_mentions(surfaces(actor), article)) for actor in actors)
    searched = time.perf_counter()
    listed = _per_part(article, actors, part_chars)
    done = time.perf_counter()
    total = done - started
    print(
        f"{size:7.2f} {loaded - started:8.2f} {searched - loaded:9.2f} {done - searched:8.2f} "
        f"{total:8.2f} {total / size:8.2f} {found:9d} {listed:7d}"
    )


def _per_part(article: Article, actors: list[DraftActor], part_chars: int) -> int:
    """What the parts of a long reading look up: the actors each part may name, and
    (once per wave of 1, 2, 4 ... parts) which actors the text holds as written."""
    listed = 0
    starts = range(article.body_start, len(article.text), part_chars)
    for n, lo in enumerate(starts):
        named = named_in(actors, article, lo, min(len(article.text), lo + part_chars))
        listed += len(named)
        for actor in named[:3]:
            name_spans(surfaces(actor), article)
        if (n + 1) & n == 0:  # the first part of each wave
            listed += sum(is_named(actor.name, article) for actor in actors)
    return listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.5,1,2", help="article sizes in MB")
    parser.add_argument("--part-chars", type=int, default=6000, help="characters per part")
    args = parser.parse_args()
    actors = _actors()
    print(f"{len(actors)} actors, parts of {args.part_chars} characters")
    print("     MB   load s  mentions s  named s  total s     s/MB  mentions  listed")
    for megabytes in (float(s) for s in args.sizes.split(",")):
        _time(megabytes, actors, args.part_chars)


if __name__ == "__main__":
    main()
