"""Actors: which draft actors are one entity, and where each is named in the text.

Two actors are merged only on evidence that their names are one person or body:

- the same id, or a name or mention they share ("Pompeo" given for both);
- a person's name that is the end of another's ("Pompeo", "Mike Pompeo"), unless that
  end is ambiguous: the shorter name also opens the longer ("Mohamed" and "Mohamed
  El-Hassan Mohamed") or ends the names of two different actors;
- a role used as a name ("le secrétaire d'Etat américain", the role of "Mike Pompeo").

Sharing words is not enough: "Mohamed", the son, and "Mohamed El-Hassan Mohamed", his
father, are two people.
"""

from __future__ import annotations

import re

from .article import Article
from .draft import DraftActor
from .grounding import fold
from .record import Mention

__all__ = ["find_mentions", "merge_actors", "surfaces"]

# A determiner opening a name: a whole word ("the", "la"), or an elided "l'".
_DETERMINER = re.compile(r"^(?:(?:le|la|les|the|a|an|un|une|el|los|las|der|die|das)\s+|l')")
# Words that name no one on their own: a mention made only of these is no evidence.
_EMPTY_NAMES = frozenset(
    {"he", "she", "it", "they", "him", "her", "them", "his", "hers", "its", "their", "we",
     "us", "you", "i", "il", "elle", "ils", "elles", "lui", "eux", "on", "nous", "vous",
     "son", "sa", "ses", "leur", "leurs", "the", "le", "la", "les", "l'", "a", "an", "un",
     "une"}
)  # fmt: skip


def _key(name: str) -> str:
    return fold(name).text.strip()


def _names(actor: DraftActor) -> set[str]:
    return {k for k in (_key(n) for n in [actor.name, *actor.mentions]) if k not in _EMPTY_NAMES}


def _ends_name(short: DraftActor, long: DraftActor) -> bool:
    """``short``'s name is the last words of ``long``'s, and not also its first word."""
    if short.kind != "person" or long.kind != "person":
        return False
    tail = _DETERMINER.sub("", _key(short.name)).split()
    words = _key(long.name).split()
    if not tail or len(tail) >= len(words) or words[-len(tail) :] != tail:
        return False
    return not (len(tail) == 1 and tail[0] in words[:-1])


def _same_actor(a: DraftActor, b: DraftActor, everyone: list[DraftActor]) -> bool:
    if a.id == b.id or _names(a) & _names(b):
        return True
    for short, long in ((a, b), (b, a)):
        if _ends_name(short, long):
            # A name that ends two different actors' names says nothing about which.
            others = [
                o
                for o in everyone
                if o is not long and o is not short and not _names(o) & _names(long)
            ]
            return not any(_ends_name(short, o) for o in others)
    return _is_role_of(a, b) or _is_role_of(b, a)


def _is_role_of(title: DraftActor, holder: DraftActor) -> bool:
    if holder.role is None or title.kind not in ("person", "other"):
        return False
    role = _DETERMINER.sub("", _key(holder.role))
    name = _DETERMINER.sub("", _key(title.name))
    return bool(role) and len(role.split()) >= 2 and name == role


def merge_actors(actors: list[DraftActor]) -> tuple[list[DraftActor], dict[str, str]]:
    """Merge actors that name the same entity; map each removed id to the kept one."""
    kept: list[DraftActor] = []
    id_map: dict[str, str] = {}
    for actor in actors:
        target = next((k for k in kept if _same_actor(k, actor, actors)), None)
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


def surfaces(actor: DraftActor) -> list[str]:
    """Names to look for: the name, the mentions, and a person's surname on its own."""
    found = [actor.name, *actor.mentions]
    words = actor.name.split()
    if (
        actor.kind == "person"
        and len(words) >= 2
        and len(words[-1]) >= 3
        and words[-1][0].isupper()
    ):
        found.append(words[-1])
    return found


def find_mentions(names: list[str], article: Article) -> list[Mention]:
    """Every word-bounded occurrence in the body of any of ``names``, longest first."""
    folded = fold(article.text)
    body_start = folded.from_original(article.body_start, article.body_start)[0]
    spans: list[tuple[int, int]] = []
    for needle in sorted({_key(s) for s in names} - {""}, key=len, reverse=True):
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
