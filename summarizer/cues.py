"""Internal: Cue words that tell what an item's fields mean, in English and French.

Folded like the text (lower case, no accents: see ``grounding.fold``), each with its
inflections (see ``inflection``), so that the checks in ``meaning`` can read an event's
type, whether it happened, and a stance's position off the words of its evidence.

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

from functools import cache

from .inflection import Cue, Lexicon, cues_of

__all__ = [
    "EVALUATIONS",
    "FR_NE",
    "FR_NEGATION_PARTNERS",
    "POLARITY",
    "event_cues",
    "position_cues",
    "realis_cues",
]

# Event types (PLOVER) ---------------------------------------------------------------

_EVENTS: tuple[list[Cue], ...] = (
    cues_of(
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
    cues_of(
        "consult",
        en_verbs="meet/met/met talk visit host negotiate discuss consult confer mediate phone",
        en_nouns="meeting talks visit summit negotiation discussion consultation "
        "conference mediation",
        fr_verbs="rencontrer reunir discuter negocier consulter visiter telephoner dialoguer",
        fr_nouns="rencontre reunion entretien visite sommet negociation discussion "
        "pourparlers consultation mediation conference",
        phrases="hold/held/held talks; contacted; s entretenir; s est entretenu; "
        "se sont entretenus",
    ),
    cues_of(
        "support",
        en_verbs="praise endorse welcome commend hail congratulate applaud "
        "apologize apologise forgive/forgave/forgiven",
        en_nouns="praise endorsement apology",
        fr_verbs="saluer feliciter approuver appuyer pardonner remercier applaudir",
        fr_irregular=[
            "soutenir|soutient soutiennent soutenons soutenez soutenait soutenaient soutint"
            "|soutenu soutenue soutenus soutenues|soutiendr",
        ],
        fr_nouns="soutien appui felicitations eloge excuses",
        phrases="support/; backed; backing; s excuser; s est excuse",
    ),
    cues_of(
        "concede",
        en_verbs="concede yield release ease relax resign pardon surrender accede",
        en_nouns="concession release resignation amnesty pardon",
        fr_verbs="ceder conceder liberer relacher lever demissionner "
        "renoncer gracier capituler assouplir",
        fr_nouns="concession liberation demission amnistie",
        phrases="freed; freeing; step+/ down; back/ down; lift/ sanctions; lift/ the sanctions",
    ),
    cues_of(
        "cooperate",
        en_verbs="cooperate co-operate collaborate partner extradite coordinate",
        en_nouns="cooperation co-operation collaboration partnership extradition alliance",
        fr_verbs="cooperer collaborer extrader coordonner",
        fr_nouns="cooperation collaboration partenariat extradition alliance",
        phrases="share/ intelligence; share/ information; partager~ des renseignements",
    ),
    cues_of(
        "aid",
        en_verbs="aid assist help donate supply finance rescue",
        en_nouns="aid assistance donation relief funding loan",
        fr_verbs="aider financer livrer fournir",
        fr_irregular=["secourir|secourt secourent secourut|secouru secourue secourus|secourr"],
        fr_nouns="aide assistance secours don financement pret",
        phrases="support/; funded; funding; give/gave/given aid; grant/ asylum",
    ),
    cues_of(
        "retreat",
        en_verbs="withdraw/withdrew/withdrawn retreat demobilize demobilise disarm "
        "surrender evacuate",
        en_nouns="withdrawal retreat pullout disarmament demobilization demobilisation surrender",
        fr_verbs="retirer replier evacuer desarmer capituler reculer",
        fr_nouns="retrait repli evacuation desarmement capitulation reddition",
        phrases="pull/ out; pull/ back; se retirer; battre en retraite",
    ),
    cues_of(
        "request",
        en_verbs="ask request urge appeal demand plead beg seek/sought/sought",
        en_nouns="request appeal demand plea",
        fr_verbs="demander reclamer exiger exhorter solliciter implorer",
        fr_nouns="demande appel requete revendication exigence",
        phrases="call/ on; call/ for; calls for; call upon; called upon; appeler~+ a; "
        "appeler~+ au; appeler~+ aux; appel a; lance un appel; inviter~ a",
    ),
    cues_of(
        "accuse",
        en_verbs="accuse blame criticize criticise condemn denounce allege sue "
        "investigate probe decry deplore slam+ fault complain",
        en_nouns="accusation allegation criticism condemnation charge lawsuit "
        "investigation probe complaint",
        fr_verbs="accuser critiquer condamner denoncer reprocher blamer fustiger "
        "incriminer enqueter inculper",
        fr_nouns="accusation critique condamnation denonciation reproche enquete plainte "
        "inculpation",
        phrases="charged; charging; charges; critical of; critics; critic; "
        "find/found/found guilty; mettre en cause; mis en cause; porter~ plainte; "
        "reconnu coupable; reconnue coupable",
    ),
    cues_of(
        "reject",
        en_verbs="reject refuse deny dismiss veto rebuff decline defy",
        en_nouns="rejection refusal denial veto",
        fr_verbs="rejeter+ refuser nier recuser decliner opposer",
        fr_irregular=["dementir|dement dementent dementait|dementi dementie|dementir"],
        fr_nouns="rejet refus dementi veto",
        phrases="turn/ down",
    ),
    cues_of(
        "threaten",
        en_verbs="threaten warn",
        en_nouns="threat warning ultimatum",
        fr_verbs="menacer",
        fr_irregular=["avertir|avertit avertissent avertissait|averti avertie avertis|avertir"],
        fr_nouns="menace avertissement ultimatum",
        # A consequence set against a condition is the form of a threat ("would face
        # consequences unless it withdrew", "sinon").
        phrases="mettre en garde; mis en garde; met en garde; mise en garde; unless; or else; "
        "a moins que; a moins de; sinon; faute de quoi",
    ),
    cues_of(
        "protest",
        en_verbs="protest demonstrate rally riot boycott picket strike/struck/struck",
        en_nouns="protest demonstration rally riot boycott strike sit-in",
        fr_verbs="manifester protester defiler boycotter rassembler",
        fr_nouns="manifestation protestation greve emeute rassemblement defile boycott "
        "mobilisation",
        phrases="marched; marching; hunger strike; faire greve; font greve; en greve; "
        "greve de la faim",
    ),
    cues_of(
        "sanction",
        en_verbs="sanction embargo expel+ suspend freeze/froze/frozen blacklist downgrade sever",
        en_nouns="sanction embargo expulsion suspension blacklist tariff",
        fr_verbs="sanctionner expulser geler boycotter",
        fr_irregular=[
            "suspendre|suspend suspendent suspendait|suspendu suspendue suspendus|suspendr",
            "rompre|rompt rompent rompait|rompu rompue rompus|rompr",
        ],
        fr_nouns="sanction embargo expulsion suspension rupture",
        phrases="cut/cut/cut ties; cut/cut/cut off; break/broke/broken off; "
        "break/broke/broken relations; break/broke/broken ties",
    ),
    cues_of(
        "mobilize",
        en_verbs="mobilize mobilise deploy reinforce",
        en_nouns="mobilization mobilisation deployment reinforcement drill maneuver "
        "manoeuvre buildup build-up",
        fr_verbs="mobiliser deployer renforcer depecher",
        fr_nouns="mobilisation deploiement renfort manoeuvre manœuvre",
        phrases="high alert; state of alert; en etat d alerte; etat d alerte",
    ),
    cues_of(
        "coerce",
        en_verbs="arrest detain imprison jail seize confiscate ban+ censor deport expel+ "
        "sentence convict prosecute impound demolish repress",
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
        phrases="charged; charging; crack+/ down; couvre feu; state of emergency; martial law; "
        "etat d urgence; loi martiale",
    ),
    cues_of(
        "assault",
        en_verbs="attack kill bomb shell shoot/shot/shot strike/struck/struck assassinate "
        "abduct kidnap+ torture massacre wound injure raid ambush execute murder "
        "behead stab+ invade besiege bombard hijack clash",
        en_nouns="attack assault airstrike strike bombing bomb shelling shooting killing "
        "assassination abduction kidnapping torture massacre raid ambush invasion blast "
        "explosion murder offensive gunfire bombardment hijacking fighting clash firefight",
        fr_verbs="attaquer tuer bombarder frapper assassiner kidnapper blesser massacrer "
        "torturer executer pilonner agresser poignarder egorger enlever envahir",
        fr_irregular=[
            "abattre|abat abattent abattait|abattu abattue abattus|abattr",
        ],
        fr_nouns="attaque attentat assaut frappe bombardement raid embuscade tir fusillade "
        "explosion assassinat enlevement massacre meurtre torture invasion offensive "
        "agression tuerie affrontement heurts detournement",
        phrases="stormed; storming; open/ fire; fire/ on; blow/blew/blown up; set/set/set fire; "
        "ouvrir le feu; ouvert le feu; tirer~ sur; tire sur; prendre d assaut; "
        "pris d assaut; take/took/taken hostage; prendre en otage; pris en otage; "
        "prise d otages",
    ),
)


@cache
def event_cues() -> Lexicon:
    """The cue words of PLOVER's event types, labelled by type."""
    return Lexicon(cue for cues in _EVENTS for cue in cues)


# Realis -------------------------------------------------------------------------------

#: Words that negate the verb they stand before (or, in French, around).
_NEGATION = cues_of(
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
_FUTURE = cues_of(
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
_MODAL = cues_of(
    "modality",
    phrases="would; could; may; might; should; must; if; unless; whether; possible; "
    "possibly; potential; potentially; likely; probably; perhaps; allegedly; reportedly; "
    "pourrait; pourraient; pourra; pourront; peut; peuvent; puisse; puissent; "
    "devrait; devraient; aurait; auraient; eventuel; eventuelle; eventuellement; "
    "probablement; peut etre; s il; s ils; presume; presumee; suppose; supposee",
    en_verbs="suspect believe theorize theorise speculate allege",
    fr_verbs="soupconner supposer presumer",
)
#: Weaker cues: a report or an offer leaves open whether the event took place. They
#: never contradict ``occurred``; they let an item say ``planned`` or ``hypothetical``.
_REPORTED = cues_of(
    "reported",
    phrases="according to; claim/ that; selon; d apres; affirmer~ que",
    fr_irregular=["pretendre|pretend pretendent pretendait|pretendu pretendue pretendus|pretendr"],
)
_POSSIBLE = cues_of(
    "possible",
    phrases="option to; options to; chance to; chances to; opportunity to; offer/ to; "
    "welcome to; able to; ready to; willing to; free to; "
    "pret a; prete a; prets a; pretes a; dispose a; disposee a; disposes a; "
    "occasion de; possibilite de; proposer~ de",
)


@cache
def realis_cues() -> Lexicon:
    """Negation, future or intent, and modality cues, and the weaker report and offer."""
    return Lexicon([*_NEGATION, *_FUTURE, *_MODAL, *_REPORTED, *_POSSIBLE])


# Stance positions ------------------------------------------------------------------

_POSITIONS: tuple[list[Cue], ...] = (
    cues_of(
        "condemn",
        en_verbs="condemn denounce decry deplore slam+ lambast castigate criticize criticise",
        en_nouns="condemnation denunciation criticism critic",
        fr_verbs="condamner denoncer fustiger deplorer stigmatiser critiquer",
        fr_nouns="condamnation denonciation critique",
    ),
    cues_of(
        "praise",
        en_verbs="praise welcome hail commend laud applaud congratulate salute",
        en_nouns="praise tribute",
        fr_verbs="saluer feliciter applaudir",
        fr_nouns="felicitations eloge hommage",
        phrases="se rejouir; se rejouit; s est rejoui; rendre hommage; rend hommage; "
        "a rendu hommage; pay/paid/paid tribute",
    ),
    cues_of(
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
    cues_of(
        "oppose",
        en_verbs="oppose reject resist refuse veto criticize criticise",
        en_nouns="opposition rejection objection refusal criticism critic",
        fr_verbs="opposer rejeter+ refuser contester",
        fr_nouns="opposition rejet refus",
        phrases="objected; objecting; object to; critical of; s opposer; s oppose; s opposent; "
        "hostile a; oppose a; opposee a",
    ),
    cues_of(
        "accuse",
        en_verbs="accuse blame allege",
        en_nouns="accusation allegation",
        fr_verbs="accuser reprocher imputer blamer",
        fr_nouns="accusation reproche",
        phrases="hold/held/held responsible; tenir pour responsable; tient pour responsable; "
        "mettre en cause; mis en cause; met en cause",
    ),
    cues_of(
        "warn",
        en_verbs="warn caution threaten",
        en_nouns="warning threat",
        fr_verbs="menacer",
        fr_irregular=["avertir|avertit avertissent avertissait|averti avertie avertis|avertir"],
        fr_nouns="avertissement menace",
        phrases="mettre en garde; mis en garde; met en garde; mise en garde",
    ),
    cues_of(
        "demand",
        en_verbs="demand urge ask insist recommend advise",
        en_nouns="demand appeal",
        fr_verbs="exiger reclamer demander exhorter recommander",
        fr_nouns="exigence recommandation",
        phrases="call/ on; call/ for; calls for; call upon; called upon; appeler~+ a; "
        "appeler~+ au; appeler~+ aux; appel a",
    ),
    cues_of(
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


# Evaluations ---------------------------------------------------------------------------


def _evaluations(side: int, words: str) -> dict[str, int]:
    """Evaluative adjectives of one side; French ones with their feminine and plural
    (``inacceptable``, ``dangereux/dangereuse/dangereuses``)."""
    out: dict[str, int] = {}
    for spec in words.split():
        for word in spec.split("/"):
            out[word] = side
    return out


#: What a speaker calls a thing ("is unacceptable", "est inacceptable", "called it a
#: mistake"): for (+1) or against (-1) it, the side of a stance with no position cue.
EVALUATIONS: dict[str, int] = {
    **_evaluations(
        1,
        "welcome acceptable positive good great excellent encouraging constructive fair "
        "right helpful useful historic success step forward progress "
        "bienvenu/bienvenue/bienvenus/bienvenues positif/positive/positifs/positives "
        "bon/bonne/bons/bonnes excellent/excellente/excellents/excellentes "
        "encourageant/encourageante/encourageants/encourageantes "
        "constructif/constructive/constructifs/constructives juste/justes "
        "historique/historiques succes progres",
    ),
    **_evaluations(
        -1,
        "unacceptable outrageous shameful disgraceful deplorable appalling wrong unfair "
        "unjust illegal unlawful irresponsible reckless dangerous absurd scandalous "
        "intolerable inadmissible regrettable unjustified unwarranted counterproductive "
        "misguided mistake error failure disaster provocation "
        "inacceptable/inacceptables scandaleux/scandaleuse/scandaleuses "
        "honteux/honteuse/honteuses inadmissible/inadmissibles intolerable/intolerables "
        "injuste/injustes illegal/illegale/illegaux/illegales "
        "irresponsable/irresponsables dangereux/dangereuse/dangereuses "
        "regrettable/regrettables deplorable/deplorables absurde/absurdes "
        "injustifie/injustifiee/injustifies/injustifiees erreur echec provocation",
    ),
}
