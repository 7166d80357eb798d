"""Internal: Is a name a country, or does it name a body? For judging an actor's kind.

Countries come from ISO 3166 as ``pycountry`` maintains it: each country's name, common
and official names, its name before the comma ("Iran" of "Iran, Islamic Republic of"),
the same in French from pycountry's translations, former countries (ISO 3166-3), and
the two- and three-letter codes when written in capitals ("US", "USA"). Names are
compared folded (lower case, no accents) and without a leading article ("the United
States", "les États-Unis").

A body is named by its head noun, a closed class of the languages: ministry, party,
army, council, ministère, parti, armée, conseil ... (``body_word``).
"""

from __future__ import annotations

import gettext
import re
from functools import cache

import pycountry

from .grounding import fold

__all__ = ["body_word", "is_country"]

_ARTICLE = re.compile(r"^(?:(?:the|le|la|les)\s+|l'\s*)")
_BODIES = frozenset(
    [
        "ministry",
        "ministries",
        "department",
        "office",
        "agency",
        "agencies",
        "council",
        "committee",
        "commission",
        "party",
        "parties",
        "army",
        "armies",
        "forces",
        "militia",
        "militias",
        "brigade",
        "brigades",
        "battalion",
        "regiment",
        "police",
        "government",
        "administration",
        "cabinet",
        "parliament",
        "senate",
        "congress",
        "assembly",
        "court",
        "tribunal",
        "company",
        "corporation",
        "bank",
        "group",
        "union",
        "organisation",
        "organization",
        "association",
        "federation",
        "movement",
        "front",
        "university",
        "embassy",
        "consulate",
        "authority",
        "authorities",
        "board",
        "bureau",
        "institute",
        "foundation",
        "ministere",
        "ministeres",
        "departement",
        "agence",
        "conseil",
        "comite",
        "commission",
        "parti",
        "partis",
        "armee",
        "armees",
        "milice",
        "milices",
        "brigade",
        "bataillon",
        "regiment",
        "gouvernement",
        "cabinet",
        "parlement",
        "senat",
        "congres",
        "assemblee",
        "cour",
        "tribunal",
        "compagnie",
        "societe",
        "entreprise",
        "banque",
        "groupe",
        "syndicat",
        "organisation",
        "association",
        "federation",
        "mouvement",
        "universite",
        "ambassade",
        "consulat",
        "autorite",
        "autorites",
        "institut",
        "fondation",
    ]
)

# Body words that are also surnames ("Jean Bureau", "Margaret Court").
_SURNAMES = frozenset(
    [
        "bureau",
        "court",
        "bank",
        "board",
        "cabinet",
        "front",
        "union",
        "office",
        "police",
        "cour",
        "banque",
        "conseil",
    ]
)
# Heads of some states' own names: the Soviet Union, the Russian Federation.
_STATE_HEADS = frozenset({"union", "federation"})


def _key(name: str) -> str:
    return _ARTICLE.sub("", " ".join(fold(name).text.split()))


def _forms(name: str) -> set[str]:
    forms = {name, name.split(",")[0]}
    words = name.split()
    # "Russian Federation": the country is also called by the word its adjective is made from.
    if len(words) >= 2 and words[0].endswith("ian"):
        forms.add(words[0][:-1])
    return forms


@cache
def _countries() -> tuple[frozenset[str], frozenset[str]]:
    """Country names, folded, and country codes."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    french_former = gettext.translation("iso3166-3", pycountry.LOCALES_DIR, languages=["fr"])
    names: set[str] = set()
    codes: set[str] = set()
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names |= _forms(value) | _forms(french.gettext(value))
        codes |= {country.alpha_2, country.alpha_3}
    for former in pycountry.historic_countries:
        names |= _forms(former.name) | _forms(french_former.gettext(former.name))
    return frozenset(k for k in map(_key, names) if k), frozenset(codes)


def is_country(name: str) -> bool:
    """Whether ``name`` is a country's name, in English or French, or its ISO code."""
    names, codes = _countries()
    letters = "".join(c for c in name if c.isalpha())
    if letters.isupper() and 2 <= len(letters) <= 3 and letters in codes:
        return True
    return _key(name) in names


def body_word(name: str, *, state: bool = False, person: bool = False) -> str | None:
    """The word of ``name`` that names a body ("Ministry" of "Ministry of Defence").

    With ``state``, words that also name states ("Union", "Federation") are passed over;
    with ``person``, words that are also surnames ("Bureau", "Court", "Bank").
    """
    folded = fold(name)
    for match in re.finditer(r"[^\W_]+", folded.text):
        word = match.group()
        if word in _BODIES and not (
            (state and word in _STATE_HEADS) or (person and word in _SURNAMES)
        ):
            start, end = folded.to_original(match.start(), match.end())
            return name[start:end]
    return None
