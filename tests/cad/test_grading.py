"""The grading engine: pure rules, no database. Each row of the table is tested, and each
reason quotes the words or names the log that raised it."""

from datetime import UTC, datetime, timedelta

import pytest

from cad.calls import grading
from cad.calls.grading import IMMEDIATE, PRIORITY, RESOLVED, SCHEDULED, CallFacts, assess, find_cues

NOW = datetime(2026, 11, 22, 23, 54, tzinfo=UTC)
# The 999 call of the reports, as the issue typed it.
SEED_WORDS = (
    "someone's buzzing at my door, don't know who it is, I think it's my ex-husband. "
    "We had a bit of a domestic violence case last year. Loud banging now."
)


def facts(narrative="Caller reports a noise outside.", code="suspicious_circumstances", **kw):
    return CallFacts.for_code(code, narrative=narrative, now=NOW, **kw)


def words_only(narrative):
    """The narrative on its own: an opening with no starting grade above RESOLVED."""
    return assess(facts(narrative, code="information"))


def codes(assessment):
    return {flag.code for flag in assessment.flags}


def test_the_seed_call_is_immediate_with_its_reasons_quoting_the_caller():
    result = assess(facts(SEED_WORDS))
    assert result.da_prompt is True
    assert result.recommended_grade == IMMEDIATE
    assert result.grade_floor == IMMEDIATE
    assert {"cue.relationship", "cue.da_history", "da.current_threat"} <= codes(result)
    reason = result.flag("da.current_threat").reason
    assert "respond immediately" in reason
    assert "“banging”" in reason or "“domestic”" in reason
    relationship = result.flag("cue.relationship").reason
    assert "“ex-husband”" in relationship and "“banging”" in relationship


def test_the_seed_call_is_immediate_even_when_opened_as_information_only():
    result = words_only(SEED_WORDS)
    assert result.recommended_grade == IMMEDIATE
    assert result.da_prompt


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex is outside shouting that he's going to kill me",
        "he's kicking the door in, it's my ex partner",
        "my partner strangled me earlier, says he'll be back",
        "wife reports husband has taken the children and said he'll kill himself and them",
        "can't talk, he's here",
        "HES OUTSIDE AGAIN banging the windows",
        "me fella is battering me, please hurry",
        "I can hear next door screaming and him shouting he'll kill her",
        "my son's hitting his dad with a hammer",
        # Trying to get in now, whatever he did last week.
        "stepfather attempting to get into house, he was kicked out last wk after "
        "assaulting my mum, currently trying windows round back",
    ],
)
def test_domestic_abuse_with_danger_now_is_immediate_and_prompted(narrative):
    result = words_only(narrative)
    assert result.da_prompt, narrative
    assert result.recommended_grade == IMMEDIATE, narrative


@pytest.mark.parametrize(
    "narrative, code",
    [
        ("driver trapped and not breathing", "cue.life_at_risk"),
        ("my five year old has gone missing in the park", "cue.child_missing"),
        ("he says he's going to jump off the bridge", "cue.life_at_risk"),
        ("there's a lad in the shop waving a knife at the staff", "cue.weapon"),
        ("two blokes fighting outside the chippy right now", "cue.violence_now"),
        ("someone is trying to get in through my back window", "cue.forced_entry"),
        ("there's someone in my house, I can hear them downstairs", "cue.intruder"),
        ("a man's just dragged a girl into a car on the high street", "cue.abduction"),
    ],
)
def test_danger_beyond_domestic_abuse_is_immediate_with_its_reason(narrative, code):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, narrative
    assert code in codes(result), codes(result)
    assert "“" in result.flag(code).reason  # quotes the caller's words
    assert not result.da_prompt, narrative


@pytest.mark.parametrize(
    "narrative",
    [
        "my husband's car was broken into last night",
        "my wife locked her keys in the car",
        "my ex-employer hasn't paid my wages",
        "my partner and I found the shed open this morning",
        "the heat is killing me, can someone check the air con at the station",
        "builders next door banging all day, can someone have a word",
        "I ordered a knife block online and it never came",
    ],
)
def test_partners_doors_knives_and_kill_in_harmless_contexts_are_not_domestic_abuse(narrative):
    result = words_only(narrative)
    assert not result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade != IMMEDIATE, (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "no weapons, he's just shouting in the street",
        "he isn't threatening anyone, he's sat on the wall",
        "he never hit me, he just won't give my stuff back",
    ],
)
def test_denials_cancel_the_cue_they_deny(narrative):
    result = words_only(narrative)
    assert not {"cue.weapon", "cue.threat_now", "cue.violence_now"} & codes(result), narrative


def test_a_hypothetical_is_not_a_threat_now_but_a_conditional_threat_is():
    what_if = words_only("what happens if he turns up at my house? I just want advice")
    assert what_if.recommended_grade not in (IMMEDIATE, PRIORITY)
    consequence = words_only("he said if I come back he'll kill me, he's still in the house")
    assert consequence.recommended_grade == IMMEDIATE
    assert consequence.da_prompt


def test_past_harm_from_a_partner_is_priority_and_history_alone_only_prompts():
    earlier = words_only("my ex came round an hour ago and hit me, he's gone now")
    assert earlier.da_prompt and earlier.recommended_grade == PRIORITY
    assert "da.recent" in codes(earlier)
    history = words_only("my ex-husband abused me for years, it ended in 2019, I want advice")
    assert history.da_prompt
    assert history.recommended_grade == RESOLVED


def test_a_caller_who_says_she_is_safe_is_not_made_immediate_by_presence_words():
    result = words_only(
        "my ex still has my passport and says I'll get it back when I come back to him, "
        "I'm not in danger, he lives in another city"
    )
    assert result.da_prompt
    assert result.recommended_grade != IMMEDIATE


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
def test_a_broken_order_prompts_and_recommends_priority(phrase):
    result = words_only(f"Caller says he is breaking {phrase} by texting her.")
    assert {"cue.order", "cue.da_history"} & codes(result)
    assert result.da_prompt
    assert result.recommended_grade == PRIORITY


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex breached the order last Tuesday, he sent a birthday card to the kids, can "
        "someone come and take it off me sometime",
        "Kieran broke his bail last week by texting me, i got screenshots",
        "partner smashed her phone in a row 4 days ago, he's since moved out, wants it on record",
    ],
)
def test_a_breach_or_harm_told_as_days_past_prompts_but_is_not_raised(narrative):
    result = words_only(narrative)
    assert result.da_prompt
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY)


def test_a_breach_today_is_priority_and_one_last_week_is_to_record():
    today = words_only("Kieran broke his bail this morning by texting me")
    last_week = words_only("Kieran broke his bail last week by texting me")
    assert today.recommended_grade == PRIORITY and "da.recent" in codes(today)
    assert last_week.recommended_grade == RESOLVED and last_week.da_prompt
    two_days = words_only("my partner smashed my phone two days ago, he's since moved out")
    four_days = words_only("my partner smashed my phone 4 days ago, he's since moved out")
    assert two_days.recommended_grade == PRIORITY
    assert four_days.recommended_grade == RESOLVED and four_days.da_prompt


@pytest.mark.parametrize(
    "narrative",
    [
        "is it illegal to carry a filleting knife in my tackle box when im going fishing",
        "i've locked myself out, am i allowed to kick my own door in",
        "my mates ex keeps liking all my photos on instagram, is that stalking",
    ],
)
def test_a_question_about_the_law_is_not_raised(narrative):
    assert words_only(narrative).recommended_grade not in (IMMEDIATE, PRIORITY)


def test_on_the_floor_is_life_at_risk_for_a_person_not_a_thing():
    assert words_only("wallet on the floor at the bus stop what do i do with it").flags == ()
    person = words_only("my mum's been hit by a car and the driver's gone, she's on the floor")
    assert person.recommended_grade == IMMEDIATE and "cue.life_at_risk" in codes(person)
    tenant = words_only("my son's 30, won't move out, won't pay board, can you make him leave")
    assert "cue.life_at_risk" not in codes(tenant)
    assert "cue.life_at_risk" in codes(
        words_only("the old man next door won't move, he's lying there")
    )


def test_screaming_at_someone_is_abuse_not_distress_unless_it_is_going_on_now():
    habit = words_only("my daughter lives with me, she screams at me if I say no")
    assert "cue.distress" not in codes(habit)
    now = words_only("my girlfriend's stood there with the kettle still screaming at me")
    assert now.recommended_grade == IMMEDIATE


@pytest.mark.parametrize(
    "narrative",
    [
        "Assault at 5-a-side last Thurs, RP elbowed in face, nose broken, knows offender's name",
        "opposing player headbutted him at sunday league match last Sat, nose possibly broken",
        "she hit me a few times in the summer, we've split up now, my counsellor says report it",
        "He said he'd kill me. That was in 2022. My ex. My solicitor wants the police log.",
    ],
)
def test_harm_dated_by_a_shortened_day_a_season_or_the_next_sentence_is_past(narrative):
    assert words_only(narrative).recommended_grade not in (IMMEDIATE, PRIORITY)


def test_a_date_is_past_but_a_floor_is_a_place():
    fire = words_only("flats on fire, someone's screaming from a window on the 5th floor")
    assert fire.recommended_grade == IMMEDIATE
    dated = words_only("my ex hit me on the 3rd, he's moved out, I want to report it")
    assert dated.recommended_grade not in (IMMEDIATE, PRIORITY) and dated.da_prompt


def test_distress_words_in_a_question_are_asked_not_cried_out():
    asked = words_only("I think my ex might still be able to see my location, how do I stop it")
    assert asked.recommended_grade not in (IMMEDIATE, PRIORITY) and asked.da_prompt
    # A calm word that is no question leaves the cry as it is.
    cried = words_only(
        "callback answered by male says wrong number all fine, female crying audible in "
        "background, earlier she said my husband"
    )
    assert cried.recommended_grade == IMMEDIATE


def test_someone_already_in_medical_hands_is_not_life_at_risk_for_the_police():
    handled = words_only(
        "her wife had a seizure and hit her head, paramedics are with her, asking if police "
        "need telling because she drove this morning"
    )
    assert "cue.life_at_risk" not in codes(handled)
    alone = words_only("my wife had a seizure and hit her head, she won't wake up")
    assert alone.recommended_grade == IMMEDIATE and "cue.life_at_risk" in codes(alone)
    # In medical hands, a weapon still there is still danger now.
    armed = words_only(
        "he's been stabbed, paramedics are with him, the lad with the knife is still here"
    )
    assert armed.recommended_grade == IMMEDIATE


def test_threatening_words_sent_are_read_by_when_they_were_sent():
    posted = words_only(
        "someone keeps leaving threatening comments on our Google reviews, saying they'll "
        "shut us down for good"
    )
    assert posted.recommended_grade != IMMEDIATE
    made_now = words_only("he's outside threatening me with a bat")
    assert made_now.recommended_grade == IMMEDIATE


@pytest.mark.parametrize(
    ("narrative", "not_now"),
    [
        # "just" in another clause is not "he's just punched me"
        ("Flatmate (not related, just share) punched me last night over bills", True),
        ("he's just punched me", False),
        # an age is not a time
        ("Victim now 40 reports her stepfather hit her as a teenager, 1998-2002", True),
        ("my stepfather is hitting her now", False),
    ],
)
def test_just_and_now_are_read_where_they_belong(narrative, not_now):
    result = words_only(narrative)
    assert (result.recommended_grade != IMMEDIATE) is not_now


def test_earlier_is_read_as_earlier_today_on_lemmas():
    # "earlier" is the lemma "early": harm earlier today is recent, not happening now.
    gone = words_only("my ex hit me earlier, he's gone now")
    assert gone.recommended_grade == PRIORITY and "da.recent" in codes(gone)
    asked = words_only("rang for advice, her partner hit her earlier, he's gone to his brother's")
    assert asked.recommended_grade == PRIORITY
    assert words_only("he hit me in his early twenties").recommended_grade != IMMEDIATE


def test_time_words_are_read_on_their_lemmas():
    # "evening" is the lemma "even", "years" is "year", "as" is "a", "second" is "2"
    evening = words_only("my partner slapped me this evening, she has now left in a taxi")
    assert evening.recommended_grade == PRIORITY
    for_years = words_only(
        "husband tracked her phone and opened her post for years, she's in a refuge now, "
        "wants to give a statement"
    )
    assert for_years.da_prompt and for_years.recommended_grade not in (IMMEDIATE, PRIORITY)
    assert words_only("he's coming back any second, he's my ex").recommended_grade == IMMEDIATE


@pytest.fixture
def rules_alone(monkeypatch):
    """The rules without the learnt models, which could raise these calls on their own."""
    monkeypatch.setenv("CAD_RISK_MODEL", "0")


@pytest.mark.usefixtures("rules_alone")
def test_kept_in_a_room_tea_thrown_and_a_drunk_driver_with_a_baby_are_read():
    held = words_only("her in-laws beat her this evening, she is now locked in the storeroom")
    assert held.recommended_grade == IMMEDIATE and held.da_prompt
    tea = words_only("my wife has hit me for years, today she threw tea at me")
    assert tea.recommended_grade == PRIORITY and tea.da_prompt
    baby = words_only("my wife is drunk and trying to drive off with the baby in the car seat")
    assert baby.recommended_grade == IMMEDIATE


def test_screams_told_of_earlier_are_over_unless_heard_on_the_call():
    hotel = words_only(
        "there was a man screaming and kicking doors in our corridor at three this morning, "
        "we're checking out today"
    )
    assert hotel.recommended_grade != IMMEDIATE
    heard = words_only(
        "Male caller wants to report wife took his keys. Female heard in background crying "
        "'just let me go'. Caller says she fell over."
    )
    assert heard.recommended_grade == IMMEDIATE
    cut = words_only("she was screaming and then the line went dead")
    assert cut.recommended_grade == IMMEDIATE


def test_a_threat_from_someone_far_off_is_to_act_on_soon_unless_they_are_here():
    voicemail = words_only(
        "voicemail from her dad saying he'll sort her out for refusing the man chosen for "
        "her, dad lives 200 miles away"
    )
    assert voicemail.recommended_grade == PRIORITY and voicemail.da_prompt
    here = words_only("my ex lives 200 miles away but he says he'll kill me, he's outside now")
    assert here.recommended_grade == IMMEDIATE


def test_a_pattern_dated_by_its_last_time_is_past():
    last_friday = words_only(
        "My stepson keeps coming round demanding money off his dad, he intimidates him. "
        "Last time was Friday"
    )
    assert last_friday.da_prompt and last_friday.recommended_grade == RESOLVED
    this_morning = words_only(
        "My stepson keeps coming round demanding money off his dad, he intimidates him. "
        "Last time was this morning"
    )
    assert this_morning.recommended_grade == PRIORITY


def test_an_injury_or_a_fight_that_has_stopped_is_recent_harm_not_violence_now():
    bruised = words_only("my partner hit me last night, he's gone to work now, I've got bruises")
    assert bruised.recommended_grade == PRIORITY and bruised.da_prompt
    over = words_only("that fight outside the kebab shop's finished now, nobody's hurt")
    assert over.recommended_grade != IMMEDIATE
    # "over" the head is no ending, and a man who will not stop is still at it
    pan = words_only("she's hit me over the head with the frying pan, she's still in the house")
    assert pan.recommended_grade == IMMEDIATE
    still = words_only("he won't stop hitting her, I can hear it now")
    assert still.recommended_grade == IMMEDIATE


@pytest.mark.usefixtures("rules_alone")
def test_damage_done_seconds_ago_by_someone_still_there_is_now():
    chair = words_only("her son who lives with her has just thrown a chair at the wall")
    assert chair.recommended_grade == IMMEDIATE


def test_a_call_that_ends_on_an_enquiry_is_not_raised_for_recent_harm():
    pub = words_only(
        "My ex keeps turning up in the same pub as me on Fridays and staring. He hasn't "
        "spoken to me. Is that something you can do anything about?"
    )
    assert pub.da_prompt and pub.recommended_grade == RESOLVED
    # A plea for someone now is no enquiry; harm today is not settled by a question.
    plea = words_only("My ex keeps turning up at my work and staring. Can you send someone now?")
    assert plea.recommended_grade in (IMMEDIATE, PRIORITY)
    hurt = words_only("My ex hit me this morning, he's gone to work. What should I do?")
    assert hurt.recommended_grade == PRIORITY


@pytest.mark.usefixtures("rules_alone")
def test_the_father_of_my_child_and_a_couple_are_parties_but_a_couple_of_lads_are_not():
    father = words_only("the father of my child said he'd stab me at the next handover")
    assert father.da_prompt
    couple = words_only("a couple just had a fight in the bar, the man slapped the woman")
    assert couple.da_prompt
    lads = words_only("a couple of lads just had a fight in the bar, one slapped the other")
    assert not lads.da_prompt


def test_control_told_on_a_call_for_advice_prompts_but_is_not_raised():
    advice = words_only(
        "Concerned aunt: niece's boyfriend checks her phone, niece doesn't want police. "
        "Advised re Clare's Law and local DA service. NFA."
    )
    assert advice.da_prompt and advice.recommended_grade == RESOLVED
    assert "cue.control_advice" in codes(advice)
    worried = words_only("her husband checks her phone and takes her bank card, she's scared")
    assert worried.recommended_grade == PRIORITY and "cue.control" in codes(worried)


def test_a_noise_going_off_is_no_one_gone():
    fireworks = words_only("fireworks going off on the field, kids by the sound of it")
    assert fireworks.recommended_grade != IMMEDIATE
    gone = words_only("my 6 year old has gone off from the park and I can't find him")
    assert gone.recommended_grade == IMMEDIATE


def test_advice_asked_and_given_after_words_shouted_is_resolved_on_the_phone():
    shouted = words_only(
        "rang for advice, her partner was shouting at her earlier, he's gone to his "
        "brother's for the night, no violence, does not want officers"
    )
    assert shouted.da_prompt and shouted.recommended_grade == RESOLVED
    signposted = words_only(
        "partner went through her phone last night, she's at her mum's, safe, declines "
        "police attendance. Signposted."
    )
    assert signposted.da_prompt and signposted.recommended_grade == RESOLVED


def test_a_threat_from_a_stranger_is_not_a_da_prompt_but_from_an_ex_it_is():
    stranger = words_only("A man I don't know is banging on the door of the shop.")
    assert not stranger.da_prompt
    with_ex = words_only("My ex is banging on the door.")
    assert with_ex.da_prompt and with_ex.recommended_grade == IMMEDIATE


def test_a_threat_under_a_court_order_is_immediate():
    result = assess(facts("He is trying to get in, he has a non-molestation order against him."))
    assert "da.current_threat" in codes(result)
    assert result.recommended_grade == IMMEDIATE


def test_a_weapon_is_immediate_and_a_denied_weapon_is_not():
    assert words_only("He is waving a knife.").recommended_grade == IMMEDIATE
    assert "cue.weapon" not in codes(words_only("He has no knife."))
    found = words_only("found a knife in the park, nobody around")
    assert "cue.weapon" not in codes(found) and "cue.weapon_mentioned" in codes(found)


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


def hit(kind, *matched_on, days_ago=30, log_id=1, summary="..."):
    return {
        "id": log_id,
        "kind": kind,
        "summary": summary,
        "matched_on": list(matched_on),
        "occurred_at": (NOW - timedelta(days=days_ago)).isoformat(),
    }


@pytest.mark.parametrize("kind", ["marac", "domestic_abuse", "dvds", "threat_to_life"])
def test_recent_da_intelligence_at_the_address_or_phone_sets_an_immediate_floor(kind):
    log = hit(kind, "address", log_id=41, summary="MARAC high risk: calls to be treated urgent")
    result = assess(facts("Caller wants to speak to an officer.", intelligence_hits=[log]))
    assert result.grade_floor == IMMEDIATE
    assert result.recommended_grade == IMMEDIATE
    assert result.da_prompt
    reason = result.flag("intel.floor").reason
    assert f"{kind.replace('_', ' ').upper()} log 41" in reason
    assert "this address" in reason and "MARAC high risk" in reason


def test_the_floor_holds_for_the_phone_too_and_names_the_date():
    result = assess(facts(intelligence_hits=[hit("marac", "phone", days_ago=200)]))
    assert result.grade_floor == IMMEDIATE
    occurred = (NOW - timedelta(days=200)).strftime("%d %b %Y")
    assert occurred in result.flag("intel.floor").reason


def test_intelligence_older_than_the_window_or_about_a_person_elsewhere_sets_no_floor():
    old = assess(facts(intelligence_hits=[hit("marac", "address", days_ago=400)]))
    assert "intel.floor" not in codes(old) and old.grade_floor is None
    elsewhere = assess(facts(intelligence_hits=[hit("domestic_abuse", "person")]))
    assert "intel.floor" not in codes(elsewhere) and elsewhere.grade_floor is None
    assert elsewhere.da_prompt  # still domestic abuse intelligence: the prompt stands


def test_a_force_can_change_the_intelligence_window():
    logs = [hit("marac", "address", days_ago=400)]
    result = assess(facts(intelligence_hits=logs, intelligence_floor_days=500))
    assert result.grade_floor == IMMEDIATE
    shorter = assess(facts(intelligence_hits=[hit("marac", "address", days_ago=40)],
                           intelligence_floor_days=30))  # fmt: skip
    assert shorter.grade_floor is None


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


def test_threat_to_life_intelligence_is_immediate():
    result = assess(facts(intelligence_hits=[hit("threat_to_life", "person")]))
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
        assert rule.reason and rule.flag and "{evidence}" in rule.reason
        assert rule.severity in {"risk", "warn", "history"}


def test_every_flag_names_its_evidence_in_the_reason():
    result = assess(facts(SEED_WORDS, intelligence_hits=[hit("marac", "address", log_id=7)]))
    for flag in result.flags:
        assert "“" in flag.reason or "log" in flag.reason or "scheme" in flag.reason, flag


def test_a_force_can_change_the_table():
    stricter = (
        *grading.RULES,
        grading.Rule(
            "cue.order.immediate",
            "order breach",
            grading.cue("order_breach"),
            "Order breach: {evidence}.",
            recommend=IMMEDIATE,
        ),
    )
    result = assess(facts("He broke his bail conditions by texting me."), rules=stricter)
    assert result.recommended_grade == IMMEDIATE
    reason = result.flag("cue.order.immediate").reason
    assert reason.startswith("Order breach: ") and "“bail conditions”" in reason


def test_find_cues_reports_each_phrase_once_with_the_callers_words():
    cues = find_cues("my ex, my ex, MY EX is outside")
    assert cues["party"] == ["ex", "EX"]
    assert cues["presence"] == ["outside"]


@pytest.mark.parametrize(
    "narrative",
    [
        "",
        "   \n\t ",
        "😡😡😡 🚪🔨",
        "Mi exmarido está golpeando la puerta, tengo miedo",
        "Mój były mąż dobija się do drzwi",
        "word " * 10_000,
        "he is outside " * 2_000,
        "\u0000\u200b\ufeff",
    ],
)
def test_any_narrative_is_assessed_without_error(narrative):
    result = words_only(narrative)
    assert result.recommended_grade in grading.GRADES
    assert isinstance(result.da_prompt, bool)


def test_is_below_and_more_urgent():
    assert grading.is_below(PRIORITY, IMMEDIATE)
    assert not grading.is_below(IMMEDIATE, IMMEDIATE)
    assert not grading.is_below(SCHEDULED, None)
    assert grading.more_urgent(SCHEDULED, PRIORITY) == PRIORITY
