"""Actors: which draft actors are one entity, and where each is named in the text.

Two actors are merged only on evidence that their names are one person or body:

- the same id, or a name or mention they share ("Pompeo" given for both);
- a shorter form of another's name (see ``_ends_name``): "Pompeo" of "Mike Pompeo",
  "President Trump" of "U.S. President Donald Trump", "Irving" of "Irving, Texas",
  unless that is ambiguous: a one-word name that also opens the
  longer ("Mohamed" and "Mohamed El-Hassan Mohamed"), a name that fits two different
  actors, or the end of "X from Y";
- a role used as a name ("le secrétaire d'Etat américain", the role of "Mike Pompeo");
- an acronym of another's name ("U.N.", "United Nations"), when no third actor's name
  has the same initials.

Sharing words is not enough: "Mohamed", the son, and "Mohamed El-Hassan Mohamed", his
father, are two people.
"""

from __future__ import annotations

import re
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return fold(name).text.strip()


@lru_cache(maxsize=4096)
def _name_key(name: str) -> str | None:
    """A name as compared with others: folded, without a leading determiner; ``None`` for
    a word that names no one ("he", "les"), but not for an acronym written so ("US")."""
    key = _key(name)
    if key in _EMPTY_NAMES and not (name.isupper() and len(name) > 1):
        return None
    return _DETERMINER.sub("", key) or key


def _names(actor: DraftActor) -> set[str]:
    return {k for k in map(_name_key, [actor.name, *actor.mentions]) if k is not None}


# Words after which a name belongs to another entity than the whole ("X from Y", "X by Y").
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l'", "un", "une"})
_LINKS = frozenset({"from", "of", "by", "at", "in", "for", "with", "de", "du", "des", "d'", "par"})


def _ends_name(short: DraftActor, long: DraftActor) -> bool:
    """``short``'s name is a shorter form of ``long``'s.

    For people: ``long``'s name with words left out before its surname ("Pompeo",
    "President Trump" of "U.S. President Donald Trump"), or the same given name and
    surname under another title ("Facebook creator Mark Zuckerberg", "Facebook co-founder
    Mark Zuckerberg"); a one-word name must not also be an earlier word of the longer.
    For places and bodies: the name before the other's comma ("Irving", "Irving, Texas").
    Never what the longer name is "from", "of" or "by" ("Lady Cassandra from Doctor Who").
    """
    if short.kind != "person" or long.kind != "person":
        if "person" in (short.kind, long.kind) or "," not in long.name:
            return False
        return _name_key(long.name.split(",")[0]) == _name_key(short.name)
    tail = _DETERMINER.sub("", _key(short.name)).split()
    words = _DETERMINER.sub("", _key(long.name)).split()
    if not tail or len(tail) > len(words) or tail == words or words[-1] != tail[-1]:
        return False
    shared = 2 if len(tail) >= 2 and tail[-2:] == words[-2:] else 1
    before = [w for w in words[: len(words) - shared] if w not in _ARTICLES]
    if before and before[-1] in _LINKS:
        return False  # the end names someone else
    if shared == 2:
        return True
    if len(tail) == 1:
        return tail[0] not in words[:-1]
    if len(tail) >= len(words):
        return False
    rest = iter(words[:-1])
    return all(word in rest for word in tail[:-1])  # in order, as a subsequence


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
    if _is_role_of(a, b) or _is_role_of(b, a):
        return True
    for short, long in ((a, b), (b, a)):
        if _is_acronym_of(short, long):
            # An acronym that two actors' names spell says nothing about which.
            return not any(_is_acronym_of(short, o) for o in everyone if o is not long
                           and o is not short and not _names(o) & _names(long))  # fmt: skip
    return False


_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "et", "&"})


def _is_acronym_of(short: DraftActor, long: DraftActor) -> bool:
    """``short`` is the initials of ``long``'s name ("U.N.", "United Nations"; "NSW",
    "New South Wales"), the words "of", "the", "and" left out."""
    if short.kind == "person" or long.kind == "person":
        return False
    letters = short.name.strip().replace(" ", "")
    if not _ACRONYM.match(letters):
        return False
    words = [w for w in re.split(r"[\s-]+", long.name.strip()) if w.lower() not in _MINOR_WORDS]
    return len(words) >= 2 and "".join(w[0] for w in words).upper() == letters.replace(".", "")


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
