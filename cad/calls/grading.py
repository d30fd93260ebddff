"""The grading engine: pure, table-driven, no database.

Given what the call handler knows (opening code, narrative, persons, previous
contacts, intelligence hits and special schemes) it returns a recommended grade,
a grade floor, risk flags each with a human-readable reason, and whether the
"possible domestic abuse" prompt must be answered.

Everything a force may want to read or change is a table in this module:

- `OPENING_CODES`: the default list of opening codes and the grade each starts from
  (seeded into the database, where admins can edit it);
- `CUES`: the words and phrases in a narrative that are risk cues;
- `RULES`: one row per rule — when it fires, the flag and reason it gives, the
  grade it recommends, the floor it sets, and whether it raises the DA prompt;
- the labelled narratives `cad.calls.risk_model` learns from, for calls phrased in
  ways no rule was written for (it only raises, and cites the words).

The engine takes the most urgent recommendation and the most urgent floor of the
rules that fire; the recommendation is never below the floor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cad.calls import risk_language, risk_model

IMMEDIATE = "IMMEDIATE"
PRIORITY = "PRIORITY"
SCHEDULED = "SCHEDULED"
RESOLVED = "RESOLVED_WITHOUT_DEPLOYMENT"
# Most urgent first (the same order as cad.models.GRADE_ORDER).
GRADES = (IMMEDIATE, PRIORITY, SCHEDULED, RESOLVED)

REPEAT_CONTACT_DAYS = 28

# Intelligence kinds that speak of domestic abuse or a threat to someone's life.
DA_INTELLIGENCE = ("domestic_abuse", "marac", "dvds", "threat_to_life")


def more_urgent(a: str | None, b: str | None) -> str | None:
    """The more urgent of two grades (None counts as no grade at all)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if GRADES.index(a) <= GRADES.index(b) else b


def is_below(grade: str, floor: str | None) -> bool:
    """True when `grade` is less urgent than `floor`."""
    return floor is not None and GRADES.index(grade) > GRADES.index(floor)


# --- opening codes ------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningCodeRow:
    code: str
    label: str
    base_grade: str
    # A code that is itself a domestic abuse indicator raises the DA prompt.
    domestic: bool = False


OPENING_CODES: tuple[OpeningCodeRow, ...] = (
    OpeningCodeRow("domestic_incident", "Domestic incident", PRIORITY, domestic=True),
    OpeningCodeRow(
        "harassment_breach_of_order", "Harassment / breach of order", PRIORITY, domestic=True
    ),
    OpeningCodeRow("concern_for_safety", "Concern for safety", PRIORITY),
    OpeningCodeRow("violence", "Violence / assault", PRIORITY),
    OpeningCodeRow("threats_to_kill", "Threats to kill", IMMEDIATE),
    OpeningCodeRow("burglary_in_progress", "Burglary in progress", IMMEDIATE),
    OpeningCodeRow("suspicious_circumstances", "Suspicious circumstances", PRIORITY),
    OpeningCodeRow("stalking", "Stalking", PRIORITY),
    OpeningCodeRow("missing_person", "Missing person", PRIORITY),
    OpeningCodeRow("road_traffic_collision", "Road traffic collision", PRIORITY),
    OpeningCodeRow("antisocial_behaviour", "Anti-social behaviour", SCHEDULED),
    OpeningCodeRow("criminal_damage", "Criminal damage", SCHEDULED),
    OpeningCodeRow("theft", "Theft (not in progress)", SCHEDULED),
    OpeningCodeRow("court_order_enquiry", "Court order enquiry", SCHEDULED),
    OpeningCodeRow("information", "Information / advice only", RESOLVED),
)


# --- narrative cues -----------------------------------------------------------------------
# The words are read by `cad.calls.risk_language` (tokens and lemmas, negation, hypotheticals,
# the parties to the incident); its signals are what the rules below cite.

# Intelligence kinds that set an IMMEDIATE floor for any call from the address or phone
# they are held on, when recorded within `INTELLIGENCE_FLOOR_DAYS` of the call.
INTELLIGENCE_FLOOR_KINDS = ("marac", "domestic_abuse", "dvds", "threat_to_life")
INTELLIGENCE_FLOOR_DAYS = 365


def find_cues(text: str) -> dict[str, list[str]]:
    """Every signal in a narrative with the caller's words behind it."""
    return dict(risk_language.reading(text).signals)


# --- facts the engine reads ---------------------------------------------------------------


@dataclass(frozen=True)
class CallFacts:
    opening_code: str
    narrative: str
    now: datetime
    # From the opening-code table (the database copy; OPENING_CODES by default).
    opening_grade: str | None = None
    opening_domestic: bool = False
    persons: Sequence[Mapping] = ()
    # [{"at": datetime, "matched_on": [...], "reference", "summary"}]
    previous_contacts: Sequence[Mapping] = ()
    # [{"kind", "summary", "matched_on": ["phone"|"address"|"person"]}]
    intelligence_hits: Sequence[Mapping] = ()
    schemes_active: Sequence[Mapping] = ()
    schemes_ended: Sequence[Mapping] = ()
    # The schemes app's own floor for the caller's phone/address, if any.
    scheme_floor: str | None = None
    # The force's window for intelligence floors (INTELLIGENCE_FLOOR_DAYS when None).
    intelligence_floor_days: int | None = None

    @classmethod
    def for_code(cls, opening_code: str, **kwargs) -> CallFacts:
        """Facts with the opening code's grade and DA indicator from OPENING_CODES."""
        row = next((r for r in OPENING_CODES if r.code == opening_code), None)
        return cls(
            opening_code=opening_code,
            opening_grade=row.base_grade if row else None,
            opening_domestic=row.domestic if row else False,
            **kwargs,
        )


@dataclass
class _Seen:
    """What the rules look at, worked out once from the facts."""

    facts: CallFacts
    cues: dict[str, list[str]] = field(default_factory=dict)
    reading: risk_model.Reading = risk_model.NOTHING


# --- conditions: each returns the evidence (words for the reason) or None ------------------

Condition = Callable[[_Seen], str | None]


def cue(name: str) -> Condition:
    """A signal of `cad.calls.risk_language` in the narrative; the evidence quotes the caller."""

    def check(seen: _Seen) -> str | None:
        phrases = seen.cues.get(name)
        return ", ".join(f"“{p}”" for p in phrases[:4]) if phrases else None

    check.__name__ = f"cue({name})"
    return check


def any_of(*conditions: Condition) -> Condition:
    def check(seen: _Seen) -> str | None:
        for condition in conditions:
            evidence = condition(seen)
            if evidence:
                return evidence
        return None

    return check


def unless(condition: Condition, blocker: Condition) -> Condition:
    """`condition`, except where `blocker` holds (a caller asking only for advice)."""

    def check(seen: _Seen) -> str | None:
        return None if blocker(seen) else condition(seen)

    return check


def absent(condition: Condition) -> Condition:
    """Holds where `condition` does not; its evidence is the absence itself."""

    def check(seen: _Seen) -> str | None:
        return None if condition(seen) else "none"

    return check


def all_of(*conditions: Condition) -> Condition:
    def check(seen: _Seen) -> str | None:
        evidence = [condition(seen) for condition in conditions]
        return " and ".join(evidence) if all(evidence) else None

    return check


def resembles(question: str) -> Condition:
    """The narrative reads like the labelled calls of `question` ("domestic" or "danger");
    the evidence is the caller's words that weighed most."""

    def check(seen: _Seen) -> str | None:
        found = getattr(seen.reading, question)
        return found.evidence() if found else None

    check.__name__ = f"resembles({question})"
    return check


def domestic_opening_code() -> Condition:
    def check(seen: _Seen) -> str | None:
        return f"opening code {seen.facts.opening_code}" if seen.facts.opening_domestic else None

    return check


def intelligence(kinds: Iterable[str], matched_on: Iterable[str] | None = None) -> Condition:
    kinds = tuple(kinds)
    wanted = set(matched_on) if matched_on else None

    def check(seen: _Seen) -> str | None:
        hits = [
            hit
            for hit in seen.facts.intelligence_hits
            if hit.get("kind") in kinds
            and (wanted is None or wanted & set(hit.get("matched_on") or ()))
        ]
        if not hits:
            return None
        labels = sorted({str(hit["kind"]).replace("_", " ").upper() for hit in hits})
        noun = "log" if len(hits) == 1 else "logs"
        return f"{len(hits)} intelligence {noun} ({', '.join(labels)})"

    return check


def _occurred(hit: Mapping) -> datetime | None:
    value = hit.get("occurred_at")
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) else None


# How a hit's match reads in a reason ("... on this address", "... on this building").
MATCH_WORDS = {"same_building": "building"}


def intelligence_floor(kinds: Iterable[str] = INTELLIGENCE_FLOOR_KINDS) -> Condition:
    """Logs of `kinds` held on the caller's address or phone, recorded within the force's
    window (`CallFacts.intelligence_floor_days`, else `INTELLIGENCE_FLOOR_DAYS`) of the
    call; the evidence names each log."""
    kinds = tuple(kinds)

    def check(seen: _Seen) -> str | None:
        days = seen.facts.intelligence_floor_days
        window = timedelta(days=days if days is not None else INTELLIGENCE_FLOOR_DAYS)
        named = []
        for hit in seen.facts.intelligence_hits:
            at = _occurred(hit)
            if hit.get("kind") not in kinds or at is None:
                continue
            # Another flat of the building counts: callers often give only the number.
            if not {"address", "same_building", "phone"} & set(hit.get("matched_on") or ()):
                continue
            if not (seen.facts.now - window <= at <= seen.facts.now + timedelta(days=1)):
                continue
            label = str(hit["kind"]).replace("_", " ").upper()
            where = " and ".join(
                MATCH_WORDS.get(m, m) for m in hit.get("matched_on") or () if m != "person"
            )
            summary = str(hit.get("summary") or "").strip()
            summary = f": {summary[:80]}" if summary else ""
            number = f" {hit['id']}" if hit.get("id") else ""
            named.append(f"{label} log{number} of {at:%d %b %Y} on this {where}{summary}")
        return "; ".join(named[:3]) if named else None

    return check


def scheme_active() -> Condition:
    def check(seen: _Seen) -> str | None:
        count = len(seen.facts.schemes_active)
        if count:
            return f"{count} active special scheme{'s' if count > 1 else ''}"
        if seen.facts.scheme_floor:
            return "a special scheme grading floor"
        return None

    return check


def scheme_ended() -> Condition:
    def check(seen: _Seen) -> str | None:
        count = len(seen.facts.schemes_ended)
        return f"{count} ended special scheme{'s' if count > 1 else ''}" if count else None

    return check


def repeat_contact(days: int = REPEAT_CONTACT_DAYS) -> Condition:
    def check(seen: _Seen) -> str | None:
        since = seen.facts.now - timedelta(days=days)
        recent = [c for c in seen.facts.previous_contacts if c.get("at") and c["at"] >= since]
        if not recent:
            return None
        refs = ", ".join(str(c.get("reference", "")) for c in recent[:3] if c.get("reference"))
        noun = "contact" if len(recent) == 1 else "contacts"
        return f"{len(recent)} previous {noun} in {days} days" + (f" ({refs})" if refs else "")

    return check


# --- the rules table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    # Short label shown as the flag on screens.
    flag: str
    when: Condition
    # Why the flag is raised; "{evidence}" is replaced with what was found.
    reason: str
    recommend: str | None = None
    floor: str | None = None
    da_prompt: bool = False
    # "risk" (red), "warn" (amber) or "history" (grey) on screens.
    severity: str = "risk"


# Domestic abuse as the narrative or the opening code tells it.
DOMESTIC = any_of(
    cue("party_abuse"),
    cue("da_words"),
    cue("order"),
    cue("man_and_woman"),
    # A name tied to a partner or family word, or cried to the one doing harm; a man's
    # force on a woman with a tie of home, car or bond between them.
    cue("named_party"),
    cue("male_on_female"),
    domestic_opening_code(),
)
# A danger from the other party here and now. Presence, being held and being followed
# count unless the caller says they are safe ("I'm not in danger, he lives in another city").
HERE_NOW = any_of(
    cue("entry_now"),
    cue("threat_now"),
    cue("violence_now"),
    cue("weapon_held"),
    cue("distress_now"),
    # A party smashing the home up now: the next blow may be at a person.
    cue("damage_now"),
    # Someone locked in or kept from leaving now.
    cue("confined_now"),
    unless(
        any_of(cue("presence"), cue("stalking_now"), cue("held_now")),
        any_of(cue("safe"), cue("calm"), cue("far_away")),
    ),
)
# The caller asks for advice or a record, or says the danger has passed.
CALM = cue("calm")

RULES: tuple[Rule, ...] = (
    Rule(
        "scheme.active",
        "active special scheme",
        scheme_active(),
        "The caller's address or phone has {evidence}: respond immediately.",
        recommend=IMMEDIATE,
        floor=IMMEDIATE,
    ),
    Rule(
        "scheme.ended",
        "ended special scheme",
        scheme_ended(),
        "This address or phone had {evidence}: the risk behind it may be current again.",
        severity="history",
    ),
    Rule(
        "intel.floor",
        "high-risk domestic abuse intelligence here",
        intelligence_floor(),
        "Calls from this address or phone are treated as immediate: {evidence}.",
        recommend=IMMEDIATE,
        floor=IMMEDIATE,
        da_prompt=True,
    ),
    Rule(
        "cue.life_at_risk",
        "life at risk",
        cue("life_at_risk"),
        "Someone's life is at risk: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.weapon",
        "weapon",
        cue("weapon_held"),
        "Someone has a weapon: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.weapon_mentioned",
        "weapon mentioned",
        cue("weapon_mentioned"),
        "A weapon is mentioned, with no one said to hold it: {evidence}.",
        severity="warn",
    ),
    Rule(
        "cue.violence_now",
        "violence now",
        cue("violence_now"),
        "Violence is happening now: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.threat_now",
        "threat now",
        cue("threat_now"),
        "A threat to harm or kill, made now: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.intruder",
        "intruder now",
        cue("intruder_now"),
        "Someone is breaking in or inside now: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.forced_entry",
        "forcing entry",
        cue("forced_entry"),
        "Someone is forcing their way in: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.child_missing",
        "young child or vulnerable person missing",
        cue("child_missing"),
        "A young child or a vulnerable person is missing: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.missing_at_risk",
        "missing person at risk",
        cue("missing_at_risk"),
        "A missing person in danger now (drunk, cold, or several signs of risk): {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.missing_concern",
        "missing person: concern",
        unless(cue("missing_concern"), CALM),
        "A missing person with a sign of risk: {evidence}.",
        recommend=PRIORITY,
        severity="warn",
    ),
    Rule(
        "cue.abduction",
        "abduction",
        cue("abduction"),
        "Someone is being taken away: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.road_danger",
        "danger on the road",
        cue("road_danger"),
        "A vehicle is a danger to people now: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.offender_present",
        "offender present",
        cue("offender_present"),
        "An offender is there now: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.stalker_here",
        "stalker here now",
        all_of(cue("stalking"), any_of(cue("presence_now"), cue("entry_now"))),
        "Someone who has been following or harassing the caller is there now: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.distress",
        "cries for help",
        cue("distress_now"),
        "Someone is heard in distress now: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.confined",
        "someone held against their will",
        unless(cue("confined_now"), cue("safe")),
        "Someone is locked in, shut in or kept from leaving: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "cue.theft_from_person",
        "theft from the person",
        unless(cue("theft_from_person"), CALM),
        "Something snatched from someone just now: {evidence}.",
        recommend=PRIORITY,
        severity="warn",
    ),
    Rule(
        "cue.at_the_door",
        "someone at the door",
        unless(cue("entry_now"), CALM),
        "Someone is at the door or trying to get in: {evidence}.",
        recommend=PRIORITY,
        severity="warn",
    ),
    Rule(
        "cue.violence_recent",
        "violence earlier",
        unless(cue("violence_recent"), CALM),
        "Violence has been described: {evidence}.",
        recommend=PRIORITY,
        severity="warn",
    ),
    Rule(
        "cue.threat_recent",
        "threat made",
        unless(cue("threat_recent"), CALM),
        "A threat to harm or kill was made: {evidence}.",
        recommend=PRIORITY,
        severity="warn",
    ),
    Rule(
        "cue.stalking",
        "stalking or harassment",
        cue("stalking"),
        "Stalking or harassment is described: {evidence}.",
        severity="warn",
    ),
    Rule(
        "cue.relationship",
        "domestic abuse: partner or family",
        any_of(
            all_of(cue("party"), cue("party_abuse")),
            all_of(cue("known_person"), cue("party_abuse")),
            cue("man_and_woman"),
        ),
        "The narrative names a partner, ex-partner, family member or someone the caller "
        "knows, and what they did: {evidence}.",
        da_prompt=True,
    ),
    Rule(
        "cue.named_party",
        "domestic abuse: someone known by name",
        cue("named_party"),
        "A person named as a partner or relative, or called by name by the one being "
        "hurt: {evidence}.",
        da_prompt=True,
    ),
    Rule(
        "cue.male_on_female",
        "domestic abuse: man's violence to a woman",
        cue("male_on_female"),
        "A man's violence or threat to a woman, with a tie of home, car or relationship "
        "between them: {evidence}.",
        da_prompt=True,
    ),
    Rule(
        "cue.control",
        "controlling behaviour",
        unless(cue("control_concern"), CALM),
        "Control of money, phone, contact or belongings by someone the person knows, "
        "with fear or a request to check on them: {evidence}.",
        recommend=PRIORITY,
        da_prompt=True,
    ),
    Rule(
        # The same control told on a call for advice ("advised re Clare's Law, NFA"): to
        # ask about and record, not to attend.
        "cue.control_advice",
        "controlling behaviour, advice asked",
        all_of(cue("control_concern"), CALM),
        "Control of money, phone, contact or belongings by someone the person knows, "
        "told on a call for advice: {evidence}.",
        da_prompt=True,
    ),
    Rule(
        "cue.da_history",
        "domestic abuse words",
        cue("da_words"),
        "The caller speaks of domestic abuse: {evidence}.",
        da_prompt=True,
    ),
    Rule(
        "cue.order",
        "court order / conditions",
        cue("order"),
        "The narrative mentions an order or conditions protecting someone: {evidence}.",
        da_prompt=True,
    ),
    Rule(
        "da.current_threat",
        "domestic abuse: threat now",
        all_of(DOMESTIC, HERE_NOW),
        "Domestic abuse ({evidence}) with the other party here or a threat now: "
        "respond immediately.",
        recommend=IMMEDIATE,
        floor=IMMEDIATE,
        da_prompt=True,
    ),
    Rule(
        "da.strangulation",
        "domestic abuse: strangulation",
        all_of(cue("party_abuse"), cue("strangulation")),
        "Strangulation by a partner or family member ({evidence}) is a marker of homicide "
        "risk: respond immediately.",
        recommend=IMMEDIATE,
        da_prompt=True,
    ),
    Rule(
        "da.recent",
        "domestic abuse: recent harm",
        unless(
            all_of(
                DOMESTIC,
                any_of(
                    cue("violence_recent"),
                    cue("threat_recent"),
                    cue("stalking_recent"),
                    cue("coercion"),
                    cue("abuse_recent"),
                    cue("order_breach"),
                ),
            ),
            any_of(
                # Advice asked about an old matter, or a call that ends on an enquiry; not
                # when someone was hurt today.
                all_of(any_of(CALM, cue("enquiry")), absent(cue("harm_today"))),
                # Words, messages or damage from someone who lives far away ("she moved
                # to Spain last year"), with no violence, threat or breach told.
                all_of(
                    cue("far_away"),
                    absent(cue("violence_recent")),
                    absent(cue("threat_recent")),
                    absent(cue("order_breach")),
                    absent(cue("stalking_now")),
                    # A tracker found on the car today: close, whoever fitted it.
                    absent(cue("stalking_recent")),
                ),
            ),
        ),
        "Domestic abuse ({evidence}) reported soon after it happened.",
        recommend=PRIORITY,
        da_prompt=True,
    ),
    Rule(
        "da.open_line",
        "cries for help on an open line",
        cue("open_line_distress"),
        "A silent or open line with cries for help ({evidence}): ask about domestic abuse.",
        recommend=IMMEDIATE,
        da_prompt=True,
    ),
    Rule(
        "opening.domestic",
        "domestic opening code",
        domestic_opening_code(),
        "The call was opened as {evidence}, a domestic abuse indicator.",
        da_prompt=True,
    ),
    Rule(
        "intel.domestic_abuse",
        "domestic abuse intelligence",
        intelligence(DA_INTELLIGENCE),
        "The intelligence check found {evidence}.",
        recommend=PRIORITY,
        da_prompt=True,
    ),
    Rule(
        "intel.current_threat_at_location",
        "domestic abuse: threat at this address",
        all_of(
            intelligence(DA_INTELLIGENCE, matched_on=("address", "same_building", "phone")),
            HERE_NOW,
        ),
        "Domestic abuse intelligence for this address or phone ({evidence}) and a threat "
        "there now: respond immediately.",
        recommend=IMMEDIATE,
        floor=IMMEDIATE,
        da_prompt=True,
    ),
    Rule(
        "intel.threat_to_life",
        "threat to life",
        intelligence(
            ("threat_to_life",), matched_on=("address", "same_building", "phone", "person")
        ),
        "A threat-to-life warning is held for this caller, address or person ({evidence}).",
        recommend=IMMEDIATE,
        floor=IMMEDIATE,
        da_prompt=True,
    ),
    Rule(
        "intel.safeguarding_children",
        "children at risk",
        intelligence(("safeguarding_children",)),
        "Child safeguarding intelligence: {evidence}.",
        recommend=PRIORITY,
        severity="warn",
    ),
    Rule(
        "intel.warning_marker",
        "warning marker",
        intelligence(("warning_marker",)),
        "A warning marker is held: {evidence}.",
        severity="warn",
    ),
    # Last, so that a rule's own reason leads where both recommend the same grade.
    Rule(
        "words.reads_like_domestic_abuse",
        "reads like domestic abuse",
        resembles("domestic"),
        "The call reads like those labelled domestic abuse: {evidence}. Ask the domestic "
        "abuse questions.",
        da_prompt=True,
        severity="warn",
    ),
    Rule(
        "words.reads_like_danger_now",
        "reads like danger now",
        resembles("danger"),
        "The call reads like those labelled danger now: {evidence}. Respond immediately "
        "unless the caller's answers show there is none.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "contact.repeat",
        "repeat contact",
        repeat_contact(),
        "Repeat contact about the same caller, address or person: {evidence}.",
        recommend=PRIORITY,
        severity="warn",
    ),
)


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    reason: str
    severity: str
    recommend: str | None
    floor: str | None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "reason": self.reason,
            "severity": self.severity,
            "recommend": self.recommend,
            "floor": self.floor,
        }


@dataclass(frozen=True)
class Assessment:
    recommended_grade: str
    grade_floor: str | None
    da_prompt: bool
    flags: tuple[Flag, ...]
    # Why the grade is what it is, including the opening code's own starting grade.
    basis: str

    @property
    def risk_flags(self) -> list[str]:
        return [flag.label for flag in self.flags]

    def flag(self, code: str) -> Flag | None:
        return next((f for f in self.flags if f.code == code), None)

    def as_dict(self) -> dict:
        return {
            "recommended_grade": self.recommended_grade,
            "grade_floor": self.grade_floor,
            "da_prompt": self.da_prompt,
            "risk_flags": self.risk_flags,
            "reasons": [flag.as_dict() for flag in self.flags],
            "basis": self.basis,
        }


def why(recommended: str | None, flags: Iterable[Mapping], opening_label: str = "") -> str:
    """One line saying why this grade is recommended: the reason of the flag that set it
    (a floor first), else the opening code's starting grade."""
    flags = list(flags)
    deciding = [f for f in flags if recommended and f.get("floor") == recommended] or [
        f for f in flags if recommended and f.get("recommend") == recommended
    ]
    if deciding:
        return f"{recommended}: {deciding[0].get('reason', '')}"
    if recommended and opening_label:
        return f"{recommended}: the opening code {opening_label} starts there; no risk cues."
    return f"{recommended}: no risk cues found." if recommended else ""


def assess(facts: CallFacts, rules: Sequence[Rule] = RULES) -> Assessment:
    """Run every rule over the facts; most urgent recommendation and floor win."""
    seen = _Seen(
        facts=facts,
        cues=find_cues(facts.narrative),
        reading=risk_model.read(facts.narrative),
    )
    flags: list[Flag] = []
    recommended = facts.opening_grade
    basis = (
        f"Opening code {facts.opening_code} starts at {facts.opening_grade}."
        if facts.opening_grade
        else f"Opening code {facts.opening_code} has no starting grade."
    )
    floor = facts.scheme_floor
    da_prompt = False
    for rule in rules:
        evidence = rule.when(seen)
        if not evidence:
            continue
        flags.append(
            Flag(
                code=rule.code,
                label=rule.flag,
                reason=rule.reason.format(evidence=evidence),
                severity=rule.severity,
                recommend=rule.recommend,
                floor=rule.floor,
            )
        )
        recommended = more_urgent(recommended, rule.recommend)
        floor = more_urgent(floor, rule.floor)
        da_prompt = da_prompt or rule.da_prompt
    recommended = more_urgent(recommended, floor) or PRIORITY
    return Assessment(
        recommended_grade=recommended,
        grade_floor=floor,
        da_prompt=da_prompt,
        flags=tuple(flags),
        basis=basis,
    )
