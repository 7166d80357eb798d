"""What an item's fields mean against its evidence: type, realis, roles, position, kind.

The articles here are hand-written sentences in the shape of wire copy; the actors in
them are real states or invented people and bodies.
"""

from __future__ import annotations

import pytest

from summarizer import load_article
from summarizer.article import Article
from summarizer.meaning import Judgement, judge_actor, judge_event, judge_stance


def _article(text: str, language: str) -> Article:
    return load_article(text, language=language, date="2024-03-05")


def _span(article: Article, quote: str) -> tuple[int, int]:
    start = article.text.index(quote)
    return start, start + len(quote)


def _mentions(article: Article, **names: str) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for actor, name in names.items():
        at = article.text.find(name)
        spans = []
        while at >= 0:
            spans.append((at, at + len(name)))
            at = article.text.find(name, at + 1)
        out[actor] = spans
    return out


def _event(
    text: str,
    quote: str,
    *,
    type_: str = "assault",
    realis: str = "occurred",
    agents: tuple[str, ...] = (),
    targets: tuple[str, ...] = (),
    language: str = "en",
    **names: str,
) -> dict[str, Judgement]:
    article = _article(text, language)
    judged = judge_event(
        type_, realis, list(agents), list(targets), _span(article, quote), article,
        _mentions(article, **names),
    )  # fmt: skip
    return {j.field: j for j in judged}


EN = (
    "Militiamen loyal to the Harran Front attacked the Meridian embassy on Tuesday, "
    "officials said. The government will hold talks with the rebels next week. "
    "Meridian did not attack the rebels. The embassy was attacked by the Harran Front again on "
    "Thursday."
)
FR = (
    "Des miliciens du Front de Harran ont attaqué l'ambassade de Méridie mardi, selon des "
    "responsables. Le gouvernement rencontrera les rebelles la semaine prochaine. La "
    "Méridie n'a pas attaqué les rebelles. L'ambassade a été attaquée par le Front de Harran jeudi."
)


# Type ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "language"),
    [
        (EN, "attacked the Meridian embassy on Tuesday", "en"),
        (FR, "ont attaqué l'ambassade de Méridie mardi", "fr"),
    ],
)
def test_an_attack_typed_as_a_protest_is_flagged_naming_the_cue(
    text: str, quote: str, language: str
) -> None:
    judged = _event(text, quote, type_="protest", language=language)["type"]
    assert judged.judged
    assert judged.code == "type_not_in_evidence"
    assert "'attacked' (assault)" in (judged.message or "") or "'attaqué' (assault)" in (
        judged.message or ""
    )


def test_an_attack_typed_as_an_assault_is_judged_and_kept_unflagged() -> None:
    judged = _event(EN, "attacked the Meridian embassy on Tuesday")["type"]
    assert judged.judged
    assert not judged.contradicted


def test_evidence_without_any_cue_leaves_the_type_unjudged() -> None:
    judged = _event(EN, "officials said", type_="protest")["type"]
    assert not judged.judged
    assert not judged.contradicted


def test_an_event_typed_other_is_not_judged() -> None:
    assert not _event(EN, "attacked the Meridian embassy", type_="other")["type"].judged


def test_a_language_without_word_lists_stays_unjudged() -> None:
    text = "Milicianos atacaron la embajada de Meridia el martes, según funcionarios."
    judged = _event(text, "atacaron la embajada", type_="protest", language="es")
    assert not any(j.judged for j in judged.values())


def test_a_word_of_two_types_counts_for_both() -> None:
    text = "Dock workers went on strike in the port on Monday, the union said."
    for type_ in ("protest", "assault"):
        assert not _event(text, "went on strike in the port", type_=type_)["type"].contradicted


# Realis -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "type_", "language", "cue"),
    [
        (EN, "will hold talks with the rebels next week", "consult", "en", "will"),
        (EN, "Meridian did not attack the rebels", "assault", "en", "not"),
        (FR, "rencontrera les rebelles", "consult", "fr", "rencontrera"),
        (FR, "La Méridie n'a pas attaqué les rebelles", "assault", "fr", "n'a pas"),
        ("Ministers may meet in Geneva next month.", "may meet in Geneva", "consult", "en", "may"),
        (
            "Le ministre pourrait rencontrer son homologue.",
            "pourrait rencontrer",
            "consult",
            "fr",
            "pourrait",
        ),
        (
            "Rebels threatened to attack the convoy.",
            "threatened to attack the convoy",
            "assault",
            "en",
            "threatened",
        ),
    ],
)
def test_an_event_said_to_have_occurred_whose_trigger_is_not_asserted_is_flagged(
    text: str, quote: str, type_: str, language: str, cue: str
) -> None:
    judged = _event(text, quote, type_=type_, language=language)["realis"]
    assert judged.judged
    assert judged.code == "realis_contradicted"
    assert cue in (judged.message or "")


def test_an_occurred_event_asserted_in_its_clause_is_judged_and_kept() -> None:
    text = "Rebels, who had never been seen in the town, attacked the convoy at dawn."
    judged = _event(text, "attacked the convoy at dawn")["realis"]
    assert judged.judged
    assert not judged.contradicted


def test_a_negated_event_with_no_negation_in_its_sentence_is_flagged() -> None:
    judged = _event(EN, "attacked the Meridian embassy", realis="negated")["realis"]
    assert judged.code == "realis_contradicted"
    assert "no negation" in (judged.message or "")


def test_a_planned_event_with_no_future_or_intent_is_flagged() -> None:
    judged = _event(EN, "attacked the Meridian embassy", realis="planned")["realis"]
    assert judged.code == "realis_contradicted"


@pytest.mark.parametrize(
    ("text", "quote", "type_", "realis", "language"),
    [
        (EN, "will hold talks with the rebels", "consult", "planned", "en"),
        (FR, "rencontrera les rebelles", "consult", "planned", "fr"),
        (FR, "La Méridie n'a pas attaqué les rebelles", "assault", "negated", "fr"),
        (
            "Officials denied that troops attacked the village.",
            "troops attacked the village",
            "assault",
            "negated",
            "en",
        ),
    ],
)
def test_planned_and_negated_events_with_their_cue_are_kept(
    text: str, quote: str, type_: str, realis: str, language: str
) -> None:
    judged = _event(text, quote, type_=type_, realis=realis, language=language)["realis"]
    assert judged.judged
    assert not judged.contradicted


def test_may_the_month_is_no_modal() -> None:
    text = "In May rebels attacked the convoy near the border."
    assert not _event(text, "In May rebels attacked the convoy")["realis"].contradicted


# Roles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "language"),
    [
        (EN, "Harran Front attacked the Meridian embassy", "en"),
        (EN, "The embassy was attacked by the Harran Front", "en"),
        (FR, "Front de Harran ont attaqué l'ambassade", "fr"),
        (FR, "L'ambassade a été attaquée par le Front de Harran", "fr"),
    ],
)
def test_agents_and_targets_on_the_wrong_sides_are_flagged(
    text: str, quote: str, language: str
) -> None:
    names = {"A1": "Harran", "A2": "mbassade" if language == "fr" else "mbassy"}
    right = _event(text, quote, agents=("A1",), targets=("A2",), language=language, **names)
    wrong = _event(text, quote, agents=("A2",), targets=("A1",), language=language, **names)
    assert right["roles"].judged
    assert not right["roles"].contradicted
    assert wrong["roles"].code == "roles_swapped"


def test_a_possessive_attack_on_a_target_reads_both_sides() -> None:
    text = "Kordavia's attack on Meridian drew wide condemnation."
    quote = "Kordavia's attack on Meridian"
    right = _event(text, quote, agents=("A1",), targets=("A2",), A1="Kordavia", A2="Meridian")
    wrong = _event(text, quote, agents=("A2",), targets=("A1",), A1="Kordavia", A2="Meridian")
    assert right["roles"].judged
    assert not right["roles"].contradicted
    assert wrong["roles"].code == "roles_swapped"


def test_symmetric_types_and_unnamed_sides_are_not_judged() -> None:
    text = "Kordavia met Meridia in Geneva on Friday."
    met = _event(text, "Kordavia met Meridia", type_="consult", agents=("A2",),
                 targets=("A1",), A1="Kordavia", A2="Meridia")  # fmt: skip
    assert not met["roles"].judged
    alone = _event(EN, "attacked the Meridian embassy", agents=("A1",), A1="Zorvath")
    assert not alone["roles"].judged


# Position -----------------------------------------------------------------------------


def _stance(text: str, quote: str, position: str, language: str = "en") -> Judgement:
    article = _article(text, language)
    return judge_stance(position, _span(article, quote), article)


def test_praise_whose_evidence_condemns_is_contradicted() -> None:
    judged = _stance("The minister condemned the attack on Tuesday.", "condemned the attack",
                     "praise")  # fmt: skip
    assert judged.code == "position_contradicted"
    assert "condemned" in (judged.message or "")


def test_a_position_of_the_same_side_but_another_cue_is_not_in_evidence() -> None:
    judged = _stance("Le ministre a accusé Kordavia d'ingérence.", "a accusé Kordavia",
                     "condemn", "fr")  # fmt: skip
    assert judged.code == "position_not_in_evidence"


def test_a_negated_own_cue_contradicts_the_position() -> None:
    judged = _stance("The minister did not condemn the strike.", "did not condemn the strike",
                     "condemn")  # fmt: skip
    assert judged.code == "position_contradicted"


@pytest.mark.parametrize(
    ("text", "quote", "position", "language"),
    [
        ("Le ministre a dénoncé une agression.", "a dénoncé une agression", "condemn", "fr"),
        ("Paris salue l'accord conclu à Genève.", "salue l'accord", "praise", "fr"),
        (
            "The senator called on Kordavia to withdraw.",
            "called on Kordavia to withdraw",
            "demand",
            "en",
        ),
        ("The spokesman denied the report.", "denied the report", "deny", "en"),
    ],
)
def test_a_position_with_its_own_cue_is_judged_and_kept(
    text: str, quote: str, position: str, language: str
) -> None:
    judged = _stance(text, quote, position, language)
    assert judged.judged
    assert not judged.contradicted


def test_a_neutral_stance_or_one_without_a_cue_is_unjudged() -> None:
    assert not _stance("The minister spoke on Tuesday.", "spoke on Tuesday", "praise").judged
    assert not _stance("The minister condemned it.", "condemned it", "neutral").judged


# Kind ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "why"),
    [
        ("Iran", "person", "country"),
        ("les États-Unis", "person", "country"),
        ("Ministry of Defence", "person", "Ministry"),
        ("NATO", "person", "acronym"),
        ("Ministère des Armées", "state", "Ministère"),
        ("the Iraqi government", "state", "government"),
    ],
)
def test_a_kind_its_name_contradicts_is_flagged(name: str, kind: str, why: str) -> None:
    judged = judge_actor(name, kind)
    assert judged.code == "kind_contradicted"
    assert why in (judged.message or "")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Iran", "state"),
        ("the United States", "state"),
        ("Russia", "state"),
        ("l'Allemagne", "state"),
        ("US", "state"),
        ("Russian Federation", "state"),
        ("Viet Nam", "state"),
    ],
)
def test_a_country_named_as_a_state_is_judged_and_kept(name: str, kind: str) -> None:
    judged = judge_actor(name, kind)
    assert judged.judged, judged
    assert not judged.contradicted


def test_names_that_say_nothing_of_the_kind_are_unjudged() -> None:
    assert not judge_actor("Mike Pompeo", "person").judged
    assert not judge_actor("Washington", "state").judged
    assert not judge_actor("Hezbollah", "armed_group").judged


def test_a_negation_of_another_verb_does_not_make_an_event_negated() -> None:
    text = "Kordavia attacked the convoy after Meridia had denied it passage."
    judged = _event(text, "Kordavia attacked the convoy", realis="negated")["realis"]
    assert judged.code == "realis_contradicted"


def test_a_future_after_the_trigger_in_its_clause_makes_it_planned() -> None:
    text = "The ban on night flights expected next month worries the airlines."
    quote = "The ban on night flights expected next month"
    judged = _event(text, quote, type_="coerce", realis="planned")["realis"]
    assert judged.judged
    assert not judged.contradicted
    bare = _event("The ban on night flights worries the airlines.", "The ban on night flights",
                  type_="coerce", realis="planned")["realis"]  # fmt: skip
    assert bare.code == "realis_contradicted"


@pytest.mark.parametrize(
    ("text", "quote", "type_"),
    [
        ("The rebels have not stopped attacking villages.", "have not stopped attacking villages",
         "assault"),
        ("No one doubts that the army attacked the village.", "the army attacked the village",
         "assault"),
        ("Protesters were not deterred and marched on the palace.",
         "were not deterred and marched on the palace", "protest"),
        ("Les manifestants ne se sont pas découragés et ont manifesté devant le palais.",
         "ne se sont pas découragés et ont manifesté", "protest"),
    ],
)  # fmt: skip
def test_a_negation_of_another_verb_leaves_an_occurred_event_alone(
    text: str, quote: str, type_: str
) -> None:
    language = "fr" if "manifest" in text else "en"
    judged = _event(text, quote, type_=type_, language=language)["realis"]
    assert judged.judged
    assert not judged.contradicted


def test_a_cancelled_event_is_not_one_that_occurred() -> None:
    judged = _event("The strike on the port was called off.", "The strike on the port was "
                    "called off")["realis"]  # fmt: skip
    assert judged.code == "realis_contradicted"


@pytest.mark.parametrize(
    ("text", "quote", "position", "flagged"),
    [
        ("The minister never hesitated to condemn the coup.", "never hesitated to condemn the coup",
         "condemn", False),
        ("The party did not hide its support for the strike.", "did not hide its support",
         "support", False),
        ("The minister stopped short of condemning the coup.",
         "stopped short of condemning the coup", "condemn", True),
    ],
)  # fmt: skip
def test_double_negations_and_stopping_short(
    text: str, quote: str, position: str, flagged: bool
) -> None:
    judged = _stance(text, quote, position)
    assert judged.judged
    assert judged.contradicted is flagged


def test_the_people_of_a_protest_are_no_cue_of_one() -> None:
    text = "Police fired tear gas at protesters outside the parliament."
    assert not _event(text, "Police fired tear gas at protesters")["type"].contradicted


def test_a_surname_that_is_also_a_body_word_is_no_body() -> None:
    assert not judge_actor("Jean Bureau", "person").contradicted
    assert judge_actor("Labour Party", "person").contradicted


def test_no_one_as_subject_negates_the_verb() -> None:
    text = "No one will be refused entry at the border, the minister said."
    judged = _event(text, "No one will be refused entry", type_="reject", realis="negated")
    assert not judged["realis"].contradicted


def test_a_consequence_set_against_a_condition_is_a_threat() -> None:
    text = "Meridia would face grave consequences unless it withdrew its troops, he said."
    quote = "Meridia would face grave consequences unless it withdrew its troops"
    judged = _event(text, quote, type_="threaten")["type"]
    assert judged.judged
    assert not judged.contradicted
    assert _event(text, quote, type_="assault")["type"].code == "type_not_in_evidence"


def test_an_intent_earlier_in_the_sentence_makes_a_coordinated_event_planned() -> None:
    quote = (
        "Foreign envoys wanted to visit the old capital of the kingdom and express their "
        "support for the king"
    )
    text = quote + "."
    judged = _event(text, quote, type_="support", realis="planned")["realis"]
    assert judged.judged
    assert not judged.contradicted


@pytest.mark.parametrize(
    ("text", "quote", "type_"),
    [
        ("According to the ministry, Kordavia attacked the convoy.", "Kordavia attacked the convoy",
         "assault"),
        ("Meridia gave Kordavia the option to withdraw its troops.",
         "Meridia gave Kordavia the option to withdraw its troops", "retreat"),
    ],
)  # fmt: skip
def test_a_report_or_an_offer_allows_hypothetical_and_never_contradicts_occurred(
    text: str, quote: str, type_: str
) -> None:
    hypothetical = _event(text, quote, type_=type_, realis="hypothetical")["realis"]
    occurred = _event(text, quote, type_=type_, realis="occurred")["realis"]
    assert hypothetical.judged
    assert not hypothetical.contradicted
    assert occurred.judged
    assert not occurred.contradicted


@pytest.mark.parametrize(
    ("text", "quote", "type_"),
    [
        ("Rebels clashed with the army near the border.", "Rebels clashed with the army",
         "assault"),
        ("Kordavia turned down the offer of talks.", "Kordavia turned down the offer", "reject"),
        ("Les affrontements ont fait trois morts.", "Les affrontements ont fait trois morts",
         "assault"),
        ("The government declared a state of emergency.", "declared a state of emergency",
         "coerce"),
    ],
)  # fmt: skip
def test_the_verbs_of_cameo_categories_are_cues_of_their_type(
    text: str, quote: str, type_: str
) -> None:
    language = "fr" if text.startswith("Les") else "en"
    assert _event(text, quote, type_="consult", language=language)["type"].code == (
        "type_not_in_evidence"
    )
    judged = _event(text, quote, type_=type_, language=language)["type"]
    assert judged.judged
    assert not judged.contradicted


def test_a_future_late_in_the_sentence_makes_an_event_planned() -> None:
    quote = "laws banning street rallies in the old quarter of the capital are expected next month"
    text = "Officials said " + quote + "."
    judged = _event(text, quote, type_="coerce", realis="planned")["realis"]
    assert judged.judged
    assert not judged.contradicted


@pytest.mark.parametrize(
    ("text", "language", "right", "wrong"),
    [
        ("The ministry said the strikes were unacceptable.", "en", "condemn", "praise"),
        ("Le ministre a jugé que la décision n'est pas acceptable.", "fr", "oppose", "support"),
        ("The foreign minister called the accord a great success.", "en", "praise", "condemn"),
    ],
)  # fmt: skip
def test_a_stance_with_no_position_cue_is_judged_by_what_its_evidence_calls_things(
    text: str, language: str, right: str, wrong: str
) -> None:
    quote = text.rstrip(".")
    kept = _stance(text, quote, right, language)
    flagged = _stance(text, quote, wrong, language)
    assert kept.judged
    assert not kept.contradicted
    assert flagged.code == "position_contradicted"


def test_what_follows_but_carries_the_evaluation() -> None:
    text = "Moves to cut the backlog are welcome, but the answer is not more paperwork."
    assert not _stance(text, text.rstrip("."), "oppose").judged
