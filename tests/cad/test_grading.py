"""The grading engine: pure rules, no database. Each row of the table is tested."""

from datetime import UTC, datetime, timedelta

import pytest

from cad import grading
from cad.grading import IMMEDIATE, PRIORITY, SCHEDULED, CallFacts, assess, find_cues

NOW = datetime(2026, 11, 22, 23, 54, tzinfo=UTC)
SEED_WORDS = (
    "someone is banging on my door, I think it's my ex-husband, "
    "we had a domestic violence case last year"
)


def facts(narrative="Caller reports a noise outside.", code="suspicious_circumstances", **kw):
    return CallFacts.for_code(code, narrative=narrative, now=NOW, **kw)


def codes(assessment):
    return {flag.code for flag in assessment.flags}


def test_the_seed_wording_raises_the_da_prompt_and_recommends_immediate():
    result = assess(facts(SEED_WORDS))
    assert result.da_prompt is True
    assert result.recommended_grade == IMMEDIATE
    assert {"cue.relationship", "cue.threat", "cue.da_history", "da.current_threat"} <= codes(
        result
    )
    # The handler sees why, in plain words, quoting the caller.
    reason = result.flag("da.current_threat").reason
    assert "“banging on my door”" in reason and "“ex-husband”" in reason
    assert "respond immediately" in reason


def test_the_seed_wording_is_immediate_even_when_opened_as_information_only():
    result = assess(facts(SEED_WORDS, code="information"))
    assert result.recommended_grade == IMMEDIATE
    assert result.da_prompt


@pytest.mark.parametrize(
    "narrative",
    [
        "Car alarm going off on the next street for an hour.",
        "Lost wallet in Essex, caller wants a crime reference.",
        "Neighbour's dog barking, no threats made.",
        "Someone left an exit sign on the road.",
        "He has no weapon, he is just shouting at the bus stop.",
        "",
    ],
)
def test_ordinary_calls_raise_no_da_prompt_and_no_flags(narrative):
    result = assess(facts(narrative))
    assert result.da_prompt is False
    assert result.flags == ()
    assert result.recommended_grade == PRIORITY  # suspicious circumstances' starting grade
    assert result.grade_floor is None


@pytest.mark.parametrize(
    "phrase",
    [
        "my ex-husband",
        "my ex husband",
        "her ex-partner",
        "the ex-boyfriend",
        "ex-girlfriend",
        "my ex is outside",
        "my estranged wife",
        "my husband",
    ],
)
def test_relationship_cues(phrase):
    result = assess(facts(f"Caller says {phrase} keeps calling her."))
    assert "cue.relationship" in codes(result)
    assert result.da_prompt


@pytest.mark.parametrize(
    "phrase",
    [
        "a court order",
        "a non-molestation order",
        "a restraining order",
        "his bail conditions",
        "an occupation order",
    ],
)
def test_order_cues(phrase):
    result = assess(facts(f"Caller says he is breaking {phrase} by texting."))
    assert "cue.order" in codes(result)
    assert result.da_prompt
    assert result.recommended_grade == PRIORITY


@pytest.mark.parametrize(
    "phrase",
    [
        "he threatened to kill me",
        "someone is trying to get in",
        "they are banging on the door",
        "he won't leave",
        "he won’t leave",
        "he has a weapon",
        "a man with a knife",
    ],
)
def test_threat_cues(phrase):
    result = assess(facts(f"Caller says {phrase}."))
    assert "cue.threat" in codes(result)
    assert result.recommended_grade in (PRIORITY, IMMEDIATE)


def test_a_threat_alone_is_not_a_da_prompt_but_a_threat_from_an_ex_is():
    alone = assess(facts("A stranger is banging on the door of the shop."))
    assert "cue.threat" in codes(alone) and not alone.da_prompt
    assert alone.recommended_grade == PRIORITY
    with_ex = assess(facts("My ex is banging on the door."))
    assert with_ex.da_prompt and with_ex.recommended_grade == IMMEDIATE


def test_a_threat_under_a_court_order_is_immediate():
    result = assess(facts("He is trying to get in, he has a non-molestation order against him."))
    assert "da.current_threat" in codes(result)
    assert result.recommended_grade == IMMEDIATE


def test_a_weapon_is_immediate_and_a_denied_weapon_is_not():
    assert assess(facts("He is waving a knife.")).recommended_grade == IMMEDIATE
    assert "cue.weapon" not in codes(assess(facts("He has no knife.")))


def test_a_domestic_opening_code_raises_the_prompt_and_makes_a_threat_immediate():
    opened = assess(facts("Shouting heard.", code="domestic_incident"))
    assert opened.da_prompt and "opening.domestic" in codes(opened)
    threat = assess(facts("He won't leave.", code="domestic_incident"))
    assert threat.recommended_grade == IMMEDIATE


def test_opening_code_sets_the_starting_grade():
    assert assess(facts("Bike taken from the shed last week.", code="theft")).recommended_grade == (
        SCHEDULED
    )
    assert assess(facts("Two men inside.", code="burglary_in_progress")).recommended_grade == (
        IMMEDIATE
    )


def test_an_active_scheme_sets_the_floor_immediate():
    result = assess(facts(schemes_active=[{"id": 4, "status": "active"}]))
    assert result.grade_floor == IMMEDIATE
    assert result.recommended_grade == IMMEDIATE
    assert "1 active special scheme" in result.flag("scheme.active").reason


def test_the_schemes_apps_floor_is_honoured_on_its_own():
    result = assess(facts(scheme_floor=IMMEDIATE))
    assert result.grade_floor == IMMEDIATE
    assert "scheme.active" in codes(result)


def test_an_ended_scheme_is_history_not_a_floor():
    result = assess(facts(schemes_ended=[{"id": 2, "status": "ended"}]))
    assert result.grade_floor is None
    assert result.flag("scheme.ended").severity == "history"


def hit(kind, *matched_on):
    return {"id": 1, "kind": kind, "summary": "...", "matched_on": list(matched_on)}


@pytest.mark.parametrize("kind", ["domestic_abuse", "marac", "dvds", "threat_to_life"])
def test_da_intelligence_flags_domestic_abuse_and_prompts(kind):
    result = assess(facts(intelligence_hits=[hit(kind, "person")]))
    assert "intel.domestic_abuse" in codes(result)
    assert result.da_prompt


def test_da_intelligence_at_the_location_with_a_threat_now_is_immediate():
    at_address = [hit("marac", "address"), hit("domestic_abuse", "phone")]
    result = assess(facts("Someone is banging on the door.", intelligence_hits=at_address))
    assert "intel.current_threat_at_location" in codes(result)
    assert result.recommended_grade == IMMEDIATE
    assert (
        "2 intelligence logs (DOMESTIC ABUSE, MARAC)" in result.flag("intel.domestic_abuse").reason
    )


def test_da_intelligence_without_a_current_threat_is_not_immediate_by_itself():
    result = assess(facts("Caller wants advice.", intelligence_hits=[hit("dvds", "address")]))
    assert "intel.current_threat_at_location" not in codes(result)
    assert result.recommended_grade == PRIORITY


def test_da_intelligence_about_a_person_elsewhere_does_not_make_the_location_immediate():
    result = assess(facts("Banging on the door.", intelligence_hits=[hit("marac", "person")]))
    assert "intel.current_threat_at_location" not in codes(result)


def test_threat_to_life_intelligence_is_immediate():
    result = assess(facts(intelligence_hits=[hit("threat_to_life", "address")]))
    assert result.recommended_grade == IMMEDIATE


def test_other_intelligence_kinds_flag_without_da():
    result = assess(
        facts(intelligence_hits=[hit("safeguarding_children", "address"), hit("warning_marker")])
    )
    assert {"intel.safeguarding_children", "intel.warning_marker"} <= codes(result)
    assert not result.da_prompt


def test_repeat_contact_within_28_days_is_flagged_and_older_is_not():
    recent = {"at": NOW - timedelta(days=7), "reference": "CON-20261115-0003"}
    old = {"at": NOW - timedelta(days=29), "reference": "CON-20261020-0001"}
    flagged = assess(facts(previous_contacts=[recent, old]))
    assert flagged.flag("contact.repeat").label == "repeat contact"
    assert (
        "1 previous contact in 28 days (CON-20261115-0003)" in flagged.flag("contact.repeat").reason
    )
    assert "contact.repeat" not in codes(assess(facts(previous_contacts=[old])))


def test_the_recommendation_is_never_below_the_floor():
    result = assess(facts("Bike stolen.", code="theft", scheme_floor=IMMEDIATE))
    assert result.recommended_grade == IMMEDIATE


def test_every_rule_has_a_reason_template_and_a_unique_code():
    rule_codes = [rule.code for rule in grading.RULES]
    assert len(rule_codes) == len(set(rule_codes))
    for rule in grading.RULES:
        assert rule.reason and rule.flag
        assert rule.severity in {"risk", "warn", "history"}


def test_a_force_can_change_the_table():
    stricter = (
        *grading.RULES,
        grading.Rule(
            "cue.order.immediate",
            "order breach",
            grading.cue("order"),
            "Order breach: {evidence}.",
            recommend=IMMEDIATE,
        ),
    )
    result = assess(facts("He broke his bail conditions."), rules=stricter)
    assert result.recommended_grade == IMMEDIATE
    assert result.flag("cue.order.immediate").reason == "Order breach: “bail conditions”."


def test_find_cues_reports_each_phrase_once():
    assert find_cues("my ex, my ex, MY EX") == {"relationship": ["my ex"]}


def test_is_below_and_more_urgent():
    assert grading.is_below(PRIORITY, IMMEDIATE)
    assert not grading.is_below(IMMEDIATE, IMMEDIATE)
    assert not grading.is_below(SCHEDULED, None)
    assert grading.more_urgent(SCHEDULED, PRIORITY) == PRIORITY
