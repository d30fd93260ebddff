"""What a caller's words say about risk, read on tokens and lemmas, not raw text.

spaCy's blank English pipeline tokenizes, and its lookup lemmatizer (the tables of
`spacy-lookups-data`, installed from the package index; no model is downloaded) turns
"banging", "bangs" and "banged" into "bang". Each token's NORM is that lemma after the
spelling table below has mended rushed typing ("threatend", "boyfreind"). spaCy's
PhraseMatcher then finds the phrases of `PHRASES` on NORM.

Every finding keeps the caller's own words, and is marked:
- `negated`: a denial in front of it in the same clause ("no weapons", "he never hit me",
  "he isn't threatening anyone");
- `hypothetical`: inside an "if", "what if", "in case" or "might" clause;
- `time`: "now" (present progressive, "now", "still", "'ll"), "recent" ("earlier", "last
  night", "20 mins ago"), "past" ("last year", "on Tuesday", "in 2019") or "" when the
  words do not say; the finding's own clause is read first, then its sentence;
- `agent`: "other" when the act was done by someone named as not a party ("attacked by
  some lads").

A party to the incident is a partner, ex-partner or family member named as such ("my
ex", "her husband", "me fella", "the ex partner", "my son", "my wife's brother"), but not
an owner ("my husband's car"), a companion ("my partner and I") or another kind of ex
("ex-employer"). A "he" or "she" the caller never introduces, who is here, coming back
or hurting the caller, is someone the caller knows: that is a party too, unless the
narrative names a stranger or another person.

Everything a force may want to read or change is a table here: `SPELLING`, `PHRASES` and
the word sets below them. `reading()` combines the findings into the named signals that
the rules of `cad.calls.grading` cite.

Phrases alone plateau on calls phrased in ways no table foresaw, so `cad.calls.
risk_mechanisms` reads structure beside them, with tables of its own: a verb of force by
class with a person as its object, people locked in, control of money, phone, contact
and images, force at a door, vital signs denied, falls and overdoses, names tied to
parties, and a man's violence to a woman with a tie of home or car. It adds findings in
the same concepts only where no phrase was found (so time, denial and parties are read
alike), and marks as not literal what only sounds like harm ("kill the printer", "squirt
gun", "fire alarm", "collectors say they will force entry ... is that legal?").
"""

from __future__ import annotations

import bisect
import gc
import os
import re
import threading
from dataclasses import dataclass, field, replace
from functools import cache

from cad.calls import risk_mechanisms, risk_model

# --- tables --------------------------------------------------------------------------------

# fmt: off
# Rushed typing, text-speak and the pieces the tokenizer leaves of contractions.
SPELLING: dict[str, str] = {
    "threatend": "threatened", "threatned": "threatened", "thretened": "threatened",
    "threaned": "threatened", "threating": "threatening", "threatning": "threatening",
    "thretening": "threatening", "threten": "threaten", "boyfreind": "boyfriend",
    "girlfreind": "girlfriend", "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband",
    "hubbie": "husband", "husbnd": "husband", "husban": "husband", "partener": "partner",
    "patner": "partner", "misus": "missus", "missis": "missus", "wifey": "wife",
    "strangeled": "strangled", "stangled": "strangled", "strangaled": "strangled",
    "choaked": "choked", "choakin": "choking", "choakd": "choked", "kiled": "killed",
    "kil": "kill", "kilt": "killed", "murda": "murder", "nife": "knife", "knif": "knife",
    "kinfe": "knife", "stabed": "stabbed", "stabing": "stabbing", "punchd": "punched",
    "punchin": "punching", "hitin": "hitting", "hiting": "hitting", "battred": "battered",
    "batterd": "battered", "kickin": "kicking", "bangin": "banging", "banjing": "banging",
    "breating": "breathing", "breathin": "breathing", "breething": "breathing",
    "unconcious": "unconscious", "unconsious": "unconscious", "unconcsious": "unconscious",
    "unresponsve": "unresponsive", "sucide": "suicide", "suicidle": "suicidal",
    "sucidal": "suicidal", "wepon": "weapon", "weopon": "weapon", "machette": "machete",
    "tryna": "trying", "tryin": "trying", "tryng": "trying", "comin": "coming",
    "screamin": "screaming", "shoutin": "shouting", "followin": "following",
    "outsde": "outside", "ouside": "outside", "outsid": "outside", "doorr": "door",
    "rite": "right", "nw": "now", "rn": "now", "atm": "now", "jus": "just", "agen": "again",
    "definately": "definitely", "defo": "definitely", "wen": "when", "u": "you",
    "ur": "your", "headbutted": "headbutt", "headbutting": "headbutt", "glassed": "glass",
    "swinging": "swing",
    "rammed": "ram", "ramming": "ram", "abused": "abuse", "abusing": "abuse",
    "stalked": "stalk", "stalking": "stalk", "mins": "minute", "min": "minute",
    "hrs": "hour", "hr": "hour", "thru": "through", "pics": "picture", "pic": "picture",
    "cos": "because", "coz": "because", "kidz": "kid", "nite": "night", "2nite": "tonight",
    "2day": "today", "gone": "go", "someones": "someone", "somebodys": "somebody",
    "wifes": "wife", "hubbys": "husband",
    "nobodys": "nobody", "noones": "nobody", "nothings": "nothing",
    # Scots and northern words: "he's in the hoose", "ah'm oot", "gonnae", "the bairns".
    "hoose": "house", "oot": "out", "tae": "to", "noo": "now", "intae": "into",
    "gonnae": "going", "ah": "i", "bairn": "child",
    "bairns": "kids", "radge": "mental", "wean": "child", "weans": "kids", "polis": "police",
    # Slang for hitting someone, by its plain word: "lamped", "twatted", "chinned".
    "lamped": "punch", "lamping": "punch", "twatted": "hit",
    "twatting": "hit", "chinned": "punch", "decked": "punch",
    "leathered": "beat", "leathering": "beat", "walloped": "hit", "wallop": "hit",
    "whacked": "hit", "whack": "hit", "whacking": "hit", "clobbered": "hit", "clobber": "hit",
    "skelped": "slap", "skelp": "slap", "belted": "punch", "battered": "batter",
    "panelled": "beat", "nutted": "headbutt", "sparked": "punch", "floored": "punch",
    "bottled": "glass", "booted": "kick", "socked": "punch", "smacked": "smack",
    "trashing": "trash", "trashed": "trash", "wrecking": "wreck", "wrecked": "wreck",
    # Rushed typing of the family and of "message".
    "txting": "texting", "txt": "text", "txted": "texted", "msg": "message", "msgs": "messages",
    "mesages": "messages", "sayin": "saying", "callin": "calling",
    # Pieces of "won't", "can't", "gonna", "'ll".
    "wo": "will", "ca": "can", "gon": "going", "na": "to", "nt": "not", "n't": "not",
    "'ll": "will", "ll": "will", "'m": "be", "'re": "be", "'ve": "have",
}

# Phrases by lemma: words separated by spaces; "a|b" is either word; "w?" may be absent.
PHRASES: dict[str, tuple[str, ...]] = {
    "partner": (
        "husband", "wife", "missus", "partner", "boyfriend", "girlfriend", "fiance",
        "fiancee", "fiancé", "fiancée", "spouse", "fella", "other half",
        "baby father|daddy|dad|mother|mum|mom", "babyfather", "babymother",
        # "my man", "her bloke", "me lass": a partner named by what he or she is to someone.
        "my|me|ma|her man|bloke|lass|fella", "his lass|missus|woman|bird",
    ),
    "ex": (
        "ex", "ex -? husband|wife|partner|boyfriend|girlfriend|fiance|fiancee|missus|fella",
        "exhusband", "expartner", "exboyfriend", "exgirlfriend", "exwife",
    ),
    # Words that tell of a relationship without naming the person.
    "relationship": (
        "they|we finished", "change|changed the locks", "since we split",
        "have|had a row|argument|barney|domestic", "we argue|row|fall out|fight",
        "we be arguing|rowing|fighting",
        "she|he live|lives with", "i try to end it", "i end it",
        "been seeing",
        "split up", "we split", "break up", "leave him|her", "separate from",
        "we separate|divorce", "divorce him|her", "be with him|her", "live with him|her",
        "go out with him|her", "his|her ex", "kids together", "child together",
        "children together", "baby together", "in a relationship with", "the couple",
        "she|he|i be seeing", "be see him|her", "after she|i end it", "end it with him|her",
        "live|lives with partner|boyfriend|husband|"
        "girlfriend|wife|fiance|fiancee", "kid 's dad|mum", "kids ' dad|mum",
        "child 's father|mother",
        # "the father of my kids", "a couple just had a fight" (not "a couple of lads")
        "father|dad|mother|mum of my|our|her|his kids|children|child|baby|son|daughter",
        "a couple be|are|were|was|just|have|had|arguing|fighting|rowing",
    ),
    "family": (
        "mummy", "daddy",
        "son|daughter|brother|sister|father|mother in law",
        "son", "daughter", "stepson", "stepdaughter", "brother", "sister", "mum", "mam",
        "mom", "mother", "dad", "father", "stepdad", "stepfather", "stepmum", "stepmother",
        "grandson", "granddaughter", "grandad", "granddad", "nan", "nana", "uncle", "auntie",
        "aunt", "nephew", "niece", "cousin", "old man", "old lady", "family", "in - law",
        "my|our lad|lads|boy|girl",
        "brother|sister|father|mother|son|daughter - in - law",
        # Handlers' shorthand and the rest of the family.
        "sil", "fil", "mil", "bil", "dil", "gran", "grandma", "grandmother", "grandfather",
        "grandpa", "grandchild", "grandkid", "stepbrother", "stepsister",
        "half brother|sister", "adult son|daughter|child",
    ),
    "da_words": (
        # "high risk" of the DA risk form, not of harm to the public or to oneself
        "da ongoing", "da incident", "dash", "high risk da|victim|domestic|case",
        "assess|assessed as high risk", "graded high risk",
        "domestic", "dv", "marac", "clare 's|s law", "clares law", "idva", "refuge",
        "non - mol|molestation", "non mol|molestation", "nonmol", "restraining order",
        "dvpo", "dvpn", "protection order|notice", "occupation order", "coercive control",
        "controlling behaviour|behavior", "honour based|- based", "honour", "forced marriage",
        "shame on the family", "victim contact", "marry a man|woman|someone", "make me marry",
        "force me|her to marry", "not allow within|near",
    ),
    "order": (
        "can not|cant come within", "get the order against", "order against",
        "can not|cant come|go near", "family court", "not allow near|within",
        "court order", "bail condition", "on bail", "his|her|their bail", "injunction",
        "no contact order", "breach",
        "not allow|suppose to contact", "not allow|suppose to come|go near",
        "get|got|have a|an order", "an order against", "order against him|her",
        # Handlers' and callers' short form: "he has order not to come", "order not to contact".
        "order not to come|contact|go|approach|attend",
    ),
    # What the criminal justice system did about someone: with a party, domestic abuse.
    "justice": (
        "statement against", "withdraw my|her statement", "out of prison|jail",
        "be release|released", "release from prison|jail", "arrest for", "charge with",
        "court case against",
    ),
    "violence": (
        "throw|threw her|him|me down", "throw|threw my mum|aunty|nan|wife|sister down",
        "put his|her fist through", "throw|throwing stuff|things at", "by my|her|his throat|neck",
        "drive|driving a|the|his|her forklift|car|van|truck at",
        "drive|drove|driven his|her|the car at", "chokehold", "headlock",
        "pin", "pinned", "squeeze", "bruise", "fracture", "force himself|herself on",
        "sexually assault", "grab my|her|his throat|neck|hair|arm|arms|wrist",
        # Sex without consent, by anyone: with a partner, domestic abuse.
        "force|make me|her|him to? have sex", "force me|her|him into sex", "sex when i|she say no",
        "thrown at the wall|floor", "chuck|throw a|the plate|glass|cup|mug|bottle|chair",
        "chuck|throw a|his|her|my|the? tea|coffee|water|drink|pint at|over",
        "shove her|me|him over",
        "on top of her|me|him", "get her|me|him on the floor|ground", "pin me|her|him",
        "scratch my|her|his face", "give her|me|him a black eye", "black eye",
        "shout|scream|swear at his|her|their",
        "hands around|round her|my|his neck|throat", "in my|her|his face",
        "chuck me|her|him out", "slash", "key my|her|his car|van",
        # A vehicle used on people: "rammed my car with his van" (people inside).
        "ram my|our|her|his|the car|van|vehicle", "drive|drove into my|our|her car|van",
        "hit", "punch", "beat", "batter", "slap", "strangle", "strangulate", "choke",
        "throttle", "smother", "suffocate", "stab", "attack", "assault", "headbutt", "shove",
        "smack", "thump", "bite", "rape", "kick", "push", "hurt", "drag", "ram",
        "glass me|her|him|them", "get glass", "lay|put hand|hands on", "knock about|around",
        "pin down",
        "hold down", "beat up", "fight", "brawl", "lay into", "go mental", "grab me|her|him",
        "grab by", "by the hair|neck|throat", "come at me|her|him|us", "go for me|her|him",
        "hear a|the? slap",
        "throw it|things|stuff|something|water at me|her|him", "throw boiling|hot water",
        "throw the? telly|tv|plate|glass|chair at", "pull my|her|his hair",
        "break my|her|his nose|arm|jaw|rib|ribs|finger|wrist|leg", "burn me|her|him",
        "smash", "smash everything", "smash up", "smash the|my place|stuff|things",
        # A car, a throw or a boot used on someone.
        "try|trying to run me|her|him|us over", "run me|her|him|us over", "knock me|her|him down",
        "drive|drove|driving at me|her|him|us", "swerve at me|her|him|us",
        "throw|threw me|her|him into|against|across|at|off|out", "boot me|her|him|us",
        "stamp on me|her|him|my|her|his", "stamp on",
        "strangle hold", "stranglehold", "hand|hands round|around her|my|his throat|neck",
        "pull chunks|clumps|handfuls of my|her|his hair", "pull my|her|his hair out",
        # Going for someone, in everyday and slang words: "going at his dad with the glass",
        # "set about me", "knocked him out", "swung for me", "jumped me".
        "go|going|gone at me|her|him|us|them|his|her|my", "set about me|her|him|us",
        "swing for|at me|her|him|us|them|people|staff|everyone|anyone",
        "swung for|at me|her|him|us|them|people|staff|everyone|anyone", "lash out at",
        # An animal set on someone: "set his dog on me", "setting the dogs on us".
        "set|sic the|his|her|their|a dog|dogs on me|her|him|us|them",
        "knock me|her|him|them out", "knock me|her|him|them spark out", "jump me|her|him",
        "kick the shit|crap out of", "beat the shit|crap out of", "knock seven bells",
        "give me|her|him a kicking|hiding|beating|slap|smack|slapping",
        "give me|her|him a good hiding|kicking|slap",
        # Hands on the neck of a relative: "got his hands round my mum's neck".
        "hand|hands round|around|on my|her|his|their mum|mam|mother|wife|sister|nan|gran|"
        "girlfriend|partner|missus|daughter|son|dad|brother|boyfriend|husband 's neck|throat",
        "give me|her|him a black eye|fat lip|split lip|nosebleed",
    ),
    # Abuse named as such, and words aimed at someone: domestic abuse when a party does it.
    "abuse": (
        "useless|worthless|stupid every day",
        "call me|her|him a", "call me|her|him useless|stupid|fat|worthless|names",
        "nasty texts|messages|voice notes|comments",
        "shout|scream|swear at mum|dad|my mum|my dad|nan",
        "abuse", "abusive", "shout|scream|swear|spit at me|her|him", "have a go at me|her",
        "call me|her name|names", "call me every name", "belittle", "put me|her down",
        "intimidate", "bully", "manipulate", "gaslight",
    ),
    "strangle": (
        "strangle hold", "stranglehold", "go limp", "gone limp", "see stars", "saw stars",
        "hand|hands around|round her|my|his neck|throat", "pass out", "passed out",
        "strangle", "strangulate", "choke me|her|him", "throttle", "smother", "suffocate",
        "by the neck|throat",
    ),
    "threat": (
        "hang me|her|him|you|caller", "no one leave|leaves",
        "see you tonight|soon|later", "will|'ll kill everyone|us all",
        "not see morning|tomorrow|christmas", "not see the morning", "have her|you|me|him killed",
        "drop her|him", "drop the baby", "ttk", "light it",
        # Threats over a child or a face, and threats for later: "when he wakes up he'll
        # finish it", "she's next", "hold the baby over the balcony".
        "cut my|her|your|his face|throat", "cut you|her|me up", "will finish it|this|us",
        "you|she|he be next", "you 're next", "hold|holding her|him out|over",
        "hold|holding the baby|kid|child out|over",
        "will|'ll|'d|would find me|her|you",
        "finish me|her|him|you", "break my|her|his|your legs|arms|neck|jaw|face",
        "you|i|we|both|she|he will? be dead", "you 're dead", "make you|her|me pay",
        "will pay for it|this|that", "never see|seeing them|her|him again",
        "never see|seeing the|my kids|children again",
        "burn the house|place|flat|car", "flush them|her tablets", "nobody walk out on",
        "unless she|he|i|you sign|signs|give|gives|pay|pays|drop|drops|come|comes",
        "get her|his|my brothers to",
        "threaten", "threat", "kill", "murder", "do in", "slit throat|throats",
        "end me|her|him|you", "finish me|her|him|you off", "finish the job",
        "burn the? house|place|flat down", "hurt me|her|him|them|you|kid|child|baby",
        "smash my|her|your face", "cut me|her|you", "teach me|her|him|you a lesson",
        "do it again", "regret it", "sort me|her|him|you out", "do all of us",
        "do us all", "do us", "load it", "loaded it", "to punish me|her|him",
        "more go up", "unless i take him|her back", "pour petrol", "hold|holding a lighter|match",
        "both burn", "we both burn", "take her|me|him abroad|away",
        "take me|her|him|you with him|her", "do me|her|him|you in", "tonight be|'s the night",
        "ruin my|her life", "set fire|light", "petrol",
        "put me|her|him|you in the ground", "put me|her|him|you in a|the hospital|grave|box",
        "end me|her|him|you|us tonight", "come|coming to end|get|sort|do",
    ),
    "door": (
        "door", "front door", "back door", "window", "letterbox", "buzzer", "doorbell",
        "bell", "intercom", "gate",
    ),
    "bang": (
        "yank", "yanking", "pull at", "pulling at",
        "tap", "tapping",
        "bang", "hammer", "pound", "bash", "thump", "boot", "batter", "knock", "buzz",
        "keep ringing", "ring the bell|buzzer|doorbell", "rattle", "kick", "shout through",
    ),
    "force_entry": (
        "try|trying the handle",
        "force|forcing the|a patio|back|front door|window",
        "climb onto|into|over|up",
        "try|trying|attempt|attempting to get|break|force in|into",
        "try to get|break in|into", "try|trying the windows|doors",
        "force his|her|their way in", "force entry|the door", "break in|into",
        "kick in|down the? door", "kick the? door in|down", "kick my|her door in|down",
        "kick my|her|the|our front|back door in|down",
        "smash the? door|window", "smash my|her door|window", "break the? door|window down?",
        "break my|her door|window", "climb in|through", "get in through",
        "let himself|herself|themselves in", "kick down",
    ),
    "presence": (
        "in kitchen|lounge|bedroom|hallway", "in the works car park",
        "at home with him|her", "with him|her now", "still at home", "yards|metres behind",
        "behind her|me", "in the|my|her|our? rear|back|front garden|yard",
        "look|looking through the|my|her window|windows", "back in", "be back in",
        "walk|walking over to|towards",
        "climb|climbing the? rear|back|garden? fence|wall", "in the front room", "doing laps",
        "look|looking for me|her", "car be there", "car|van be|have there|here|outside",
        "be he there|here|inside|outside", "be she there|here|inside|outside",
        "circle|circling the|my|her", "at the end of the road", "get|getting out the|his|her car",
        "in his car at|on|outside", "be getting out", "getting out of? the|his|her? car|van",
        "outside", "at the|my|her|our front|back? door", "on the|my|her doorstep",
        "in the|my|her|our garden|house|flat|hallway|hall|kitchen|bedroom|bathroom|lounge|"
        "stairwell|property|room|loft|stairs", "in the|my|her|our living room", "come in",
        "up the stairs", "downstairs", "upstairs", "here", "be back", "come back",
        "come round|over|here", "on his|her|their way", "on his|her|their way back",
        "turn up", "show up", "will|can not leave|go", "refuse to leave|go", "still here|there",
        "wait outside|for me", "sit outside", "park outside", "hide in|behind|upstairs",
        "can not talk", "cant talk", "next to me", "in the next room", "barricade", "return",
        "drive round|past|around", "in the hallway of",
        "sit|sat|park|parked in his|her|a|the car|van", "over|across the road",
        "out there", "round and round", "on a|his|her moped|motorbike|scooter|bike",
        "rev|revving outside|the engine", "through the window",
        "stand|stood by|at|outside", "waiting",
        # Chasing someone on foot or by car: "her partner's chasing her", "running after us".
        "chase|chasing me|her|him|us|after", "run|running after me|her|him|us",
        "at my|her work", "in the car park",
        "on the landing", "be back tonight", "back tonight", "come|coming tonight",
        "at|in|outside the? address|premises|property", "still at|in", "lock in the? bathroom|"
        "bedroom|room|toilet", "lock myself|herself|himself in",
    ),
    # An older or unwell person not seen, told by the signs at their door; two or more kinds
    # together are a concern for life (`_welfare_concern`).
    "welfare": (
        "milk|post|papers|letters on the step|doorstep|mat", "milk|post|papers|letters pile|"
        "piling up", "curtains shut|closed|drawn", "not see|seen for|in|since", "no answer",
        "a smell", "bad|strange|awful|horrible smell", "lights on all day|night",
        "not answer|answering the door|phone",
    ),
    # Out for now, and due back: "at work till 6", "he's gone out now", "back at six".
    "out_for_now": (
        "be|go|gone out now", "currently out", "out shopping|drinking", "out at the pub|shop|bingo",
        "at work|bingo till|until", "at the gym|pub|match|shop till|until",
        "till|until 1|2|3|4|5|6|7|8|9|10|11|12|one|two|three|four|five|six|seven|eight|nine|ten|"
        "eleven|twelve|tonight|later|teatime|dinnertime",
        "back at|by 1|2|3|4|5|6|7|8|9|10|11|12|one|two|three|four|five|six|seven|eight|nine|"
        "ten|eleven|twelve|tea|teatime|dinnertime",
        "when he|she|they come|comes|get|gets home|back|in", "come|comes home at|from|tonight",
        "before he|she|they get|gets|come|comes back|home|in", "before he|she be|'s back",
        "back tonight|later|soon",
    ),
    # Gone only for a moment, or on the way: the other party is as good as here now.
    "returning": (
        "back in a minute|sec|second|moment|bit|mo", "back any minute|sec|second|moment|time",
        "back in minute|hour", "back in 1|2|3|4|5|10|15|20|one|two|five|ten|a few minute",
        "be here in", "be here any", "be there in", "here in minute", "minute away",
        "1|2|3|5|10|15|20|few|couple minute away", "round the corner", "on his|her|their way",
        "nip to|out|down|round", "pop to|out|down|round", "only go to|out|round",
        "go out the back|front", "out the back for", "for a smoke|fag|fags|cig|ciggie",
        "for fags|cigs|smokes|booze", "go to get|buy fags|cigs|booze|drink",
        "come|coming back tonight|later|soon", "come|coming round|over tonight|later",
        "come|coming for me|her|him|you|us tonight", "come|coming to get|end|sort",
        "be back tonight|later|soon", "back tonight", "move|moving towards",
    ),
    "stalking": (
        "keep|keeps posting", "messaging my work", "keep ringing off|from withheld",
        "withheld number|numbers", "silent calls",
        "photo of my|her new? front? door|house|car", "new account|accounts",
        "put my|her address on|online",
        "know|knows where i|she work|live|be", "message|messages|texts|calls since", "nonstop",
        "non stop", "ringing nonstop",
        "follow", "stalk", "stalker", "watch the|my|our house|flat|place|me",
        "keep turn|turning up",
        "keep message|messaging|text|texting|call|calling|ringing me|her|my",
        "keep phone|phoning|drive|driving|come|coming|send|sending",
        "will not leave me|her alone", "harass", "harassment", "tracker on",
        "track me|my|her|his|their", "tracker under|in|on", "gps tracker",
        "bombard", "fake account|accounts|profile", "post my|her address",
        "intimate picture|photo|photos|image|images|video", "turn up at my|her work",
        # Intimate images shared or held over someone: "sent my nudes to his mates", "posted
        # naked pictures of me", "put private photos of her online", "revenge porn".
        "nudes", "nude|naked|topless|explicit|sexual|private|intimate picture|photo|image|"
        "video|vid|selfie|selfies|pics|snap|snaps",
        "revenge porn", "sex tape|video|videos",
        "put|post|upload|share|leak picture|photo|image|video|pics of me|her online|up|on",
        "will not accept it", "stare at me|the house", "staring at me|the house",
        "find where i be|live|stay|am", "find out where i be|live|stay|am|work",
        # Contact that keeps coming: calls, posts, emails, parking, driving by.
        "keep|kept ring|ringing|call|calling|email|emailing|post|posting|park|parking|message|"
        "messaging|text|texting|turn|turning|show|showing|follow|following|watch|watching|"
        "contact|contacting|drive|driving|sit|sitting|wait|waiting",
        "withheld", "ring|ringing|call|calling withheld|private",
        # Followed on foot or by car, now: "been behind me since the station".
        "behind me|her|us since|from", "behind me|her|us all the way", "still behind me|her|us",
        "follow|following|followed me|her|us from|since|off|home|round|around|along|down|up",
        "cross|crossed the road and he|she|they", "speed up when i|she", "slow down when i|she",
        "picture|pictures|photo|photos of my|her own? front|back? door|house|car|street|work",
        "nasty|horrible|vile comments|things|posts|stuff about me|her|him",
        "about me|her|him on facebook|tiktok|instagram|insta|snapchat|twitter|social media",
        "email|emailing|message|messaging|contact|contacting|ring|ringing my|her|his new? "
        "partner|partners|work|boss|family|daughter|son|kids|children|friends|employer",
        "park|parking|sit|sat|wait|waiting outside my|her|his work|house|flat|school|gym",
        "go|going|drive|driving|ride|riding round and round", "round and round the",
        "drive|driving|go|going past my|her|his|the house|flat|work",
    ),
    "coercion": (
        "locked in bedroom|room|the house", "no one leave|leaves",
        "locked in the|a? storeroom|cupboard|shed|cellar|basement|garage|loft|attic|boot",
        "keep|keeps the|her|my car? keys|bank card|money",
        "read|reads all my|his|her messages|emails", "will not let him",
        "go|goes|going through my|her|his phone|messages|texts", "sulk|sulks for days|if",
        "lock every|all door|doors", "pocket the keys", "nobody leave", "make me share my location",
        "read|reads all my messages", "get|gets angry if i see", "demand money", "demanding money",
        "put my wages", "take my wages",
        # Money taken by family ("'borrowing' his money", "won't pay it back").
        "borrow|borrowing my|his|her|their money|pension|savings|card", "never pay it back",
        "out of my|her|his account", "take money|quid|cash from",
        "spend|spending her|my|his pension|money|savings", "power of attorney",
        "block|blocking the front? door|way|exit", "lock him|them in|out",
        "have to ask to|permission", "stop paying", "stop her|me seeing", "check every receipt",
        "will not let me|her|us", "not allow out", "not allow to go|leave|see",
        "lock me|her|us in|out", "lock all the? door|doors", "take my|her the? car? keys",
        "take my|her|his money|phone|bank|card|cards|pension|passport",
        "take|withdraw|nick|steal|quid|pound|money|cash out my|her|his purse|wallet|account|bank",
        "out of my|her|his purse|wallet|account", "take his|her|my bank|pension card",
        "withdraw|take|steal money|cash|quid|pound from|out",
        "take away my|her phone", "control", "check my|her phone", "keep me|her in",
        "from my|her purse", "empty my|her account", "take the kids|children|baby",
        "take my|her|our kids|children|baby|son|daughter|boy|girl|little one",
        "take|took the|my|our son|daughter|boy|girl|kids|children from school|nursery",
        "have my|her passport", "take her back",
        "would not let me|her", "have all the money", "receipts for everything",
        "take loans|loan|credit|cards out in my|her name", "in my|her name",
        # Money and belongings taken by family or an ex: "sold my car and kept the money",
        # "taking Mum's pension every week", "removed her TV while she was away".
        "sell|sold my|her|his|our car|house|jewellery|ring|stuff|things|belongings|tv|telly|"
        "furniture|laptop", "keep|kept the|my|her|his money|benefit|benefits|pension|savings",
        "keep|kept the|my|her|his child benefit", "take|took|taking money|cash from my|her|his",
        "take|took|taking our|my|her|his mum|mam|dad|nan|gran|grandad 's "
        "pension|money|savings|benefits|card", "change|changed the password on",
        "remove|removed|take|took my|her|his tv|telly|laptop|stuff|things|belongings|jewellery|"
        "furniture while",
        "get|got|have my|her car? keys|passport|bank card|phone", "flush my|her|his tablets|meds|"
        "medication", "snap my|her|his phone|sim", "make me|her hand over",
    ),
    "life": (
        "not getting up", "not get up", "she|he be bleeding", "bleeding a lot|a fair bit|badly",
        "can not go on", "cant go on", "box of his|her|my tablets", "a load of tablets|pills",
        "take|taken tablets|pills", "outside of the bridge|railings", "bridge railings", "railings",
        "smell of gas", "go|going purple", "dog have got|get", "dog be attacking|biting",
        "got hold of a|the little? kid|child|boy|girl",
        "going|gonna to? jump", "threaten to jump", "on the top of", "top of the multi storey",
        "drive us|me|her|them both? into", "be stab", "been stabbed",
        # Drunk at the wheel with a child: "trying to drive off with the baby".
        "try|trying to drive off|away with the baby|kids|children|child",
        "not breathe", "stop breathe", "can not breathe", "cant breathe", "no pulse",
        "unconscious", "unresponsive", "not respond|responding", "not move|moving",
        "collapse", "trap", "drown", "overdose", "suicide", "suicidal",
        "kill himself|herself|myself|themselves|themself", "end his|her|my|their life|it",
        "end it all", "take his|her|my|their own? life", "hang himself|herself|myself",
        "jump off|from", "on the bridge|ledge|roof", "on the edge",
        "slit|cut his|her|my wrist|wrists", "lot of blood", "blood everywhere",
        "bleed heavily|badly|loads|everywhere", "fit", "seizure", "not wake up",
        "will not wake up", "cardiac arrest", "heart attack", "stab wound",
        "fall in|into the river|canal|water|sea|lake", "go into the river|canal|water|sea|lake",
        "still in it", "still in the car|water", "in the river|canal|sea|lake|water", "gas leak",
        "carbon monoxide", "on fire",
        "fire", "smoke", "choke", "go|going|turn|turning blue", "want|wanna to? die",
        "do it tonight", "take all? his|her|my|the|their tablets|pills",
        "knife to his|her|my own? throat|neck", "say|saying|text|texting goodbye",
        "on the floor", "can not get up", "cant get up", "on the ground", "chest pain|pains",
        "can not feel her|his|my legs|arms", "cant feel", "through the ice", "under the water",
        "not come back up", "drive into the reservoir|river|lake|sea|canal|water|wall",
        "this be goodbye", "say goodbye", "goodbye", "maul", "dog attack", "attack by a dog",
        "not breathing right", "sweating", "pour out", "jump in front of", "platform edge",
        "edge of the platform|bridge|roof|cliff",
        # Someone in the water, or going in: pier, harbour, river, sea.
        "jump|go|fall|dive|slip in|into|off the pier|harbour|jetty|quay|dock|cliff|weir|river|"
        "canal|sea|water|lake|reservoir|quarry|docks|marina",
        "in off the pier|harbour|jetty|quay|bridge|cliff|wall|side|rocks",
        "can see his|her|their head", "struggle|struggling|thrashing|splashing in the water",
        "sweep|swept|pull|pulled|drag|dragged out|away|under", "go under", "keep going under",
        "waves be|are massive|huge|big|crashing", "cut off by the tide", "stuck in the mud",
        "roof edge", "edge of the|a roof", "on the ledge|parapet|scaffolding",
        # Walking into water, gone limp, many hurt: "waist deep", "loads of people hurt".
        "walk|walking|wade|wading|go|going into|in the? river|canal|sea|water|lake|reservoir",
        "waist|chest|neck|knee deep", "go|gone|went limp", "people hurt|injured|trapped|down",
        "several|many|multiple casualties", "casualties",
        "ped|pedestrian|cyclist|rider|motorcyclist not moving|unconscious|trapped|down",
        "house|flat|car fire", "someone|people|kid|kids|child|children inside|in there|upstairs",
        "stuck|trapped inside|under", "stuck|trapped in the car|house|flat|lift|vehicle|mud",
        # Someone down and bleeding, or hanging in a crashed car: "male down in the road
        # bleeding from the chest", "car on its roof, someone's hanging upside down".
        "man|male|woman|female|lad|person|someone|body down in|on the road|street|floor|"
        "ground|pavement", "bleed|bleeding from the chest|head|neck|stomach|face|leg|arm|back",
        "hang|hanging upside down", "upside down in|inside", "on its roof|side in",
        "blood on the carpet|floor|wall|walls|stairs|bed", "ablaze", "alight",
    ),
    # Harm to things the caller or victim owns: with a party doing it, domestic abuse (damage
    # to scare or punish); by a stranger, a crime to record. Read by `_property_damage`.
    "damage": (
        "criminal damage",
        "put|smash|kick|punch|boot|throw my|her|his|the|our car|front|back|bedroom|kitchen? "
        "windscreen|window|windows|door|telly|tv|screen through|in",
        "put|punch|kick|smash|boot his|her|a fist|foot|head|hole through|in",
        "punch|kick|smash|put a hole in", "let my|her|his|the|our tyres down",
        "slash|puncture|do|done my|her|his|the|our|four|two|all tyres",
        "slash|puncture|do|done all four|the tyres", "let down my|her|his|the|our tyres",
        "let all? my|her|his|the|our tyres down",
        "slash|puncture my|her|his car? tyre|tyres", "cut|rip|shred|burn up? my|her|his clothes",
        "cut|rip|shred|burn up? all my|her|his clothes",
        "pour|chuck|throw|tip paint|bleach|stripper|acid|petrol on|over|in|into|through",
        "pour|chuck|throw|tip paint stripper on|over|in",
        "throw|chuck|lob my|her|his phone|keys|laptop in|into|out|across|over",
        "smash|break|snap|stamp on my|her|his phone|laptop|tv|telly|stuff|things|photos|windows",
        "smash|wreck|trash|destroy|break up? the|my|her|his|our house|flat|place|room|kitchen|"
        "home|car|van|stuff|things|furniture|photos|door|windows up?",
        "smash|wreck|trash|destroy all the|my|her|his|our wedding photos",
        "smash|wreck|trash|destroy all the|my|her|his|our stuff|things|photos|windows|plates",
        "scratch|key|egg|torch|graffiti my|her|his|our car|van|house|door",
        "wreck|trash|destroy|torch", "smash up|all",
    ),
    # Injuries seen or told: with "her partner did it", violence by that party.
    "injury": (
        "cut lip|head|face|eye|nose", "split lip", "blood on|from her|his|my nose|face|head|mouth",
        "fractured|broken|busted nose|wrist|arm|jaw|rib|ribs|cheekbone|finger|eye socket",
        "fracture", "black eye", "bruise", "bruised", "bruising", "swollen", "swelling",
        "teeth marks", "bite marks", "bleeding", "injury", "injuries", "stitches", "burns",
        "red mark|marks", "marks on her|his|my neck|arm|arms|face",
    ),
    "weapon": (
        "rope", "scissors", "belt", "handgun", "poker",
        "wheel brace", "bread knife",
        "shots", "gunfire",
        "steering lock", "brick", "iron bar", "bayonet", "pen knife",
        "weapon", "knife", "blade", "machete", "gun", "firearm", "shotgun", "pistol", "rifle",
        "axe", "sword", "samurai", "crowbar", "baseball bat", "bat", "hammer", "acid",
        "broken bottle", "cleaver", "screwdriver", "taser", "gunshot", "shots fired",
        "shoot", "shooting", "petrol bomb", "molotov",
        # Tools and sports kit used as weapons.
        "wrench", "spanner", "syringe", "needle", "needles", "crossbow", "golf club",
        "cricket bat", "metal bar|pole|pipe", "iron pole|pipe", "knuckle duster|dusters",
        "knuckleduster", "stanley knife", "box cutter", "lighter", "petrol can", "club hammer",
        "sledgehammer", "pickaxe", "hatchet", "kitchen knife", "carving knife",
        # Garden tools: a weapon when a threat or violence is told (_TOOLS).
        "spade", "shovel", "pitchfork", "garden fork", "shears", "chainsaw", "strimmer",
        "meat cleaver", "tyre iron", "wheel wrench",
        # Half seen: a weapon only where a threat or violence is told.
        "something in his|her|their hand|hands",
    ),
    # A weapon in someone's hands: these just before the weapon.
    "held": (
        "have|has", "with what look|looks like a",
        "with a|an|his|her|the", "with", "have a|an|got", "have get|got", "get a", "got",
        "got a|an|the", "hold", "wave", "brandish", "carry", "pull a|out", "point",
        "armed", "threaten", "come at", "the bread|kitchen",
        "swing a|an|his|her|the", "wield a|an|his|her|the", "carry a|an|his|her|the",
        "hold a|an|his|her|the", "wave a|an|his|her|the",
        "show me|her|us|them a|an|his|her|the", "flash a|an|his|her|the",
    ),
    "intruder": (
        "loading her|his|my|their telly|tv|stuff|things into",
        "someone in the house|flat|garden", "someone downstairs",
        "someone be in the house|flat", "think someone be in",
        "burglar", "intruder",
        "someone|somebody|people|man|men|they in my|the|our house|flat|home|garden|loft|"
        "kitchen",
        "someone|somebody|man|people|they break|breaking in", "a man break|breaking in",
        "someone|somebody|man|people|they try|trying to get in", "a man try|trying to get in",
        "there be someone|somebody|people in", "there be a man in", "still inside",
        "still in the house|flat", "in the house now", "break in",
        "try|trying the? door handle|handles", "go inside", "go into number",
        "go into the|a house", "in my house", "try my|the back|front door", "try the door",
        "try my door",
        # Heard inside where no one should be: "I can hear someone moving in the back bedroom".
        "hear someone|somebody|people move|moving|walk|walking|upstairs|downstairs|inside",
        "hear someone|somebody|people in the", "hear footsteps",
    ),
    "abduction": (
        "ask|asking her|him to get in", "get in the car|van",
        "into a|the van|car|vehicle", "snatch", "abduct", "kidnap", "bundle into",
        "try|trying to get a|the little? girl|boy|child|kid",
        # Luring a child into a vehicle: "tried to get my daughter in", "offered her a lift".
        "try|trying|tried to get|lure|entice|coax a|the|my|her|his|our little? girl|boy|child|"
        "kid|son|daughter|lad in|into", "offer|offered|offering her|him|them a lift",
        "keep asking|ask|asked her|him|them to get in", "come see|look at his puppies|puppy",
        "ask|asking|asked|tell|telling|told a|the|my|her|his|our? little? girl|boy|child|kid|"
        "son|daughter|lad to get in|into",
        "offer|offered|offering my|a|the|his|her|our son|daughter|kid|child|girl|boy|lad a lift",
    ),
    # An offender there now, or on the way (a courier coming to collect a victim's cards).
    "sexual": (
        "courier",
        "expose himself|herself", "flash", "indecent", "touch", "masturbate",
        "courier be come|coming", "come|coming to collect",
    ),
    "road": (
        "hit and run",
        "hard shoulder", "walk|walking on the motorway", "in the middle of the road",
        "all over the motorway", "lorries flying past", "wrong side of the road",
        "drunk|drink driver|driving", "all over the road", "wrong way", "wrong side",
        "mount the pavement", "drive at people", "race up and down",
    ),
    # Someone who cannot look after themselves if lost.
    # The person harmed is a child: safeguarding, not the domestic abuse definition (16+).
    "under_16": (
        "i be|im seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen",
        "he|she be seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen",
        "daughter|son|girlfriend|boyfriend be 10|11|12|13|14|15",
        "i be|am 10|11|12|13|14|15", "im 10|11|12|13|14|15", "both 10|11|12|13|14|15",
        "who be 10|11|12|13|14|15", "whos 10|11|12|13|14|15", "aged 10|11|12|13|14|15",
    ),
    "vulnerable": (
        "dementia", "alzheimer", "alzheimers", "autistic", "autism", "learning disability",
        "vulnerable", "confused",
    ),
    "child": (
        "child", "kid", "toddler", "baby", "little boy|girl|one|lad|un", "my|our|her|his boy|girl",
        "infant",
    ),
    "missing": (
        # "my little boy's gone", "mum's gone": read by _gone_for_good (not "gone to his dad's").
        "boy|girl|son|daughter|kid|child|toddler|lad|baby|one|un|grandson|granddaughter|mum|"
        "dad|nan|grandad|husband|wife|student|pupil|resident|patient|old have|be go",
        "look|search|try everywhere", "not be see since", "nobody|no one have see her|him",
        "leave|walk out of|out the care|nursing home|ward|hospital|unit", "abscond",
        "should have be home|back", "should've been home",
        "not at her|his friend|friends|mate|mates",
        "not home", "not home from school",
        "hes gone", "shes gone", "he be go", "she be go",
        "never come out|home|back", "never came out",
        "missing", "can not find", "cant find", "lose", "wander off", "run off", "disappear",
        "go off", "not come home|back|out", "not back", "nobody|no one know where",
        "walk out", "walk off", "we can not find", "look for",
    ),
    # What puts a missing person at risk, by kind (_missing_at_risk counts the kinds).
    "risk_night": (
        "at night", "dark", "get|getting dark", "midnight", "middle of the night",
        "8|9|10|11|12 pm|o'clock", "8pm", "9pm", "10pm", "11pm", "12am", "1am", "2am", "3am",
        "all night", "overnight", "since last night",
    ),
    "risk_cold": (
        "freeze", "freezing", "cold", "snow", "snowing", "ice", "no coat", "without a coat",
        "in just a|her|his t - shirt|tshirt|pyjamas|nightie|dressing gown|slippers",
        "pyjamas", "nightie", "slippers",
    ),
    "risk_intoxicated": (
        "drunk", "intox", "intoxicated", "off her|his face", "wasted", "on something",
        "take something", "high", "smashed", "paralytic", "legless", "been drinking",
    ),
    "risk_no_phone": (
        "leave her|his|their phone", "no phone", "phone off|dead|die|died", "phone be|have off|"
        "dead", "phone go|going to voicemail", "not answer|answering", "straight to voicemail",
        "battery die|dead",
    ),
    "risk_out_of_character": (
        "not like her|him|them", "out of character", "never do this|it before",
        "never be late", "always come|be home", "not normally",
    ),
    "risk_health": (
        "medication", "meds", "insulin", "diabetic", "epileptic", "epilepsy", "heart condition",
        "tablets", "feel low", "feeling low", "depressed", "self harm", "mental health",
        "pregnant", "elderly", "frail", "in her|his 80s|90s", "wheelchair", "blind", "deaf",
        "unwell",
    ),
    "distress": (
        "line cut", "screaming heard", "screaming in the background", "crying",
        "can hear it|them|him|her",
        "go quiet", "went quiet", "glass go|smash|break", "thud", "thuds",
        "please stop you be hurt|hurting me", "hurting me",
        "scream", "shout|scream|cry for help", "help me|us", "shout help", "get off me|her|him",
        "please stop", "stop it", "put it down", "whisper", "line go dead", "call drop",
        "line|call|phone disconnect|disconnected|end|ended|cut",
        "call just drop", "phone go dead", "cut off", "open line",
        "hear a|the? scream|cry|shout|bang|thud|smash|slap|yell|sob|struggle|fight|commotion",
        "hear next door scream|cry|shout|fight|smash",
        "hear them|him|her|someone|somebody scream|cry|shout|fight|argue|smash|cough",
        "get him|her|them off me|her|him", "sounds of blows", "line now dead", "line dead",
        "pls come", "please come now", "come now",
    ),
    # Nothing happened after all: a television, a mistake.
    "false_alarm": (
        "ringing back to cancel", "cancel the call",
        "it be the telly|tv|radio|television", "false alarm", "rang by mistake", "pocket dial",
        "sorry to waste", "it be a film|programme|game",
        "bird scarer|scarers", "it be firework|fireworks", "just firework|fireworks",
        "backfire", "backfiring", "it be a car backfiring",
        # Screams that were animals, songs or children at play.
        "fox", "foxes", "be sing|singing", "earphones|headphones in",
        "kids|children be|are running|playing about|around", "kid 's|kids birthday party",
        "running about", "it be cat|cats fighting",
    ),
    # The caller says they are safe: the other party far away or gone.
    "safe": (
        "mile|miles|hour|hours|hrs away", "live|lives abroad",
        "not in danger", "not in any danger", "safe now", "be safe", "live|lives in another "
        "city|town|country", "another city|town|country", "long go", "he be|'s go",
        "she be|'s go", "they be|'ve go", "do not know where i live|am|be",
    ),
    # The other party lives far away: another town, county or country.
    "far": (
        "live|lives|living|move|moved across town", "other side of the? county|country|town|city",
        "live|lives|living|move|moved|back|go|gone abroad|overseas", "in another county|country",
        "live|lives|living|move|moved|back to|in spain|portugal|france|ireland|scotland|wales|"
        "poland|romania|australia|america|canada|dubai|turkey|italy|germany|greece",
        "live|lives|living in another city|town|country", "mile|miles away",
        # Locked up or away for a while: in prison, offshore, away with work till Thursday.
        "in prison|jail|custody|hmp", "in the cells", "on remand", "remand|remanded in custody",
        "be|been remand|remanded",
        "be|go|get send|sent down", "serve|serving", "work|working|be|go|gone offshore",
        "work|working away", "away with work", "away on the lorry|rigs|rig|boat|ship|tour",
        "away till|until", "on the rigs", "at sea", "deploy|deployed", "on deployment",
        "'s all week|weekend|fortnight", "'s for the week|weekend|fortnight",
    ),
    # Someone hurt or taken ill is already in medical hands: life at risk is theirs now.
    "in_care": (
        "paramedic|paramedics|ambulance|crew be with him|her|them|us",
        "paramedic|paramedics|ambulance|crew be here|there",
        "ambulance take|took him|her|them", "ambulance have take|took him|her|them",
        "at a&e", "in a&e", "be in hospital", "get stitch|stitched", "discharge|discharged",
    ),
    # The caller asks for advice or a record, or says the danger has passed.
    "calm": (
        "i just panic|panicked", "laughing now", "what do we do|i do with", "passed away",
        "no current risk", "no risk", "wish|wishes to report", "no contact for|since",
        "is it true", "asking if it be true", "if it be|its|is true", "whether it be|its true",
        "if it be|its real|genuine", "a rumour|rumours", "going round on|about",
        "absolutely fine", "totally fine", "all fine here",
        "want it reported", "who do i tell|report|speak to", "trash talk", "just joking",
        "only joking", "banter", "a joke",
        "she's fine", "shes fine", "he's fine", "hes fine", "i'm fine", "im fine", "all fine",
        "everyone's fine", "be fine",
        "want|wants it stopped", "just want it to stop", "appt", "appointment", "give a? statement",
        "hand in", "hand it in", "want it collected", "get on fine", "kids fine", "about the game",
        "advice", "want|wants to know my|her options", "what be my options", "my options",
        "for my|the record|records", "on record", "want it record|recorded|logged|noted", "log it",
        "logged", "crime number|reference",
        "for insurance|the insurance", "not urgent", "no rush", "no hurry",
        "whenever suit|suits|convenient", "not in danger", "not in any danger", "safe now",
        "fine now", "ok now", "okay now", "alright now", "how do i|we", "can i get",
        "is it|that legal", "is it|that illegal", "am i allowed", "be i allowed",
        "is there a way", "be there a way",
        "is|be that|this a threat|crime|offence|assault",
        "is|be that|this stalking|harassment",
        "can someone explain", "have a word", "should i|she|he|we",
        "what happen if", "cough it up", "nothing happen|happening", "not happening now",
        "want to know if|whether|how|what", "what can i do",
        "want|wants to know his|her|their history|past|background", "ask|asks about",
        "know his|their|the options", "want|wants to know options", "want|wants it to stop",
        "want|wants them|him|her to stop",
        "not want anyone|someone|police come|coming out|round",
        # The handler's note of a call resolved: "signposted", "declines attendance".
        "signpost", "signposted", "decline|declines|declined police|attendance|officers",
        "not want officers", "not want officer", "words of advice", "advise|advised civil",
        "give|given helpline|advice|dvds info", "nfa", "advise re|about",
        "number|numbers give|given",
        "what can she do", "number|numbers for", "not want police", "do not want police",
        "convenient", "next week", "one evening", "update only", "for an update",
        "report it properly", "lol", "haha", "say|said i|she|he should report|ring|call",
        "clare 's|s law", "clares law", "blocked him|her", "speak to him|her",
        "talk to someone", "historic", "make a statement",
        # A question about the law: "can I carry my knives to work", "hand them in".
        "can i carry|take|bring|keep|have|own", "allowed to carry|take|bring|keep|have|own",
        "hand them|it|this|these|those in", "is it an offence", "be it an offence",
    ),
    "stranger": (
        "never seen him|her|them before", "do not know him|her|them",
        "trader", "rogue trader", "roofer", "workman", "scammer", "salesman", "dog",
        "door supervisor", "supervisor", "instructor", "coach", "referee", "owner",
        "other driver|drivers|motorist|party|man|woman|lad|bloke|parent|parents",
        "road rage",
        "man", "woman", "men", "women", "a|some|this kid|boy|lad|girl",
        "a|some|this|the|two|three|four|group|gang|couple of? man|men|bloke|blokes|lad|lads|"
        "guy|guys|fella|woman|women|youth|youths|male|female|person|people|stranger|driver|"
        "customer|"
        "passenger|shoplifter|thief|bouncer",
        "stranger", "someone", "somebody", "someone|somebody i do not know", "i do not know",
        "i dont know", "lad", "lads", "bloke", "blokes", "youths", "fella from|in|at",
        "barely|hardly|do not really know him|her|them", "never even met",
        "not know him|her|them", "mate", "friend", "neighbour", "landlord", "landlady",
        "boss", "builder", "builders", "colleague", "manager", "staff", "security",
        "shoplifter", "passenger", "customer", "courier", "carer", "nurse", "doctor",
        "tenant", "lodger", "flatmate", "housemate", "teacher",
    ),
}

NEGATIONS = frozenset(
    {"no", "not", "never", "without", "nobody", "none", "neither", "nor", "nothing"}
)
CLAUSE_BREAK = frozenset({",", ";", ":", "but", "so", "and", "because", "then", "-", "(", ")"})
SENTENCE_BREAK = frozenset({".", "!", "?", "\n"})
DETERMINERS = frozenset({
    "my", "me", "her", "his", "their", "our", "your", "the", "ur", "former", "estranged",
    "separated", "abusive", "violent", "new", "current", "own", "mi", "ma",
})
# "ex-" compounds that are not former partners.
NOT_PARTNER_AFTER_EX = frozenset({
    "employer", "boss", "colleague", "workmate", "landlord", "landlady", "tenant", "flatmate",
    "housemate", "neighbour", "friend", "mate", "teacher", "con", "convict", "army",
    "soldier", "military", "police", "copper", "council", "pupil", "student", "manager",
    "client", "customer", "lodger", "coworker", "co", "service", "offender", "prisoner", "mp",
    "'s", "’s", "s",
})
# After a party's "'s": things owned ("my husband's car"); anything else reads as "is"/"has".
OWNED = frozenset({
    "car", "van", "bike", "house", "flat", "home", "phone", "mum", "mother", "dad", "father",
    "brother", "sister", "family", "friend", "mate", "work", "job", "place", "parents",
    "dog", "cat", "name", "sat", "stuff", "thing", "bag", "wallet", "purse", "keys", "key",
    "garden", "shed", "garage", "birthday", "funeral", "wake", "school", "side", "new",
    "boyfriend", "girlfriend", "husband", "wife", "partner", "ex", "kid", "child", "son",
    "daughter", "passport", "money", "account", "card", "number", "address", "office",
    "window", "door", "insurance", "licence", "medication", "tablets", "room", "bed", "drive",
    "old", "late", "shop", "pub", "gym", "party", "wedding", "grave", "ashes", "will",
})
# Objects after a violent verb that make it damage, not violence ("kicked the door").
DAMAGE_OBJECTS = frozenset({
    "door", "window", "car", "wall", "table", "tv", "telly", "phone", "plate", "stuff",
    "thing", "glass", "gate", "fence", "van", "mirror", "bin", "shed", "ball", "football",
    "it", "windscreen", "bottle", "tyre", "tyres", "everything", "place", "flat",
    # Garden, street and household things: "smashed up me garden gnomes", "kicked the bench".
    "garden", "gnome", "ornament", "plant", "pot", "planter", "greenhouse", "trampoline",
    "bench", "sign", "letterbox", "headlight", "bike", "shelter", "lamp", "decoration",
    "furniture", "fridge", "kitchen", "room", "house", "laptop", "computer", "console", "xbox",
    "playstation", "guitar", "camera", "doorbell", "cabinet", "wardrobe", "chair", "sofa",
})
# Partners who are not intimate partners: "his sparring partner", "my business partner".
NOT_INTIMATE_PARTNER = frozenset({
    "sparring", "business", "dance", "dancing", "training", "tennis", "squash", "running",
    "gym", "work", "lab", "chess", "doubles", "climbing", "golf", "badminton", "study",
    "writing", "band", "trading", "delivery", "patrol", "crewmate", "boxing",
})
# Who a handler means by the caller's side: their partner, ex or family is a party
# ("caller's husband", "IP's ex", "the victim's boyfriend", "my mate's boyfriend").
CALLER_SIDE = frozenset({
    "caller", "callers", "c/s", "ip", "ips", "rp", "rps", "victim", "female", "woman", "lady",
    "girl", "patient", "pt", "mate", "friend", "neighbour", "client", "resident", "male",
    "sister", "daughter", "mum", "mam", "mother", "niece", "cousin", "aunt", "auntie",
    "nan", "gran",
})
# Words after "by" naming someone who is not a party ("attacked by some lads").
NOT_A_PARTY = frozenset({
    "lad", "lads", "group", "gang", "man", "men", "woman", "stranger", "someone", "somebody",
    "people", "dog", "car", "van", "bus", "bike", "youth", "youths", "kid", "boy", "girl",
    "bloke", "guy", "neighbour", "customer", "bouncer", "another", "unknown", "driver",
    "passenger", "lorry", "taxi",
})
PERSONS = frozenset({
    "he", "she", "they", "him", "them", "someone", "somebody", "man", "men", "bloke", "guy",
    "lad", "lads", "woman", "people", "person", "male", "female", "suspect", "susp",
    "offender", "burglar", "intruder", "who", "hes", "shes", "ex", "partner", "her", "his",
    "himself", "herself", "hell", "hed", "theyll",
})
MALE = frozenset({"he", "him", "his", "hes", "male", "man", "himself"})
FEMALE = frozenset({"she", "her", "shes", "female", "woman", "herself"})
PRONOUN_AGENTS = frozenset({"he", "she", "they", "hes", "shes", "hed", "hell", "theyll"})
PAST_AUX = frozenset({"was", "were", "had", "did", "been"})
NOW_AUX = frozenset({"is", "are", "am", "'s", "s", "'re", "'m", "keeps", "keep", "still", "now"})
FUTURE = frozenset(
    {"will", "'ll", "ll", "going", "gon", "gonna", "wo", "'d", "would", "hed", "hell", "theyll"}
)
# After "threaten to" or "threaten me with": what makes it a threat of harm.
HARM_VERBS = frozenset({
    "kill", "hurt", "stab", "burn", "smash", "beat", "batter", "hit", "punch", "kick", "shoot",
    "cut", "harm", "attack", "murder", "do", "get", "sort", "teach", "finish", "end", "glass",
    "slash", "break", "strangle", "take", "put", "throw", "set", "torch", "drown", "ruin",
    "jump", "smother", "acid", "rape",
})
# Heads of threat phrases that speak of what is to come.
_FUTURE_THREATS = frozenset({
    "tonight", "be", "you", "do", "regret", "pay", "finish", "more", "unless", "both", "we",
    "teach", "take", "never", "make", "break", "i", "she", "he", "come",
})  # fmt: skip
_AUXILIARIES = frozenset({
    "'s", "s", "is", "was", "has", "had", "'d", "keeps", "kept", "just", "been", "now",
    "still", "then", "also", "be", "will", "'ll", "ll", "always", "have", "'ve",
    "n't", "not", "never", "again", "already", "even", "literally", "actually", "going",
    "gon", "na", "to", "wo",
})
_NOT_DA_DOMESTIC = frozenset({
    "flight", "appliance", "cat", "good", "waste", "bin", "holiday", "cleaner", "help",
    "staff", "worker", "property", "premise", "heating", "water", "electric",
})
DOOR_NOT_ENTRY = frozenset({"next", "garage", "car", "van", "fridge", "cupboard", "oven", "shed"})
# "panic attack", "heart attack": an illness, not an assault.
ILLNESS_BEFORE_ATTACK = frozenset({
    "panic", "heart", "asthma", "anxiety", "angina", "epileptic", "diabetic", "hypo", "gout",
    "migraine", "allergic",
})
# A party spoken of as the one harmed or ill ("my husband's been mugged", "dad's passed
# away", "my son's gone missing"): someone the caller speaks for, not someone who acts.
HARMED = frozenset({
    "missing", "passed", "died", "dead", "collapsed", "having", "had", "ill", "poorly", "unwell",
    "hospital", "hospitalised", "injured", "lost", "fallen", "fell", "diagnosed", "stitches",
})
# The same after "was", "been", "got": "my husband's been mugged", "dad was punched".
HARMED_PASSIVE = frozenset({
    "mugged", "robbed", "attacked", "assaulted", "punched", "stabbed", "bitten", "bit", "hit",
    "knocked", "scammed", "conned", "burgled", "trapped", "run", "beaten", "glassed", "shot",
    "kicked", "hurt", "injured", "threatened", "followed", "taken",
})
# Said of a game, a match or a film: "said they'd kill him in Fortnite", "kill him ref".
PLAY = frozenset({
    "fortnite", "xbox", "playstation", "ps4", "ps5", "roblox", "minecraft", "gaming", "game",
    "headset", "ref", "referee", "irl", "cod", "gta", "warzone", "film", "movie",
    # More games, and sports where blows, holds and knock-outs are the sport.
    "fifa", "apex", "valorant", "overwatch", "console", "controller", "twitch", "discord",
    "paintball", "airsoft", "nerf", "lasertag", "sparring", "spar", "boxing", "mma", "judo",
    "karate", "jitsu", "bjj", "kickboxing", "taekwondo", "wrestling", "rugby",
})
# Laughter and jokes in the caller's own words: "she'll murder me if I wear Crocs haha".
LAUGHTER = frozenset({"haha", "hahaha", "hahah", "lol", "lmao", "lmfao", "rofl", "jk", "😂"})
JOKING = frozenset({"joking", "kidding", "jokes", "messing"})
# Words that make a weapon a toy or a costume piece: "it's plastic, he's off to comic con".
TOY_WEAPON = frozenset({
    "plastic", "toy", "toys", "nerf", "foam", "cosplay", "costume", "prop", "props", "dress",
    "comic", "inflatable", "cardboard", "wooden", "lego", "pretend", "fake", "replica",
    "rubber", "blunt", "stage", "theatre", "actor", "actors", "panto", "reenactment",
})
# After a weapon word, what makes it a job, a hobby or a place: "a firearms officer".
WEAPON_NOT_HELD_AFTER = frozenset({
    "officer", "officers", "licence", "license", "certificate", "dealer", "shop", "club",
    "range", "instructor", "amnesty", "permit", "unit", "team", "season", "lesson",
    "lessons", "course", "crime", "crimes", "law", "laws", "control", "safety",
})
# After "threaten": what is not harm ("threatening court action", "threatened to sue").
NOT_HARM_AFTER_THREATEN = frozenset({
    "court", "legal", "action", "eviction", "evict", "bailiff", "bailiffs", "solicitor",
    "solicitors", "sue", "report", "police", "complain", "complaint", "fine", "charge",
    "ccj", "debt", "cut", "disconnect", "leave", "sack", "dismissal", "suicide",
})
# Things killed or murdered in idiom: "murder this wall", "kill a pint", "killing time".
IDIOM_OBJECTS = frozenset({
    "wall", "pint", "curry", "time", "song", "game", "battery", "light", "lights", "engine",
    "music", "telly", "tv", "noise", "vibe", "mood", "buzz", "it", "this", "that", "them",
    "grass", "weeds", "plant", "plants", "spider", "fly", "wasp",
}) - {"it", "them"}
# Words around a weapon that make it an object found, stored or handed in, not held.
STORED_WEAPON = frozenset({
    "find", "found", "old", "antique", "war", "rusty", "replica", "ornamental", "decorative",
    "certificate", "licence", "license", "cabinet", "collection", "dumped", "discarded",
})
# Things set on fire with no one in them: damage to record, not a threat to life.
ARSON_THINGS = frozenset({
    "bin", "wheelie", "bins", "skip", "rubbish", "grass", "field", "bonfire", "hedge", "fence",
    "shed", "bike", "moped", "tyre", "tyres", "mattress", "sofa", "litter", "trolley", "bush",
    "bushes", "wood", "tree", "trees", "paper", "papers", "leaves", "car", "van",
})
# Where a weapon is carried on someone: "a gun in his waistband".
WORN = frozenset({
    "waistband", "pocket", "pockets", "hand", "hands", "belt", "trousers", "sleeve", "jacket",
    "coat", "bag", "hoodie", "sock", "boot",
})
# fmt: on

_PAST = re.compile(
    r"\b(last (week|month|year|summer|christmas|weekend|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|(week|weeks|month|months|year|years|fortnight) ago|"
    # Read on lemmas ("4 day ago"), so "days?"; two or three days are recent, below.
    r"(?<!two )(?<!2 )(?<!three )(?<!3 )(?<!couple of )(?<!few )(?<!a )(?<!one )day ago|"
    r"(wk|wks|yr|yrs) ago|last wk|"
    r"the other (day|week)|in the past|previously|back in the day|historic|"
    r"use to(?! work with| know| go to school with)|"
    # Lemmas: "for years" is "for year".
    r"historical|for years|for year|for (a|over a|the last|the past) (year|month)|"
    r"at (christmas|easter|new year)|at the time|"
    r"on (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(19|20)\d\d|"
    # "that was Tuesday": a day named as the time of what was just told
    r"(that|it) be (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    # Days as handlers shorten them, read on lemmas ("on Sat" is "on sit").
    r"(last|on) (mon|tue|tues|wed|weds|thu|thur|thurs|fri|sit|sun)|"
    r"on the \d{1,2}(st|nd|rd|th)(?! floor| storey| level)|in the (summer|spring|autumn|winter)|"
    r"this week|nothing since|"
    r"(go on|going on) (for )?(week|month|age|year)s?|"
    r"in (january|february|march|april|june|july|august|september|october|november|december)|"
    r"when i be (a child|a kid|\d+|young|little|small))\b"
)
# Read on lemmas: "earlier" is "early" ("early" of a life or a decade is not today).
_EARLY = r"early(?! \d| year| day| life| childhood| twenty| thirty| teen| age| stage)"
_RECENT = re.compile(
    r"\b(earlier|"
    + _EARLY
    # Lemmas: "evening" is "even".
    + r"|tonight|yesterday|last night|this (morning|afternoon|evening|even)|today|overnight|"
    r"((\d+|a|an|half|few|couple|twenty|thirty|ten|five|forty|fifteen|half an) )?"
    r"(minute|hour)s? ago|at lunchtime|just|"
    # Days, not weeks: "two days ago", "at the weekend" is harm still to act on.
    r"(a|one|two|2|three|3|a couple of|couple of|a few|few) days? ago|"
    r"at the weekend|over the weekend)\b"
)
_NOW = re.compile(
    # "now" but not an age ("victim now 40", "now aged 12")
    # Lemmas: "aged" is "age", "as" is "a", "second" is "2".
    r"\b(now(?! \d)(?! age)|right now|currently|at the moment|a we speak|still|quick|"
    r"quickly|any (minute|sec|2|moment)|"
    r"(in|be) (\d+|a|one|two|five|ten|few|couple of) (minute|sec|2)|"
    r"(\d+ )?minute away|"
    r"hurry|please come|send someone|all (even|night|day))\b"
)
_MARKERS = (("now", _NOW), ("past", _PAST), ("recent", _RECENT))
# Today, said outright (not "just", which is also "only").
_TODAY = re.compile(
    r"\b(today|tonight|this (morning|afternoon|even)|last night|earlier|" + _EARLY + r"|"
    r"(\d+|a|an|half|few|couple) (minute|hour)s? ago)\b"
)
# A number typed onto its unit ("5mins", "2hrs") reads as the unit.
_NUMBER_UNIT = re.compile(r"^\d+(mins?|minutes?|hrs?|hours?|secs?)$")
_UNITS = {
    "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute", "hr": "hour",
    "hrs": "hour", "hour": "hour", "hours": "hour", "sec": "second", "secs": "second",
}  # fmt: skip


# --- the pipeline --------------------------------------------------------------------------


_LOADING = threading.Lock()


def pipeline():
    """The tokenizer, lemmatizer and phrase matcher, made once per process (about two
    seconds, most of it reading the lemma tables); threads that ask meanwhile wait."""
    with _LOADING:
        return _pipeline()


def load_in_background() -> threading.Thread | None:
    """Start loading the pipeline beside a server's start-up, so that neither the start
    nor the first call assessed waits the whole two seconds. CAD_PRELOAD_RISK_LANGUAGE=0
    leaves it to the first call (the test command's many short-lived servers)."""
    if os.environ.get("CAD_PRELOAD_RISK_LANGUAGE", "1") == "0":
        return None
    thread = threading.Thread(target=_load_and_freeze, name="risk-language-load", daemon=True)
    thread.start()
    return thread


def _load_and_freeze() -> None:
    # The lemma tables are about 100,000 objects that live as long as the process. Left to
    # the collector, every full collection walks them (about 50 ms, with every request
    # thread waiting); frozen, the collector leaves them alone.
    pipeline()
    # The models learnt from the labelled calls (about a second), so the first call
    # assessed waits for neither.
    risk_model.model()
    gc.collect()
    gc.freeze()


@cache
def _pipeline():
    import spacy
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmas = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")

    def norm(word: str, lemma: str) -> str:
        joined = _NUMBER_UNIT.match(word)
        if joined:
            return _UNITS[joined.group(1)]  # "5mins", "2hrs": the unit
        mended = SPELLING.get(word)
        if mended is None and _dropped_g(word, lemmas):
            # "smashin", "leatherin": the "-ing" typed without its g, then its own spelling
            mended = SPELLING.get(word + "g", word + "g")
        if mended is None:
            return lemma
        return lemmas.get(mended, mended)

    @Language.component("cad_risk_norms")
    def set_norms(doc):
        for token in doc:
            token.norm_ = norm(token.lower_, token.lemma_.lower())
            # "he's outside", "she's fine": after a pronoun, 's is "is" (or "has").
            if token.lower_ in _S and token.i and doc[token.i - 1].lower_ in _S_IS_AFTER:
                token.norm_ = "be"
        return doc

    if "cad_risk_norms" not in nlp.pipe_names:
        nlp.add_pipe("cad_risk_norms", last=True)
    # Each row's phrases go through the same pipeline, so they match on the same NORMs.
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for concept, rows in PHRASES.items():
        phrases = sorted({phrase for row in rows for phrase in expand(row)})
        docs = list(nlp.pipe(phrases))
        # Each phrase also as written: a table's "lay into" is not "lie into".
        for phrase in phrases:
            doc = nlp.make_doc(phrase)
            for token in doc:
                token.norm_ = SPELLING.get(token.lower_, token.lower_)
            docs.append(doc)
        matcher.add(concept, docs)
    return nlp, matcher


# Words ending "-in" that are words of their own, not an "-ing" without its g.
_NOT_DROPPED_G = frozenset({
    "ruin", "basin", "robin", "cousin", "begin", "within", "margin", "origin", "raisin",
    "cabin", "satin", "latin", "violin", "penguin", "toxin", "vitamin", "assassin", "muslin",
    "dustbin", "wheelie", "martin", "kevin", "darwin", "austin", "dublin", "berlin", "heroin",
})  # fmt: skip


def _dropped_g(word: str, lemmas) -> bool:
    """ "smashin", "kickin", "sayin": a verb's "-ing" typed without the g, in any verb."""
    return (
        len(word) >= 5
        and word.endswith("in")
        and word not in _NOT_DROPPED_G
        and word not in lemmas
        and (word + "g") in lemmas
    )


def expand(row: str) -> list[str]:
    """Every phrase a row stands for: "kick the? door|window" → four phrases."""
    phrases = [""]
    for part in row.split():
        optional = part.endswith("?") and len(part) > 1
        words = part.rstrip("?").split("|")
        if optional:
            words.append("")
        phrases = [f"{p} {w}".strip() for p in phrases for w in words]
    return [p for p in phrases if p]


# --- findings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    concept: str
    words: str  # as the caller said them
    start: int  # token index
    end: int
    sentence: int
    negated: bool = False
    hypothetical: bool = False
    time: str = ""  # "now", "recent", "past" or ""
    agent: str = ""  # "other" when done by someone who is not a party


@dataclass
class Reading:
    """The findings and the signals made of them, each with the words that raised it."""

    text: str
    findings: list[Finding] = field(default_factory=list)
    # signal name → the caller's words behind it (quoted on screens).
    signals: dict[str, list[str]] = field(default_factory=dict)

    def add(self, signal: str, findings) -> None:
        words = [f if isinstance(f, str) else f.words for f in findings]
        words = [w for w in words if w]
        if not words:
            return
        bucket = self.signals.setdefault(signal, [])
        for word in words:
            if word not in bucket:
                bucket.append(word)

    def of(self, concept: str, *, live: bool = True) -> list[Finding]:
        """Findings of a concept; `live` leaves out the negated and hypothetical."""
        return [
            f
            for f in self.findings
            if f.concept == concept and not (live and (f.negated or f.hypothetical))
        ]


@dataclass
class _Text:
    """The tokens of one narrative, as the helpers below read them."""

    norms: list[str]
    lowers: list[str]
    sentences: list[int]
    clauses: list[int]
    # Each token as the caller typed it, in its own case ("Liam"): names are read on it.
    texts: list[str] = field(default_factory=list)

    def at(self, index: int) -> str:
        return self.norms[index] if 0 <= index < len(self.norms) else ""

    def low(self, index: int) -> str:
        return self.lowers[index] if 0 <= index < len(self.lowers) else ""

    def words(self, indices) -> str:
        return " ".join(self.norms[i] for i in indices)

    def __post_init__(self) -> None:
        self._members: dict[tuple[str, int], list[int]] = {}
        self._markers: dict[tuple[str, int], list[tuple[int, str]]] = {}
        for unit in ("clause", "sentence"):
            for i, key in enumerate(self.clauses if unit == "clause" else self.sentences):
                self._members.setdefault((unit, key), []).append(i)
        self._members[("all", 0)] = list(range(len(self.norms)))

    def members(self, unit: str, index: int) -> list[int]:
        """The token indices of the clause, sentence or narrative ("all") of a token."""
        if unit == "all":
            return self._members[("all", 0)]
        key = self.clauses[index] if unit == "clause" else self.sentences[index]
        return self._members[(unit, key)]

    def markers(self, unit: str, index: int) -> list[tuple[int, str]]:
        """(token index, kind) of every time marker in that unit, found once."""
        key = (unit, 0 if unit == "all" else self.members(unit, index)[0])
        if key not in self._markers:
            indices = self.members(unit, index)
            offsets, parts, length = [], [], 0
            for i in indices:
                offsets.append(length)
                parts.append(self.norms[i])
                length += len(self.norms[i]) + 1
            text = " ".join(parts)
            found = []
            for kind, pattern in _MARKERS:
                for match in pattern.finditer(text):
                    found.append((indices[bisect.bisect_right(offsets, match.start()) - 1], kind))
            self._markers[key] = found
        return self._markers[key]


_SPACES = re.compile(r"\s+")
# A pair of quote marks around words, not an apostrophe ("kids' dad", "won't").
_QUOTED = re.compile(r"""(?<!\w)['"“”](?=\w)[^'"“”\n]{1,80}?(?<=[\w.!?])['"“”](?!\w)""")
# Swear words used as intensifiers, with the space after them.
_EXPLETIVE = re.compile(
    r"(?<![\w*])(f[u*]{1,3}c?k(k)?(ing|in|en)|f[*]{2,4}(ing|in)?|f[*]{1,3}k(ing|in)?|fkn|fking|"
    r"fuckin|effing|frigging|friggin|feckin|fecking) +",
    re.IGNORECASE,
)
_S = frozenset({"'s", "’s", "s"})
_S_IS_AFTER = frozenset({
    "he", "she", "it", "there", "that", "who", "what", "where", "here", "everyone",
    "someone", "somebody", "nobody", "everything", "nothing",
})  # fmt: skip


def reading(text: str) -> Reading:
    """Read a narrative: findings, then the signals the grading rules cite."""
    text = text or ""
    result = Reading(text=text)
    if not text.strip():
        return result
    nlp, matcher = pipeline()
    # Lower case and straight apostrophes ("won’t"), keeping every character's offset.
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    read, where = _unquoted(lowered if len(lowered) == len(text) else text)
    doc = nlp(read)
    sentences, clauses = _segments(doc)
    t = _Text(
        [tok.norm_ for tok in doc],
        [tok.lower_ for tok in doc],
        sentences,
        clauses,
        [text[where[tok.idx] : where[tok.idx + len(tok.text) - 1] + 1] for tok in doc],
    )

    def quote(start: int, end: int) -> str:
        span = doc[start:end]
        first, last = where[span.start_char], where[span.end_char - 1] + 1
        return _SPACES.sub(" ", text[first:last]).strip()

    matched = [(nlp.vocab.strings[match_id], start, end) for match_id, start, end in matcher(doc)]
    # The structural readers (force on a person, confinement, control, life at risk) find
    # what no phrase foresaw, in the same concepts, so time, denial and parties read alike.
    # A reader adds only where no phrase of the same concept was found: the phrase tables'
    # own readings (and their exceptions) stand.
    taken = {(concept, i) for concept, start, end in matched for i in range(start, end)}
    read_more = [
        span
        for span in risk_mechanisms.spans(t)
        if not any((span[0], i) in taken for i in range(span[1], span[2]))
    ]
    for concept, start, end, *when in matched + read_more:
        result.findings.append(
            Finding(
                concept=concept,
                words=quote(start, end),
                start=start,
                end=end,
                sentence=sentences[start],
                negated=_negated(t, start, concept),
                hypothetical=_hypothetical(t, start),
                # A reader may know the time itself: a threat said of the future is in force now.
                time=when[0] if when else _time(t, start, end),
                agent=_agent(t, end),
            )
        )
    result.findings = _longest(result.findings)
    # "kill the printer", "squirt gun", "fire alarm": words that do not mean harm here.
    for index, f in enumerate(result.findings):
        why_not = risk_mechanisms.not_literal(t, f)
        if why_not:
            result.findings[index] = replace(f, negated=True)
            result.add("not_literal", [f"{f.words} ({why_not})"])
    _signals(result, t)
    return result


def _unquoted(text: str) -> tuple[str, list[int]]:
    """The text without the quote marks around quoted words ("to 'end' him tonight" reads
    as "to end him tonight"), and where each character kept stands in the caller's text."""
    drop = set()
    for match in _QUOTED.finditer(text):
        drop.update((match.start(), match.end() - 1))
    # Swearing between words ("you're f***ing dead", "he's fucking kicking the door in")
    # would split the phrases it stands in: read without it.
    for match in _EXPLETIVE.finditer(text):
        drop.update(range(match.start(), match.end()))
    if not drop:
        return text, list(range(len(text)))
    where = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in where), where


def _longest(findings: list[Finding]) -> list[Finding]:
    """Of overlapping findings of one concept, the longest ("ex-husband", not "ex")."""
    kept: list[Finding] = []
    reach: dict[str, int] = {}  # concept → the furthest end kept so far
    for f in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if f.end <= reach.get(f.concept, -1):
            continue
        reach[f.concept] = f.end
        kept.append(f)
    return kept


def _segments(doc) -> tuple[list[int], list[int]]:
    sentence = clause = 0
    sentences, clauses = [], []
    for token in doc:
        sentences.append(sentence)
        clauses.append(clause)
        if token.lower_ in SENTENCE_BREAK or "\n" in token.text:
            sentence += 1
            clause += 1
        elif token.lower_ in CLAUSE_BREAK:
            clause += 1
    return sentences, clauses


def _clause_before(t: _Text, start: int, limit: int) -> range:
    first = start
    while first > 0 and t.clauses[first - 1] == t.clauses[start] and start - first < limit:
        first -= 1
    return range(first, start)


# "send someone", "at the neighbours": a stranger named as help or as a place, not an actor.
_NOT_AN_ACTOR_AFTER = frozenset({
    "seeing", "see", "meet", "met", "date", "dating", "marry", "married",
    "send", "get", "need", "want", "for", "like", "tell", "ask", "at", "to", "from", "with",
    "of", "round", "in", "near", "call", "ring", "phone", "text", "speak",
})  # fmt: skip
_SUBJECTS = frozenset({"he", "she", "they", "i", "we", "you", "hes", "shes", "im"})
# Phrases that carry their own "not" ("won't leave", "not breathing") are not denials.
_SELF_NEGATING = frozenset({"presence", "coercion", "life", "stalking", "missing", "calm"})


def _negated(t: _Text, start: int, concept: str) -> bool:
    if concept in _SELF_NEGATING and t.at(start) in {"not", "can", "will", "cant", "stop"}:
        return False
    # "not worried, just want it stopped": a calm word is denied only right before it.
    limit = 2 if concept == "calm" else 4
    if t.lowers[start] in {"unless", "if"}:
        return False  # "you'll get nothing back unless you drop it": a condition
    for i in reversed(_clause_before(t, start, limit)):
        if t.lowers[i] in _SUBJECTS:
            return False  # "she can't breathe she's going blue": a new subject
        if t.lowers[i] in {"unless", "if", "or", "otherwise"}:
            return False  # "you'll get nothing unless you drop it": a condition follows
        if t.norms[i] in NEGATIONS or t.lowers[i] in {"n't", "nt", "not"}:
            # "no longer", "not just", "not sure" do not deny what follows.
            return t.at(i + 1) not in {"long", "longer", "just", "only", "sure", "know"}
    return False


def _hypothetical(t: _Text, start: int) -> bool:
    words = [t.lowers[i] for i in _clause_before(t, start, 15)]
    if any(w in {"if", "whether", "unless"} for w in words):
        # "if I come back he'll kill me": the threat is the consequence, and it is real.
        last_if = max(i for i, w in enumerate(words) if w in {"if", "whether", "unless"})
        after_if = words[last_if:]
        return not any(
            a in PRONOUN_AGENTS and b in FUTURE
            for a, b in zip(after_if, after_if[1:], strict=False)
        )
    if "case" in words and "in" in words:
        return True
    if (
        "like" in words
        and {"feel", "feels", "felt", "look", "looks", "sound", "sounds"} & set(words)
        and "what" not in words  # "what looks like a gun": seen, not supposed
    ):
        return True  # "it feels like she's being strangled"
    return any(w in {"might", "may", "could", "would", "should"} for w in words[-3:])


def _time(t: _Text, start: int, end: int) -> str:
    """When a finding happens: the words around it, then the nearest marker in its clause,
    then its verb's form, then the nearest marker in its sentence and in the narrative."""
    clause = t.members("clause", start)
    around = range(max(clause[0], start - 3), min(clause[-1] + 1, end + 3))
    before = [t.lowers[i] for i in range(max(clause[0], start - 3), start)]
    if _NOW.search(t.words(around)):
        return "now"
    if t.lowers[start] in FUTURE or any(w in FUTURE for w in before):
        # "he'll kill me"; but "said he'd do me in, last Friday": words told of long ago.
        return "past" if _said_long_ago(t, start) else "now"
    if t.lowers[start] == "threatening" and t.at(start + 1) in _THREATENING_THINGS:
        # "threatening comments", "a threatening letter": words sent, read by their time.
        return _nearest_marker(t, "sentence", start) or "recent"
    if any(w in {"trying", "tryna", "try", "attempting"} for w in before):
        return "now"  # "is trying to climb in", "attempting to get into house"
    marker = _nearest_marker(t, "clause", start)
    if marker:
        return marker
    if any(w in PAST_AUX for w in before):
        return "recent"  # "was broken into", "had been hitting"
    bare = [w for w in before if w not in {"a", "an", "the", "some", "right", "literally"}]
    if _progressive(t, start) or (bare and bare[-1] in NOW_AUX) or _is_stood(bare):
        return "now"  # "he's kicking", "there's a fight", "he's stood in the hall"
    if any(
        t.lowers[i].endswith("ing") and t.norms[i - 1] == "be" and t.lowers[i - 1] != "been"
        for i in clause
        if i > 0
    ):
        return "now"  # "..., he's running toward the park with the knife"
    return (
        _nearest_marker(t, "sentence", start)
        or _dated_by_next(t, start)
        or _nearest_marker(t, "all", start, kinds=("past",))
    )


def _dated_by_next(t: _Text, start: int) -> str:
    """ "Keeps turning up at my work. Last time was Friday.", "He hit me. That was in 2019.":
    a sentence with no time of its own, dated by the short one after it."""
    after = t.members("sentence", start)[-1] + 1
    opener = (t.low(after), t.low(after + 1))
    if opener == ("last", "time") or (
        t.low(after) in {"that", "this", "it"} and t.at(after + 1) == "be"
    ):
        kinds = {kind for _, kind in t.markers("sentence", after)}
        if kinds == {"past"} or (not kinds and opener == ("last", "time")):
            return "past"  # "Last time was Friday": days ago, whichever day
        return sorted(kinds)[0] if len(kinds) == 1 else ""
    return ""


_SAYING = frozenset({
    "say", "tell", "threaten", "text", "message", "shout", "yell", "scream", "post",
})  # fmt: skip
# What "threatening" describes when it is an adjective: things sent or posted (lemmas).
_THREATENING_THINGS = frozenset({
    "message", "msg", "text", "comment", "letter", "email", "call", "voice", "voicemail",
    "note", "post", "snapchat", "review", "behaviour", "language", "phone", "dm",
})  # fmt: skip


def _said_long_ago(t: _Text, start: int) -> bool:
    """ "said he'd punch my lights out, last Friday", "told me last week she'll ruin me":
    a threat reported from days ago, with no today or now in its sentence."""
    sentence = t.members("sentence", start)
    if not any(t.at(i) in _SAYING for i in sentence if i < start):
        return False
    kinds = {kind for _, kind in t.markers("sentence", start)}
    if not kinds:
        # "He said he'd kill me. That was in 2022.": dated by the sentence after.
        return _dated_by_next(t, start) == "past"
    return kinds == {"past"}


# British "is stood", "was sat": a posture held, so "he's stood in the hall" is now.
_POSTURE_PARTICIPLES = frozenset({"stood", "sat", "laid", "crouched", "hid"})


def _is_stood(bare: list[str]) -> bool:
    return len(bare) > 1 and bare[-1] in _POSTURE_PARTICIPLES and bare[-2] in NOW_AUX


def _progressive(t: _Text, i: int) -> bool:
    """ "kicking", and "kickin" typed without its g (its NORM is the verb, not the word)."""
    word = t.lowers[i]
    return word.endswith("ing") or (word.endswith("in") and t.norms[i] != word)


def _nearest_marker(t: _Text, unit: str, start: int, kinds=("past", "recent", "now")) -> str:
    """The kind of the time marker nearest the finding in its clause, sentence or narrative."""
    found = [(abs(position - start), kind) for position, kind in t.markers(unit, start)]
    found = [item for item in found if item[1] in kinds]
    return min(found)[1] if found else ""


def _agent(t: _Text, end: int) -> str:
    """ "attacked by some lads": done by someone who is not a party."""
    if t.at(end) != "by":
        return ""
    i = end + 1
    while t.at(i) in {"a", "an", "the", "some", "two", "three", "few", "couple", "of"}:
        i += 1
    if t.at(i) in NOT_A_PARTY:
        return "other"
    if t.at(i) in _BODY or t.at(i) in _PARTY_NOUNS or t.low(i) in {"my", "her", "his", "their"}:
        return ""  # "grabbed her by the hair"; "hit by my brother"
    return "other" if t.low(i - 1) in {"a", "an", "some"} else ""  # "by a door supervisor"


def _pronoun_agent(t: _Text, start: int) -> bool:
    """'he' or 'she' in front of an act, over auxiliaries: "he's just kicked"."""
    i = start - 1
    while i >= 0 and start - i <= 5 and t.lowers[i] in _AUXILIARIES:
        i -= 1
    return i >= 0 and t.lowers[i] in PRONOUN_AGENTS


_POSTURES = frozenset({
    "sat", "sit", "sitting", "stood", "stand", "standing", "waiting", "wait", "hiding",
    "hide", "parked", "lurking", "right", "still", "back", "now", "again", "there", "here",
    "just", "been", "round", "currently", "outside", "is", "'s", "s", "are", "'re", "was",
    "buzzing", "banging", "knocking", "shouting", "screaming", "lying", "laying", "and", "has",
    "have", "'ll", "will", "ll", "be", "am", "'m", "were", "also", "probably",
    "about", "only", "like", "few", "couple", "of", "yards", "metres", "feet",
})  # fmt: skip


def _person_before(t: _Text, start: int) -> bool:
    """A person just before a phrase of presence, over auxiliaries and postures: "he's
    outside", "someone's buzzing at my door", "my ex is sat outside"."""
    i = start - 1
    while (
        i >= 0
        and start - i <= 5
        and (t.lowers[i] in _POSTURES or t.lowers[i] in {".", ","} or t.lowers[i].isdigit())
    ):
        i -= 1
    return i >= 0 and (
        t.lowers[i] in PERSONS or t.norms[i] in PERSONS or t.norms[i] in _PARTY_NOUNS
    )


# --- signals ------------------------------------------------------------------------------


_DOUBT_AFTER = frozenset({"if", "whether", "what", "how", "why", "where", "when", "who"})


def _signals(result: Reading, t: _Text) -> None:
    parties = _parties(result, t)
    # "my husband's been mugged", "dad's passed away": the one harmed, not one who acts.
    harmed = [p for p in parties if p.concept != "relationship" and _harmed(t, p)]
    # "my 15yo daughter", "my son (12)": a child; the domestic abuse definition starts at 16.
    young = [p for p in parties if p.concept == "family" and _aged_under_16(t, p)]
    parties = [p for p in parties if p not in harmed and p not in young]
    others = [
        f for f in result.of("partner") if f not in parties and _partner_of_someone_else(t, f.start)
    ]  # "my ex-wife's new partner": someone who acts, not a party
    party_tokens = {i for p in parties for i in range(p.start, p.end)}
    strangers = (
        [
            f
            for f in result.of("stranger", live=False)
            if not _named_as_place(t, f)
            and not party_tokens & set(range(f.start, f.end))
            # "I don't know if this counts as an emergency": a doubt, not a stranger.
            and not (t.low(f.start) == "i" and t.low(f.end) in _DOUBT_AFTER)
        ]
        + others
        + harmed
        + young
        + _children_by_age(t)
    )
    result.add("calm", result.of("calm"))
    # The call ends on a question about what can be done ("Is that something you can do
    # anything about?"), not a plea for someone now: an enquiry.
    result.add("enquiry", _enquiry(t))
    result.add("safe", [f for f in result.of("safe") if not _gone_to_fetch(t, f)])
    result.add("far_away", result.of("far"))

    # Acts of any time: whether this is domestic abuse does not depend on when.
    # "hit by a cyclist ..., bruised hip": an injury in a sentence whose harm was done by
    # someone not a party is theirs too.
    by_others = {f.sentence for f in result.findings if f.agent == "other"}
    violence = [
        f
        for f in result.of("violence")
        if _against_person(t, f) and not (f.sentence in by_others and t.at(f.start) in _INJURIES)
    ]
    blamed = _blamed_for_injury(result, t, parties)
    violence += blamed
    # "window smashed", "they smashed it": damage with no one the caller knows doing it.
    damage = [
        f
        for f in result.of("violence") + _property_damage(result, t)
        if _against_thing(t, f) and not _passive_damage(t, f) and _pronoun_of(t, f.start) != "they"
    ]
    strangling = [f for f in result.of("strangle") if f.agent != "other" and _against_person(t, f)]
    threats = [f for f in result.of("threat") if _harmful_threat(t, f) and not _mishap_idiom(t, f)]
    stalking = [f for f in result.of("stalking") if not _calls_for_help(t, f)]
    coercion = result.of("coercion")
    presence = [
        f
        for f in result.of("presence")
        if not _introducing(t, f)
        and not _with_caller(t, f)
        and (
            _pronoun_agent(t, f.start)
            or _person_before(t, f.start)
            or any(t.lowers[i] in PRONOUN_AGENTS for i in range(f.start, f.end))  # "is he there"
        )
    ] + _returning(result, t)
    # "he's about 10 yards behind me": a person behind the caller is there as they speak.
    presence = [
        replace(f, time="now") if f.time == "" and "behind" in f.words.lower() else f
        for f in presence
    ]
    entry = _entry(result, t)
    # "lighter" shares its lemma with "lights" ("at the lights"): only the word itself.
    weapons = [
        w
        for w in result.of("weapon")
        if not (t.at(w.start) == "light" and t.low(w.start) != "lighter")
    ]
    held = [w for w in weapons if _weapon_held(result, t, w)]
    life = [f for f in result.of("life") if _life_applies(t, f)]
    verbal = result.of("abuse")
    acts = violence + threats + stalking + coercion + entry + presence + strangling + held + verbal
    breaches = [f for f in result.of("order") if t.at(f.start) == "breach"]

    # Parties: named, or a "he"/"she" the caller never introduces who acts on the caller.
    taking_others = [f for f in life if _with_others(t, f)]
    candidates = acts + breaches + taking_others + damage
    pronoun_done = [f for f in candidates if _pronoun_agent(t, f.start)]
    # "he had his hands round my neck", "she's pulled my hair out": a "he" or "she" the
    # caller never introduces, as the subject of an act on the caller, is someone known.
    subject_done = [f for f in candidates if _subject_pronoun(t, f.start) and _on_caller(t, f)]
    theirs = all(t.low(p.start - 1) in {"his", "her"} for p in parties)  # "his brothers"
    introduced = _introduced_by_pronoun(t, strangers, result)
    if introduced and theirs and not pronoun_done:
        pronoun_done = subject_done
    if (not parties or theirs and pronoun_done) and introduced and pronoun_done:
        # "he's got my car keys and the kids...": the caller names him by "he" alone.
        result.add("known_person", [f"{_first_pronoun(t)} … {pronoun_done[0].words}"])
    elif not parties and not strangers and pronoun_done and not _child_named(result, t):
        # (not "my three year old's gone. He was in the garden": the "he" is the child)
        agent = t.lowers[_agent_index(t, pronoun_done[0].start)]
        result.add("known_person", [f"{agent} … {pronoun_done[0].words}"])
    result.add("party", parties)
    known = bool(parties) or "known_person" in result.signals
    first_party = min((f.start for f in parties), default=None)

    # "his wife", "her husband": the "he" or "she" of the narrative is that party's partner;
    # "I think it's my ex": the someone at the door is the party.
    third_person = any(t.low(p.start - 1) in {"his", "her"} for p in parties)
    identified = any(_identified(t, p) or p.concept == "relationship" for p in parties)

    actors = _Actors(t, strangers, parties, acts)

    def by_party(findings):
        findings = [f for f in findings if not _passive(t, f)]
        if first_party is None:
            return findings if known else []
        return [
            f
            for f in findings
            if f.agent != "other"
            and (
                identified
                or (introduced and theirs and _subject_pronoun(t, f.start))
                or _party_named_after(t, f, parties)
                or (third_person and _pronoun_agent(t, f.start))
                or (third_person and _done_to_third_person(t, f, parties))
                or (
                    (f.start > first_party or _pronoun_agent(t, f.start))
                    and not actors.stranger_did(f, pronoun=_pronoun_of(t, f.start))
                )
            )
        ]

    # A threat to life that takes others along ("jump off the bridge with her").
    # "her son in law is screaming ..."; but "she heard someone screaming": not the party.
    heard = [
        f
        for f in (result.of("distress") if parties else [])
        if not {"someone", "somebody"} & {t.at(i) for i in range(f.start, f.end)}
        and _line_cut(t, f)
        and not _in_play(t, f)  # "screaming into his headset on Call of Duty"
    ]
    abuse = (
        by_party(acts + damage + taking_others + heard)
        + blamed
        + (result.of("justice") if parties else [])
    )
    if known:
        result.add("party_abuse", abuse)
    if _man_and_woman(t) and not strangers:
        result.add("man_and_woman", violence + threats + result.of("distress"))

    # Explicit domestic abuse words and protective orders. An order against a stranger
    # ("my old boss", "the neighbour") protects, but is not domestic abuse.
    named = [f for f in strangers if t.at(f.start) not in {"someone", "somebody"}]
    against_other = not known and bool(named)
    forced_marriage = _forced_marriage(t)
    told = any(result.of(c) for c in ("violence", "threat", "coercion", "stalking", "abuse"))
    result.add(
        "da_words",
        [
            f
            for f in result.of("da_words")
            if not (t.low(f.start) == "domestic" and t.at(f.end) in _NOT_DA_DOMESTIC)
            and not (against_other and _is_order(t, f))
            # "a Clare's Law check on my new boyfriend": an enquiry, unless abuse is told.
            and not (_is_enquiry(t, f) and not told)
        ]
        + forced_marriage
        + _handler_da(result.text),
    )
    if (known or _any_person(t)) and not against_other:
        protective = [
            f
            for f in result.of("order")
            if not ({t.at(i) for i in range(f.end, f.end + 3)} & {"contact", "access"})
            or t.at(f.start - 1) == "no"
            # "court order says no contact": the order forbids contact
            or "no" in {t.at(i) for i in range(f.end, f.end + 3)}
        ]  # an order "for contact with my kids" arranges, it does not protect
        result.add(
            "order",
            [f for f in protective if not _arranges_children(t, f) and not _own_bail(t, f)],
        )

    if result.of("false_alarm"):
        # "it was the telly": nothing is happening; the words stay for the record.
        result.add("false_alarm", result.of("false_alarm"))
    children = result.of("under_16")
    if children and (
        len(children) > 1
        or any(t.low(f.start) == "both" for f in children)
        or any(
            t.low(f.end) in {"me", "us"} or t.low(f.end - 1) in {"me", "us"}
            for f in violence + threats
        )  # fmt: skip
    ):
        # A child harmed: safeguarding; the domestic abuse definition starts at 16.
        result.signals.pop("party_abuse", None)
        result.signals.pop("man_and_woman", None)

    # When: what is happening now, what happened recently.
    def when(findings, *times):
        return [f for f in findings if f.time in times]

    # "he's just punched me": seconds ago, and he is still there; "he has got her pinned
    # down": a state that holds now.
    just = [
        f
        for f in violence
        if f.time in ("recent", "") and (_just(t, f.start) or _got_into(t, f.start))
    ]
    # An injury is harm done ("small bruise", "fractured wrist, now safe"), and a fight
    # that has stopped is over ("the fight's finished now"): recent, not happening now.
    violence = [
        replace(f, time="recent")
        if f.time == "now" and (t.at(f.start) in _INJURIES or _stopped(t, f))
        else f
        for f in violence
    ]
    result.add("violence_now", when(violence, "now") + just)
    # Harm days ago ("two days ago", "at the weekend") is still to act on from a partner or
    # relative, who may do it again; from a stranger it is a crime to record; never today.
    days_old = {id(f) for f in violence + threats if _days_old(t, f)}
    stale = set() if known else days_old
    result.add(
        "violence_recent",
        [f for f in when(violence, "recent", "") if f not in just and id(f) not in stale],
    )
    # Harm done today, against which advice asked is no comfort; words shouted are not it.
    result.add(
        "harm_today",
        [
            f
            for f in when(violence + strangling, "recent")
            if id(f) not in days_old and t.at(f.start) not in {"shout", "scream", "swear"}
        ],
    )
    result.add("strangulation", when(strangling, "now", "recent", ""))
    # Threats that speak of what is to come ("tonight's the night", "you'll regret it"); the
    # bare noun ("threats", "FINAL THREAT") tells of abuse but not of harm by itself.
    # (not one said last month: "said last month she'd never see them again")
    coming = [
        f
        for f in threats
        if (t.at(f.start) in _FUTURE_THREATS or "tonight" in f.words.lower()) and f.time != "past"
    ]
    harm = [f for f in threats if t.at(f.start) != "threat"]
    # A threat from someone far off ("he's in the army in Germany", "in prison till next
    # year"), with no one here or getting in, is harm to act on soon, not a danger now.
    far_off = bool(result.of("far")) and not when(presence, "now") and not entry
    result.add("threat_now", [] if far_off else when(harm, "now") + coming)
    result.add(
        "threat_recent",
        [
            f
            for f in (when(harm, "now", "recent", "") if far_off else when(harm, "recent", ""))
            if (far_off or f not in coming) and id(f) not in stale
        ],
    )
    result.add("stalking", when(stalking, "now", "recent", ""))
    # Posts and messages over weeks are harassment to record; today's, or someone at the
    # house, soon.
    today = bool(_TODAY.search(t.words(range(len(t.norms)))))
    result.add(
        "stalking_recent",
        [f for f in when(stalking, "now", "recent", "") if not _remote(t, f) or today],
    )
    # Messages, calls and posts go on from afar: harassment, but no one here now.
    result.add("stalking_now", [f for f in when(stalking, "now") if not _remote(t, f)])
    confinement = [f for f in coercion if _confines(t, f)]
    # Control of money, phone or movement told as a pattern ("takes my bank card", "controls
    # all Dad's money") is abuse to record and plan for; it is harm soon when something
    # happened today, the other party is here or due back ("at work till 6"), or someone
    # is shut in or out.
    soon = today or bool(presence) or bool(confinement) or bool(result.of("out_for_now"))
    result.add("coercion", when(coercion, "now", "recent", "") if soon else [])
    result.add(
        "held_now",
        [f for f in confinement if f.time in ("now", "recent", "")]
        # "taking me to Bangladesh to get married, we're at check-in now": going today.
        + (forced_marriage if _leaving_today(t) else []),
    )
    result.add("presence", when(presence, "now", "recent", ""))
    stalked = {i for f in stalking for i in range(f.start, f.end)}
    # "he's still following me", "still behind me": the follower is with the caller now.
    following = [
        f
        for f in when(stalking, "now")
        if t.at(f.start) in {"follow", "behind", "still"}
        and {"still", "now"} & {t.low(i) for i in t.members("clause", f.start)}
    ]
    result.add(
        "presence_now",
        [f for f in when(presence, "now") if not stalked & set(range(f.start, f.end))] + following,
    )
    # What a party did lately that is not violence: words, damage, turning up, a breach.
    # Words alone, told as a pattern ("calls her useless every day"), are recent harm only
    # when something was said today or the other party is here or due back.
    lately = by_party((verbal if soon else []) + damage + presence) if known else []
    result.add("abuse_recent", when(lately, "now", "recent", ""))
    # "he's smashing the house up": a party wrecking the home now is a danger now.
    # "has just thrown a chair at the wall": seconds ago, and whoever did it is still there.
    wrecking = by_party(damage) if known else []
    result.add(
        "damage_now",
        when(wrecking, "now")
        + [f for f in wrecking if f.time in ("recent", "") and _just(t, f.start)],
    )
    orders = result.of("order") + result.of("da_words")
    # A breach told as past ("broke the order last week, nothing since") is to record.
    breached = [
        f for f in orders if (t.at(f.start) == "breach" or _broken(t, f.start)) and f.time != "past"
    ]
    result.add("order_breach", breached if known or _any_person(t) else [])
    result.add("entry_now", entry)
    result.add("forced_entry", [f for f in entry if f.concept == "force_entry"])

    recovered = any(
        t.low(f.start) in {"fine", "ok", "okay", "alright", "cough"} for f in result.of("calm")
    ) or bool(result.of("in_care"))
    if not recovered:
        result.add("life_at_risk", when(life, "now", "recent", "") + _welfare_concern(result))
    asking = {f.sentence for f in result.of("calm")}
    held_now = [
        w
        for w in held
        if (
            w.time in ("now", "")
            or _holder_time(result, w) == "now"
            or (
                w.time == "recent"
                and (_just_held(t, result, w) or _minutes_ago(t, w) or _just_after(t, w))
            )
        )
        and w.sentence not in asking  # "is it legal to carry a pen knife?"
    ]
    result.add("weapon_held", held_now)
    if not held:
        result.add("weapon_mentioned", when(weapons, "now", "recent", ""))
    gone = _all_gone(t)
    intruders = [] if gone else when(result.of("intruder"), "now", "recent", "")
    intruders = [f for f in intruders if not (known and by_party([f]))]
    result.add("intruder_now", intruders)
    result.add(
        "abduction", [f for f in result.of("abduction") if _abduction(t, f)] + _lure(result, t)
    )
    result.add("child_missing", _missing_child(result, t))
    at_risk, concern = _missing_at_risk(result, t)
    result.add("missing_at_risk", at_risk)
    result.add("missing_concern", concern)
    result.add("road_danger", when(result.of("road"), "now", ""))
    sexual_now = [f for f in result.of("sexual") if _says_now(t, f)]
    result.add("offender_present", [] if gone else sexual_now)
    # Screams told of earlier, and distress words inside a question, stay read as distress:
    # filtering them cost danger-now calls on the unseen sets (bench/RESULTS.md, round 7).
    distress = [
        f
        for f in when(result.of("distress"), "now", "recent", "")
        if _line_cut(t, f) and not _in_play(t, f) and not _words_at(t, f)
    ]
    risk_mechanisms.add_signals(result, t, parties)
    if _hearsay(result, t):
        # "saw a Facebook post saying a man is attacking women, is it true?": a rumour
        # the caller asks about, not something they see happening.
        for signal in ("violence_now", "threat_now", "weapon_held", "distress_now", "life_at_risk"):
            result.signals.pop(signal, None)
    if "false_alarm" in result.signals:
        for signal in (
            "threat_now",
            "violence_now",
            "distress_now",
            "life_at_risk",
            "entry_now",
            "weapon_held",
            "confined_now",
        ):
            result.signals.pop(signal, None)
        return
    open_line = any(f.words.lower() == "open line" for f in distress) or bool(
        {"silent", "open"} & set(t.lowers) and "line" in t.lowers or "silent" in t.lowers
    )
    # "screaming heard, line cut", "she was crying then the call dropped": the call ended on a
    # cry for help, which is as urgent as an open line.
    ended = [f for f in distress if _call_ended(t, f)]
    open_line = open_line or bool(ended and len(distress) > len(ended))
    if distress and _any_person(t) or open_line and distress:
        result.add("distress_now", distress)
    if open_line and len(distress) > (
        1 if any(f.words.lower() == "open line" for f in distress) else 0
    ):
        result.add("open_line_distress", distress)


# A handler's "DA" or "DV" in capitals ("Historic DA.", "C/S reports DA assault", "DV -
# IP states"); lower case "da" is also a Scots or Irish dad, so only the capitals count.
_HANDLER_DA = re.compile(r"(?<![\w/])(DA|DV|D/A|D/V)(?![\w/])")


def _handler_da(text: str) -> list[str]:
    return [m.group(0) for m in _HANDLER_DA.finditer(text)][:1]


_DAYS_AGO = re.compile(
    r"\b((a|one|two|2|three|3|a couple of|couple of|a few|few) days? ago|"
    r"(at|over) the weekend)\b"
)


def _days_old(t: _Text, f: Finding) -> bool:
    """Told as days ago in its sentence: "hit me two days ago", "at the weekend"."""
    return f.time == "recent" and bool(_DAYS_AGO.search(t.words(t.members("sentence", f.start))))


def _property_damage(result: Reading, t: _Text) -> list[Finding]:
    """ "put my windscreen through", "let her tyres down", "cut up all my clothes": damage
    told in words of its own, read as damage (done by a party: domestic abuse)."""
    return [f for f in result.of("damage") if not _in_play(t, f)]


# Where a rumour comes from, and words that ask whether it is true.
_HEARSAY_SOURCES = frozenset({
    "facebook", "post", "posts", "whatsapp", "tiktok", "twitter", "nextdoor", "online",
    "group", "news", "rumour", "rumours", "article", "apparently",
})  # fmt: skip


def _hearsay(result: Reading, t: _Text) -> bool:
    """The caller asks about something read or heard online, not seen: "saw a post saying
    ..., is it true?", "a rumour going round"."""
    asking = any(
        {"true", "rumour", "real", "genuine"} & {t.at(i) for i in range(f.start, f.end)}
        for f in result.of("calm")
    )
    return asking and bool(_HEARSAY_SOURCES & set(t.norms))


# What makes a marriage forced: someone making, taking or sending the person to it.
_MARRIAGE_PRESSURE = frozenset({
    "make", "making", "force", "take", "send", "push", "pressure", "pressurise", "drag",
})  # fmt: skip


def _forced_marriage(t: _Text) -> list[str]:
    """ "they're making me go to Pakistan to marry my cousin", "my parents are taking me to
    Bangladesh to get married": a marriage someone is being made to go to."""
    found = []
    for i, norm in enumerate(t.norms):
        if norm != "marry" or t.at(i - 1) in {"we", "i"}:
            continue
        sentence = [j for j in t.members("sentence", i) if j < i]
        for j in sentence:
            if t.at(j) in _MARRIAGE_PRESSURE and t.low(j + 1) in {"me", "her", "him", "them"}:
                found.append(" ".join(t.lowers[j : i + 1]))
                break
    return found


# When a forced marriage is today: the flight, the airport, tonight.
_TODAY_TRAVEL = frozenset({
    "tonight", "today", "airport", "check", "flight", "plane", "gate", "departures", "now",
})  # fmt: skip


def _leaving_today(t: _Text) -> bool:
    return bool(_TODAY_TRAVEL & set(t.norms))


def _welfare_concern(result: Reading) -> list[Finding]:
    """ "milk on the step three days, curtains shut, no answer, a smell": two or more signs
    that someone inside has not been seen are a concern for their life."""
    signs = {f.words.lower(): f for f in result.of("welfare")}
    return list(signs.values()) if len(signs) >= 2 else []


# What a stranger offers or asks a child to get into a vehicle.
_LURES = frozenset({"puppy", "puppies", "sweets", "sweet", "kitten", "kittens", "lift"})


def _lure(result: Reading, t: _Text) -> list[str]:
    """A stranger luring a child into a car: a lure word, a vehicle and a child told."""
    words = set(t.norms) | set(t.lowers)
    if _LURES & words and {"car", "van", "vehicle"} & words and _child_named(result, t):
        return [next(t.lowers[i] for i in range(len(t.norms)) if t.lowers[i] in _LURES)]
    return []


def _just_after(t: _Text, f: Finding) -> bool:
    """ "one had a handgun. They've just legged it": armed a moment ago, still near."""
    return any(
        t.low(i) == "just" for i in range(len(t.norms)) if 0 <= t.sentences[i] - f.sentence <= 1
    )


def _pressure_to_act(t: _Text, f: Finding) -> bool:
    """ "pushing me to marry", "forcing her to sign": pressure to do something."""
    return (
        t.at(f.start) in {"push", "force"}
        and t.low(f.end) in {"me", "her", "him", "us", "them"}
        and t.at(f.end + 1) == "to"
        and t.at(f.end + 2) not in {"the", "a", "my", "her", "his", "floor", "ground", "wall"}
    )


def _child_named(result: Reading, t: _Text) -> bool:
    """The narrative speaks of a young child ("my three year old", "my 8-year-old", "the
    baby"); not "together nine years"."""
    return bool(result.of("child", live=False)) or any(
        ("old" in {t.at(i + k) for k in range(1, 5)} or t.at(i + 1) not in {"year", "-"})
        and _age_of_child(t, i, under=14)
        for i in range(len(t.norms))
        if t.lowers[i][:1].isdigit() or t.lowers[i] in _AGE_WORDS
    )


def _passive_damage(t: _Text, f: Finding) -> bool:
    """ "window smashed", "car was smashed": damage told of a thing, with no one doing it."""
    before = [t.low(i) for i in range(max(0, f.start - 2), f.start)]
    return t.at(f.end) != "by" and (
        t.at(f.start - 1) in DAMAGE_OBJECTS
        or (
            not t.low(f.start).endswith("ing")  # "has been smashing his windows": done by her
            and any(w in {"was", "been", "got", "get", "is", "were", "being"} for w in before)
        )
    )


def _with_caller(t: _Text, f: Finding) -> bool:
    """ "he's here with me", "sat here with us": company, not someone to be kept from."""
    return t.at(f.end) == "with" and t.low(f.end + 1) in {"me", "us"}


_ENDED = frozenset({"cut", "dead", "drop", "disconnect", "disconnected", "dropped"})


def _stopped(t: _Text, f: Finding) -> bool:
    """ "the fight's finished now", "they've stopped fighting"; not "he won't stop hitting
    her"."""
    clause = t.members("clause", f.start)
    ended = [
        i
        for i in clause
        if t.at(i) in {"finish", "stop", "end"} or (t.at(i) == "over" and t.at(i - 1) == "be")
    ]
    return bool(ended) and not any(
        t.low(j) in {"n't", "not", "never", "wont", "cant", "nt"}
        for i in ended
        for j in range(max(0, i - 2), i)
    )


def _words_at(t: _Text, f: Finding) -> bool:
    """ "she screams at me if I say no": words hurled at someone, abuse to read as such, not a
    cry of distress; "still screaming at me" is abuse going on now, and stays."""
    return (
        t.at(f.end - 1) in {"scream", "shout", "yell"} and t.at(f.end) == "at" and f.time != "now"
    )


def _call_ended(t: _Text, f: Finding) -> bool:
    """ "line cut", "line went dead", "call dropped", "cut off": the call ended."""
    return bool(_ENDED & {t.at(i) for i in range(f.start, f.end)})


def _line_cut(t: _Text, f: Finding) -> bool:
    """ "line cut off", "then cut off": the call; not "the converter's been cut off her car"."""
    if t.at(f.start) != "cut" or f.end - f.start != 2:
        return True
    sentence = {t.at(i) for i in t.members("sentence", f.start)}
    return bool(sentence & {"line", "call", "phone", "scream", "shout", "cry"}) or t.low(
        f.end
    ) in SENTENCE_BREAK | CLAUSE_BREAK | {""}


# The caller's own bail: "I'm on bail for a driving thing" protects no one.
def _own_bail(t: _Text, f: Finding) -> bool:
    before = [t.low(i) for i in range(max(0, f.start - 3), f.start)]
    return "bail" in f.words.lower() and bool({"i", "im", "i'm", "'m"} & set(before))


# What a caller owns up to after "she'll kill me": "I've locked the keys in the car".
_MISHAPS = frozenset({
    "lock", "lose", "forget", "break", "crash", "dent", "scratch", "spill", "leave", "miss",
    "drop", "burn", "shrink", "spend", "flood",
})  # fmt: skip


def _mishap_idiom(t: _Text, f: Finding) -> bool:
    """ "my wife is going to kill me, I've locked the keys in the car": a figure of speech
    when the caller then owns up to a mishap of their own and nothing else is told."""
    if t.at(f.start) not in {"kill", "murder"} or t.low(f.end) != "me":
        return False
    sentence = t.members("sentence", f.start)
    after = [i for i in sentence if i > f.end]
    return any(
        t.lowers[i] in {"i", "i've", "ive"} and t.at(j) in _MISHAPS
        for i in after
        for j in range(i + 1, min(i + 4, len(t.norms)))
    )


# Words of contact from afar: "keeps ringing", "emailing my work", "posts about me".
_REMOTE = frozenset({
    "email", "emailing", "message", "messaging", "text", "texting", "post", "posting", "ring",
    "ringing", "call", "calling", "withheld", "comment", "comments", "picture", "pictures",
    "photo", "photos", "tiktok", "facebook", "snapchat", "instagram", "insta", "account",
    "accounts", "profile", "voice", "contact", "contacting", "phone", "phoning", "send",
    "sending", "nonstop", "bombard", "find", "address", "online",
})  # fmt: skip


def _calls_for_help(t: _Text, f: Finding) -> bool:
    """ "mum has dementia and keeps ringing 999": calls for help, not harassment."""
    return t.low(f.end) in {"999", "101", "911", "112", "police", "ambulance"}


def _remote(t: _Text, f: Finding) -> bool:
    return any(t.at(i) in _REMOTE or t.low(i) in _REMOTE for i in range(f.start, f.end))


def _gone_to_fetch(t: _Text, f: Finding) -> bool:
    """ "they're going to...", "he's gone to get his mates": not gone for good."""
    if t.low(f.end - 1).startswith("going") or t.low(f.end - 1) in {"gon", "gonna", "gonnae"}:
        return True
    return t.at(f.end) == "to" and t.at(f.end + 1) in {"get", "fetch", "grab", "find", "collect"}


def _blamed_for_injury(result: Reading, t: _Text, parties: list[Finding]) -> list[Finding]:
    """ "cut lip, says her partner did it", "discloses boyfriend did it at home": an injury
    told with a party named as the one who did it is violence by that party."""
    if not result.of("injury"):
        return []
    blamed = []
    for p in parties:
        i = p.end
        while t.low(i) in {"had", "has", "'s", "s", "have", "must", "'ve", "may"} | {"of"}:
            i += 1
        if t.at(i) == "do" and t.at(i + 1) in {"it", "this", "that"}:
            words = " ".join(t.lowers[p.start : i + 2])
            time = "recent" if _RECENT.search(t.words(t.members("sentence", p.start))) else ""
            blamed.append(replace(p, concept="violence", words=words, end=i + 2, time=time))
    return blamed


def _subject_pronoun(t: _Text, start: int) -> bool:
    """A "he" or "she" is the subject of the act, a few words before it in its clause, with
    no other person between: "he had his hands round my neck"."""
    for i in reversed(_clause_before(t, start, 6)):
        if t.lowers[i] in PRONOUN_AGENTS:
            return True
        if t.lowers[i] in {"i", "im", "we", "you", "they", "someone", "somebody"}:
            return False
    return False


def _on_caller(t: _Text, f: Finding) -> bool:
    """The act is done to the caller or theirs: "my neck", "hit me", "my phone"."""
    words = {t.lowers[i] for i in range(max(0, f.start - 1), min(len(t.lowers), f.end + 4))}
    return bool(words & {"me", "my", "us", "our", "mine", "myself"})


def _is_order(t: _Text, f: Finding) -> bool:
    return bool({t.at(i) for i in range(f.start, f.end)} & {"order", "injunction", "mol"})


def _is_enquiry(t: _Text, f: Finding) -> bool:
    return "clare" in t.low(f.start) or t.at(f.start) == "clare"


def _arranges_children(t: _Text, f: Finding) -> bool:
    """ "late with the kids, where I stand with the court order": an order arranging the
    children, not one keeping someone away (unless the sentence says it was broken)."""
    if t.at(f.start) not in {"court", "family"}:
        return False
    words = {t.at(i) for i in t.members("sentence", f.start)}
    return bool(words & _HANDOVER) and not words & {"breach", "break", "near", "within", "bail"}


# What arranges children between parents: "drops the kids at 5", "brought them back late".
_HANDOVER = frozenset({
    "drop", "pick", "late", "handover", "bring", "brought", "collect", "weekend", "stuck",
    "traffic", "cinema", "fine",
})  # fmt: skip


def _age_under_16(t: _Text, i: int) -> bool:
    """ "14yo", "12", "(12)", "14 year old": an age below 16 at token i."""
    match = _AGE.match(t.low(i))
    return bool(match) and int(match.group(1)) < 16 and t.low(i + 1) not in {"minute", "hour"}


def _aged_under_16(t: _Text, party: Finding) -> bool:
    """ "my 15yo daughter", "my son (12)", "son, 12,", "my son's 14"."""
    before = range(max(0, party.start - 2), party.start)
    after = [i for i in range(party.end, party.end + 3) if t.low(i) not in {"(", ",", "'s", "is"}]
    return any(_age_under_16(t, i) for i in before) or bool(after and _age_under_16(t, after[0]))


def _children_by_age(t: _Text) -> list[Finding]:
    """ "her 14yo is going mental": a child named by an age alone, as someone who acts."""
    found = []
    for i, word in enumerate(t.lowers):
        match = _AGE.match(word)
        following = t.low(i + 1)
        subject = following in _AUXILIARIES | {"is", "are", "were"} or following.endswith("ed")
        if match and match.group(2) and int(match.group(1)) < 16 and subject:
            found.append(Finding("stranger", word, i, i + 1, t.sentences[i]))
    return found


def _introducing(t: _Text, f: Finding) -> bool:
    """ "Mum here.", "Nurse here, ...": a caller saying who is calling, not where anyone is."""
    first = t.members("sentence", f.start)[0]
    return (
        t.at(f.start) == "here"
        and f.start - first <= 2
        and t.low(f.end) in SENTENCE_BREAK | {",", ":", "-", ""}
    )


def _harmed(t: _Text, party: Finding) -> bool:
    """A party named as the one harmed, ill or lost: "my husband's been mugged", "dad's
    passed away", "my son's gone missing", "RPs dad was punched" (none "by" a party)."""
    i = party.end
    while t.low(i) in _BEFORE_HARMED and i - party.end < 4:
        i += 1
    word, passive = t.low(i), t.low(i - 1) in {"was", "were", "been", "got", "being", "get"}
    if word == "gone":
        return t.low(i + 1) == "missing"
    if word in {"having", "had"}:  # "having a heart attack", "had a seizure"
        return bool({t.at(i + 1), t.at(i + 2)} & (ILLNESS_BEFORE_ATTACK | _ILLNESSES))
    if word in {"passed", "fallen", "fell"}:
        return t.at(i + 1) in {"away", "over", "down", "ill"}
    if not (word in HARMED or (passive and word in HARMED_PASSIVE)):
        return False
    return t.at(i + 1) != "by"  # "my mum was hit by my dad": the dad is the party


_ILLNESSES = frozenset({"seizure", "fit", "stroke", "fall", "funny", "turn", "accident", "fever"})


_BEFORE_HARMED = frozenset({
    "'s", "’s", "s", "has", "have", "had", "is", "was", "been", "got", "just", "being", "now",
    "also", "recently", "sadly", "badly",
})  # fmt: skip


def _returning(result: Reading, t: _Text) -> list[Finding]:
    """ "he's nipped to the shop, back in 5 mins", "she's 10 mins away": someone gone only
    for a moment or on the way, said of a person in the same sentence; as good as here."""
    found = []
    for f in result.of("returning"):
        sentence = t.members("sentence", f.start)
        if f.time == "past" or not any(
            t.lowers[i] in PERSONS or t.norms[i] in _PARTY_NOUNS for i in sentence
        ):
            continue
        found.append(replace(f, concept="presence", time="now"))
    return found


def _done_to_third_person(t: _Text, act: Finding, parties: list[Finding]) -> bool:
    """ "the lad is screaming at his mum": an act aimed at someone's own mother or partner
    is done by their family or partner."""
    adults = [p for p in parties if t.at(p.end - 1) in _ADULT_PARTIES]
    return any(
        act.end <= p.start <= act.end + 2 and t.low(p.start - 1) in {"his", "her"} for p in adults
    ) or (t.low(act.end - 1) in {"his", "her"} and any(p.start == act.end for p in adults))


_ADULT_PARTIES = frozenset({
    "mum", "mam", "mom", "mother", "dad", "father", "wife", "husband", "partner", "girlfriend",
    "boyfriend", "missus", "nan", "nana", "gran", "grandma", "grandad", "mummy", "daddy",
})  # fmt: skip


def _passive(t: _Text, act: Finding) -> bool:
    """ "our son has been stabbed": done to the person named, by someone not named."""
    return (
        t.low(act.start - 1) in {"been", "was", "were", "got", "be", "get", "being"}
        and t.low(act.start).endswith(("ed", "en"))
        and t.at(act.end) != "by"
    )


def _party_named_after(t: _Text, act: Finding, parties: list[Finding]) -> bool:
    """ "abuse from her ex husband", "hit by my brother": the party named as the agent."""
    if t.at(act.end) not in {"from", "by"}:
        return False
    return any(act.end < p.start <= act.end + 4 for p in parties)


def _identified(t: _Text, party: Finding) -> bool:
    """ "it's my ex-husband", "I think it is my ex": who the unknown someone is."""
    i = party.start - 1
    while i >= 0 and t.lowers[i] in DETERMINERS | {"probably", "definitely", "prob", "deffo"}:
        i -= 1
    return i >= 1 and t.lowers[i] in {"'s", "is", "s", "be"} and t.lowers[i - 1] in {"it", "its"}


def _is_object(t: _Text, person: Finding, ends: set[int]) -> bool:
    if t.at(person.start - 1) == "by" or t.at(person.start - 2) == "by":
        return False  # "stabbed by some lads": the one who did it
    i = person.start
    while i > 0 and t.lowers[i - 1] in DETERMINERS | {"a", "an"}:
        i -= 1
    if t.low(i - 1) in _PUNCTUATION:
        return False  # "she's glassed me... me missus": named after a pause, not the object
    return i in ends or (i - 1) in ends


_VOCATIVES = frozenset({"mate", "pal", "bud", "love", "lad", "son", "boss"})


def _named_as_place(t: _Text, f: Finding) -> bool:
    """ "send someone", "at the neighbours", "a friend's house": not someone who acts."""
    mine = t.low(f.start - 1) in {"my", "our", "me"} and t.at(f.start) in {"lad", "boy", "girl"}
    if (
        t.at(f.start) in _VOCATIVES
        and t.low(f.end) in _PUNCTUATION | {""}
        and t.low(f.start - 1) not in DETERMINERS | {"a", "an", "some"}
    ):
        return True  # "blood all down me shirt mate, ...": the call handler, addressed
    i = f.start - 1
    while i >= 0 and t.lowers[i] in {"a", "an", "the", "my", "our", "some", "one", "his", "her"}:
        i -= 1
    owner = t.low(f.end) in {"'s", "’s"} and t.at(f.end + 1) in OWNED
    word = t.low(f.end - 1)
    owner = owner or (word.endswith("s") and word != t.at(f.end - 1) and t.at(f.end) in OWNED)
    return (i >= 0 and t.at(i) in _NOT_AN_ACTOR_AFTER) or owner or mine


class _Actors:
    """Who did an act: the person named nearest before it, leaving out those named as the
    object of another act ("someone threatened my son with a knife": not the son)."""

    def __init__(self, t: _Text, strangers: list[Finding], parties: list[Finding], acts):
        ends = {a.end for a in acts}
        people = sorted(
            (p for p in strangers + parties if not _is_object(t, p, ends)),
            key=lambda p: p.start,
        )
        self.starts = [p.start for p in people]
        self.is_stranger = [p in strangers for p in people]
        self.sexes = [_sex(t.at(p.end - 1)) for p in people]

    def stranger_did(self, act: Finding, pronoun: str = "") -> bool:
        """A "he" or "they" is the narrative's first person named that can be called so
        ("my brothers and uncle ... they locked me in"; "mum paid a rogue trader ... he's
        coming back": the trader, not mum); a named act, the nearest."""
        if pronoun:
            sex = _sex(pronoun)
            fits = [
                stranger
                for stranger, other in zip(self.is_stranger, self.sexes, strict=True)
                if not (sex and other and sex != other)
            ]
            return bool(fits) and fits[0]
        index = bisect.bisect_left(self.starts, act.start) - 1
        return index >= 0 and self.is_stranger[index]


def _pronoun_of(t: _Text, start: int) -> str:
    """The "he" or "she" just before an act, or "" when there is none."""
    return t.lowers[_agent_index(t, start)] if _pronoun_agent(t, start) else ""


def _sex(word: str) -> str:
    """ "m" or "f" for words that say so ("he", "mum", "husband"), else ""."""
    if word in MALE or word in _MALE_NOUNS:
        return "m"
    return "f" if word in FEMALE or word in _FEMALE_NOUNS else ""


_MALE_NOUNS = frozenset({
    "hes", "hed", "hell", "dad", "father", "husband", "boyfriend", "brother", "son", "grandad",
    "granddad", "uncle", "nephew", "fella", "bloke", "lad", "boy", "stepdad", "stepfather",
    "grandson", "stepson", "daddy", "fiance", "men", "lads", "guy",
})  # fmt: skip
_FEMALE_NOUNS = frozenset({
    "shes", "mum", "mam", "mom", "mother", "wife", "girlfriend", "sister", "daughter", "nan",
    "nana", "gran", "grandma", "aunt", "auntie", "niece", "missus", "lady", "girl", "stepmum",
    "stepmother", "granddaughter", "stepdaughter", "mummy", "fiancee", "women",
})  # fmt: skip


def _broken(t: _Text, start: int) -> bool:
    """ "breaking his bail conditions", "breached a non-mol"."""
    return any(t.at(i) in {"break", "breach"} for i in range(max(0, start - 3), start))


def _got_into(t: _Text, start: int) -> bool:
    return t.low(start).endswith("ed") and "got" in {
        t.low(i) for i in range(max(0, start - 4), start)
    }


def _just(t: _Text, start: int) -> bool:
    """ "he's just punched me"; not "(we just share) punched me last night"."""
    return "just" in {t.low(i) for i in _clause_before(t, start, 4)}


def _holders(result: Reading, weapon: Finding) -> list[Finding]:
    """The words just before a weapon that put it in someone's hands ("with a", "got a")."""
    return [
        h
        for h in result.of("held")
        if h.sentence == weapon.sentence
        and 0 <= weapon.start - h.end <= 3
        and h.words.lower() not in {"'s", "’s", "s"}  # "my dad's old sword": his, not held
    ]


def _holder_time(result: Reading, weapon: Finding) -> str:
    holders = _holders(result, weapon)
    return holders[0].time if holders else ""


def _just_held(t: _Text, result: Reading, weapon: Finding) -> bool:
    """ "he's just pulled a knife": the hold a moment ago, the weapon still in hand."""
    return any(_just(t, h.start) for h in _holders(result, weapon)) or _just(t, weapon.start)


def _minutes_ago(t: _Text, f: Finding) -> bool:
    """ "robbery 2 mins ago, two males with a knife": minutes ago, still armed nearby."""
    return bool(_MINUTES_AGO.search(t.words(t.members("sentence", f.start))))


_MINUTES_AGO = re.compile(r"\b([1-9]|1[0-5]|a few|few|couple of|two|five|ten) minute ago\b")


def _says_now(t: _Text, f: Finding) -> bool:
    """The words of the finding's sentence say it is happening now ("still present")."""
    return bool(_NOW.search(t.words(t.members("sentence", f.start))))


def _with_others(t: _Text, f: Finding) -> bool:
    following = {t.at(i) for i in range(f.end, f.end + 5)}
    return bool(following & {"with", "and"}) and bool(
        following & {"her", "him", "them", "baby", "kid", "child", "me"}
    )


def _first_pronoun(t: _Text) -> str:
    return next((w for w in t.lowers if w in PRONOUN_AGENTS), "")


def _introduced_by_pronoun(t: _Text, strangers: list[Finding], result: Reading) -> bool:
    """The first person the narrative speaks of is a bare "he" or "she", not a child."""
    first_stranger = min((f.start for f in strangers), default=len(t.lowers))
    young = [f.start for f in result.of("child", live=False)] + [
        i for i, w in enumerate(t.lowers) if _AGE.match(w) or w in _AGE_WORDS
    ]
    first_stranger = min([first_stranger, *young])
    for i, word in enumerate(t.lowers[:first_stranger]):
        if word in {"he", "she", "hes", "shes"} and t.low(i + 1) not in {"said", "says"}:
            return True
        if word in PERSONS - {"he", "she", "hes", "shes", "her", "his", "him"}:
            return False
    return False


def _agent_index(t: _Text, start: int) -> int:
    i = start - 1
    while i >= 0 and t.lowers[i] in _AUXILIARIES:
        i -= 1
    return max(i, 0)


def _any_person(t: _Text) -> bool:
    return any(w in PERSONS for w in t.lowers) or any(w in PERSONS for w in t.norms)


def _man_and_woman(t: _Text) -> bool:
    words = set(t.lowers)
    return bool(words & MALE) and bool(words & FEMALE)


def _parties(result: Reading, t: _Text) -> list[Finding]:
    parties = list(result.of("relationship"))
    exes = result.of("ex")
    for f in result.of("partner") + exes + result.of("family"):
        if f.concept != "ex" and any(e.start <= f.start and f.end <= e.end for e in exes):
            continue  # "husband" inside "ex-husband"
        before, before2, after = t.low(f.start - 1), t.low(f.start - 2), t.low(f.end)
        if f.concept == "ex":
            following = after if after != "-" else t.low(f.end + 1)
            if following in NOT_PARTNER_AFTER_EX and f.end - f.start == 1:
                continue
        elif before in {"a", "any", "no", "every", "some", "of"}:
            continue  # someone's relative in general, not a party named by the caller
        elif t.low(f.start) == "fella" and before not in {"my", "me", "her", "your", "ur"}:
            continue  # "fella outside the chippy": a man, not a partner
        elif f.concept == "family" and (
            not (_determined(t, f.start) or _owned_by_party(t, f) or _opens_sentence(t, f.start))
            or t.low(f.start - 1) in {"the", "a", "an"}
        ):
            continue
        if after in {"'s", "’s", "s"} and t.at(f.end + 1) in OWNED:
            continue  # an owner: "my husband's car"
        word = t.low(f.end - 1)
        if word.endswith("s") and word != t.at(f.end - 1) and _owns_next(t, f.end):
            continue  # an owner typed without the apostrophe: "my sons bike"
        if f.concept == "partner" and t.low(f.start - 1) in NOT_INTIMATE_PARTNER:
            continue  # "his sparring partner", "my business partner"
        if f.concept == "partner" and _partner_of_someone_else(t, f.start):
            continue  # "my ex boyfriends new girlfriend": another person's partner
        if after == "and" and t.low(f.end + 1) in {"i", "me", "myself"} and before in {"my", "me"}:
            continue  # a companion: "my partner and I"
        j = f.start - 1
        while j >= 0 and t.lowers[j] in {"my", "mi", "ma"}:
            j -= 1
        if t.low(j) == "and" and t.low(j - 1) in {"me", "i"}:
            continue  # "me and my partner"
        if before == "with" or (before in DETERMINERS and before2 == "with"):
            continue  # "out with my husband"
        parties.append(f)
    return parties


_PARTY_NOUNS = frozenset(PHRASES["partner"] + PHRASES["family"] + ("ex",))
_CURRENT_PARTNERS = frozenset(PHRASES["partner"])


def _owned_by_party(t: _Text, f: Finding) -> bool:
    """ "my wife's brother", "daughter's boyfriend": a relative or partner of a party (an
    ex-partner's family is no longer family)."""
    if t.low(f.start - 1) not in {"'s", "’s", "s"}:
        return False
    owner = t.at(f.start - 2)
    if f.concept == "family":
        if owner in CALLER_SIDE:
            return True  # "the female's son": the caller's or victim's own family
        return owner in _CURRENT_PARTNERS and t.at(f.start - 3) != "-"
    return owner in _PARTY_NOUNS


# After a plural-looking party word, words that make it the subject ("my sons are"), not
# an owner ("my sons xbox").
_VERBISH = frozenset({
    "be", "have", "get", "go", "keep", "do", "say", "come", "start", "fight", "hit", "kick",
    "will", "would", "can", "could", "not", "never", "just", "still", "always", "now", "and",
    "both", "all", "threaten", "try", "tell", "leave", "take", "send", "call", "ring",
    "text", "shout", "scream", "turn", "smash", "punch", "push", "attack", "follow", "lock",
    "drunk", "off", "out", "back", "here", "there", "outside", "in", "at", "on", "up", "home",
    "away", "gone", "hitting", "mental", "kicking",
})  # fmt: skip


def _owns_next(t: _Text, end: int) -> bool:
    after = t.low(end)
    if not after or after in SENTENCE_BREAK or after in {",", "(", ")", "'", '"'}:
        return False
    if after.endswith(("ing", "ed")) or {t.at(end), after} & _VERBISH or after in _AUXILIARIES:
        return False
    return after.isalpha()


def _partner_of_someone_else(t: _Text, start: int) -> bool:
    """A partner word whose owner is not the caller's family: "her new boyfriend" is a
    party, "my ex boyfriends new girlfriend" is not."""
    i = start - 1
    while i >= 0 and t.lowers[i] in {"new", "current", "old", "latest"}:
        i -= 1
    if i < 0:
        return False
    owner = t.lowers[i]
    if owner in {"'s", "’s"}:
        owner_norm = t.at(i - 1)
        if owner_norm in CALLER_SIDE:
            return False  # "caller's husband", "the victim's boyfriend": a party
        # "my ex's new girlfriend", "my ex-wife's partner": an ex's partner is not family.
        return owner_norm not in _PARTY_NOUNS or owner_norm == "ex" or t.at(i - 2) in {"ex", "-"}
    if t.at(i) in CALLER_SIDE and owner != t.at(i):
        return False  # "callers husband", "IPs ex", typed without the apostrophe
    if owner.endswith("s") and owner != t.at(i) and t.at(i) in _PARTY_NOUNS:
        return t.at(i - 1) in {"ex", "-"}  # "ex boyfriends new girlfriend"
    return False


def _determined(t: _Text, start: int) -> bool:
    """ "my son", "my two grown up sons", "my 25 year old daughter"."""
    for i in range(start - 1, max(-1, start - 6), -1):
        if t.lowers[i] in DETERMINERS:
            return True
        if t.lowers[i] in SENTENCE_BREAK or t.lowers[i] in _NOT_DETERMINED_PAST:
            return False
    return False


# Words that end the search back for "my" in front of a relative ("some of my", "mum's").
_NOT_DETERMINED_PAST = frozenset({",", "and", "a", "some", "any", "'s", "’s", "s", "of"})


_DESCRIBING = frozenset({
    "adult", "grown", "up", "older", "younger", "eldest", "youngest", "teenage", "big",
    "little", "elderly", "drunk", "caller", "callers", "caller's",
})  # fmt: skip


def _opens_sentence(t: _Text, start: int) -> bool:
    """Handlers write "Son (34) moved back in", "adult daughter controls her pension"."""
    i = start - 1
    while i >= 0 and start - i <= 2 and t.lowers[i] in _DESCRIBING:
        i -= 1
    return i < 0 or t.lowers[i] in SENTENCE_BREAK or t.lowers[i] in _OPENERS


# What a handler writes before naming a relative: "C/S states son ...", "says daughter".
_OPENERS = frozenset({
    ",", "says", "reports", "states", "said", "and", "c/s", "s", ":", "that", "reporting",
    "stating", "saying", "claims", "alleges", "discloses", "disclosed", "-", "...", "re",
})  # fmt: skip
_PUNCTUATION = frozenset({".", ",", "...", "..", ";", ":", "-", "!", "?", "(", ")"})


def _against_person(t: _Text, f: Finding) -> bool:
    if f.agent == "other":
        return False
    if _pressure_to_act(t, f):
        return False  # "pushing me to marry", "forced her to sign": pressure, not a blow
    if t.at(f.start) == "choke" and f.end - f.start == 1:
        return False  # "she's choking": a medical emergency, not an assault
    if t.at(f.start) == "attack" and t.at(f.start - 1) in ILLNESS_BEFORE_ATTACK:
        return False  # "a panic attack"
    if (
        t.at(f.start) == "hit"
        and t.at(f.end + 1) == "head"
        and t.low(f.end) in {"her", "his", "my"}
    ):
        return False  # "had a seizure and hit her head"
    if t.low(f.start) == "bit" and (
        t.low(f.start - 1) == "a" or not (t.low(f.end) in _BITTEN or _person_after(t, f.end))
    ):
        return False  # "a bit of", "bit rusty", "bit worried": not a bite
    if _object(t, f.end) in DAMAGE_OBJECTS or _ends_on_thing(t, f):
        return False
    first = t.at(f.end)
    if f.end - f.start == 1 and first in {"the", "a", "an", "some", "this", "that"}:
        # "slapping the old man", "hit a young lad": the person past an adjective or two.
        things = [t.at(f.end + 1), t.at(f.end + 2), t.at(f.end + 3)]
        if t.low(f.end + 1) not in _ADJECTIVES_OF_PEOPLE:
            things = things[:1]
        elif t.low(f.end + 2) not in _ADJECTIVES_OF_PEOPLE:
            things = things[:2]
        if not set(things) & _people_words() and not any(_person_like(thing) for thing in things):
            return False  # "attack the ivy", "hit the road", "strangled a pheasant"
    if f.end - f.start == 1 and t.at(f.start) in _NEEDS_A_PERSON and not _person_after(t, f.end):
        # "music thumping", "kids kicking a ball"; but "got her mum pinned"
        before = {t.norms[i] for i in range(max(0, f.start - 3), f.start)}
        if not (t.low(f.start).endswith("ed") and before & (_PARTY_NOUNS | {"her", "him", "me"})):
            return False
    # "window of parked van smashed": a thing before the verb and no one after it.
    if t.at(f.start) in _THING_VERBS:
        before = {t.at(i) for i in range(max(0, f.start - 5), f.start)}
        after = {t.at(i) for i in range(f.end, f.end + 3)}
        if before & DAMAGE_OBJECTS and not after & (PERSONS | {"me", "us"}):
            return False
    return True


@cache
def _people_words() -> frozenset[str]:
    # Joined once: the tables are large and this is asked of every blow found.
    return PERSONS | _PARTY_NOUNS | _YOUNG | NOT_A_PARTY | _PEOPLE


def _ends_on_thing(t: _Text, f: Finding) -> bool:
    """ "smash everything", "key my car": a violence phrase whose last word is a thing (not
    "ram my car": a car rammed has people in it)."""
    return f.end - f.start > 1 and t.at(f.end - 1) in DAMAGE_OBJECTS and t.at(f.start) != "ram"


# Words that describe the person an act is done to: "the old man", "a poor young lad".
_ADJECTIVES_OF_PEOPLE = frozenset({
    "old", "young", "elderly", "little", "poor", "disabled", "frail", "vulnerable", "other",
    "older", "younger", "big", "small", "same", "drunk", "homeless", "pregnant", "blind",
})  # fmt: skip
# Nouns for people an act is done to that the tables above do not hold.
_PEOPLE = frozenset({
    "lady", "ladies", "gentleman", "gent", "pensioner", "resident", "patient", "client",
    "child", "children", "baby", "person", "people", "girl", "boy", "pupil", "student",
})  # fmt: skip
# Violence-table words that name an injury, not an act: whose it is, the sentence says.
_INJURIES = frozenset({"bruise", "fracture", "black", "swollen", "bruised", "swell", "bruising"})
# What follows "bit" when it is a bite: "bit my arm", "bit him", "bit into her hand".
_BITTEN = frozenset({
    "me", "him", "her", "them", "us", "my", "his", "their", "our", "your", "the", "a", "an",
    "off", "into", "through", "down", "someone", "somebody",
})  # fmt: skip


def _against_thing(t: _Text, f: Finding) -> bool:
    """ "smashed up my flat", "kicked the door": damage, not violence."""
    if f.agent == "other" or t.at(f.start) == "choke":
        return False
    if f.concept == "damage" or _ends_on_thing(t, f):
        return True  # the damage table, or "smash everything", names the harm to a thing
    before = {t.at(i) for i in range(max(0, f.start - 5), f.start)}
    return _object(t, f.end) in DAMAGE_OBJECTS or (
        t.at(f.start) in _THING_VERBS and bool(before & DAMAGE_OBJECTS)
    )


# One word before a thing, dialect too: "me garden", "ma bin", "yer car", "them bins".
_DETERMINER_WORDS = frozenset({
    "the", "a", "my", "his", "her", "their", "our", "all", "me", "ma", "mi", "yer", "your",
    "ur", "some", "this", "that", "these", "those", "them", "an",
})  # fmt: skip


def _object(t: _Text, end: int) -> str:
    """The word a verb acts on, past one determiner: "kicked the door" → "door"."""
    word = t.at(end)
    if word in _DETERMINER_WORDS:
        return t.at(end + 1)
    return word


# Verbs that are violence only when done to someone: "kicked me", not "kicking a ball".
_NEEDS_A_PERSON = frozenset({"thump", "kick", "hit", "push", "smash", "batter", "beat", "drag",
                             "ram", "bash", "pin", "squeeze", "slash"})  # fmt: skip


def _person_after(t: _Text, end: int) -> bool:
    for i in range(end, min(end + 4, len(t.norms))):
        if t.lowers[i] in {"me", "her", "him", "them", "us", "you", "someone", "somebody"}:
            return True
        if t.norms[i] in _PARTY_NOUNS or t.norms[i] in PERSONS or t.norms[i] in _YOUNG:
            return True
        if t.lowers[i] in SENTENCE_BREAK or t.lowers[i] in {",", "and"}:
            return False
    return False


_BODY = frozenset({
    "hair", "neck", "throat", "arm", "arms", "wrist", "wrists", "head", "collar", "shoulder",
    "shoulders", "leg", "legs", "face", "jaw", "hand", "hands", "ear", "ears",
})  # fmt: skip
_ANIMALS = frozenset({
    "pheasant", "bird", "fox", "rat", "rats", "deer", "dog", "cat", "badger", "pigeon", "wasp",
    "spider", "mouse", "mice", "rabbit", "squirrel", "chicken",
})  # fmt: skip


def _person_like(word: str) -> bool:
    """Nouns that name people by what they do: "the supervisor", "a cyclist"."""
    if word in _ANIMALS:
        return False
    return word.endswith(("er", "or", "ist", "ian", "ant", "ent", "man", "men", "woman"))


_THING_VERBS = frozenset({"smash", "kick", "hit", "push", "drag", "ram", "batter", "beat"})


def _harmful_threat(t: _Text, f: Finding) -> bool:
    head = t.at(f.start)
    if _in_play(t, f):
        return False  # "said they'd kill him in Fortnite", "kill him ref"
    if _joking(t):
        return False  # "she'll murder me if I wear my Crocs haha"
    if _remote_extortion(t):
        return False  # "will send videos to your contacts unless you pay bitcoin": fraud
    if t.low(_agent_index(t, f.start)) in {"it", "itll", "it'll"}:
        return False  # "the dog ... says it'll do it again": said of an animal or a thing
    if head in {"kill", "murder"} and _object(t, f.end) in IDIOM_OBJECTS:
        return False  # "going to murder this wall", "kill a pint"
    if head == "petrol" and t.at(f.end) in {"station", "garage", "pump", "pumps", "price"}:
        return False  # "at the petrol station"
    if head == "drop" and t.at(f.end) in {"off", "back", "round", "at", "to", "with", "home"}:
        return False  # "drop the baby off at nursery"
    if head == "do" and t.at(f.end - 1) == "in" and t.at(f.end) in {"the", "a", "an", "my", "our"}:
        return False  # "done in the night", "did it in the garden": a time or a place
    if head == "set" and _object(t, f.end + 1) in ARSON_THINGS:
        return False  # "set fire to a wheelie bin": damage, no one's life threatened
    if head in {"threaten", "threat"}:
        after = [t.at(i) for i in range(f.end, f.end + 4)]
        if after and after[0] in {"me", "her", "him", "us", "them", "you"}:
            after = after[1:]
        if after and after[0] in NOT_HARM_AFTER_THREATEN:
            return False  # "threatening court action"
        if after and after[0] == "to" and len(after) > 1:
            if after[1] == "take":  # "take the kids", not "take me to court"
                rest = {t.at(i) for i in range(f.end + 2, f.end + 6)}
                return bool(rest & {"kid", "child", "baby", "away", "abroad", "life"})
            return after[1] in HARM_VERBS
        if after and after[0] == "with" and len(after) > 1:
            rest = after[1:]
            return bool(set(rest) & {"knife", "weapon", "gun", "hammer", "bat", "violence",
                                     "machete", "axe", "acid", "death", "bottle"})  # fmt: skip
        return True
    if head == "kill":
        # "the heat is killing me": a kill with no person before it.
        window = range(max(0, f.start - 8), f.start)
        return any(t.lowers[i] in PERSONS or t.norms[i] in PERSONS or t.lowers[i] == "i"
                   for i in window)  # fmt: skip
    return True


def _in_play(t: _Text, f: Finding) -> bool:
    """The sentence says it is a game or a match: "someone on Fortnite said they'd kill him"."""
    return any(t.at(i) in PLAY or t.low(i) in PLAY for i in t.members("sentence", f.start))


def _entry(result: Reading, t: _Text) -> list[Finding]:
    doors = [d for d in result.of("door", live=False) if t.at(d.start - 1) not in DOOR_NOT_ENTRY]
    found = [
        f
        for f in result.of("force_entry")
        if f.time == "now" or (f.time == "recent" and _just(t, f.start))
    ]
    for bang in result.of("bang"):
        if bang.time not in ("now", "") or (bang.time == "" and t.low(bang.start).endswith("ed")):
            continue  # "a roofer knocked on the door" is told, not happening
        if _habit_over_weeks(t, bang):
            continue  # "kids keep knocking on my door, been going on weeks": a pattern
        if {t.at(i) for i in range(bang.end, bang.end + 3)} & {"ball", "football"}:
            continue  # "kids kicking their football against the door"
        near_door = any(d.sentence == bang.sentence and abs(d.start - bang.end) <= 6 for d in doors)
        loud = bool(doors) and t.at(bang.start) in {"bang", "hammer", "pound", "kick", "bash"}
        if near_door or (loud and (bang.time == "now" or t.low(bang.start).endswith("ing"))):
            found.append(bang)
    return found


def _habit_over_weeks(t: _Text, f: Finding) -> bool:
    """ "keep knocking ... been going on weeks": a habit told over time, not happening now."""
    kept = t.at(f.start - 1) == "keep" or t.low(f.start - 1) in {"keeps", "kept"}
    return kept and bool(_PAST.search(t.words(range(len(t.norms)))))


def _confines(t: _Text, f: Finding) -> bool:
    """Held or shut out now: "locked me in", "won't let me leave", "locked all the doors"."""
    words = {t.at(i) for i in range(f.start, f.end + 2)}
    return (
        bool(words & {"lock", "block"}) or bool(words & {"leave", "out", "go"}) and "let" in words
    )


def _life_applies(t: _Text, f: Finding) -> bool:
    head = t.at(f.start)
    if head == "fit" and t.at(f.start - 1) not in {"a", "have", "having"}:
        return False  # "fit" as in "fit and well"
    if head in {"fire", "smoke", "ablaze", "alight"} and f.end - f.start == 1:
        return bool(_FIRE_PEOPLE & {t.norms[i] for i in _fire_window(t, f.start)})
    if head == "choke" and t.at(f.end) in {"me", "her", "him"}:
        return False  # an assault: the violence rules read it
    if (
        head == "not"
        and t.at(f.start + 1) == "move"
        and t.at(f.end) in risk_mechanisms.MOVED_NOT_LIFE
    ):
        return False  # "he won't move it": a thing; "won't move out": a tenancy
    if head == "not" and t.at(f.start + 1) == "move":
        window = range(max(0, f.start - 6), f.start)
        return any(t.lowers[i] in PERSONS or t.norms[i] in _YOUNG | PERSONS | _PARTY_NOUNS
                   for i in window)  # fmt: skip
    if head == "on" and t.at(f.start + 2) == "floor":
        # "mum is crying on the floor", "another one's on the floor", not "wallet on the floor"
        window = range(max(0, f.start - 8), f.start)
        return any(
            risk_mechanisms.is_person(t, i)
            or t.norms[i] in _YOUNG | {"one", "someone", "he", "she", "they", "i", "we"}
            for i in window
        )
    if head in {"in", "on"} and t.at(f.start + 2) in {"ground"} | {"river", "canal", "sea"}:
        window = range(max(0, f.start - 8), f.start)
        return any(t.lowers[i] in PERSONS or t.norms[i] in _YOUNG | PERSONS for i in window)
    if head == "in" or (head == "still" and t.at(f.start + 2) in {"water", "river"}):
        # "woman in the river", not "a knife in the canal"
        window = range(max(0, f.start - 3), f.start)
        return any(t.lowers[i] in PERSONS or t.norms[i] in PERSONS for i in window) or any(
            t.norms[i] in {"child", "kid", "boy", "girl", "dog", "someone"} for i in window
        )
    return not (head == "trap" and "finger" in {t.at(f.end), t.at(f.end + 1)})


# Someone caught in a fire: "people inside", "old man lives there, not answering the door".
_FIRE_PEOPLE = frozenset({
    "trap", "inside", "people", "someone", "stuck", "cough", "upstairs", "answer", "answering",
    # Someone heard in it: "we can hear the old lady shouting".
    "hear", "shout", "shouting", "scream", "screaming",
})  # fmt: skip


def _fire_window(t: _Text, start: int) -> list[int]:
    """The fire's sentence and the two after it: handlers type "FIRE NEXT DOOR. SMOKE IN
    CORRIDOR. OLD MAN NOT ANSWERING" as three sentences about one fire."""
    first = t.sentences[start]
    return [i for i, s in enumerate(t.sentences) if first <= s <= first + 2]


# Tools that are a weapon only where a threat or violence is told ("digging with a spade").
_TOOLS = frozenset({
    "spade", "shovel", "pitchfork", "shears", "chainsaw", "strimmer", "garden", "something",
})  # fmt: skip


def _joking(t: _Text) -> bool:
    """The caller laughs or says it is a joke: "lol", "haha", "she's joking, right?"; not
    "he's not joking"."""
    return any(
        w in LAUGHTER or (w in JOKING and t.low(i - 1) not in {"not", "n't", "nt", "no"})
        for i, w in enumerate(t.lowers)
    )


# Threats by email or online from people who want money: fraud to report, not a danger.
_EXTORTION = frozenset({"bitcoin", "btc", "crypto", "webcam", "hacked", "hack", "scam"})


def _remote_extortion(t: _Text) -> bool:
    return bool(_EXTORTION & set(t.lowers))


def _not_a_real_weapon(t: _Text, weapon: Finding) -> bool:
    """A toy or costume piece, a job or hobby, a game, or a question about the law: "it's
    plastic", "a firearms officer", "playing GTA shouting about shooting", "is it illegal
    to carry a kitchen knife?"."""
    if t.at(weapon.end) in WEAPON_NOT_HELD_AFTER or t.low(weapon.end) in WEAPON_NOT_HELD_AFTER:
        return True
    if _in_play(t, weapon):
        return True
    near = [i for i in t.members("all", 0) if abs(t.sentences[i] - weapon.sentence) <= 1]
    if any(t.low(i) in TOY_WEAPON for i in near):
        return True
    return _question_about_law(t, weapon)


# How a caller asks whether something is allowed: "is it illegal", "can I shoot".
_ASKING_OPENERS = frozenset({"is", "can", "am", "are", "do", "does", "could", "would"})


# A question about what can be done opens as one about the law does, or with a wh-word.
_ASKING_WORDS = _ASKING_OPENERS | {"who", "how", "what", "should", "where", "will"}
# A question that asks for someone now is no enquiry: "can you send someone?", "please hurry?".
_PLEA = frozenset({"send", "come", "hurry", "quick", "quickly", "now", "please", "help", "get"})


def _enquiry(t: _Text) -> list[str]:
    """The last sentence, when it is a question opened as one and asks for no one now."""
    if not t.norms or t.low(len(t.norms) - 1) != "?":
        return []
    sentence = t.members("sentence", len(t.norms) - 1)
    words = [t.low(i) for i in sentence if t.low(i) not in _PUNCTUATION]
    if not words or words[0] not in _ASKING_WORDS or _PLEA & set(words):
        return []
    return [" ".join(t.texts[i] for i in sentence) if t.texts else " ".join(words)]


def _question_about_law(t: _Text, f: Finding) -> bool:
    """The finding's sentence is a question ("?"), opened as one ("can I", "is it")."""
    sentence = t.members("sentence", f.start)
    opener = next((t.low(i) for i in sentence if t.low(i) not in _PUNCTUATION), "")
    return t.low(sentence[-1]) == "?" and opener in _ASKING_OPENERS


def _weapon_held(result: Reading, t: _Text, weapon: Finding) -> bool:
    if _stored(t, weapon):
        return False  # "found my late dad's old army sword"
    if _not_a_real_weapon(t, weapon):
        return False
    if t.at(weapon.start) in _TOOLS and not (
        [f for f in result.of("threat") if _harmful_threat(t, f)] or result.of("violence")
    ):
        return False
    if t.at(weapon.start) in {"gunshot", "shoot", "shooting"} or weapon.words == "shots fired":
        return True
    if _holders(result, weapon) or _worn(t, weapon):
        return True
    return any(
        f.sentence == weapon.sentence and f.time != "past"
        for f in result.of("threat") + result.of("violence")
    )


def _stored(t: _Text, weapon: Finding) -> bool:
    """Found, old or stored, with no one between the finding and the weapon: "found a knife
    in the hedge", "an old bayonet", "guns locked in his cabinet"."""
    sentence = t.members("sentence", weapon.start)
    before = [i for i in sentence if i < weapon.start]
    for i in reversed(before):
        if t.lowers[i] in PRONOUN_AGENTS or t.lowers[i] in {"him", "them"}:
            return False  # "found him with a knife"
        if t.at(i) in STORED_WEAPON or t.low(i) in STORED_WEAPON:
            return True
    after = {t.at(i) for i in sentence if weapon.end <= i < weapon.end + 5}
    return bool(after & {"cabinet", "certificate", "licence", "safe", "collection"})


def _worn(t: _Text, weapon: Finding) -> bool:
    """ "what looks like a gun in his waistband", "a knife up her sleeve"."""
    after = [t.at(i) for i in range(weapon.end, weapon.end + 4)]
    return any(
        a in {"in", "up", "down", "inside", "from"} and b in {"his", "her", "their"} and c in WORN
        for a, b, c in zip(after, after[1:], after[2:], strict=False)
    )


def _all_gone(t: _Text) -> bool:
    text = t.words(range(len(t.norms)))
    return bool(
        re.search(
            r"\b(have|be) (go|leave)\b(?! (inside|in|into|back|upstairs|round|for|through))|"
            r"\b(run|ran) off\b|\bleg it\b",
            text,
        )
    )


def _abduction(t: _Text, f: Finding) -> bool:
    if t.at(f.start) in {"snatch", "abduct", "kidnap", "bundle"}:
        return True
    words = {t.at(i) for i in range(f.start, f.end)}
    if words & {"lift", "puppy", "puppies"} or ({"get", "in"} <= words and "ask" in words):
        return True  # a lure: "keeps asking her to get in", "offered him a lift"
    verbs = {t.at(i) for i in range(max(0, f.start - 6), f.start)}
    return bool(verbs & {"pull", "drag", "bundle", "force", "grab", "push", "snatch"})


_YOUNG = frozenset({"child", "kid", "boy", "girl", "lad", "someone", "toddler", "baby", "son"})
_AGE = re.compile(r"^(\d{1,2})(yr|yrs|year|years|yo)?$")
_AGE_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def _missing(result: Reading, t: _Text) -> list[Finding]:
    """Someone missing now: not "he kept going missing last year", not "he's gone to his
    dad's" or "he's gone now" after hurting the caller (an offender who left)."""
    return [
        f
        for f in result.of("missing")
        if f.time != "past"
        and "keep" not in {t.at(i) for i in range(max(0, f.start - 5), f.start)}
        and not _runs_off_after_act(t, f)
        and _gone_for_good(result, t, f)
        # "fireworks going off", "the alarm went off": a noise, no one gone
        and not (t.at(f.start) == "go" and t.at(f.start - 1) in _GOES_OFF)
    ]


_GOES_OFF = frozenset({"firework", "alarm", "bomb", "banger", "siren", "gun", "rocket", "car"})


def _runs_off_after_act(t: _Text, f: Finding) -> bool:
    """ "kids keep knocking on my door and running off", "they smashed it and ran off": an
    offender getting away after doing something, told as a habit or with "and"."""
    if t.at(f.start) not in _WEAK_MISSING:
        return False
    before = [t.at(i) for i in t.members("sentence", f.start) if i < f.start]
    return "keep" in before or (bool(before) and before[-1] == "and")


# After "X's gone": words that say where to or when ("gone to his dad's", "gone now").
# "Gone out" and "gone off" stay: a child or a man with dementia who has gone out is lost.
_GONE_WHERE = frozenset({
    "to", "home", "back", "round", "now", "in", "into", "for", "with", "upstairs",
    "downstairs", "inside", "over", "again", "quiet", "mad", "mental", "crazy", "through",
    "past", "bed", "ahead", "on",
})  # fmt: skip


def _gone_for_good(result: Reading, t: _Text, f: Finding) -> bool:
    """ "my little boy's gone, he's 4": a "gone" that ends its clause, said of a child or a
    relative, or of a "he"/"she" in a narrative where no one was harmed."""
    if t.at(f.end - 1) != "go":
        return True
    if t.low(f.end - 1) != "gone" or t.low(f.end) in _GONE_WHERE:
        return False
    if t.lowers[f.start] in {"he", "she", "hes", "shes"}:
        acts = ("violence", "threat", "abuse", "strangle", "coercion", "stalking")
        return not any(result.of(c) for c in acts)
    return True


def _age_of_child(t: _Text, i: int, under: int) -> bool:
    """An age below `under` at token i, said of a person: "6yo", "6 year old", "(6)", "aged
    six", "he's 4", "my son is 6", "daughter (5)"; not "10 at night" or "4 hours"."""
    word = t.lowers[i]
    match = _AGE.match(word)
    age = int(match.group(1)) if match else _AGE_WORDS.get(word, 99)
    if age >= under or t.at(i + 1) in {"minute", "hour", "second", "pm", "am", "at", "o'clock"}:
        return False
    if (match and match.group(2)) or t.at(i + 1) in {"year", "-"}:
        return True
    if t.low(i + 1).startswith(("yr", "year")) or t.low(i - 1) in {"aged", "age"}:
        return True
    if t.low(i - 1) == "(" and t.low(i + 1) == ")":
        return True
    if t.at(i - 1) in _YOUNG | {"daughter", "student", "pupil"}:
        return True  # "girl 6 never came out of school"
    before = [t.at(j) for j in range(max(0, i - 3), i)]
    if any(w in _YOUNG | {"daughter", "he", "she", "student", "pupil"} for w in before):
        # "my son is 6", "he's 4", "she's only 7"; not "it's 10"
        return t.at(i - 1) in {"be", "have", "only", "just", "(", ","} or t.low(i - 1) == "is"
    return False


def _missing_child(result: Reading, t: _Text) -> list[str]:
    missing = _missing(result, t)
    if not missing:
        return []
    sentences = {f.sentence for f in missing}
    young = [
        f.words
        for f in result.of("child") + result.of("vulnerable")
        if f.sentence in sentences or f.sentence + 1 in sentences
    ]
    # Under 14: the labels and practice treat a 13-year-old out at night as a child.
    for i in range(len(t.norms)):
        if _age_of_child(t, i, under=14):
            young.append(" ".join(t.lowers[max(0, i - 2) : i + 3]))
    if not young:
        return []
    return young[:2] + [missing[0].words]


# What puts a missing person at risk, by kind; some kinds are a danger by themselves.
_AT_RISK = ("night", "cold", "intoxicated", "no_phone", "out_of_character", "health")
_PERIL = frozenset({"cold", "intoxicated"})
# Weaker words for gone ("ran off", "walked out", "lost"): said of offenders and things.
_WEAK_MISSING = frozenset({"run", "go", "walk", "lose", "look"})


def _missing_at_risk(result: Reading, t: _Text) -> tuple[list[str], list[str]]:
    """A missing person and what puts them at risk: (IMMEDIATE words, PRIORITY words).
    Drunk or cold, or three kinds of risk ("not like her, 10 at night, phone's off"), is a
    danger now; one or two kinds, a concern soon."""
    missing = [
        f
        for f in _missing(result, t)
        if not (t.at(f.start) in _WEAK_MISSING and f.end - f.start <= 2) or "everywhere" in f.words
    ]
    if not missing:
        return [], []
    kinds: dict[str, list[str]] = {}
    for kind in _AT_RISK:
        found = result.of(f"risk_{kind}")
        if found:
            kinds[kind] = [f.words for f in found]
    words = [missing[0].words] + [w[0] for w in kinds.values()]
    if _PERIL & kinds.keys() or len(kinds) >= 3:
        return words, []
    return [], words if kinds else []
