"""Classes of narrative the rules read in general, not one sentence each: who owns a
partner, someone coming back in a moment, more weapons and acts, and the harmless calls
(games, illness, a relative harmed by someone else, stored weapons) that stay calm."""

from datetime import UTC, datetime

import pytest

from cad.calls import risk_language
from cad.calls.grading import IMMEDIATE, PRIORITY, CallFacts, assess

NOW = datetime(2026, 11, 22, 23, 54, tzinfo=UTC)


def words_only(narrative):
    return assess(CallFacts.for_code("information", narrative=narrative, now=NOW))


def codes(assessment):
    return {flag.code for flag in assessment.flags}


# --- 1. a partner owned by the caller's side is a party ------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "caller's husband punched her in the face this morning",
        "IP's ex smashed her phone last night",
        "the victim's boyfriend slapped her earlier",
        "the female's partner kicked her at the party",
        "my mate's boyfriend kicked her in the stomach an hour ago",
        "callers wife threw a plate at him earlier",
    ],
)
def test_a_partner_of_the_caller_side_is_a_party(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert "“" in result.flag("cue.relationship").reason


def test_a_partner_of_an_ex_is_not_a_party():
    result = words_only("my ex's new boyfriend pushed me over in town earlier")
    assert not result.da_prompt, codes(result)


# --- 2. gone only for a moment: as good as here -------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my husband strangled me, he's gone for fags and will be back in 5 mins",
        "partner hit me, hes popped to the shop, back any minute",
        "my ex just punched me and he's only gone out the back for a smoke",
        "he kicked me earlier, he's only 10 mins away in the car",
        "my boyfriend beat me, he'll be here in 10 minutes",
    ],
)
def test_someone_back_in_a_moment_is_here_now(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert result.da_prompt, narrative


def test_back_in_a_year_is_still_the_past():
    reading = risk_language.reading("he hit me back in 2019, nothing since")
    assert "presence_now" not in reading.signals


def test_a_number_typed_onto_its_unit_reads_as_the_unit():
    reading = risk_language.reading("my ex punched me, he's nipped out, back in 5mins")
    assert "presence_now" in reading.signals


# --- 3. more weapons and acts -------------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "a man is waving a syringe at the staff in the shop",
        "bloke outside swinging a golf club at cars and people",
        "lad with a crossbow in the park pointing it at people",
        "he's got a stanley knife and is threatening the cashier",
        "man in the pub car park with a metal bar going for people",
        "there's a man with a wrench smashing cars and shouting at me",
    ],
)
def test_tools_and_sports_kit_held_as_weapons_are_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert "cue.weapon" in codes(result)


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex-wife tried to run me over in the car park an hour ago",
        "my husband threw me against the radiator this morning",
        "my boyfriend drove at me this afternoon",
    ],
)
def test_a_car_or_a_throw_used_on_someone_is_violence(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade in (IMMEDIATE, PRIORITY)


def test_a_threat_in_quote_marks_is_read():
    result = words_only("my ex texted that she is coming to 'end' me tonight")
    assert result.recommended_grade == IMMEDIATE, codes(result)
    assert result.da_prompt
    assert "end' me tonight" in result.flag("cue.threat_now").reason


def test_a_threat_to_put_someone_in_the_ground_is_a_threat():
    result = words_only("my son said last night he'd put me in the ground")
    assert result.da_prompt, codes(result)
    assert "cue.threat_recent" in codes(result) or "cue.threat_now" in codes(result)


def test_a_stranglehold_till_limp_is_strangulation():
    reading = risk_language.reading("my partner had me in a stranglehold till I went limp")
    assert "strangulation" in reading.signals


# --- 4. over-triggering -------------------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my son's upset, a boy on roblox said he'd kill him, it's just the game",
        "someone on his xbox headset said they would murder him",
        "parents on the touchline shouting 'kill him ref' at the under 12s",
        "my neighbour said he's going to murder this wall with his drill",
        "got a letter threatening court action over a parking fine, is it real",
    ],
)
def test_threats_in_games_idioms_and_letters_are_not_threats_to_harm(narrative):
    result = words_only(narrative)
    assert "cue.threat_now" not in codes(result), (narrative, codes(result))
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "found an old sword in the attic clearing out, want to hand it in",
        "dad's passed away and his shotguns are locked in the cabinet, what do we do",
        "can I carry my kitchen knives to my catering course on the train",
        "heard loud bangs like gunshots, oh it's fireworks, sorry",
    ],
)
def test_stored_found_and_asked_about_weapons_are_not_held(narrative):
    result = words_only(narrative)
    assert "cue.weapon" not in codes(result), (narrative, codes(result))
    assert not result.da_prompt, narrative


@pytest.mark.parametrize(
    "narrative",
    [
        "my wife's having a panic attack, can someone talk her through it",
        "my husband is having an asthma attack and can't find his inhaler",
        "my husband's been mugged on the way home, he's back here now",
        "my mum's been burgled while she was at bingo, she's home now",
        "my son's gone missing from the park, he's back here now with me",
        "my dad has passed away and I need to know about his firearms licence",
    ],
)
def test_illness_and_relatives_harmed_by_others_are_not_domestic_abuse(narrative):
    result = words_only(narrative)
    assert not result.da_prompt, (narrative, codes(result))


def test_an_animal_or_another_driver_is_not_a_party():
    for narrative in (
        "next door's dog bit my daughter, the owner says it'll do it again",
        "road rage, the other driver punched my dad at the lights",
    ):
        result = words_only(narrative)
        assert not result.da_prompt, (narrative, codes(result))


def test_a_restraining_order_against_a_stranger_is_not_domestic_abuse():
    result = words_only("I have a restraining order against a man from my old job, can I renew it")
    assert not result.da_prompt, codes(result)


def test_a_clares_law_enquiry_with_nothing_told_is_not_domestic_abuse():
    result = words_only("I want to do a Clare's Law check on my new fella, he's been lovely")
    assert not result.da_prompt, codes(result)


def test_a_court_order_arranging_the_children_is_not_protective():
    result = words_only(
        "the court order says my ex drops the kids at 6, she's late, stuck in traffic"
    )
    assert not result.da_prompt, codes(result)


def test_a_child_under_16_is_not_a_domestic_abuse_party():
    result = words_only("a kid in his class told my son (12) he'll get beaten up at school")
    assert not result.da_prompt, codes(result)


# --- 5. relationship words ----------------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "she's bottled me... me missus... she's still in the kitchen",
        "RP states ex-gf has been smashing his windows tonight",
        "woman with a cut lip says her fella did it this morning",
        "reporting son-in-law headbutted him at the wedding earlier",
        "SIL punched my husband at the christening this afternoon",
        "my grandson has pushed me over and taken my purse",
        "my dad threw me into the wardrobe this morning, I'm 17",
        "my son took 200 quid out my purse and said he'd put me in a home",
    ],
)
def test_relationship_words_are_recognised(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))


def test_an_unintroduced_he_acting_on_the_caller_is_someone_known():
    result = words_only("he's pulled chunks of my hair out and flushed my tablets, he's gone now")
    assert result.da_prompt, codes(result)


def test_a_caller_introducing_themselves_is_not_presence():
    reading = risk_language.reading("Mum here. My son said he'd kill his brother in the game.")
    assert "presence" not in reading.signals


# --- weapons seen, and who "he" is ---------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "man at the bus stop with what looks like a gun in his waistband",
        "a bloke I used to work with is outside with a machete",
        "shop robbed 3 mins ago, a man with a knife, ran off towards the park",
    ],
)
def test_a_weapon_seen_or_held_minutes_ago_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert "cue.weapon" in codes(result)


def test_he_is_the_first_person_named_who_can_be_called_he():
    result = words_only("my nan paid a cowboy builder 3000 up front, he's coming back later")
    assert not result.da_prompt, codes(result)


def test_messages_from_an_ex_who_lives_far_away_are_not_raised():
    result = words_only("my ex keeps posting about me on instagram, she moved to Spain last year")
    assert result.da_prompt
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), codes(result)


def test_violence_from_an_ex_who_lives_far_away_still_is():
    result = words_only("my ex punched me last night before driving home, he lives in Scotland")
    assert result.da_prompt
    assert result.recommended_grade in (IMMEDIATE, PRIORITY), codes(result)


# --- 4. missing people: a young child, or someone at risk ---------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my little girl's gone, she's 5, we were in the shopping centre",
        "son (6) has wandered off at the beach, we can't find him",
        "my 7yo hasn't come home from the park",
        "grandson aged six not back from his friend's, should have been home an hour ago",
    ],
)
def test_a_young_child_missing_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert "“" in result.flag("cue.child_missing").reason


@pytest.mark.parametrize(
    "narrative",
    [
        "my flatmate wandered off from the party, she's really drunk and it's freezing",
        "our lad's gone missing, he's 19, very drunk, left his phone at the pub",
        "daughter not come home, it's 11 at night, phone's off, this is not like her",
    ],
)
def test_a_missing_person_at_risk_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


def test_a_missing_adult_with_one_sign_of_risk_is_priority():
    result = words_only("my husband's not come home from work, not answering his phone")
    assert result.recommended_grade == PRIORITY, codes(result)
    assert "cue.missing_concern" in codes(result)


@pytest.mark.parametrize(
    "narrative",
    [
        "my son's gone to his dad's for the weekend, he's 6",
        "he hit me in front of the kids, he's gone now",
        "he's gone to get his mates and they're going to do me, my boy's 4",
    ],
)
def test_gone_somewhere_is_not_missing(narrative):
    assert "child_missing" not in risk_language.reading(narrative).signals, narrative


# --- 5. water, heights, fire, traffic -----------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "a woman's gone in off the harbour wall, I can see her head",
        "my mate jumped into the canal for a laugh and he's struggling in the water",
        "lad on the roof edge of the flats",
        "flat fire, there's kids inside",
        "man trapped in the car after it went off the road",
    ],
)
def test_someone_in_the_water_or_trapped_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert "cue.life_at_risk" in codes(result)


# --- 6. conditional threats and threats over a child --------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my husband says if I ring anyone he'll cut my face",
        "he's holding the baby over the balcony saying he'll drop her",
        "my partner told me I'm next, he's in the kitchen",
        "he's passed out drunk but said when he wakes up he'll finish it",
    ],
)
def test_a_threat_now_from_a_partner_is_immediate_and_domestic(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert result.da_prompt, narrative


def test_taking_a_child_from_school_is_coercion_by_a_party():
    result = words_only("my ex took my daughter from school without asking, he's not allowed")
    assert result.da_prompt, codes(result)


def test_dropping_the_kids_off_is_not_a_threat():
    result = words_only("my ex-wife will drop the kids off at 6 under the court order")
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), codes(result)


# --- 7. stalking and harassment by an ex or family ----------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex-husband keeps emailing my boss about me, it's been going on for months",
        "my ex keeps posting nasty comments about me on facebook, I want it logged",
        "my ex-girlfriend keeps messaging my son about me, I just want it on record",
    ],
)
def test_remote_harassment_by_an_ex_is_domestic_but_not_urgent(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex keeps ringing from a withheld number and now he's out there, I can see his car",
        "ex is going round and round the estate on his moped and showed me a knife",
    ],
)
def test_a_harassing_ex_near_now_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert result.da_prompt


def test_a_relative_ringing_999_is_not_harassment():
    result = words_only("my gran has dementia and keeps ringing 999, she's fine, I'm with her")
    assert not result.da_prompt, codes(result)


# --- 8. sexual violence and money taken by family -----------------------------------------


def test_sex_forced_by_a_partner_is_domestic_abuse():
    result = words_only("my boyfriend made me have sex last night when I said no")
    assert result.da_prompt, codes(result)


def test_money_borrowed_by_family_without_end_is_domestic_abuse():
    result = words_only("my son keeps borrowing my pension and gets angry when I refuse")
    assert result.da_prompt, codes(result)


# --- 9. vehicles, half-seen weapons, doors kicked in --------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex just rammed our car with his truck and he's getting out",
        "my brother threatened to kill me and he's got something in his hand",
        "my husband said he'd kill me, he's in the shed with a spade",
        "two men I don't know are trying to kick my back door in",
    ],
)
def test_vehicles_half_seen_weapons_and_doors_kicked_in_are_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


def test_a_spade_with_no_threat_is_gardening():
    result = words_only("my dad's out in the garden with a spade, can you tell me my crime number")
    assert "cue.weapon" not in codes(result)


# --- 10. property and idiom involving relatives stay calm ---------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my wife's catalytic converter was cut off her car overnight",
        "my mum's car window smashed and her bag taken, she's fine",
        "some kids threw stones at the bus shelter and they smashed it",
        "my husband's going to kill me, I've lost the car keys at the petrol station",
        "me and my ex-wife want to report our car stolen, she's here with me",
        "I'm on bail for a driving offence and moving house, who do I tell",
        "screaming outside, oh it's just foxes again",
    ],
)
def test_damage_idiom_and_own_bail_are_not_raised(narrative):
    result = words_only(narrative)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))
    assert not result.da_prompt, (narrative, codes(result))


# --- 11. slang, dialect and dropped g: the plain act behind the word -----------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my fella's lamped me twice and he's still in the kitchen",
        "me man's twatted me and he's stood in the hall shouting",
        "her bloke is leatherin her in the back bedroom right now",
        "my husband's kickin off and smashin everything, the weans are in bed",
    ],
)
def test_slang_and_dialect_for_hitting_are_violence_by_a_party(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


def test_an_ing_typed_without_its_g_reads_as_the_verb():
    assert "violence_now" in risk_language.reading("he's punchin her in the street").signals
    # "ruin" is a word of its own, not "ruing"
    assert risk_language.reading("he'll ruin my life").signals.get("threat_now")


# --- 12. damage to the caller's things by a party is domestic abuse ------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex let all my tyres down about an hour ago, I saw her on the camera",
        "my husband cut up all my clothes this afternoon and left them on the drive",
        "the ex put my front window in earlier tonight then drove off",
    ],
)
def test_damage_by_a_party_prompts(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade == PRIORITY, (narrative, codes(result))


def test_a_party_wrecking_the_home_now_is_immediate():
    result = words_only("my boyfriend is trashing the flat right now, I'm in the bathroom")
    assert result.recommended_grade == IMMEDIATE, codes(result)


def test_damage_by_strangers_is_not_domestic_abuse():
    result = words_only("some youths set fire to the wheelie bins on our street last night")
    assert not result.da_prompt, codes(result)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), codes(result)


# --- 13. a pattern of control or words, nothing today, the other party away ----------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my daughter has been spending my pension for a year, she lives in her own flat",
        "my husband keeps my bank card and gives me a tenner a week, he never hits me",
        "my partner is in prison, he keeps sending letters calling me names, not worried,"
        " just want it stopped",
        "my ex calls me useless in messages all the time, he's working offshore for a month",
    ],
)
def test_control_or_words_as_a_pattern_prompt_but_are_not_raised(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "my son takes my bank card every week, he took it again this morning",
        "he controls all the money and checks my phone, he's at work till 6",
    ],
)
def test_control_with_something_today_or_the_party_due_back_is_priority(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == PRIORITY, (narrative, codes(result))


# --- 14. games, sports, toys, jokes, questions and rumours stay calm ------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my girlfriend says she'll kill me if I'm late again lol",
        "my brother keeps screaming into his headset on Fortnite, can you tell him off",
        "lad at the bus stop with a plastic sword, he's dressed up for a costume party",
        "am I allowed to keep an air rifle in the shed?",
        "my husband is a firearms officer, he left his radio here, can I drop it in",
        "his sparring partner knocked him out at boxing yesterday, he's fine",
        "saw a post on Facebook saying a man is stabbing people in the park, is it true?",
        "got an email saying they've hacked my camera and will release videos unless I pay bitcoin",
        "someone's been knocking on my door and running off, it's been going on for weeks",
    ],
)
def test_play_jokes_questions_and_rumours_are_not_raised(narrative):
    result = words_only(narrative)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))
    assert not result.da_prompt, (narrative, codes(result))


# --- 15. danger now the rules had no words for ---------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my parents are sending me to India tonight to marry a man I've never met",
        "a man keeps asking my son to get in his car, he's 9, they're by the park gates",
        "man offered my daughter a lift and said he had kittens in the car, she's 7",
        "there's a man wading into the river, he's chest deep now",
        "a bus has hit the crowd outside the station, lots of people hurt",
        "my aunt's 88, papers piling up on the mat, curtains closed for two days",
        "there's a bloke been behind me since the car park, he's still following me",
        "the care worker is punching the old lady in the wheelchair, it's still going on",
        "two lads had a knife, robbed the shop. They've just run towards the park",
    ],
)
def test_danger_now_in_new_words_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


def test_a_forced_marriage_is_domestic_abuse_but_advice_stays_calm():
    result = words_only(
        "my family are pressuring me to marry my cousin next year, I want to know my options"
    )
    assert result.da_prompt, codes(result)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), codes(result)


# --- 16. intimate images shared or held over someone by a party ----------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my ex shared my nudes in a group chat last month",
        "her boyfriend has uploaded naked photos of her to a website",
        "my husband posted private pics of me on Instagram yesterday",
        "the ex girlfriend put intimate videos of him online",
    ],
)
def test_intimate_images_shared_by_a_party_are_domestic_abuse(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))


# --- 17. money and belongings taken by family or an ex -------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my son has been taking money from my account for weeks",
        "my sister sold my jewellery while I was in hospital",
        "ex partner kept the child benefit and won't give me a penny",
        "my brother took my nan's pension card and has been spending it",
        "my ex removed my laptop while I was at work, I want to report it",
    ],
)
def test_money_taken_by_family_is_prompted_but_not_urgent(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade != IMMEDIATE, (narrative, codes(result))


# --- 18. a handler's shorthand -------------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "Historic DV. IP wishes to report ex partner, no current contact",
        "C/R reports DA incident last week, suspect not at address",
        "he has order not to contact me but turned up last night",
    ],
)
def test_handler_shorthand_for_domestic_abuse_is_prompted(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))


def test_a_dialect_da_is_a_dad_not_domestic_abuse():
    result = words_only("my da's taking me to the football on Saturday")
    assert not result.da_prompt, codes(result)


# --- 19. the call ended on a cry -----------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "Female screaming heard, then the line went dead",
        "woman crying for help, call disconnected, no answer on callback",
        "can hear shouting and a woman crying then the phone cut off",
    ],
)
def test_a_call_that_ends_on_a_cry_is_immediate_and_prompted(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert result.da_prompt, (narrative, codes(result))


# --- 20. more danger now: casualties, fire, crashes, someone inside, chasing ---------------


@pytest.mark.parametrize(
    "narrative",
    [
        "gunshots outside, a man down on the pavement not moving",
        "lad bleeding from the neck outside the chippy, he's still breathing",
        "smoke pouring from the flat below. Elderly woman lives there. She's not answering.",
        "the shed's alight and the fire's spreading to the house, my dad's still inside",
        "van's gone over on its side in a field, driver hanging upside down in his seatbelt",
        "back door's smashed in and I can hear somebody walking about upstairs",
        "they're throwing petrol bombs at the house next door",
        "my girlfriend's ex is chasing us down the street",
        "he was hitting his girlfriend and now he's swinging at staff",
        "my boyfriend's stood at the top of the stairs blocking me in",
    ],
)
def test_more_danger_now_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


def test_a_dog_set_on_someone_by_a_partner_is_domestic_abuse():
    result = words_only("my partner set the dogs on me and they've bit my leg")
    assert result.da_prompt, codes(result)


# --- 21. old threats, garden damage and props stay calm ------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "a guy said he'd knock my teeth out last Tuesday. Nothing since.",
        "my neighbour told me last month she'd burn my car out, I just want it logged",
        "some kids smashed my garden ornaments again overnight",
        "youths set fire tae me wheelie bin, it's oot noo",
        "someone kicked over ma plant pots",
        "actors with fake swords in the parade on Sunday",
        "a stranger punched me three days ago, I want to report it",
    ],
)
def test_old_threats_damage_and_props_stay_calm(narrative):
    result = words_only(narrative)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))


def test_a_threat_reported_for_tonight_stays_immediate():
    result = words_only("he said he'd kill me tonight and he's outside now")
    assert result.recommended_grade == IMMEDIATE, codes(result)


# --- 22. a partner's violence days ago is still recent -------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my husband hit me three days ago, he's at work, I want to report it",
        "my girlfriend punched me at the weekend, she's at her mum's",
    ],
)
def test_violence_by_a_partner_days_ago_is_priority(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == PRIORITY, (narrative, codes(result))
    assert result.da_prompt, (narrative, codes(result))


# --- 23. force on a person, read by verb class and object (cad/calls/risk_mechanisms) ------


@pytest.mark.parametrize(
    "narrative",
    [
        "there's a lad pummelling another lad outside the chippy right now",
        "a man is hauling a woman along the pavement by her collar",
        "my boyfriend keeps shaking me and he won't stop",
        "bloke on the bus is pinning an old man against the window",
        "two girls are clawing at each other's faces in the precinct, still going",
    ],
)
def test_force_on_a_person_now_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))
    assert (
        "“"
        in result.flag(next(iter(codes(result) & {"cue.violence_now", "da.current_threat"}))).reason
    )


@pytest.mark.parametrize(
    "narrative",
    [
        "my neighbour's been pulling at the ivy on my fence all afternoon",
        "the lads next door are kicking a ball about in the street",
        "my son keeps shaking the vending machine at the leisure centre",
    ],
)
def test_force_on_a_thing_is_not_violence(narrative):
    result = words_only(narrative)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))


# --- 24. violent words that do not mean harm -----------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my dad is threatening to kill the printer, it's jammed again, honestly",
        "I'd kill for a bacon sandwich, anyway I'm ringing to report a lost wallet",
        "my niece keeps shooting her brother with a water gun and he's squealing",
        "my lodger has been slaughtering Wonderwall on the guitar all evening, any noise rule",
        "the fire alarm in the communal hall keeps going off, there's no fire, who do I tell",
        "a debt collector wrote that they will force entry if I don't pay, is that legal?",
        "my sister hasn't said she'll hurt me, she just sulks and won't talk",
        "my ex is telling everyone I hit him, which I never did, I want advice",
    ],
)
def test_figures_of_speech_toys_devices_and_legal_questions_stay_calm(narrative):
    result = words_only(narrative)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "I'm tearing my hair out with the landlord over the boiler, who do I ring",
        "my husband dragged me to the pub quiz again, anyway someone's nicked my bike",
        "my daughter checks my phone for me as I can't see the screen, I've had a scam text",
    ],
)
def test_ones_own_hair_an_errand_and_a_help_are_not_abuse(narrative):
    result = words_only(narrative)
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))
    assert not result.da_prompt, (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "a man in the pub car park says he's going to kill the whole lot of them tonight",
        "he's outside shouting he'll stab the bastard who scratched his car",
    ],
)
def test_a_threat_to_people_named_as_a_group_or_an_insult_stays_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


def test_what_was_read_as_not_literal_is_kept_with_its_reason():
    signals = risk_language.reading("my dad is threatening to kill the printer").signals
    assert any("printer" not in w and "(" in w for w in signals["not_literal"]), signals


def test_swearing_between_words_does_not_hide_the_phrase():
    result = words_only("he's fucking kicking the door in, it's my ex")
    assert result.recommended_grade == IMMEDIATE and result.da_prompt, codes(result)
    result = words_only("silent call, male voice saying you're f***ing dead, woman crying")
    assert result.recommended_grade == IMMEDIATE, codes(result)


# --- 25. held against their will ------------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my partner has locked me and the baby in the spare room and taken my phone",
        "someone is locked inside the boot of a car on Mill Lane, I can hear knocking",
        "my stepdad keeps saying nobody is leaving this flat tonight",
        "her brother is keeping her in the house and won't let her go out",
    ],
)
def test_someone_locked_in_or_kept_from_leaving_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "my husband shut his coat in the car door, can you help",
        "I've locked my keys in the shed, who can help",
        "the kids locked themselves out of the house, all fine now",
    ],
)
def test_things_locked_in_are_not_people_held(narrative):
    result = words_only(narrative)
    assert "cue.confined" not in codes(result), (narrative, codes(result))
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), (narrative, codes(result))


# --- 26. control of money, phone, contact and images by someone known ---------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my partner takes my wages every month and checks my phone every night",
        "my brother's been using my bank card for months and won't stop",
        "my ex keeps posting my nudes in a group chat",
        "my daughter's fella won't let her see us and reads all her messages",
    ],
)
def test_control_by_someone_known_prompts_domestic_abuse(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))


def test_control_with_fear_is_priority_and_cites_the_words():
    result = words_only(
        "my mum's husband takes her pension and checks her phone, can someone check she's ok"
    )
    assert result.recommended_grade in (IMMEDIATE, PRIORITY) and result.da_prompt, codes(result)
    assert "pension" in result.flag("cue.control").reason


def test_control_told_calmly_from_afar_is_not_raised():
    result = words_only(
        "my ex keeps checking my facebook and messaging my mates, he's in prison so not worried"
    )
    assert result.recommended_grade not in (IMMEDIATE, PRIORITY), codes(result)


@pytest.mark.parametrize(
    "narrative",
    [
        "I lost my bank card at the shops, can I report it",
        "the bank has frozen my account, who do I speak to",
    ],
)
def test_money_and_phones_without_a_person_are_not_control(narrative):
    result = words_only(narrative)
    assert not result.da_prompt, (narrative, codes(result))


# --- 27. force at a door -------------------------------------------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "there's a man at my door, he's shoving it open with his shoulder and I'm 84",
        "a bloke has got his foot in my front door and he's pushing hard",
        "someone's smashed the glass in my back door and is reaching in for the key",
    ],
)
def test_force_at_a_door_now_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


# --- 28. life at risk, read by state, fall, count, place -----------------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "my little boy has fallen off the garage roof and isn't moving",
        "my nan's fallen down the stairs and she's not making sense",
        "my flatmate swallowed about 30 tablets an hour ago",
        "there's a little girl walking along the railway tracks by the station",
        "a baby's been left in a car in the sun with the windows up, it's boiling",
        "my mum, 88, has wandered out of her care home and we can't find her",
        "a van has just driven into the crowd at the market, people are down",
        "they've stolen my van with my 3 year old in the back seat",
        "Edna, 86, is not in her room at the care home and the back door is open",
    ],
)
def test_life_at_risk_by_its_signs_is_immediate(narrative):
    result = words_only(narrative)
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


@pytest.mark.parametrize(
    "narrative",
    [
        "I'm stuck on the motorway and will be late collecting the kids from my ex",
        "my dad has dementia, how do we sign up to the scheme in case he wanders off?",
        "the baby isn't crying any more, she's settled, sorry to bother you",
    ],
)
def test_no_life_at_risk_in_traffic_questions_or_a_settled_baby(narrative):
    result = words_only(narrative)
    assert result.recommended_grade not in (IMMEDIATE,), (narrative, codes(result))


# --- 29. who: names, and a man's violence to a woman with a tie ----------------------------


@pytest.mark.parametrize(
    "narrative",
    [
        "woman upstairs keeps screaming Liam get off me, loud thuds",
        "it's Gary, my fiance, he's punching the walls and says he'll hurt me",
        "Priya's husband Sanjay is hitting her again, her sister is on the phone to me",
    ],
)
def test_a_name_tied_to_a_party_or_cried_to_an_attacker_prompts(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))


def test_a_name_with_no_harm_is_no_party():
    result = words_only("my mate Jamie's car was keyed outside the gym")
    assert not result.da_prompt, codes(result)


@pytest.mark.parametrize(
    "narrative",
    [
        "a lad is punching a girl in the passenger seat of a parked car on Hope St",
        "a bloke's dragging a woman back into the flat by her arm, she's crying",
        "a man is slapping a woman and shouting that she's coming home with him",
    ],
)
def test_a_mans_violence_to_a_woman_with_a_tie_prompts(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))
    assert result.recommended_grade == IMMEDIATE, (narrative, codes(result))


def test_a_group_attacking_a_woman_in_public_is_immediate_not_domestic():
    result = words_only("a group of men are shoving a woman around outside the station now")
    assert result.recommended_grade == IMMEDIATE, codes(result)
    assert "cue.male_on_female" not in codes(result), codes(result)


# --- 30. cries by their lemma on a silent line ---------------------------------------------


def test_sobbing_on_a_silent_line_is_immediate_and_prompted():
    result = words_only("silent 999 call, a woman sobbing and a man yelling in the background")
    assert result.recommended_grade == IMMEDIATE and result.da_prompt, codes(result)


# --- 31. insults said to someone, injuries told with their cause, protective locking --------


@pytest.mark.parametrize(
    "narrative",
    [
        "my stepmum keeps texting me saying I'm a total failure and a waste of space",
        "my brother calls her a fat slag in front of the kids every night",
    ],
)
def test_insults_by_a_relative_prompt_domestic_abuse(narrative):
    result = words_only(narrative)
    assert result.da_prompt, (narrative, codes(result))


def test_a_report_about_someone_else_is_no_insult():
    result = words_only("my neighbour says her lad is being a nightmare at school, any advice")
    assert not result.da_prompt, codes(result)


def test_injuries_told_with_a_partner_as_their_cause_prompt():
    result = words_only("ward sister here: a patient says her bruises are from her husband")
    assert result.da_prompt, codes(result)


def test_locking_someone_in_to_keep_them_safe_is_not_confinement():
    result = words_only("we've locked the receptionist in the office to keep her safe, he's gone")
    assert "cue.confined" not in codes(result), codes(result)
