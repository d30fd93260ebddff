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


# Each row: the narrative, the grade it must be recommended ("NOT_RAISED": neither
# IMMEDIATE nor PRIORITY; "BELOW_IMMEDIATE"; "RAISED": either), whether the DA prompt must
# be raised, a flag that must be there ("+") or not ("-"), and whether the rules are read
# alone, without the learnt models that could raise the call by themselves.
READINGS = [
    pytest.param(
        (
            "my ex breached the order last Tuesday, he sent a birthday card to the kids, "
            "can someone come and take it off me sometime"
        ),
        "NOT_RAISED",
        True,
        None,
        False,
        id="breach told as past",
    ),
    pytest.param(
        "Kieran broke his bail last week by texting me",
        "RESOLVED",
        True,
        None,
        False,
        id="bail broken last week",
    ),
    pytest.param(
        "Kieran broke his bail this morning by texting me",
        "PRIORITY",
        True,
        "+da.recent",
        False,
        id="bail broken this morning",
    ),
    pytest.param(
        "my partner smashed my phone two days ago, he's since moved out",
        "PRIORITY",
        True,
        None,
        False,
        id="harm two days ago",
    ),
    pytest.param(
        "my partner smashed my phone 4 days ago, he's since moved out",
        "RESOLVED",
        True,
        None,
        False,
        id="harm 4 days ago",
    ),
    pytest.param(
        "is it illegal to carry a filleting knife in my tackle box when im going fishing",
        "NOT_RAISED",
        None,
        None,
        False,
        id="is it illegal",
    ),
    pytest.param(
        "i've locked myself out, am i allowed to kick my own door in",
        "NOT_RAISED",
        None,
        None,
        False,
        id="am I allowed",
    ),
    pytest.param(
        "my mates ex keeps liking all my photos on instagram, is that stalking",
        "NOT_RAISED",
        None,
        None,
        False,
        id="is that stalking",
    ),
    pytest.param(
        "wallet on the floor at the bus stop what do i do with it",
        "NOT_RAISED",
        False,
        "-cue.life_at_risk",
        False,
        id="a wallet on the floor",
    ),
    pytest.param(
        "my mum's been hit by a car and the driver's gone, she's on the floor",
        "IMMEDIATE",
        None,
        "+cue.life_at_risk",
        False,
        id="a person on the floor",
    ),
    pytest.param(
        "my son's 30, won't move out, won't pay board, can you make him leave",
        None,
        None,
        "-cue.life_at_risk",
        False,
        id="won't move out",
    ),
    pytest.param(
        "the old man next door won't move, he's lying there",
        "IMMEDIATE",
        None,
        "+cue.life_at_risk",
        False,
        id="won't move, lying there",
    ),
    pytest.param(
        "my daughter lives with me, she screams at me if I say no",
        None,
        None,
        "-cue.distress",
        False,
        id="screams at me as a habit",
    ),
    pytest.param(
        "my girlfriend's stood there with the kettle still screaming at me",
        "IMMEDIATE",
        None,
        None,
        False,
        id="still screaming at me",
    ),
    pytest.param(
        ("Assault at 5-a-side last Thurs, RP elbowed in face, nose broken, knows offender's name"),
        "NOT_RAISED",
        None,
        None,
        False,
        id="last Thurs",
    ),
    pytest.param(
        "opposing player headbutted him at sunday league match last Sat, nose possibly broken",
        "NOT_RAISED",
        None,
        None,
        False,
        id="last Sat",
    ),
    pytest.param(
        ("she hit me a few times in the summer, we've split up now, my counsellor says report it"),
        "NOT_RAISED",
        True,
        None,
        False,
        id="in the summer",
    ),
    pytest.param(
        "He said he'd kill me. That was in 2022. My ex. My solicitor wants the police log.",
        "NOT_RAISED",
        True,
        None,
        False,
        id="That was in 2022",
    ),
    pytest.param(
        "flats on fire, someone's screaming from a window on the 5th floor",
        "IMMEDIATE",
        None,
        None,
        False,
        id="the 5th floor is a place",
    ),
    pytest.param(
        "my ex hit me on the 3rd, he's moved out, I want to report it",
        "NOT_RAISED",
        True,
        None,
        False,
        id="on the 3rd is a date",
    ),
    pytest.param(
        "I think my ex might still be able to see my location, how do I stop it",
        "RAISED",
        True,
        None,
        False,
        id="distress words in a question stay distress (the filter cost a danger call)",
    ),
    pytest.param(
        (
            "callback answered by male says wrong number all fine, female crying audible in "
            "background, earlier she said my husband"
        ),
        "IMMEDIATE",
        None,
        None,
        False,
        id="all fine is no question",
    ),
    pytest.param(
        (
            "her wife had a seizure and hit her head, paramedics are with her, asking if "
            "police need telling because she drove this morning"
        ),
        None,
        None,
        "-cue.life_at_risk",
        False,
        id="paramedics are with her",
    ),
    pytest.param(
        "my wife had a seizure and hit her head, she won't wake up",
        "IMMEDIATE",
        None,
        "+cue.life_at_risk",
        False,
        id="seizure, won't wake",
    ),
    pytest.param(
        "he's been stabbed, paramedics are with him, the lad with the knife is still here",
        "IMMEDIATE",
        None,
        None,
        False,
        id="in medical hands, knife still here",
    ),
    pytest.param(
        (
            "someone keeps leaving threatening comments on our Google reviews, saying "
            "they'll shut us down for good"
        ),
        "BELOW_IMMEDIATE",
        None,
        None,
        False,
        id="threatening comments",
    ),
    pytest.param(
        "he's outside threatening me with a bat",
        "IMMEDIATE",
        None,
        None,
        False,
        id="threatening me with a bat",
    ),
    pytest.param(
        "Flatmate (not related, just share) punched me last night over bills",
        "BELOW_IMMEDIATE",
        None,
        None,
        False,
        id="just in another clause",
    ),
    pytest.param("he's just punched me", "IMMEDIATE", None, None, False, id="just punched"),
    pytest.param(
        "Victim now 40 reports her stepfather hit her as a teenager, 1998-2002",
        "BELOW_IMMEDIATE",
        None,
        None,
        False,
        id="now 40 is an age",
    ),
    pytest.param(
        "my stepfather is hitting her now", "IMMEDIATE", None, None, False, id="hitting her now"
    ),
    pytest.param(
        "my ex hit me earlier, he's gone now",
        "PRIORITY",
        True,
        "+da.recent",
        False,
        id="earlier, gone now",
    ),
    pytest.param(
        "rang for advice, her partner hit her earlier, he's gone to his brother's",
        "PRIORITY",
        None,
        None,
        False,
        id="advice after harm earlier",
    ),
    pytest.param(
        "he hit me in his early twenties", "BELOW_IMMEDIATE", None, None, False, id="early twenties"
    ),
    pytest.param(
        "my partner slapped me this evening, she has now left in a taxi",
        "PRIORITY",
        None,
        None,
        False,
        id="this evening",
    ),
    pytest.param(
        (
            "husband tracked her phone and opened her post for years, she's in a refuge "
            "now, wants to give a statement"
        ),
        "NOT_RAISED",
        True,
        None,
        False,
        id="for years",
    ),
    pytest.param(
        "he's coming back any second, he's my ex", "IMMEDIATE", None, None, False, id="any second"
    ),
    pytest.param(
        "her in-laws beat her this evening, she is now locked in the storeroom",
        "IMMEDIATE",
        True,
        None,
        True,
        id="locked in the storeroom",
    ),
    pytest.param(
        "my wife has hit me for years, today she threw tea at me",
        "PRIORITY",
        True,
        None,
        True,
        id="tea thrown today",
    ),
    pytest.param(
        "my wife is drunk and trying to drive off with the baby in the car seat",
        "IMMEDIATE",
        None,
        None,
        True,
        id="drunk, driving off with the baby",
    ),
    pytest.param(
        (
            "there was a man screaming and kicking doors in our corridor at three this "
            "morning, we're checking out today"
        ),
        "RAISED",
        None,
        None,
        False,
        id="screams told of earlier stay distress (the filter cost a danger call)",
    ),
    pytest.param(
        (
            "Male caller wants to report wife took his keys. Female heard in background "
            "crying 'just let me go'. Caller says she fell over."
        ),
        "IMMEDIATE",
        None,
        None,
        False,
        id="crying heard in the background",
    ),
    pytest.param(
        "she was screaming and then the line went dead",
        "IMMEDIATE",
        None,
        None,
        False,
        id="screaming, line went dead",
    ),
    pytest.param(
        (
            "voicemail from her dad saying he'll sort her out for refusing the man chosen "
            "for her, dad lives 200 miles away"
        ),
        "PRIORITY",
        True,
        None,
        False,
        id="threat from 200 miles away",
    ),
    pytest.param(
        "my ex lives 200 miles away but he says he'll kill me, he's outside now",
        "IMMEDIATE",
        None,
        None,
        False,
        id="far away but outside now",
    ),
    pytest.param(
        (
            "My stepson keeps coming round demanding money off his dad, he intimidates him. "
            "Last time was Friday"
        ),
        "RESOLVED",
        True,
        None,
        False,
        id="Last time was Friday",
    ),
    pytest.param(
        (
            "My stepson keeps coming round demanding money off his dad, he intimidates him. "
            "Last time was this morning"
        ),
        "PRIORITY",
        None,
        None,
        False,
        id="Last time was this morning",
    ),
    pytest.param(
        "my partner hit me last night, he's gone to work now, I've got bruises",
        "PRIORITY",
        True,
        None,
        False,
        id="bruises, gone to work",
    ),
    pytest.param(
        "that fight outside the kebab shop's finished now, nobody's hurt",
        "BELOW_IMMEDIATE",
        None,
        None,
        False,
        id="fight finished now",
    ),
    pytest.param(
        "she's hit me over the head with the frying pan, she's still in the house",
        "IMMEDIATE",
        None,
        None,
        False,
        id="hit over the head",
    ),
    pytest.param(
        "he won't stop hitting her, I can hear it now",
        "IMMEDIATE",
        None,
        None,
        False,
        id="won't stop hitting her",
    ),
    pytest.param(
        "her son who lives with her has just thrown a chair at the wall",
        "IMMEDIATE",
        None,
        None,
        True,
        id="has just thrown a chair",
    ),
    pytest.param(
        (
            "My ex keeps turning up in the same pub as me on Fridays and staring. He hasn't "
            "spoken to me. Is that something you can do anything about?"
        ),
        "RESOLVED",
        True,
        None,
        False,
        id="ends on an enquiry",
    ),
    pytest.param(
        "My ex keeps turning up at my work and staring. Can you send someone now?",
        "RAISED",
        None,
        None,
        False,
        id="a plea is no enquiry",
    ),
    pytest.param(
        "My ex hit me this morning, he's gone to work. What should I do?",
        "PRIORITY",
        None,
        None,
        False,
        id="hurt today, then a question",
    ),
    pytest.param(
        "the father of my child said he'd stab me at the next handover",
        None,
        True,
        None,
        True,
        id="the father of my child",
    ),
    pytest.param(
        "a couple just had a fight in the bar, the man slapped the woman",
        None,
        True,
        None,
        True,
        id="a couple had a fight",
    ),
    pytest.param(
        "a couple of lads just had a fight in the bar, one slapped the other",
        None,
        False,
        None,
        True,
        id="a couple of lads",
    ),
    pytest.param(
        (
            "Concerned aunt: niece's boyfriend checks her phone, niece doesn't want police. "
            "Advised re Clare's Law and local DA service. NFA."
        ),
        "RESOLVED",
        True,
        "+cue.control_advice",
        False,
        id="control, advice given",
    ),
    pytest.param(
        "her husband checks her phone and takes her bank card, she's scared",
        "PRIORITY",
        None,
        "+cue.control",
        False,
        id="control, scared",
    ),
    pytest.param(
        "fireworks going off on the field, kids by the sound of it",
        "BELOW_IMMEDIATE",
        None,
        None,
        False,
        id="fireworks going off",
    ),
    pytest.param(
        "my 6 year old has gone off from the park and I can't find him",
        "IMMEDIATE",
        None,
        None,
        False,
        id="a child gone off",
    ),
    pytest.param(
        (
            "rang for advice, her partner was shouting at her earlier, he's gone to his "
            "brother's for the night, no violence, does not want officers"
        ),
        "RESOLVED",
        True,
        None,
        False,
        id="shouted at, advice asked",
    ),
    pytest.param(
        (
            "partner went through her phone last night, she's at her mum's, safe, declines "
            "police attendance. Signposted."
        ),
        "RESOLVED",
        True,
        None,
        False,
        id="signposted",
    ),
    pytest.param(
        "Ex posted intimate photos of me two days ago. They've been taken down now but "
        "loads of people saw them.",
        "NOT_RAISED",
        True,
        "-cue.life_at_risk",
        False,
        id="loads of people saw them",
    ),
    pytest.param(
        "Caller's husband said last month he'd take the kids abroad and she'd never see "
        "them again. She wants it on record.",
        "NOT_RAISED",
        True,
        None,
        False,
        id="never see them again, said last month",
    ),
    pytest.param(
        "He screamed he'd burn the house down with me in it, that was Tuesday, he's been "
        "remanded since.",
        "NOT_RAISED",
        True,
        None,
        False,
        id="that was Tuesday",
    ),
    pytest.param(
        "my ex says I'll never see the kids again, he's outside now",
        "IMMEDIATE",
        True,
        None,
        False,
        id="never see them again, outside now",
    ),
    pytest.param(
        "patient detained under s2 MHA has absconded, high risk of suicide, heading to the "
        "railway station",
        "IMMEDIATE",
        False,
        None,
        True,
        id="high risk of suicide is no DA word",
    ),
    pytest.param(
        "DASH completed, she was assessed as high risk, he's moved out",
        None,
        True,
        None,
        True,
        id="assessed as high risk",
    ),
    pytest.param(
        "There was a fight last month between me and my brother over dad's will. He "
        "punched me. We've not spoken since. I want to press charges.",
        "NOT_RAISED",
        True,
        None,
        True,
        id="dad's will is no future",
    ),
    pytest.param(
        "my brother is outside and says he will punch me",
        "IMMEDIATE",
        None,
        None,
        True,
        id="he will punch me",
    ),
]


@pytest.mark.parametrize(("narrative", "grade", "prompt", "code", "alone"), READINGS)
def test_time_tense_and_context_are_read(monkeypatch, narrative, grade, prompt, code, alone):
    """When, who, and whether anything is happening now: each row a misreading seen on
    labelled calls, or the reading that must not be lost with its mending."""
    if alone:
        monkeypatch.setenv("CAD_RISK_MODEL", "0")
    result = words_only(narrative)
    got = result.recommended_grade
    expected = {
        "NOT_RAISED": got not in (IMMEDIATE, PRIORITY),
        "BELOW_IMMEDIATE": got != IMMEDIATE,
        "RAISED": got in (IMMEDIATE, PRIORITY),
        "IMMEDIATE": got == IMMEDIATE,
        "PRIORITY": got == PRIORITY,
        "RESOLVED": got == RESOLVED,
        None: True,
    }[grade]
    assert expected, (got, result.basis)
    if prompt is not None:
        assert result.da_prompt is prompt
    if code:
        assert (code[1:] in codes(result)) is (code[0] == "+"), codes(result)


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
