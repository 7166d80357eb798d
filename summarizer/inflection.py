"""Internal: Cue words with their inflections: how a list of verbs, nouns and phrases in English
and French becomes the folded forms a text can hold, each knowing its form.

``attack`` gives attack, attacks, attacked, attacking; ``attaquer`` gives its present,
past, participle, future (``attaquera``), conditional (``attaquerait``) and present
participle; irregular verbs are written out. Forms are folded like the text (lower
case, no accents: see ``grounding.fold``), so "attaqué" and "attaque" are one form that
may be a participle or a present. The word lists themselves are in ``cues``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Cue", "Form", "Lexicon", "cues_of"]

#: What an inflected form is: ``finite`` (a conjugated verb: present or past),
#: ``participle`` (may be passive), ``infinitive``, ``ing``, ``future``,
#: ``conditional`` or ``noun``.
Form = Literal["finite", "participle", "infinitive", "ing", "future", "conditional", "noun"]


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue: the words as folded, what they signal, and the form of their head."""

    words: tuple[str, ...]
    label: str
    forms: frozenset[Form]


class Lexicon:
    """Cues looked up by their first word."""

    def __init__(self, cues: Iterable[Cue]) -> None:
        self._by_first: dict[str, list[Cue]] = {}
        for cue in cues:
            listed = self._by_first.setdefault(cue.words[0], [])
            same = next((c for c in listed if c.words == cue.words and c.label == cue.label), None)
            if same is None:
                listed.append(cue)
            else:
                listed[listed.index(same)] = Cue(cue.words, cue.label, same.forms | cue.forms)
        for listed in self._by_first.values():
            listed.sort(key=lambda c: -len(c.words))

    def at(self, words: list[str], i: int) -> list[Cue]:
        """The cues that start at ``words[i]``, the longest first, one per label."""
        found: list[Cue] = []
        labels: set[str] = set()
        for cue in self._by_first.get(words[i], ()):
            n = len(cue.words)
            if cue.label not in labels and tuple(words[i : i + n]) == cue.words:
                found.append(cue)
                labels.add(cue.label)
        return found

    def __contains__(self, word: str) -> bool:
        return word in self._by_first


# Inflection -------------------------------------------------------------------------

_VOWELS = set("aeiou")


def _en_verb(spec: str) -> dict[str, set[Form]]:
    """English forms of a verb: ``attack``, ``ban+`` (doubles its last consonant), or
    ``shoot/shot/shot`` (base/past/participle) for an irregular one."""
    parts = spec.rstrip("+").split("/")
    base = parts[0]
    forms: dict[str, set[Form]] = {}

    def add(word: str, *kinds: Form) -> None:
        forms.setdefault(word, set()).update(kinds)

    add(base, "finite", "infinitive")
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        add(base + "es", "finite")
    elif base.endswith("y") and base[-2] not in _VOWELS:
        add(base[:-1] + "ies", "finite")
    else:
        add(base + "s", "finite")
    stem = base + base[-1] if spec.endswith("+") else base
    if base.endswith("ie"):
        ing = base[:-2] + "ying"
    elif base.endswith("e") and not base.endswith("ee"):
        ing = base[:-1] + "ing"
    else:
        ing = stem + "ing"
    add(ing, "ing")
    if len(parts) == 3:
        add(parts[1], "finite")
        add(parts[2], "participle")
    elif base.endswith("e"):
        add(base + "d", "finite", "participle")
    elif base.endswith("y") and base[-2] not in _VOWELS:
        add(base[:-1] + "ied", "finite", "participle")
    else:
        add(stem + "ed", "finite", "participle")
    return forms


def _en_noun(word: str) -> dict[str, set[Form]]:
    if word.endswith(("s", "sh", "ch", "x", "z")):
        plural = word + "es"
    elif word.endswith("y") and word[-2] not in _VOWELS:
        plural = word[:-1] + "ies"
    else:
        plural = word + "s"
    return {word: {"noun"}, plural: {"noun"}}


def _fr_verb(spec: str) -> dict[str, set[Form]]:
    """French forms of a regular verb, folded: first group (``attaquer``; ``rejeter+``
    doubles its consonant, as in "rejette") or second (``saisir``)."""
    base = spec.rstrip("+")
    forms: dict[str, set[Form]] = {}

    def add(words: Iterable[str], kind: Form) -> None:
        for word in words:
            forms.setdefault(word, set()).add(kind)

    if base.endswith("er"):
        stem = base[:-2]
        soft = stem + "e" if stem.endswith("g") else stem  # dirigeait, dirigeons
        strong = stem + stem[-1] if spec.endswith("+") else stem  # rejette, appelle
        if stem.endswith("y"):  # deploie, appuie
            strong = stem[:-1] + "i"
        add([base], "infinitive")
        add([strong + "e", strong + "es", strong + "ent", soft + "ons", stem + "ez"], "finite")
        add([soft + e for e in ("ais", "ait", "aient", "a", "as", "ai")], "finite")
        add([stem + "ions", stem + "iez", stem + "erent"], "finite")
        add([stem + e for e in ("e", "ee", "es", "ees")], "participle")
        add([soft + "ant"], "ing")
        add([strong + e for e in ("erai", "eras", "era", "erons", "erez", "eront")], "future")
        add([strong + e for e in ("erais", "erait", "erions", "eriez", "eraient")], "conditional")
    elif base.endswith("ir"):
        stem = base[:-2]
        add([base], "infinitive")
        add([stem + e for e in ("is", "it", "issons", "issez", "issent", "issais", "issait",
                                "issaient", "irent")], "finite")  # fmt: skip
        add([stem + e for e in ("i", "ie", "is", "ies")], "participle")
        add([stem + "issant"], "ing")
        add([stem + e for e in ("irai", "ira", "irons", "irez", "iront")], "future")
        add([stem + e for e in ("irais", "irait", "irions", "iriez", "iraient")], "conditional")
    else:
        raise ValueError(f"not a regular French verb: {spec}")
    return forms


def _fr_irregular(spec: str) -> dict[str, set[Form]]:
    """An irregular French verb as ``infinitive|finite forms|participles|future stem``."""
    infinitive, finite, participles, future = spec.split("|")
    forms: dict[str, set[Form]] = {infinitive: {"infinitive"}}
    for word in finite.split():
        forms.setdefault(word, set()).add("finite")
    for word in participles.split():
        forms.setdefault(word, set()).add("participle")
    for ending in ("ai", "a", "ons", "ez", "ont"):
        forms.setdefault(future + ending, set()).add("future")
    for ending in ("ais", "ait", "ions", "iez", "aient"):
        forms.setdefault(future + ending, set()).add("conditional")
    return forms


def _fr_noun(word: str) -> dict[str, set[Form]]:
    if word.endswith(("s", "x", "z")):
        plural = word
    elif word.endswith("al"):
        plural = word[:-2] + "aux"
    elif word.endswith("eau"):
        plural = word + "x"
    else:
        plural = word + "s"
    return {word: {"noun"}, plural: {"noun"}}


def cues_of(
    label: str,
    *,
    en_verbs: str = "",
    en_nouns: str = "",
    fr_verbs: str = "",
    fr_irregular: Iterable[str] = (),
    fr_nouns: str = "",
    phrases: str = "",
) -> list[Cue]:
    """The cues of one label. A phrase (``call on; mettre en garde``) inflects its
    first word when that word is a verb of the lists, or is taken as written."""
    heads: dict[str, set[Form]] = {}

    def merge(forms: dict[str, set[Form]]) -> None:
        for word, kinds in forms.items():
            heads.setdefault(word, set()).update(kinds)

    for spec in en_verbs.split():
        merge(_en_verb(spec))
    for word in en_nouns.split():
        merge(_en_noun(word))
    for spec in fr_verbs.split():
        merge(_fr_verb(spec))
    for spec in fr_irregular:
        merge(_fr_irregular(spec))
    for word in fr_nouns.split():
        merge(_fr_noun(word))
    cues = [Cue((word,), label, frozenset(kinds)) for word, kinds in heads.items()]
    for phrase in filter(None, (p.strip() for p in phrases.split(";"))):
        first, *rest = phrase.split()
        inflected = _phrase_heads(first)
        for word, kinds in inflected.items():
            cues.append(Cue((word, *rest), label, frozenset(kinds)))
    return cues


def _phrase_heads(first: str) -> dict[str, set[Form]]:
    """The forms of a phrase's first word: ``call/`` (``step+/``, ``hold/held/held``)
    is an English verb, ``appeler~`` a French one (``~+`` doubling its consonant),
    anything else is taken as written."""
    if "/" in first:
        return _en_verb(first.rstrip("/"))
    if first.endswith("~+"):
        return _fr_verb(first[:-2] + "+")
    if first.endswith("~"):
        return _fr_verb(first[:-1])
    if first.endswith("ing"):
        return {first: {"ing"}}
    # A form written out ("backed", "mis", "tire") may be a past or a participle.
    return {first: {"finite", "participle"}}
