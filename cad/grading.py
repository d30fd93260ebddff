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
  grade it recommends, the floor it sets, and whether it raises the DA prompt.

The engine takes the most urgent recommendation and the most urgent floor of the
rules that fire; the recommendation is never below the floor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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

_APOS = "['\u2019]?"  # "won't", "won’t" and "wont" all count

CUES: dict[str, tuple[str, ...]] = {
    # Current or former intimate partners.
    "relationship": (
        r"\bex[-\s]?(?:husband|hubby|wife|partner|boyfriend|girlfriend|fianc[eé]e?)\b",
        r"\bmy ex\b(?![-\s]?(?:husband|hubby|wife|partner|boyfriend|girlfriend|fianc))",
        r"\b(?:former|estranged|separated) (?:husband|wife|partner|boyfriend|girlfriend)\b",
        r"\b(?:my|her|his) (?:husband|wife|partner|boyfriend|girlfriend)\b",
    ),
    # Orders and conditions that protect someone from a named person.
    "order": (
        r"\bcourt order\b",
        r"\bnon[-\s]?molestation\b",
        r"\brestraining order\b",
        r"\bbail conditions?\b",
        r"\bprotective order\b",
        r"\boccupation order\b",
        r"\binjunction\b",
        r"\bdvp[on]\b",
        r"\bprotection (?:notice|order)\b",
    ),
    # A threat happening now.
    "threat": (
        r"\bthreat(?:en)?(?:ed|ening|s)? to kill\b",
        r"\b(?:trying|tried|tries) to (?:get|break|force (?:his|her|their) way) in\b",
        r"\b(?:banging|bangs|banged|hammering|kicking|pounding) (?:on|at) "
        r"(?:my|the|our|her) (?:front |back )?(?:door|window)s?\b",
        r"\b(?:won" + _APOS + r"t|will not|refuses to|refusing to) (?:leave|go away)\b",
        r"\bweapons?\b",
        r"\b(?:knife|knives|gun|firearm|machete|axe|hammer)\b",
        r"\b(?:forced|forcing|kicked) (?:entry|the door|(?:the )?door in)\b",
        r"\bbreaking in\b",
    ),
    # Weapons on their own: the threat rule also counts these.
    "weapon": (r"\bweapons?\b", r"\b(?:knife|knives|gun|firearm|machete|axe)\b"),
    # History of domestic abuse told by the caller.
    "da_history": (
        r"\bdomestic (?:violence|abuse|incident|case)s?\b",
        r"\bdv (?:case|history|incident)\b",
        r"\bmarac\b",
        r"\bclare'?s law\b",
    ),
}

# Words just before a cue that deny it ("no weapon", "not my ex").
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|isn" + _APOS + r"t|doesn" + _APOS + r"t|hasn" + _APOS + r"t)"
    r"(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)
# Cue vocabularies where a negation in front cancels the cue.
NEGATABLE = frozenset({"weapon", "relationship", "threat"})

_COMPILED = {name: [re.compile(p, re.IGNORECASE) for p in pats] for name, pats in CUES.items()}


def find_cues(text: str) -> dict[str, list[str]]:
    """Every cue vocabulary with the phrases found for it (in order, no repeats)."""
    found: dict[str, list[str]] = {}
    for name, patterns in _COMPILED.items():
        phrases: list[str] = []
        for pattern in patterns:
            for match in pattern.finditer(text or ""):
                before = text[max(0, match.start() - 30) : match.start()]
                clause = re.split(r"[.,;!?]", before)[-1]
                if name in NEGATABLE and _NEGATION.search(clause):
                    continue
                phrase = match.group(0).lower()
                if phrase not in phrases:
                    phrases.append(phrase)
        if phrases:
            found[name] = phrases
    return found


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


# --- conditions: each returns the evidence (words for the reason) or None ------------------

Condition = Callable[[_Seen], str | None]


def cue(name: str) -> Condition:
    def check(seen: _Seen) -> str | None:
        phrases = seen.cues.get(name)
        return ", ".join(f"“{p}”" for p in phrases) if phrases else None

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


def all_of(*conditions: Condition) -> Condition:
    def check(seen: _Seen) -> str | None:
        evidence = [condition(seen) for condition in conditions]
        return " and ".join(evidence) if all(evidence) else None

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
        "cue.relationship",
        "partner or ex-partner",
        cue("relationship"),
        "The narrative names a partner or former partner: {evidence}.",
        da_prompt=True,
    ),
    Rule(
        "cue.order",
        "court order / conditions",
        cue("order"),
        "The narrative mentions an order or conditions protecting someone: {evidence}.",
        recommend=PRIORITY,
        da_prompt=True,
    ),
    Rule(
        "cue.da_history",
        "domestic abuse history",
        cue("da_history"),
        "The caller describes previous domestic abuse: {evidence}.",
        recommend=PRIORITY,
        da_prompt=True,
    ),
    Rule(
        "cue.threat",
        "current threat",
        cue("threat"),
        "The narrative describes a threat happening now: {evidence}.",
        recommend=PRIORITY,
    ),
    Rule(
        "cue.weapon",
        "weapon",
        cue("weapon"),
        "A weapon is mentioned: {evidence}.",
        recommend=IMMEDIATE,
    ),
    Rule(
        "da.current_threat",
        "domestic abuse: threat now",
        all_of(
            cue("threat"),
            any_of(cue("relationship"), cue("order"), cue("da_history"), domestic_opening_code()),
        ),
        "A threat now from a partner, ex-partner or someone under an order ({evidence}): "
        "respond immediately.",
        recommend=IMMEDIATE,
        floor=IMMEDIATE,
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
        all_of(intelligence(DA_INTELLIGENCE, matched_on=("address", "phone")), cue("threat")),
        "Domestic abuse intelligence for this address or phone ({evidence}) and a threat "
        "there now: respond immediately.",
        recommend=IMMEDIATE,
        floor=IMMEDIATE,
        da_prompt=True,
    ),
    Rule(
        "intel.threat_to_life",
        "threat to life",
        intelligence(("threat_to_life",), matched_on=("address", "phone", "person")),
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


def assess(facts: CallFacts, rules: Sequence[Rule] = RULES) -> Assessment:
    """Run every rule over the facts; most urgent recommendation and floor win."""
    seen = _Seen(facts=facts, cues=find_cues(facts.narrative))
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
