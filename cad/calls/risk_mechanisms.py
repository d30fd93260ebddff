"""Mechanisms that read a narrative's structure rather than its exact phrases.

`cad.calls.risk_language` finds phrases; the readers here look at how words stand to each
other, so that a call phrased in a way no table foresaw is still read:

- force on a person: a verb of physical force or restraint (`FORCE_VERBS`, by class, by
  lemma) with a person as its object ("hauling a woman by her collar", "someone being
  flung down the stairs");
- confinement: a person locked, shut or kept in ("locked me and the baby in", "nobody is
  leaving", "keeping her in the house");
- control: a verb of control with what it controls (`CONTROL`: money, phone, contact,
  belongings, intimate images, accounts), told of someone the caller knows;
- forcing a way in: a verb of force beside a door, window or latch ("he's shoving it open
  with his shoulder", "reaching in for the key");
- life at risk: vital signs denied ("isn't breathing or moving"), falls from a height,
  overdoses by count, a person where trains or fast traffic pass, a child left in or
  taken with a car, a vulnerable adult gone (`VULNERABLE_ADULT`, an age of 75 or more);
- cries by lemma ("sobbing", "wailing") and threats of fire or force said of the future;
- the not-literal: a violent verb whose object is a thing ("kill the printer", "stabbing
  flyers into hedges"), a wish ("I'd kill for a brew"), a toy or a sport ("squirt gun",
  "clay pigeon"), a song, an animal or a device as the subject ("the cat's going mental",
  "fire alarm"), a denied saying ("she hasn't said she'll hurt me"), an accusation ("he
  says I hit him") and a legal question about what an institution may do ("a debt
  collector says they will force entry if I don't pay, is that legal?");
- who: a first name tied to a partner or family word ("it's Gary, my fiance", "Priya's
  husband"), a name cried to an attacker ("Liam get off me"), and a man's violence to a
  woman with a tie of home or car between them.

Every reader returns the caller's own words with what it found, so each flag still cites
them. The tables are plain sets a force can read and change.
"""

from __future__ import annotations

import re

# fmt: off
# --- tables --------------------------------------------------------------------------------

# Verbs of physical force and restraint, by lemma, by class. Each is force on a person only
# with a person as its object (`HUMAN_NOUNS`, a pronoun, a name or a body part).
FORCE_VERBS: dict[str, frozenset[str]] = {
    "striking": frozenset({
        "hit", "punch", "slap", "smack", "thump", "whack", "wallop", "belt", "batter", "beat",
        "pummel", "clout", "cuff", "jab", "elbow", "headbutt", "bash", "lamp", "deck", "chin",
        "backhand", "pound", "clobber", "twat", "knock", "strike", "swing", "swipe", "lash",
    }),
    # A vehicle driven at people: "tried to drive them into a wall", "ran him over".
    "vehicle": frozenset({"drive", "run", "ram", "reverse", "mow", "plough", "swerve"}),
    "kicking": frozenset({"kick", "stamp", "stomp", "boot", "trample", "knee"}),
    "seizing": frozenset({
        "grab", "drag", "pull", "yank", "haul", "seize", "wrench", "twist", "pin", "shove",
        "push", "throw", "fling", "hurl", "toss", "slam", "chuck", "bundle", "manhandle",
        "restrain", "tackle", "shake", "grip", "squeeze", "force", "hold", "carry", "wrestle",
    }),
    "neck": frozenset({"strangle", "choke", "throttle", "smother", "suffocate", "strangulate"}),
    "blade": frozenset({"stab", "slash", "glass", "shoot"}),
    "burning": frozenset({"burn", "scald", "douse"}),
    "biting": frozenset({"bite", "scratch", "claw", "spit", "headlock"}),
    "sexual": frozenset({"rape", "grope", "molest"}),
    "harm": frozenset({"attack", "assault", "hurt", "harm", "injure", "maul", "terrorise"}),
}
FORCE = frozenset().union(*FORCE_VERBS.values())
# Force that makes a threat when said of the future ("he'll torch the house").
THREAT_VERBS = FORCE | frozenset({"kill", "murder", "torch", "petrol", "firebomb", "bury"})
# Homes and cars threatened with fire or force: people are inside.
DWELLINGS = frozenset({"house", "home", "flat", "place", "car", "door", "caravan"})

# People, as objects or subjects.
PERSON_PRONOUNS = frozenset({
    "me", "her", "him", "you", "them", "us", "someone", "somebody", "anyone", "anybody",
    "everyone", "everybody", "people",
})
HUMAN_NOUNS = frozenset({
    "woman", "women", "girl", "lady", "man", "men", "lad", "bloke", "boy", "guy", "kid",
    "child", "children", "baby", "toddler", "person", "people", "wife", "husband", "partner",
    "boyfriend", "girlfriend", "ex", "mum", "mam", "mother", "dad", "father", "son",
    "daughter", "brother", "sister", "nan", "gran", "grandma", "grandad", "grandmother",
    "grandfather", "aunt", "auntie", "uncle", "cousin", "niece", "nephew", "friend", "mate",
    "neighbour", "victim", "female", "male", "teenager", "teen", "youth", "pensioner",
    "resident", "patient", "customer", "staff", "worker", "colleague", "student", "pupil",
    "officer", "driver", "passenger", "cyclist", "pedestrian", "missus", "fella", "someone",
    "somebody", "infant", "twin", "lass", "stranger", "carer", "nurse", "doctor", "gp",
    "granddaughter", "grandson", "stepson", "stepdaughter", "fiance", "fiancee", "spouse",
    # People named as a group or by an insult: "kill the whole family", "stab the bastard".
    "family", "kids", "bastard", "bastards", "twat", "prick", "bitch", "cow", "slag",
    "tosser", "idiot", "wanker", "scumbag", "guard", "security", "bouncer", "cashier",
})
BODY_PARTS = frozenset({
    "hair", "arm", "neck", "throat", "face", "head", "leg", "wrist", "hand", "chest",
    "stomach", "back", "shoulder", "ear", "nose", "mouth", "eye", "jaw", "collar", "hood",
    "scarf", "hijab", "headscarf", "clothes", "top", "coat", "jacket", "ankle", "foot",
    "rib", "ribs", "body",
})
OBJECT_PRONOUNS = frozenset({"me", "her", "him", "them", "us", "you"})
# Everyday belongings: "her keys", "me phone" are things, not the person.
POSSESSED_THINGS = frozenset({
    "key", "keys", "phone", "car", "bag", "purse", "wallet", "stuff", "things", "thing",
    "door", "house", "flat", "money", "card", "cards", "laptop", "tv", "telly", "bike",
    "jewellery", "passport", "insulin", "medication", "tablets", "meds", "ring", "window",
    "van", "shopping", "account", "email", "messages", "nudes", "pictures", "photos",
    "picture", "photo", "tablet", "ipad", "glasses", "pram", "dog", "cat", "fence", "gate",
})
# What animals really do to people: a dog's bite is harm, not a figure of speech.
ANIMAL_HARM = frozenset({"bite", "bit", "attack", "maul", "savage", "jump", "knock"})
ANIMALS = frozenset({
    "dog", "dogs", "cat", "cats", "puppy", "kitten", "horse", "rabbit", "hamster", "pet",
    "pets", "budgie", "parrot", "tortoise", "bird", "birds",
})
POSSESSIVES = frozenset({"my", "her", "his", "their", "your", "our", "me", "ma", "mi"})
# Words that may stand between a verb and its object.
BETWEEN = frozenset({
    "a", "an", "the", "this", "that", "some", "two", "three", "young", "old", "little",
    "poor", "elderly", "pregnant", "another", "other", "older", "younger", "teenage",
    "every", "each", "all", "his", "her", "my", "their", "our", "your", "me", "ma",
})
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "hes", "shes", "i", "we", "im"})
# Words after a verb that are not its object: the verb's object is a person or not told.
NOT_AN_OBJECT = frozenset({
    "in", "on", "at", "to", "into", "onto", "out", "off", "up", "down", "over", "around",
    "round", "through", "with", "by", "from", "for", "about", "and", "or", "but", "so",
    "again", "now", "still", "just", "really", "hard", "twice", "once", "everywhere",
    "outside", "inside", "back", "away", "there", "here", "repeatedly", "badly", "loads",
    "then", "while", "when", "because", "if", "as", "like", "until", "till", "too", "all",
    "right", "not", "no", "never", "be", "is", "was", "are", "were", "been", "being",
    "him", "her", "me", "us", "them", "you", "it", "himself", "herself", "themselves",
    "myself", "yourself", "ourselves", "someone", "somebody", "anyone", "everyone",
    "people", "either", "each", "other", "one", "another", "upstairs", "downstairs",
    "indoors", "home", "senseless", "unconscious", "after", "before", "tomorrow", "tonight",
    "today", "later", "please", "everything", "anything", "something", "nothing",
})
# Subjects that make a violent verb not violence: animals, devices, weather, things.
NOT_HUMAN_SUBJECTS = frozenset({
    "dog", "dogs", "cat", "cats", "puppy", "fox", "bird", "horse", "alarm", "alarms",
    "machine", "engine", "music", "telly", "tv", "radio", "wind", "rain", "heat", "it",
    "phone", "car", "boiler", "kettle", "printer", "computer", "laptop", "battery",
})
# Words just before a gun or a shot that make it a toy or a sport: "squirt gun", "clay pigeon".
TOY_MODIFIERS = frozenset({
    "water", "toy", "nerf", "clay", "clays", "squirt", "paintball", "airsoft", "lasertag",
    "cap", "pop", "bubble", "foam", "plastic", "laser", "starting", "pigeon",
})
GUN_WORDS = frozenset({
    "pistol", "gun", "guns", "rifle", "shoot", "shooting", "shot", "shots", "gunshot",
    "gunshots", "gunfire", "blaster",
})
# Performance, games and cooking: "slaughtering Wonderwall on the guitar".
NOT_LITERAL_CONTEXT = frozenset({
    "gta", "cod", "warzone", "fifa", "console", "karaoke", "song", "songs", "singing", "sing",
    "sang", "tune", "album", "playlist",
    "gig", "concert", "choir", "band", "cover", "rendition", "guitar", "piano", "violin",
    "dance", "dancefloor", "recipe", "cooking", "crossword", "sudoku", "quiz", "puzzle",
    "xbox", "playstation", "fortnite", "minecraft", "roblox", "gaming", "film",
})
# A noun that names a device or a place after a hazard word: "smoke alarm", "fire door".
HAZARD_COMPOUNDS = frozenset({
    "alarm", "alarms", "detector", "detectors", "door", "doors", "exit", "escape", "drill",
    "station", "service", "brigade", "extinguisher", "blanket", "engine", "engines",
    "officer", "safety", "risk", "assessment", "place", "pit", "work", "works", "wood",
    "bomb", "machine", "break", "signal", "test",
})
# Bodies that act by law or contract: what they may do is a legal question, not a threat.
INSTITUTIONS = frozenset({
    "bailiff", "bailiffs", "enforcement", "council", "landlord", "landlady", "company",
    "letter", "court", "debt", "agency", "bank", "lender", "collector", "collectors",
    "housing", "association", "solicitor", "solicitors",
})
# Questions about the law or what to do.
ADVICE_QUESTION = re.compile(
    r"\b(is (that|it|this) (legal|allowed|right|lawful)|are they allowed|can they (do|just)|"
    r"what (do|should|can) i do|how do i|is that allowed|am i allowed|can i)\b"
)
# Saying verbs: a denial in front of them denies what they report ("hasn't said he'll hurt me").
SAYING = frozenset({"say", "threaten", "tell", "mention", "text", "message", "make"})
NEGATORS = frozenset({"not", "n't", "nt", "never", "no"})

# Confinement: a person locked, shut or kept in.
CONFINE_VERBS = frozenset({
    "lock", "shut", "trap", "barricade", "block", "keep", "hold", "tie", "chain", "imprison",
    "corner", "pen",
})
CONFINE_PARTICLES = frozenset({"in", "inside", "into", "up"})
# Who locks someone in to keep them safe: "we've locked the receptionist in the office".
PROTECTORS = frozenset({"i", "we", "staff", "security", "police", "teacher", "teachers"})
NOBODY = frozenset({"nobody", "noone", "nobodys", "none"})
LEAVING = frozenset({"leave", "leaving", "go", "going", "get", "getting"})

# Control: a verb and what it controls, by class, both by lemma, in one clause.
CONTROL: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "money": (
        frozenset({"use", "take", "spend", "drain", "empty", "steal", "borrow", "run", "max",
                   "withdraw", "control", "keep", "have", "give", "pocket", "cash"}),
        frozenset({"card", "money", "account", "pension", "savings", "benefit", "benefits",
                   "wage", "wages", "credit", "pin", "bank", "cash", "salary", "allowance"}),
    ),
    "monitoring": (
        frozenset({"check", "read", "go", "look", "monitor", "track", "answer", "log",
                   "access", "hack", "search", "follow", "listen"}),
        frozenset({"phone", "message", "messages", "text", "texts", "email", "emails",
                   "location", "account", "accounts", "icloud", "facebook", "instagram",
                   "whatsapp", "snapchat", "call", "calls", "post", "laptop", "password"}),
    ),
    "images": (
        frozenset({"post", "share", "send", "leak", "upload", "spread", "show", "put",
                   "threaten", "publish", "forward"}),
        frozenset({"nude", "nudes", "naked", "intimate", "explicit", "sexual", "sex",
                   "private", "topless"}),
    ),
    # A child taken or kept from the other parent: "trying to take the kids off me".
    "children": (
        frozenset({"take", "snatch", "grab", "keep", "hide", "abduct"}),
        frozenset({"son", "daughter", "kid", "kids", "child", "children", "baby", "boy",
                   "girl", "toddler"}),
    ),
    "belongings": (
        frozenset({"give", "keep", "hide", "withhold", "sell", "lock", "flush"}),
        frozenset({"jewellery", "ring", "passport", "insulin", "medication", "meds",
                   "tablets", "inhaler", "documents", "belongings", "clothes"}),
    ),
}
# Isolation and permission: "not allowed to see us", "won't let her use the phone".
PERMISSION = frozenset({"allow", "let", "permit"})
PERMITTED_ACTS = frozenset({
    "see", "talk", "speak", "visit", "contact", "go", "leave", "have", "use", "out", "call",
    "ring", "phone", "work", "meet", "eat", "sleep", "wear", "drive",
})
# Fear the caller feels, or a request to check someone: what makes control a matter for today.
SELF_FEAR = re.compile(
    r"\b(i'm|im|i am|i feel|i've been|ive been)( really| so| very| getting)? "
    r"(scared|frightened|terrified|afraid|petrified|worried|fearful)"
)
WELFARE_CHECK = re.compile(r"\b(check (on )?(she|he|her|him|they|them)|check (she|he) be)\b")

# Forcing a way in: force beside a door, a window or a lock.
ENTRY_VERBS = frozenset({
    "push", "shove", "force", "barge", "shoulder", "kick", "boot", "ram", "prise", "prize",
    "jemmy", "wrench", "yank", "break", "smash", "reach", "punch",
    "wedge",
})
ENTRY_PARTS = frozenset({
    "door", "window", "latch", "lock", "letterbox", "glass", "frame", "handle", "gate",
    "doors", "windows", "chain",
})

# Life at risk.
VITAL_VERBS = frozenset({"move", "breathe", "respond", "wake", "cry", "make", "open"})
HEIGHTS = frozenset({
    "scaffolding", "scaffold", "roof", "ladder", "stairs", "balcony", "window", "bridge",
    "floor", "floors", "storey", "storeys", "cliff", "wall", "building", "stair", "loft",
})
FALL_VERBS = frozenset({"fall", "fell", "fallen", "tumble", "jump", "slip"})
MEDICINES = frozenset({
    "paracetamol", "pill", "pills", "tablet", "tablets", "codamol", "co-codamol", "ibuprofen",
    "aspirin", "sleeping", "diazepam", "insulin", "antidepressant", "antidepressants",
})
FAST_PLACES = frozenset({
    "railway", "track", "tracks", "motorway", "carriageway", "dual", "bypass", "rails",
    "level", "platform",
})
# On foot where trains or traffic pass, not driving in it.
ON_FOOT = frozenset({
    "walk", "walking", "wander", "wandering", "lie", "lying", "run", "running", "stand",
    "standing", "sit", "sitting", "sat", "stood", "play", "playing", "crawl", "crawling",
    "wheelchair", "tipped", "fallen", "fell",
})
IN_TRAFFIC = frozenset({"stuck", "traffic", "queue", "driving", "drive", "late", "lorry", "jam"})
YOUNG = frozenset({
    "child", "kid", "kids", "baby", "toddler", "boy", "girl", "infant", "little", "son",
    "daughter",
})
VEHICLES = frozenset({"car", "van", "vehicle", "motor", "truck"})
TAKEN = frozenset({"nick", "nicked", "steal", "stolen", "take", "taken", "drive", "drove"})
HOT = frozenset({"hot", "boiling", "baking", "roasting", "sweltering", "sun", "heat"})
# A vulnerable adult: "care home", "dementia", or an age of 75 or more.
VULNERABLE_ADULT = frozenset({
    "dementia", "alzheimer", "alzheimers", "resident", "residents", "frail",
})
ABSENT = re.compile(
    r"\b(not|n't|nt) (be )?(in|at) (her|his|their) (room|bed|flat|chair)|"
    r"(be|have) (go|gone) missing|missing|wander|wander off|can not find|cant find|"
    r"not come back|go walkabout|walk out|leave the (home|ward|unit)|abscond"
)
# Insults said to someone: "saying I'm a total failure", "calls her a useless cow".
INSULTS = frozenset({
    "disgrace", "useless", "worthless", "slag", "whore", "slut", "fat", "ugly", "pathetic",
    "stupid", "thick", "waste", "nothing", "bitch", "cow", "loser", "failure", "embarrassment",
    "freak", "psycho", "liar", "scum", "retard", "idiot", "joke", "shame",
})
SAYING_TO = frozenset({"say", "call", "tell", "text", "message", "shout", "scream", "post"})
# Injuries and whom they are from: "her bruises are from her husband".
INJURIES = frozenset({
    "injury", "injuries", "bruise", "bruises", "bruising", "mark", "marks", "cut", "cuts",
    "wound", "wounds", "fracture", "burns",
})
INJURY_FROM = frozenset({"from", "by", "cause"})
# Adjectives of violence said of a person: "was violent to her and her mum".
VIOLENT_TO = frozenset({"violent", "aggressive", "abusive", "handy", "rough"})
# A person's state that puts life at risk, over "is"/"are": "two people are trapped".
CASUALTY_STATES = frozenset({
    "down", "trapped", "unconscious", "unresponsive", "bleeding", "injured", "motionless",
    "pinned",
})
CASUALTIES = frozenset({
    "people", "someone", "somebody", "man", "woman", "person", "pedestrian", "cyclist",
    "kid", "child", "rider", "bodies", "body", "casualty", "casualties", "lad", "girl", "boy",
})
CROWDS = frozenset({"crowd", "crowds", "people", "pedestrians", "queue", "shoppers"})
# Cries by lemma: with a person crying, someone in distress.
CRY_VERBS = frozenset({"sob", "wail", "shriek", "whimper", "plead", "beg", "howl", "scream"})

# Who: men, women, and ties that bind a man and a woman (home, car, a named bond).
MALE_WORDS = frozenset({
    "he", "hes", "him", "his", "lad", "bloke", "man", "guy", "male", "fella", "boyfriend",
    "husband", "geezer",
})
FEMALE_WORDS = frozenset({
    "she", "shes", "her", "girl", "woman", "lady", "female", "lass", "girlfriend", "wife",
})
DISTURBANCE = frozenset({
    "crash", "crashing", "shout", "shouting", "scream", "screaming", "row", "argument",
    "arguing", "banging", "thud", "thuds", "smash", "smashing",
})
GROUPS = frozenset({"group", "gang", "crowd", "lads", "men", "youths", "blokes"})
TIES = re.compile(
    r"\b(go|going|come|coming) home with|home with (him|her)|(his|her|their) (house|flat|home|"
    r"car|van)|passenger|next door|upstairs|downstairs|the flat (above|below|upstairs)|"
    r"open the door|answer the door|(in|into|inside|out of) (the|his|her|their) (house|flat|home|"
    r"car|van)|boyfriend|girlfriend|husband|wife|partner|fella|"
    r"the couple|together|live with|living with|her man|his missus"
)
# Words cried to someone known: "Liam stop", "Gary please", "Sean get off".
CRY_AFTER_NAME = frozenset({"stop", "get", "please", "no", "leave", "let", "do", "put", "don't"})
# Capitalised words that are not first names.
NOT_NAMES = frozenset({
    "i", "im", "ive", "id", "ill", "ok", "okay", "police", "road", "rd", "street", "st",
    "lane", "close", "avenue", "ave", "drive", "house", "flat", "mr", "mrs", "ms", "miss",
    "dr", "a&e", "text", "relay", "caller", "male", "female", "sorry", "please", "hi",
    "hello", "yes", "no", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "christmas", "easter", "god",
    "help", "stop", "silent", "ip", "rp", "marac", "dash", "idva", "da", "dv", "he", "she",
    "they", "we", "you", "my", "the", "it", "its", "this", "that", "there", "and", "but",
    "anonymous", "neighbour", "staff", "security",
})
PARTY_WORDS = frozenset({
    "husband", "wife", "partner", "boyfriend", "girlfriend", "ex", "fiance", "fiancee",
    "brother", "sister", "son", "daughter", "dad", "father", "mum", "mother", "mam",
    "stepdad", "stepfather", "uncle", "cousin", "fella", "missus", "grandson",
})
# fmt: on


# --- reading ---------------------------------------------------------------------------------


def _sentence(t, i: int) -> list[int]:
    return t.members("sentence", i)


def _clause(t, i: int) -> list[int]:
    return t.members("clause", i)


def _is_name(t, i: int) -> bool:
    """A first name: a capitalised word inside a sentence that is no common word here."""
    if not (0 <= i < len(t.texts)):
        return False
    word = t.texts[i]
    if len(word) < 3 or not word.isalpha() or not word[0].isupper() or not word[1:].islower():
        return False
    if t.lowers[i] in NOT_NAMES or t.norms[i] in NOT_NAMES:
        return False
    first = _sentence(t, i)[0]
    return i != first and t.lowers[i - 1] not in {'"', "'", ":", "-"}


# After "won't move": a thing moved or a home left, not a body that does not stir.
MOVED_NOT_LIFE = frozenset({"it", "the", "his", "her", "their", "my", "out", "house", "away", "in"})


def is_person(t, i: int) -> bool:
    return (
        t.lowers[i] in PERSON_PRONOUNS
        or t.norms[i] in HUMAN_NOUNS
        or t.lowers[i] in HUMAN_NOUNS
        or _is_name(t, i)
    )


def object_of(t, verb_end: int) -> tuple[int, str]:
    """The object after a verb: (index, "person" | "body" | "animal" | "thing" | "none").

    "hauling a woman", "shaking her hard" → person; "grabbed her collar" → body;
    "kill the printer", "stabbing flyers", "locked her keys in" → thing; "stabbed
    outside the pub" → none."""
    n = len(t.norms)
    i, seen_between = verb_end, False
    while i < n and i - verb_end < 4:
        word = t.lowers[i]
        if word in {"each", "one"} and t.lowers[i + 1 : i + 2] in (["other"], ["another"]):
            return i, "person"  # "clawing at each other"
        if word in OBJECT_PRONOUNS:
            following = t.lowers[i + 1] if i + 1 < n else ""
            following_norm = t.norms[i + 1] if i + 1 < n else ""
            owner = word in {"her", "me"} and (
                {following, following_norm} & (HUMAN_NOUNS | BODY_PARTS | POSSESSED_THINGS)
                or following in BETWEEN
            )
            if not owner:
                return i, "person"
        elif word not in BETWEEN:
            break
        i += 1
        seen_between = True
    if i >= n:
        return i, "none"
    word, norm = t.lowers[i], t.norms[i]
    if is_person(t, i) or (
        word in {"each", "one"} and t.lowers[i + 1 : i + 2] in (["other"], ["another"])
    ):
        return i, "person"  # "clawing at each other"
    if norm in BODY_PARTS or word in BODY_PARTS:
        return i, "body"
    if norm in ANIMALS or word in ANIMALS:
        return i, "animal"
    if word in NOT_AN_OBJECT or not word.isalpha() or word.endswith("ly"):
        return i, "none"
    # "the whole family", "the lot of you": past an adjective or two, within the phrase.
    ahead = []
    for k in range(i + 1, min(n, i + 4)):
        if not t.lowers[k].isalpha():
            break
        ahead.append(k)
    if seen_between and any(
        t.lowers[k] in PERSON_PRONOUNS - {"her", "me"} or t.norms[k] in HUMAN_NOUNS for k in ahead
    ):
        return i, "person"  # "the whole family", "the lot of you", "the little sod"
    if (
        {norm, word} & (POSSESSED_THINGS | NOT_HUMAN_SUBJECTS)
        or seen_between
        or (word.endswith("s") and norm != word)
    ):
        return i, "thing"  # "the printer", "flyers", "her keys"
    return i, "none"


def _subject(t, verb: int) -> int:
    """The nearest word before a verb over auxiliaries: its subject, or -1."""
    i = verb - 1
    skip = {"'s", "s", "is", "be", "'re", "are", "was", "were", "been", "keep", "keeps",
            "just", "still", "now", "going", "go", "gone", "to", "has", "have", "had", "will",
            "'ll", "ll", "wo", "would", "'d", "really", "literally", "always", "kept", "'ve",
            "ve", "'m", "managed", "quickly", "then"}  # fmt: skip
    while i >= 0 and verb - i <= 5 and (t.lowers[i] in skip or t.norms[i] in skip):
        i -= 1
    return i


def _progressive_or_now(t, i: int) -> bool:
    clause = {t.lowers[j] for j in _clause(t, i)}
    return t.lowers[i].endswith("ing") or bool(clause & {"now", "still", "keeps", "keep"})


# --- the not-literal --------------------------------------------------------------------------

_GUARDED = frozenset(
    {
        "threat",
        "violence",
        "life",
        "weapon",
        "strangle",
        "force_entry",
        "distress",
        "abduction",
        "coercion",
    }
)
THROWING = FORCE_VERBS["seizing"] | {"lob", "drop", "dump", "kick", "chuck", "bin", "ditch"}
_KILLING = frozenset({"kill", "murder", "stab", "shoot", "strangle", "slaughter"})


def _words_of_sentence(t, i: int) -> set[str]:
    """The words and lemmas of a token's sentence, read once per sentence."""
    cache = t.__dict__.setdefault("_sentence_words", {})
    key = t.sentences[i]
    if key not in cache:
        sentence = _sentence(t, i)
        cache[key] = {t.lowers[j] for j in sentence} | {t.norms[j] for j in sentence}
    return cache[key]


def _toy_sentence(t, i: int) -> bool:
    """A toy or sport word just before a gun word in the sentence: "squirt gun"."""
    cache = t.__dict__.setdefault("_toy_sentences", {})
    key = t.sentences[i]
    if key not in cache:
        sentence = _sentence(t, i)
        cache[key] = any(
            t.lowers[j] in TOY_MODIFIERS
            and j + 1 < len(t.norms)
            and (t.norms[j + 1] in GUN_WORDS or t.lowers[j + 1] in GUN_WORDS)
            for j in sentence
        )
    return cache[key]


# Places one is taken to on an errand: "my wife dragged me to the shops".
ERRANDS = frozenset(
    {
        "shop",
        "shops",
        "pub",
        "party",
        "gym",
        "church",
        "wedding",
        "cinema",
        "supermarket",
        "market",
        "dentist",
        "doctor",
        "doctors",
        "meeting",
        "football",
        "match",
        "concert",
        "town",
        "beach",
        "park",
        "zoo",
        "museum",
        "theatre",
        "restaurant",
        "bingo",
        "work",
    }
)


_FOR_SOMEONE = (["for", "me"], ["for", "her"], ["for", "him"], ["for", "them"])


def _own_body_or_errand(t, start: int, end: int) -> str:
    """ "I'm pulling my hair out" (one's own body, said of oneself) and "dragged me to the
    shops" (an errand)."""
    verb = start
    j, kind = object_of(t, verb + 1)
    subject = _subject(t, verb)
    if (
        kind == "body"
        and t.lowers[j - 1] == "my"
        and subject >= 0
        and t.lowers[subject] in {"i", "im"}
    ):
        return "said of oneself"
    if kind == "person" and t.lowers[j + 1 : j + 2] == ["to"]:
        place = [t.lowers[k] for k in range(j + 2, min(len(t.norms), j + 5))]
        owned = {"the", "a", "an", "my", "her", "his", "our"}
        if len(place) > 1 and place[0] in owned and place[1] in ERRANDS:
            return "an errand"
    return ""


def not_literal(t, finding) -> str:
    """Why a finding is not what its words say, or "": see the module's list."""
    if finding.concept not in _GUARDED:
        return ""
    start, end = finding.start, finding.end
    head = t.norms[start]
    sentence = _sentence(t, start)
    words = _words_of_sentence(t, start)
    if head in {"kill", "murder", "die"} and t.lowers[start + 1 : start + 2] == ["for"]:
        return "a wish"  # "I'd kill for a cuppa"
    if (head == "murder" and t.lowers[start - 1] == "blue") or t.lowers[end : end + 2] == [
        "blue",
        "murder",
    ]:
        return "an idiom"  # "screaming blue murder"
    toy = _toy_sentence(t, start)
    if (
        toy
        and finding.concept in {"weapon", "threat", "violence"}
        and (head in GUN_WORDS or t.lowers[start] in GUN_WORDS or finding.concept == "weapon")
    ):
        return "a toy or a sport"  # "shooting her brother with a water gun"
    if (
        head in {"kill", "murder", "slaughter", "butcher"} | GUN_WORDS
        and words & NOT_LITERAL_CONTEXT
    ):
        return "a song, a game or a dish"  # "slaughtering Wonderwall on the guitar"
    following = t.norms[end] if end < len(t.norms) else ""
    if finding.concept == "life" and head in {"fire", "smoke"} and following in HAZARD_COMPOUNDS:
        return "a device"  # "smoke alarm", "fire door"
    subject = _subject(t, start)
    if (
        finding.concept == "violence"
        and subject >= 0
        and (t.norms[subject] in NOT_HUMAN_SUBJECTS or t.lowers[subject] in NOT_HUMAN_SUBJECTS)
        and head not in ANIMAL_HARM
    ):
        return "not done by a person"  # "the cat's going mental"
    # A killing verb whose object is a thing: "kill the printer", "stabbing flyers".
    verb = end - 1 if t.norms[end - 1] in _KILLING else -1
    if head == "threaten":
        after = [j for j in range(end, min(end + 4, len(t.norms))) if t.norms[j] in _KILLING]
        verb = after[0] if after else -1
    if verb >= 0 and object_of(t, verb + 1)[1] == "thing":
        return "done to a thing"
    # "chucked my keys in the river": a thing thrown into the water, no one in it.
    if finding.concept == "life":
        for i in _clause(t, start):
            if i < start and t.norms[i] in THROWING and object_of(t, i + 1)[1] == "thing":
                return "a thing thrown"
    if finding.concept == "coercion" and t.lowers[end : end + 2] in _FOR_SOMEONE:
        return "a help"  # "my son checks my phone for me"
    if finding.concept == "violence":
        why = _own_body_or_errand(t, start, end)
        if why:
            return why
    # "he's telling everyone I hit him": an accusation against the caller, not harm now.
    if (
        finding.concept == "violence"
        and t.lowers[start - 1 : start] == ["i"]
        and any(
            t.norms[j] in {"say", "claim", "accuse", "allege", "tell", "reckon"}
            for j in range(max(0, start - 4), start - 1)
        )
    ):
        return "an accusation"
    # "had his phone snatched": a thing taken, not a person.
    if (
        finding.concept == "abduction"
        and head in {"snatch", "grab", "take"}
        and (object_of(t, end)[1] == "thing" or t.norms[start - 1] in POSSESSED_THINGS)
    ):
        return "a thing taken"
    # "said he'd hurt me"? "hasn't said he'll hurt me": the denied saying denies the threat.
    for i in range(max(sentence[0], start - 6), start):
        between = {t.lowers[j] for j in range(i + 1, start)}
        if (
            t.norms[i] in SAYING
            and start - i <= 6
            and not between & {"but", "just", "then", ",", ".", "and", "anything", "nothing"}
            and any(t.lowers[j] in NEGATORS for j in range(max(sentence[0], i - 3), i))
        ):
            return "denied"
    # What an institution may do, asked about: "collectors will force entry ... legal?"
    if finding.concept in {"force_entry", "threat", "violence"}:
        before = {t.lowers[i] for i in range(max(sentence[0], start - 8), start)}
        if before & INSTITUTIONS and ADVICE_QUESTION.search(" ".join(t.lowers)):
            return "a legal question"
    return ""


# --- spans in the engine's own concepts -------------------------------------------------------


def spans(t) -> list[tuple]:
    """(concept, start, end[, time]) for what the readers find, in the concepts the engine's
    signals already read ("violence", "coercion", "life", "force_entry", "distress",
    "threat"), so that time, negation and parties are read for them as for any phrase; a
    reader that knows the time (a threat of what is to come is in force now) says it."""
    found: list[tuple] = []
    n = len(t.norms)
    for i in range(n):
        norm, low = t.norms[i], t.lowers[i]
        if norm in THREAT_VERBS and not _subject_is_thing(t, i):
            found += _force(t, i)
        if norm in {"torch", "firebomb"} or (norm == "burn" and t.norms[i + 1 : i + 2] == ["down"]):
            j, kind = object_of(t, i + 1)
            target = t.norms[j] if j < n else ""
            if target in DWELLINGS or t.norms[min(n - 1, j + 1)] in DWELLINGS:
                found.append(("threat", i, min(n, j + 1), "now" if _future(t, i) else ""))
        found += _confinement(t, i)
        found += _control(t, i)
        found += _entry_force(t, i)
        found += _life(t, i)
        found += _injured_by(t, i)
        found += _insult(t, i)
        if norm in CRY_VERBS or low in {"sobbing", "wailing"}:
            subject = _subject(t, i)
            if subject >= 0 and (is_person(t, subject) or t.norms[subject] in FEMALE_WORDS):
                found.append(("distress", subject, i + 1))
    # A reader that leaves the time to the engine gives "": the engine then reads it.
    return [span[:3] if len(span) == 4 and not span[3] else span for span in found]


_BEING = (["being"], ["been"], ["getting"], ["got"])


def _force(t, i: int) -> list[tuple]:
    """Force on a person: "hauling a woman by her collar", "shaking me", "swung at me",
    "someone being flung down the stairs"; said of the future, a threat."""
    norm, low, n = t.norms[i], t.lowers[i], len(t.norms)
    found: list[tuple] = []
    j, kind = object_of(t, i + 1)
    if kind == "none" and t.lowers[i + 1 : i + 2] in (["at"], ["into"]):
        j, kind = object_of(t, i + 2)  # "swung at her", "pulling at her scarf"
    if kind not in {"person", "body"} or t.lowers[j] in {"himself", "herself", "myself"}:
        # Passive: "someone being flung down the stairs", "she's been hit".
        participle = not low.endswith(("ing", "in")) and (low != norm or low in {"hit", "cut"})
        if norm in FORCE and participle and t.lowers[i - 1 : i] in _BEING:
            who = i - 2
            if who >= 0 and is_person(t, who) or who >= 1 and is_person(t, who - 1):
                found.append(("violence", i, i + 1))
        return found
    if norm in FORCE_VERBS["vehicle"] and not {"into", "over", "off", "at", "down"} & {
        t.lowers[k] for k in range(j + 1, min(n, j + 4))
    }:
        return found  # "ran me home": a lift, not a car driven at someone
    end = j + 1
    if t.lowers[end : end + 1] == ["to"] and end + 1 < n and t.lowers[end + 1] not in BETWEEN:
        return found  # "pushing me to marry", "forcing her to sign": pressure, not a blow
    if t.lowers[end : end + 1] == ["by"] and end + 2 < n:
        end = min(n, end + 3)  # "by her hair"
    if norm in FORCE and not (
        norm in {"cut", "hold", "carry", "knock", "force"} and kind == "body"
    ):
        found.append(("violence", i, end))
    if _future(t, i):
        found.append(("threat", i, end, "now"))
    return found


_TODAY_WORDS = frozenset({"today", "tonight", "earlier", "just", "yesterday", "still"})


_INSULTED = frozenset({"me", "her", "him", "i", "im", "she", "he", "you", "youre", "shes", "hes"})
_INSULT_FILLER = frozenset(
    {
        "'m",
        "m",
        "am",
        "'s",
        "s",
        "is",
        "'re",
        "re",
        "are",
        "a",
        "an",
        "that",
        "such",
        "little",
        "total",
        "complete",
        "fucking",
        "bloody",
        "just",
        "nothing",
        "but",
    }
)


def _insult(t, i: int) -> list[tuple]:
    """An insult said to someone: "saying im a total failure", "calling her a fat cow"."""
    if t.norms[i] not in SAYING_TO:
        return []
    n = len(t.norms)
    for j in range(i + 1, min(n, i + 6)):
        if t.lowers[j] in {".", ",", "?", "!"}:
            return []
        if t.lowers[j] in INSULTS or t.norms[j] in INSULTS:
            # Only the one insulted, a copula and an article between: "saying im a failure".
            window = {t.lowers[k] for k in range(i + 1, j)}
            if window & _INSULTED and window <= _INSULTED | _INSULT_FILLER | INSULTS:
                return [("abuse", i, j + 1)]
            return []
    return []


def _injured_by(t, i: int) -> list[tuple]:
    """Injuries told with whom they are from ("her bruises are from her husband"), and
    violence said of a person ("was violent to her and her mum")."""
    norm, n = t.norms[i], len(t.norms)
    noun = t.lowers[i - 1 : i] and t.lowers[i - 1] not in {"be", "been", "got", "get", "was", "is"}
    if (norm in INJURIES or t.lowers[i] in INJURIES) and noun:
        for j in range(i + 1, min(n, i + 5)):
            if t.norms[j] in INJURY_FROM:
                k, kind = object_of(t, j + 1)
                if kind == "person" or (k < n and t.norms[k] in PARTY_WORDS):
                    return [("violence", i, k + 1)]
                break
    if norm in VIOLENT_TO and t.lowers[i + 1 : i + 2] in (["to"], ["towards"], ["with"]):
        k, kind = object_of(t, i + 2)
        if kind == "person":
            # A disposition told ("he was violent with her"): of the past unless said of today.
            today = {t.lowers[j] for j in _sentence(t, i)} & _TODAY_WORDS
            return [("violence", i, k + 1, "" if today else "past")]
    return []


def _subject_is_thing(t, i: int) -> bool:
    subject = _subject(t, i)
    return subject >= 0 and t.norms[subject] in NOT_HUMAN_SUBJECTS


def _future(t, i: int) -> bool:
    # In the act's own sentence; "will" after "dad's" or "the" is a testament.
    window = [j for j in range(max(0, i - 4), i) if t.sentences[j] == t.sentences[i]]
    before = [
        t.lowers[j]
        for j in window
        if not (t.lowers[j] == "will" and j and t.lowers[j - 1] in _BEFORE_A_WILL)
    ]
    joined = " ".join(before)
    return bool(
        {"'ll", "ll", "will", "gonna", "wo"} & set(before)
        or re.search(r"(going|back|coming|come) to$", joined)
        or re.search(r"(he|she|they)'d$", joined)
    )


_BEFORE_A_WILL = frozenset({"'s", "’s", "s", "the", "a", "his", "her", "my", "their", "mum", "dad"})


def _confinement(t, i: int) -> list[tuple[str, int, int]]:
    """ "locked me and the baby in", "keeping her in", "she's locked in the loft",
    "someone's shut in it", "nobody's leaving"."""
    norm, low, n = t.norms[i], t.lowers[i], len(t.norms)
    span = None
    protecting = t.lowers[max(0, _subject(t, i))] in PROTECTORS and _subject(t, i) >= 0
    if norm in CONFINE_VERBS and not _subject_is_thing(t, i) and not protecting:
        j, kind = object_of(t, i + 1)
        compound = (
            j + 1 < n
            and t.lowers[j + 1].isalpha()
            and t.lowers[j + 1] not in (NOT_AN_OBJECT | CONFINE_PARTICLES | {"and"})
        )  # "the child benefit": a thing named after a person
        if (kind == "person" or (j < n and t.norms[j] in YOUNG)) and not compound:
            for k in range(j + 1, min(n, j + 7)):
                if t.lowers[k] in {".", ",", ";", "out", "?", "!"}:
                    break
                if t.lowers[k] in CONFINE_PARTICLES:
                    span = (i, k + 1)
                    break
        # Passive: "she's locked in her room", "someone's shut in it", "kept in the house".
        elif (
            t.lowers[i - 1 : i] in _PASSIVE_AUX
            and not low.endswith("ing")
            and t.lowers[i + 1 : i + 2] in (["in"], ["inside"])
        ):
            subject = _subject(t, i)
            if subject >= 0 and (
                is_person(t, subject) or t.lowers[subject] in {"i", "im", "she", "he", "we", "they"}
            ):
                span = (subject, i + 2)
    if low in NOBODY or (low == "no" and t.lowers[i + 1 : i + 2] == ["one"]):
        rest = [t.norms[j] for j in range(i + 1, min(n, i + 4))]
        if any(w in LEAVING for w in rest) and not {"know", "see", "hear"} & set(rest):
            span = (i, min(n, i + 4))
    return [("coercion", *span), ("confine", *span)] if span else []


_PASSIVE_AUX = (
    ["'s"],
    ["s"],
    ["is"],
    ["was"],
    ["been"],
    ["got"],
    ["are"],
    ["were"],
    ["'m"],
    ["am"],
)
# Words that may stand between a verb of control and what it controls.
_CONTROL_PATH = BETWEEN | {"any", "all", "of", "into", "through", "back", "in", "on", "to", "at"}


def _control(t, i: int) -> list[tuple[str, int, int]]:
    """A verb of control and what it controls, as its object: "reads my texts", "using my
    card", "posting my nudes", "logging into my email", "won't give back my jewellery"."""
    norm, n = t.norms[i], len(t.norms)
    found = []
    # "not allowed to see us", "won't let her use the phone", "stops her seeing".
    if norm in PERMISSION:
        denials = [j for j in range(max(0, i - 4), i) if t.lowers[j] in NEGATORS | {"wo", "won't"}]
        after = [t.norms[j] for j in range(i + 1, min(n, i + 5))]
        if denials and set(after) & PERMITTED_ACTS:
            found.append((denials[0], min(n, i + 4)))
    for verbs, things in CONTROL.values():
        if norm not in verbs:
            continue
        for j in range(i + 1, min(n, i + 6)):
            if t.norms[j] in things or t.lowers[j] in things:
                path = {t.lowers[k] for k in range(i + 1, j)}
                if path <= _CONTROL_PATH and path & POSSESSIVES:
                    found.append((i, j + 1))
                break
            if t.lowers[j] not in _CONTROL_PATH and t.norms[j] not in _CONTROL_PATH:
                break
    # "checks my phone for me": done as a help.
    found = [
        (a, b)
        for a, b in found
        if t.lowers[b : b + 2] not in (["for", "me"], ["for", "her"], ["for", "him"])
    ]
    # "won't give back my passport": the span starts at its own denial, which it carries.
    found = [(_denial_before(t, a), b) for a, b in found]
    return [(concept, a, b) for a, b in found for concept in ("coercion", "control")]


_MODALS = NEGATORS | {"wo", "will", "ca", "can", "won't", "cant", "do", "does", "did"}


def _denial_before(t, start: int) -> int:
    i = start
    while i > 0 and start - i < 3 and t.lowers[i - 1] in _MODALS:
        i -= 1
    return i


def _entry_force(t, i: int) -> list[tuple[str, int, int]]:
    """Force at a door now: "got his foot in my door and is pushing", "reaching in for the
    latch", "punched the window, he's still standing there"."""
    norm, n = t.norms[i], len(t.norms)
    if norm not in ENTRY_VERBS:
        return []
    sentence = _sentence(t, i)
    # The door in this sentence or the one before it, near the verb.
    nearby = range(max(0, sentence[0] - 25, i - 40), min(sentence[-1] + 1, i + 15))
    near_door = [j for j in nearby if t.norms[j] in ENTRY_PARTS or t.lowers[j] in ENTRY_PARTS]
    foot_in = any(t.norms[j] == "foot" and t.lowers[j + 1 : j + 2] == ["in"] for j in nearby)
    if not (near_door or foot_in):
        return []
    still_there = _words_of_sentence(t, i) & {"still", "now"}
    if not (_progressive_or_now(t, i) or still_there or t.lowers[i - 1 : i] in (["to"], ["just"])):
        return []
    subject = _subject(t, i)
    person = subject >= 0 and (
        t.lowers[subject] in SUBJECT_PRONOUNS | PERSON_PRONOUNS
        or is_person(t, subject)
        or t.lowers[subject] == "and"
    )
    if not person or _subject_is_thing(t, i):
        return []
    j, kind = object_of(t, i + 1)
    if kind == "thing" and t.norms[j] not in ENTRY_PARTS:
        return []  # "kicking a ball against the door"
    # At the door now: a verb in progress, or the one forcing still there.
    return [("force_entry", i, min(n, i + 1 + (kind != "none")), "now")]


_SETTLED = frozenset(
    {"anymore", "more", "settled", "asleep", "sleeping", "fine", "ok", "okay", "better"}
)


def _life(t, i: int) -> list[tuple[str, int, int]]:
    norm, low, n = t.norms[i], t.lowers[i], len(t.norms)
    found = []
    # Vital signs denied: "isn't breathing or moving", "not making sense", "not waking".
    if low in NEGATORS | {"isnt", "isn't", "wasnt"}:
        for j in range(i + 1, min(n, i + 5)):
            if t.lowers[j] in {".", ",", "but"}:
                break
            if (
                t.norms[j] in VITAL_VERBS
                and (t.norms[j] != "make" or t.lowers[j + 1 : j + 2] == ["sense"])
                and (
                    t.norms[j] != "open"
                    or t.lowers[j + 1 : j + 3] in (["her", "eyes"], ["his", "eyes"])
                )
            ):
                settled = {t.lowers[k] for k in _sentence(t, i)} & _SETTLED
                if settled:
                    break  # "the baby isn't crying any more, she's settled"
                if t.norms[j] == "cry" and not any(
                    t.norms[k] in YOUNG | {"one"} for k in range(max(0, i - 6), i)
                ):
                    continue  # a baby not crying; an adult not crying is no sign
                subject = _subject(t, i)
                if subject >= 0 and t.lowers[subject] in {"i", "im", "we", "you"}:
                    break
                if (
                    t.norms[j] == "move"
                    and t.lowers[j + 1 : j + 2]
                    and t.lowers[j + 1] in MOVED_NOT_LIFE
                ):
                    break  # "won't move his car", "not moving out"
                found.append(("life", i, j + 1 + (t.norms[j] == "make")))
                break
    # A person in a state that puts life at risk, over "is": "two people are trapped".
    if norm in CASUALTIES or low in CASUALTIES:
        rest = list(range(i + 1, min(n, i + 4)))
        states = [
            j for j in rest if t.lowers[j] in CASUALTY_STATES or t.norms[j] in CASUALTY_STATES
        ]
        gap = {t.lowers[j] for j in rest if states and j < states[0]}
        if states and gap <= {"be", "is", "are", "'s", "s", "lying", "still", "all", "'re"}:
            found.append(("life", i, states[0] + 1))
    # A car driven into people: "a van ploughed into the queue".
    if norm in {"drive", "plough", "mount", "crash", "plow"} and t.lowers[i + 1 : i + 2] == [
        "into"
    ]:
        j, _ = object_of(t, i + 2)
        if j < n and (t.norms[j] in CROWDS or t.lowers[j] in CROWDS):
            found.append(("life", i, j + 1))
    # Falls from a height: "fell off scaffolding", "fell down the stairs".
    if norm in FALL_VERBS or low in FALL_VERBS:
        window = [t.norms[j] for j in range(i + 1, min(n, i + 5))]
        if window[:1] and window[0] in {"off", "from", "down", "out"} and set(window) & HEIGHTS:
            found.append(("life", i, min(n, i + 5)))
    # Overdoses by count: "took about 40 paracetamol".
    if low.isdecimal() and int(low) >= 10 and low not in {"999", "111", "101"}:
        after = {t.norms[j] for j in range(i + 1, min(n, i + 3))} | {
            t.lowers[j] for j in range(i + 1, min(n, i + 3))
        }
        if after & MEDICINES:
            found.append(("life", i, min(n, i + 2)))
    # A person where trains or fast traffic pass: "a girl walking along the tracks".
    if norm in FAST_PLACES and any(
        t.lowers[j] in {"on", "in", "into", "onto", "across", "along", "down", "over"}
        for j in range(max(0, i - 3), i)
    ):
        window = range(max(0, i - 10), i)
        near = {t.lowers[j] for j in window} | {t.norms[j] for j in window}
        on_foot = near & (YOUNG | ON_FOOT)
        if (
            on_foot
            and not near & IN_TRAFFIC
            and any(is_person(t, j) or t.norms[j] in YOUNG | {"wheelchair"} for j in window)
        ):
            found.append(("life", max(0, i - 3), i + 1))
    # A child left in a hot car: "toddler left in a car in the sun, windows up".
    if norm in VEHICLES:
        sentence = _sentence(t, i)
        words = {t.norms[j] for j in sentence} | {t.lowers[j] for j in sentence}
        young = any(t.norms[j] in YOUNG or _age_under(t, j, 5) for j in sentence)
        if (
            young
            and ("left" in words or "leave" in words)
            and words & (HOT | {"window", "windows", "quiet"})
        ):
            found.append(("life", sentence[0], sentence[-1] + 1))
    return found


def _age_under(t, i: int, years: int) -> bool:
    return (
        t.lowers[i].isdecimal() and int(t.lowers[i]) < years and t.norms[i + 1 : i + 2] == ["year"]
    )


# --- signals of their own ------------------------------------------------------------------------


def add_signals(result, t, parties) -> None:
    """Signals the rules cite directly: the confined, the vulnerable gone, a child taken
    with a car, control with fear, a name tied to a party, and a man's violence to a woman
    with a tie between them."""
    live = [f for f in result.findings if not (f.negated or f.hypothetical)]
    # Someone held against their will now.
    confined = [
        f
        for f in live
        if f.concept == "confine" and f.time in ("now", "recent", "") and not _asked(t)
    ]
    result.add("confined_now", confined)
    result.add("child_missing", _vulnerable_gone(t) + _taken_with_car(t))
    control = [f for f in live if f.concept == "control"] + [
        f for f in live if f.concept == "stalking" and f.time != "past" and parties
    ]
    text = " ".join(t.norms)
    # Fear the caller feels, or a request to check on the one controlled: "I'm frightened",
    # "can someone check she's alright"; not "not worried", nor someone far away.
    fear = SELF_FEAR.search(" ".join(t.lowers)) or WELFARE_CHECK.search(text)
    if control and fear and (parties or _any_tie(t)) and "far_away" not in result.signals:
        result.add("control_concern", control)
    # "her bruises are from her husband": the party named as their cause did it.
    caused = [
        f
        for f in live
        if f.concept == "violence"
        and t.norms[f.start] in INJURIES | {"injury"}
        and {t.norms[j] for j in range(f.start, f.end)} & PARTY_WORDS
    ]
    if caused and parties:
        result.add("party_abuse", caused)
    # "trying to take the kids off me": a child being taken now.
    result.add(
        "abduction",
        [
            f
            for f in live
            if f.concept == "control"
            and t.norms[f.start] in {"take", "snatch", "grab"}
            and {t.norms[j] for j in range(f.start, f.end)} & CONTROL["children"][1]
            and {t.lowers[j] for j in range(max(0, f.start - 3), f.start)}
            & {"trying", "tried", "try"}
        ],
    )
    # "grabbed my handbag off my arm ten minutes ago": a theft from the person, soon.
    result.add(
        "theft_from_person",
        [
            f
            for f in result.findings
            if f.concept == "abduction"
            and f.negated
            and f.time in ("now", "recent")
            and not_literal(t, f) == "a thing taken"
        ],
    )
    if any(f.concept == "under_16" for f in live):
        return  # a child harmed: safeguarding; the domestic abuse definition starts at 16
    names = _named_parties(t)
    harm = [
        f
        for f in live
        if f.concept in {"violence", "threat", "strangle", "distress"} and f.time != "past"
    ]
    if names and harm:
        result.add("named_party", names + [harm[0].words])
    result.add("male_on_female", _male_on_female(t, live))


def _asked(t) -> bool:
    return bool(ADVICE_QUESTION.search(" ".join(t.lowers))) and "?" in t.lowers


def _any_tie(t) -> bool:
    return bool(TIES.search(" ".join(t.lowers)) or TIES.search(" ".join(t.norms)))


def _vulnerable_gone(t) -> list[str]:
    """A care home resident, someone with dementia or aged 75 or more, not where they should
    be: "Edna, 86, is not in her room"."""
    n = len(t.norms)
    vulnerable = [
        i for i in range(n) if t.norms[i] in VULNERABLE_ADULT or t.lowers[i] in VULNERABLE_ADULT
    ]
    vulnerable += [
        i
        for i in range(n)
        if t.lowers[i].isdecimal()
        and 75 <= int(t.lowers[i]) <= 110
        and (
            t.lowers[i - 1 : i] in ([","], ["aged"], ["age"])
            or t.lowers[i + 1 : i + 2] in (["year"], ["years"], ["yo"], [","])
        )
    ]
    if not vulnerable:
        return []
    text = " ".join(t.norms)
    match = ABSENT.search(text)
    if not match or _asked(t) or re.search(r"\b(in case|if|whether)\b", text[: match.start()]):
        return []  # "how do we register him in case he wanders?": a question, not a loss
    return [t.texts[vulnerable[0]], match.group(0)]


def _taken_with_car(t) -> list[str]:
    """A car taken with a young child in it: "they've stolen my van with my 3 year old in the
    back seat"."""
    words = set(t.lowers) | set(t.norms)
    if not (words & VEHICLES and words & (TAKEN - {"drive", "drove", "take"})):
        return []
    young = [
        i for i in range(len(t.norms)) if _age_under(t, i, 8) or t.norms[i] in {"baby", "toddler"}
    ]
    if young and words & {"back", "seat", "strapped", "inside", "in"}:
        return [f"{t.texts[young[0]]} … in the car taken"]
    return []


def _named_parties(t) -> list[str]:
    """A first name tied to a party ("Gary, my fiance", "my husband Stuart", "Priya's
    husband") or cried to someone ("Liam get off me")."""
    n, found = len(t.norms), []
    for i in range(n):
        if not _is_name(t, i):
            continue
        around = [t.norms[j] for j in range(max(0, i - 3), min(n, i + 4)) if j != i]
        cried = t.lowers[i + 1 : i + 2] and t.lowers[i + 1] in CRY_AFTER_NAME
        if set(around) & PARTY_WORDS or cried:
            found.append(t.texts[i])
    return found[:2]


def _male_on_female(t, live) -> list[str]:
    """A man's force or threat to a woman, with a tie of home, car or bond between them."""
    if not _any_tie(t):
        return []
    out = []
    everyone = set(t.norms) | set(t.lowers)
    for f in live:
        if f.concept not in {"violence", "threat", "strangle"} or f.time == "past":
            continue
        sentence = _sentence(t, f.start)
        # Whom it is done to: the words of the act and the object after it.
        target = {t.norms[j] for j in range(f.start, f.end)}
        target |= {t.lowers[j] for j in range(f.start, f.end)}
        j, kind = object_of(t, f.end)
        if kind in {"person", "body"} and j < len(t.norms):
            target |= {t.norms[j], t.lowers[j], t.lowers[j - 1]}
        before = range(max(sentence[0], f.start - 15), f.start)
        if not target & FEMALE_WORDS and not _female_injured(t, f):
            continue
        injured = t.norms[f.start] in {"black", "bruise"}
        male = any(t.norms[j] in MALE_WORDS or t.lowers[j] in MALE_WORDS for j in before)
        if not male and not (injured and everyone & (MALE_WORDS | DISTURBANCE)):
            continue  # a woman hurt, with a man there or a row heard at home
        if _words_of_sentence(t, f.start) & GROUPS:
            continue  # a group's attack: hate or disorder, not a couple
        out.append(f.words)
    return out


def _female_injured(t, f) -> bool:
    """ "a woman with a black eye", "her with a big bruise on her face"."""
    if t.norms[f.start] not in {"black", "bruise"}:
        return False
    window = {t.norms[j] for j in range(max(0, f.start - 6), f.start)}
    return bool(window & FEMALE_WORDS)
