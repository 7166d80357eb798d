"""Internal: Actors: which draft actors are one entity, and where each is named in the text.

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
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from .article import Article
from .draft import DraftActor
from .grounding import fold
from .mentions import WORD as _FIRST_WORD
from .mentions import name_spans, names_no_one, surface_names
from .record import Mention

__all__ = ["find_mentions", "merge_actors", "named_in", "surfaces"]

# A determiner opening a name: a whole word ("the", "la"), or an elided "l'".
_DETERMINER = re.compile(r"^(?:(?:le|la|les|the|a|an|un|une|el|los|las|der|die|das)\s+|l')")


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return fold(name).text.strip()


@lru_cache(maxsize=4096)
def _name_key(name: str) -> str | None:
    """A name as compared with others: folded, without a leading determiner; ``None`` for
    words that name no one ("he", "les"), but not for an acronym written so ("US")."""
    if names_no_one(name):
        return None
    key = _key(name)
    return _DETERMINER.sub("", key) or key


def _names(actor: DraftActor) -> set[str]:
    return {k for k in map(_name_key, [actor.name, *actor.mentions]) if k is not None}


# Words after which a name belongs to another entity than the whole ("X from Y", "X by Y").
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l'", "un", "une"})
_LINKS = frozenset({"from", "of", "by", "at", "in", "for", "with", "de", "du", "des", "d'", "par"})
# "and" between two given names: a couple or a family, not one person.
_COUPLE = re.compile(r"\s(?:&|and|et|und|y|e)\s|&", re.IGNORECASE)


def _ends_name(short: DraftActor, long: DraftActor) -> bool:
    """``short``'s name is a shorter form of ``long``'s.

    For people: ``long``'s name with words left out before its surname ("Pompeo",
    "President Trump" of "U.S. President Donald Trump"), or the same given name and
    surname under another title ("Facebook creator Mark Zuckerberg", "Facebook co-founder
    Mark Zuckerberg"); a one-word name must not also be an earlier word of the longer.
    For places and bodies: the name before the other's comma ("Irving", "Irving, Texas");
    never a name another opens with a qualifier, which may make it another body ("Syrian
    Army" and "Free Syrian Army", "Ministry of Health" of two governments).
    Never what the longer name is "from", "of" or "by" ("Lady Cassandra from Doctor Who"),
    two people who share only what they are "of" ("X of DAB", "Y of DAB"), nor a couple or
    family and one of them ("Mary & Leigh Block", "Leigh Block").
    """
    if short.kind != "person" or long.kind != "person":
        if "person" in (short.kind, long.kind) or "," not in long.name:
            return False
        return _name_key(long.name.split(",")[0]) == _name_key(short.name)
    if _COUPLE.search(long.name) and not _COUPLE.search(short.name):
        return False  # "Mary & Leigh Block" are two people, neither of them "Leigh Block"
    tail = _DETERMINER.sub("", _key(short.name)).split()
    words = _DETERMINER.sub("", _key(long.name)).split()
    if not tail or len(tail) > len(words) or tail == words or words[-1] != tail[-1]:
        return False
    common = 0
    while common < len(tail) and tail[-1 - common] == words[-1 - common]:
        common += 1
    if common < len(tail) and tail[len(tail) - common] in _LINKS:
        return False  # "Anna Kovacs of DAB", "Peter Ilic of DAB": one body, two people
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


class _Index:
    """Actors by the keys that can make two of them one: name, surname, initials, role.

    Two actors can be the same only if they share one of these keys, so a lookup gives
    every actor another could merge with, without comparing each pair.
    """

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], list[int]] = {}

    def add(self, n: int, actor: DraftActor) -> None:
        for key in _own_keys(actor):
            found = self.keys.setdefault(key, [])
            if not found or found[-1] != n:
                found.append(n)

    def near(self, actor: DraftActor) -> list[int]:
        """Everyone who could be ``actor``'s match, in the order they were added."""
        return sorted({n for key in _sought_keys(actor) for n in self.keys.get(key, ())})


def _own_keys(actor: DraftActor) -> list[tuple[str, str]]:
    keys = [("id", actor.id), *(("name", k) for k in _names(actor))]
    words = _key(actor.name).split()
    if words:
        keys.append(("last", words[-1]))
    if "," in actor.name and (prefix := _name_key(actor.name.split(",")[0])):
        keys.append(("prefix", prefix))
    if actor.role and (role := _DETERMINER.sub("", _key(actor.role))):
        keys.append(("role", role))
    if initials := _initials(actor.name):
        keys.append(("initials", initials))
    if letters := _letters(actor.name):
        keys.append(("letters", letters))
    return keys


def _sought_keys(actor: DraftActor) -> list[tuple[str, str]]:
    """The keys of the actors ``actor`` could be one with."""
    names = _names(actor)
    keys = [("id", actor.id), *(("name", k) for k in names), *(("prefix", k) for k in names)]
    words = _key(actor.name).split()
    if words:
        keys.append(("last", words[-1]))
    if "," in actor.name and (prefix := _name_key(actor.name.split(",")[0])):
        keys.append(("name", prefix))
    if actor.role and (role := _DETERMINER.sub("", _key(actor.role))):
        keys.append(("name", role))
    keys.extend(("role", k) for k in names)
    if initials := _initials(actor.name):
        keys.append(("letters", initials))
    if letters := _letters(actor.name):
        keys.append(("initials", letters))
    return keys


def _same_actor(
    a: DraftActor, b: DraftActor, everyone: Sequence[DraftActor], index: _Index
) -> bool:
    if a.id == b.id or _names(a) & _names(b):
        return True
    for short, long in ((a, b), (b, a)):
        if _ends_name(short, long):
            # A name that ends two different actors' names says nothing about which.
            return not any(
                _ends_name(short, o)
                for o in (everyone[n] for n in index.near(short))
                if o is not long and o is not short and not _names(o) & _names(long)
            )
    if _is_role_of(a, b) or _is_role_of(b, a):
        return True
    for short, long in ((a, b), (b, a)):
        if _is_acronym_of(short, long):
            # An acronym that two actors' names spell says nothing about which.
            return not any(
                _is_acronym_of(short, o)
                for o in (everyone[n] for n in index.near(short))
                if o is not long and o is not short and not _names(o) & _names(long)
            )
    return False


_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "et", "&"})


def _is_acronym_of(short: DraftActor, long: DraftActor) -> bool:
    """``short`` is the initials of ``long``'s name ("U.N.", "United Nations"; "NSW",
    "New South Wales"), the words "of", "the", "and" left out."""
    if short.kind == "person" or long.kind == "person":
        return False
    letters = _letters(short.name)
    return letters is not None and letters == _initials(long.name)


@lru_cache(maxsize=4096)
def _letters(name: str) -> str | None:
    """The letters of a name written as an acronym ("U.N." gives "UN"), else ``None``."""
    letters = name.strip().replace(" ", "")
    return letters.replace(".", "") if _ACRONYM.match(letters) else None


@lru_cache(maxsize=4096)
def _initials(name: str) -> str | None:
    """The initials of a name of two words or more, "of", "the", "and" left out."""
    words = [w for w in re.split(r"[\s-]+", name.strip()) if w and w.lower() not in _MINOR_WORDS]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else None


def _is_role_of(title: DraftActor, holder: DraftActor) -> bool:
    if holder.role is None or title.kind not in ("person", "other"):
        return False
    role = _DETERMINER.sub("", _key(holder.role))
    name = _DETERMINER.sub("", _key(title.name))
    return bool(role) and len(role.split()) >= 2 and name == role


def merge_actors(actors: list[DraftActor]) -> tuple[list[DraftActor], dict[str, str]]:
    """Merge actors that name the same entity; map each removed id to the kept one."""
    everyone = _Index()
    for n, actor in enumerate(actors):
        everyone.add(n, actor)
    kept: list[DraftActor] = []
    index = _Index()
    id_map: dict[str, str] = {}
    for actor in actors:
        at = next(
            (n for n in index.near(actor) if _same_actor(kept[n], actor, actors, everyone)), None
        )
        if at is None:
            index.add(len(kept), actor)
            kept.append(actor)
            continue
        target = kept[at]
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
        kept[at] = merged
        index.add(at, merged)
    return kept, id_map


def surfaces(actor: DraftActor) -> list[str]:
    """Names to look for: the name, the mentions, and a person's surname on its own."""
    return surface_names(actor.name, actor.kind, actor.mentions)


def named_in(actors: Sequence[DraftActor], article: Article, lo: int, hi: int) -> list[DraftActor]:
    """The ``actors`` the text between offsets ``lo`` and ``hi`` may speak of, those it
    most likely names first.

    An actor qualifies when a proper word of its name or mentions stands in the span: a
    word written with a capital, other than a determiner or a word that names no one
    ("The" of "The Afghan team"). A surname, an acronym or a nationality ("Afghan") is
    enough: the span may name the actor in a form no earlier answer used. A word that
    ``_COMMON_WORD`` or more of the actors share (a title, a common given name:
    "Minister", "Anna") is no sign of any one of them. Actors whose rarest word in the
    span is shared by fewer actors come first; ties keep the order given.
    """
    present = set(_FIRST_WORD.findall(fold(article.text[lo:hi]).text))
    words = [_proper_words(actor) for actor in actors]
    shared = Counter(word for found in words for word in found)
    ranked: list[tuple[int, int]] = []
    for n, found in enumerate(words):
        signs = [shared[word] for word in found & present if shared[word] < _COMMON_WORD]
        if signs:
            ranked.append((min(signs), n))
    return [actors[n] for _, n in sorted(ranked)]


#: How many actors may share a word before it says nothing about which is meant.
_COMMON_WORD = 4


def _proper_words(actor: DraftActor) -> frozenset[str]:
    """The folded words of ``actor``'s name and mentions that are written with a capital
    and name someone: no determiner, no pronoun."""
    return frozenset(
        word
        for surface in (actor.name, *actor.mentions)
        for written in _FIRST_WORD.findall(surface)
        if written[:1].isupper()
        and not names_no_one(written)
        and not _DETERMINER.match((word := _key(written)) + " ")
    )


def find_mentions(names: list[str], article: Article) -> list[Mention]:
    """Every word-bounded occurrence in the body of any of ``names``, longest first."""
    return [Mention(text=article.text[s:e], start=s, end=e) for s, e in name_spans(names, article)]
