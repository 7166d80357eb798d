"""Cue words that tell what an item's fields mean, in English and French.

Folded like the text (lower case, no accents: see ``grounding.fold``), each with its
inflections, so that the checks in ``meaning`` can read an event's type, whether it
happened, and a stance's position off the words of its evidence.

- **Event types**: for each of PLOVER's sixteen types, the verbs and nouns its
  definition names (AGREE: agree, sign, accord; ASSAULT: attack, kill, bomb; ...), as
  the CAMEO and PLOVER verb dictionaries list them. A word of two types ("strike":
  PROTEST and ASSAULT; "condamner": ACCUSE and COERCE) counts for both.
- **Realis**: negation, future and intent, modality and conditionals.
- **Positions** of a stance, with the polarity that makes two positions opposite.

Words that are as often something else in news are left out ("call" alone, "recognise",
"louer", "recevoir"), or kept only inside a phrase ("call on", "appeler à", "mettre en
garde"). The lists are the languages' own vocabulary, not words picked from articles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

__all__ = [
    "FR_NE",
    "FR_NEGATION_PARTNERS",
    "POLARITY",
    "Cue",
    "Form",
    "Lexicon",
    "event_cues",
    "position_cues",
    "realis_cues",
]

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


def _cues(
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


# Event types (PLOVER) ---------------------------------------------------------------

_EVENTS: tuple[list[Cue], ...] = (
    _cues(
        "agree",
        en_verbs="agree ratify settle",
        en_nouns="agreement accord treaty ceasefire cease-fire truce pact deal armistice",
        fr_verbs="accepter signer ratifier",
        fr_irregular=[
            "conclure|conclut concluent conclurent|conclu conclue conclus conclues|conclur",
            "convenir|convient conviennent convint|convenu convenue convenus|conviendr",
        ],
        fr_nouns="accord traite treve pacte armistice entente",
        phrases="signed; signing; cease fire; cessez le feu; reach/ a deal; reach/ an agreement",
    ),
    _cues(
        "consult",
        en_verbs="meet/met/met talk visit host negotiate discuss consult confer mediate",
        en_nouns="meeting talks visit summit negotiation discussion consultation "
        "conference mediation",
        fr_verbs="rencontrer reunir discuter negocier consulter visiter telephoner dialoguer",
        fr_nouns="rencontre reunion entretien visite sommet negociation discussion "
        "pourparlers consultation mediation conference",
        phrases="hold/held/held talks; s entretenir; s est entretenu; se sont entretenus",
    ),
    _cues(
        "support",
        en_verbs="praise endorse welcome commend hail congratulate applaud "
        "apologize apologise forgive/forgave/forgiven",
        en_nouns="praise endorsement apology",
        fr_verbs="saluer feliciter approuver appuyer pardonner remercier applaudir",
        fr_irregular=[
            "soutenir|soutient soutiennent soutenons soutenez soutenait soutenaient soutint"
            "|soutenu soutenue soutenus soutenues|soutiendr"
        ],
        fr_nouns="soutien appui felicitations eloge excuses",
        phrases="support/; backed; backing; s excuser; s est excuse",
    ),
    _cues(
        "concede",
        en_verbs="concede yield release ease relax resign pardon surrender",
        en_nouns="concession release resignation amnesty pardon",
        fr_verbs="ceder conceder liberer relacher lever demissionner "
        "renoncer gracier capituler assouplir",
        fr_nouns="concession liberation demission amnistie",
        phrases="freed; freeing; step+/ down; back/ down; lift/ sanctions; lift/ the sanctions",
    ),
    _cues(
        "cooperate",
        en_verbs="cooperate co-operate collaborate partner extradite coordinate",
        en_nouns="cooperation co-operation collaboration partnership extradition alliance",
        fr_verbs="cooperer collaborer extrader coordonner",
        fr_nouns="cooperation collaboration partenariat extradition alliance",
    ),
    _cues(
        "aid",
        en_verbs="aid assist help donate supply finance rescue",
        en_nouns="aid assistance donation relief funding loan",
        fr_verbs="aider financer livrer fournir",
        fr_irregular=["secourir|secourt secourent secourut|secouru secourue secourus|secourr"],
        fr_nouns="aide assistance secours don financement pret",
        phrases="support/; funded; funding; give/gave/given aid; grant/ asylum",
    ),
    _cues(
        "retreat",
        en_verbs="withdraw/withdrew/withdrawn retreat demobilize demobilise disarm "
        "surrender evacuate",
        en_nouns="withdrawal retreat pullout disarmament demobilization demobilisation surrender",
        fr_verbs="retirer replier evacuer desarmer capituler reculer",
        fr_nouns="retrait repli evacuation desarmement capitulation reddition",
        phrases="pull/ out; pull/ back; se retirer; battre en retraite",
    ),
    _cues(
        "request",
        en_verbs="ask request urge appeal demand plead beg seek/sought/sought",
        en_nouns="request appeal demand plea",
        fr_verbs="demander reclamer exiger exhorter solliciter implorer",
        fr_nouns="demande appel requete revendication exigence",
        phrases="call/ on; call/ for; calls for; call upon; called upon; appeler~+ a; "
        "appeler~+ au; appeler~+ aux; appel a; lance un appel; inviter~ a",
    ),
    _cues(
        "accuse",
        en_verbs="accuse blame criticize criticise condemn denounce allege sue "
        "investigate probe decry deplore slam+ fault",
        en_nouns="accusation allegation criticism condemnation charge lawsuit "
        "investigation probe complaint",
        fr_verbs="accuser critiquer condamner denoncer reprocher blamer fustiger "
        "incriminer enqueter inculper",
        fr_nouns="accusation critique condamnation denonciation reproche enquete plainte "
        "inculpation",
        phrases="charged; charging; charges; mettre en cause; mis en cause",
    ),
    _cues(
        "reject",
        en_verbs="reject refuse deny dismiss veto rebuff decline defy",
        en_nouns="rejection refusal denial veto",
        fr_verbs="rejeter+ refuser nier recuser decliner opposer",
        fr_irregular=["dementir|dement dementent dementait|dementi dementie|dementir"],
        fr_nouns="rejet refus dementi veto",
    ),
    _cues(
        "threaten",
        en_verbs="threaten warn",
        en_nouns="threat warning ultimatum",
        fr_verbs="menacer",
        fr_irregular=["avertir|avertit avertissent avertissait|averti avertie avertis|avertir"],
        fr_nouns="menace avertissement ultimatum",
        phrases="mettre en garde; mis en garde; met en garde; mise en garde",
    ),
    _cues(
        "protest",
        en_verbs="protest demonstrate rally riot boycott picket strike/struck/struck",
        en_nouns="protest demonstration rally riot boycott strike sit-in",
        fr_verbs="manifester protester defiler boycotter rassembler",
        fr_nouns="manifestation protestation greve emeute rassemblement defile boycott "
        "mobilisation",
        phrases="marched; marching; faire greve; font greve; en greve",
    ),
    _cues(
        "sanction",
        en_verbs="sanction embargo expel+ suspend freeze/froze/frozen blacklist downgrade",
        en_nouns="sanction embargo expulsion suspension blacklist tariff",
        fr_verbs="sanctionner expulser geler boycotter",
        fr_irregular=[
            "suspendre|suspend suspendent suspendait|suspendu suspendue suspendus|suspendr",
            "rompre|rompt rompent rompait|rompu rompue rompus|rompr",
        ],
        fr_nouns="sanction embargo expulsion suspension rupture",
        phrases="cut/cut/cut ties; cut/cut/cut off",
    ),
    _cues(
        "mobilize",
        en_verbs="mobilize mobilise deploy reinforce",
        en_nouns="mobilization mobilisation deployment reinforcement drill maneuver "
        "manoeuvre buildup build-up",
        fr_verbs="mobiliser deployer renforcer depecher",
        fr_nouns="mobilisation deploiement renfort manoeuvre manœuvre",
    ),
    _cues(
        "coerce",
        en_verbs="arrest detain imprison jail seize confiscate ban+ censor deport expel+ "
        "sentence convict prosecute impound",
        en_nouns="arrest detention imprisonment seizure ban censorship deportation "
        "expulsion curfew crackdown sentence conviction prosecution",
        fr_verbs="arreter interpeller emprisonner incarcerer saisir confisquer censurer "
        "expulser deporter condamner inculper reprimer perquisitionner",
        fr_irregular=[
            "detenir|detient detiennent detenait|detenu detenue detenus detenues|detiendr",
            "interdire|interdit interdisent interdisait|interdit interdite interdits|interdir",
        ],
        fr_nouns="arrestation interpellation detention emprisonnement saisie confiscation "
        "interdiction censure expulsion deportation repression perquisition condamnation",
        phrases="charged; charging; crack+/ down; couvre feu",
    ),
    _cues(
        "assault",
        en_verbs="attack kill bomb shell shoot/shot/shot strike/struck/struck assassinate "
        "abduct kidnap+ torture massacre wound injure raid ambush execute murder "
        "behead stab+ invade besiege",
        en_nouns="attack assault airstrike strike bombing bomb shelling shooting killing "
        "assassination abduction kidnapping torture massacre raid ambush invasion blast "
        "explosion murder offensive gunfire",
        fr_verbs="attaquer tuer bombarder frapper assassiner kidnapper blesser massacrer "
        "torturer executer pilonner agresser poignarder egorger enlever envahir",
        fr_irregular=["abattre|abat abattent abattait|abattu abattue abattus|abattr"],
        fr_nouns="attaque attentat assaut frappe bombardement raid embuscade tir fusillade "
        "explosion assassinat enlevement massacre meurtre torture invasion offensive "
        "agression tuerie",
        phrases="stormed; storming; open/ fire; fire/ on; blow/blew/blown up; set/set/set fire; "
        "ouvrir le feu; ouvert le feu; tirer~ sur; tire sur; prendre d assaut; "
        "pris d assaut",
    ),
)


@cache
def event_cues() -> Lexicon:
    """The cue words of PLOVER's event types, labelled by type."""
    return Lexicon(cue for cues in _EVENTS for cue in cues)


# Realis -------------------------------------------------------------------------------

#: Words that negate the verb they stand before (or, in French, around).
_NEGATION = _cues(
    "negation",
    en_verbs="fail refuse deny cancel abandon",
    fr_verbs="refuser nier echouer annuler abandonner",
    fr_irregular=["dementir|dement dementent dementait|dementi dementie|dementir"],
    phrases="not; never; no; none; neither; nor; without; cannot; no longer; call/ off; "
    "stop+/ short of; "
    "sans; jamais; aucun; aucune; nullement; ni",
)
#: French negation around the verb: "ne ... pas", "n'a jamais".
FR_NE = frozenset({"ne", "n"})
FR_NEGATION_PARTNERS = frozenset(
    {"pas", "jamais", "plus", "point", "guere", "rien", "aucun", "aucune", "personne", "ni"}
)
_FUTURE = _cues(
    "future",
    en_verbs="plan+ intend aim prepare vow pledge promise threaten schedule want wish hope "
    "seek/sought/sought try attempt",
    fr_verbs="envisager projeter+ menacer souhaiter esperer tenter essayer",
    fr_irregular=[
        "prevoir|prevoit prevoient prevoyait|prevu prevue prevus|prevoir",
        "promettre|promet promettent promettait|promis promise|promettr",
        "compter|compte comptent comptait|compte|compter",
        "vouloir|veut veulent voulait voulaient voulu|voulu voulue|voudr",
    ],
    phrases="will; shall; ll; going to; set to; about to; expected; next week; next month; "
    "next year; coming days; coming weeks; scheduled; "
    "is to; are to; was to; were to; upcoming; va; vont; allait; allaient; "
    "s apprete; s appretent; s appretait; prochain; prochaine; prochainement; "
    "d ici; doit; doivent; devait; devaient",
)
_MODAL = _cues(
    "modality",
    phrases="would; could; may; might; should; must; if; unless; whether; possible; "
    "possibly; potential; potentially; likely; probably; perhaps; allegedly; reportedly; "
    "pourrait; pourraient; pourra; pourront; peut; peuvent; puisse; puissent; "
    "devrait; devraient; aurait; auraient; eventuel; eventuelle; eventuellement; "
    "probablement; peut etre; s il; s ils; presume; presumee; suppose; supposee",
    en_verbs="suspect believe theorize theorise speculate allege",
    fr_verbs="soupconner supposer presumer",
)


@cache
def realis_cues() -> Lexicon:
    """Negation, future or intent, and modality cues."""
    return Lexicon([*_NEGATION, *_FUTURE, *_MODAL])


# Stance positions ------------------------------------------------------------------

_POSITIONS: tuple[list[Cue], ...] = (
    _cues(
        "condemn",
        en_verbs="condemn denounce decry deplore slam+ lambast castigate criticize criticise",
        en_nouns="condemnation denunciation criticism critic",
        fr_verbs="condamner denoncer fustiger deplorer stigmatiser critiquer",
        fr_nouns="condamnation denonciation critique",
    ),
    _cues(
        "praise",
        en_verbs="praise welcome hail commend laud applaud congratulate salute",
        en_nouns="praise tribute",
        fr_verbs="saluer feliciter applaudir",
        fr_nouns="felicitations eloge hommage",
        phrases="se rejouir; se rejouit; s est rejoui; rendre hommage; rend hommage; "
        "a rendu hommage; pay/paid/paid tribute",
    ),
    _cues(
        "support",
        en_verbs="support endorse defend approve favour favor recommend",
        en_nouns="support backing endorsement",
        fr_verbs="appuyer approuver plaider recommander",
        fr_irregular=[
            "defendre|defend defendent defendait|defendu defendue defendus|defendr",
            "soutenir|soutient soutiennent soutenons soutenez soutenait soutenaient soutint"
            "|soutenu soutenue soutenus soutenues|soutiendr",
        ],
        fr_nouns="soutien appui",
        phrases="backed; backing; stand/stood/stood with; in favour of; in favor of; favorable a",
    ),
    _cues(
        "oppose",
        en_verbs="oppose reject resist refuse veto criticize criticise",
        en_nouns="opposition rejection objection refusal criticism critic",
        fr_verbs="opposer rejeter+ refuser contester",
        fr_nouns="opposition rejet refus",
        phrases="objected; objecting; object to; critical of; s opposer; s oppose; s opposent; "
        "hostile a; oppose a; opposee a",
    ),
    _cues(
        "accuse",
        en_verbs="accuse blame allege",
        en_nouns="accusation allegation",
        fr_verbs="accuser reprocher imputer blamer",
        fr_nouns="accusation reproche",
        phrases="hold/held/held responsible; tenir pour responsable; tient pour responsable; "
        "mettre en cause; mis en cause; met en cause",
    ),
    _cues(
        "warn",
        en_verbs="warn caution threaten",
        en_nouns="warning threat",
        fr_verbs="menacer",
        fr_irregular=["avertir|avertit avertissent avertissait|averti avertie avertis|avertir"],
        fr_nouns="avertissement menace",
        phrases="mettre en garde; mis en garde; met en garde; mise en garde",
    ),
    _cues(
        "demand",
        en_verbs="demand urge ask insist recommend advise",
        en_nouns="demand appeal",
        fr_verbs="exiger reclamer demander exhorter recommander",
        fr_nouns="exigence recommandation",
        phrases="call/ on; call/ for; calls for; call upon; called upon; appeler~+ a; "
        "appeler~+ au; appeler~+ aux; appel a",
    ),
    _cues(
        "deny",
        en_verbs="deny dismiss refute",
        en_nouns="denial",
        fr_verbs="nier refuter",
        fr_irregular=["dementir|dement dementent dementait|dementi dementie|dementir"],
        fr_nouns="dementi",
    ),
)
#: Positions for and against: a cue of one side contradicts an item of the other.
POLARITY: dict[str, int] = {
    "support": 1,
    "praise": 1,
    "oppose": -1,
    "condemn": -1,
    "accuse": -1,
    "deny": -1,
}


@cache
def position_cues() -> Lexicon:
    """The cue words of a stance's positions, labelled by position."""
    return Lexicon(cue for cues in _POSITIONS for cue in cues)
