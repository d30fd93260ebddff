"""The seed case's data, shared by the API-only and the browser replays.

Ms A (07700 900123, 14 Acacia Avenue, SW1A 1AA) and her ex-husband: seven intelligence
logs (the same rows the intelligence demo loads), a special scheme on her address and
phone, the switchboard call about the court order and the 999 call a week later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from intelligence.demo import SEED_CASE

PHONE = "07700 900123"
ADDRESS = "14 Acacia Avenue"
POSTCODE = "SW1A 1AA"
VICTIM = "Ms A"
VICTIM_DOB = "1986-03-14"
SWITCHBOARD_SUMMARY = "Wants to reactivate a court order against her ex-husband"
# The caller's words in the seed reports, exactly.
NARRATIVE = "someone is banging on my door, I think it's my ex-husband"
FURTHER_ENTRY = "Caller can hear him shouting her name; she is upstairs with her daughter."
OTHER_CALL = "Man with a knife threatening shoppers outside the station, people running."
SCHEME_REASON = "Domestic abuse: assault and harassment by ex-husband (MARAC high risk)"

# What QART must find on the divert's timeline once the story has run.
DIVERT_TIMELINE_KINDS = (
    "incident.created",
    "incident.graded",
    "unit.assigned",
    "assignment.acknowledged",
    "unit.diverted",
    "divert.reviewed",
    "divert.replaced",
    "incident.clock.warning",
    "incident.clock.breached",
    "incident.clock.stopped",
)


def intelligence_logs(*, call_at: datetime) -> list[dict]:
    """The seven logs as an intelligence officer enters them (POST /intelligence/logs/),
    each dated as many days before the 999 call as in the intelligence demo."""
    logs = []
    for _ref, kind, days, summary, details, persons, phone, address in SEED_CASE:
        logs.append(
            {
                "kind": kind,
                "summary": summary,
                "details": details,
                "occurred_at": (call_at - timedelta(days=days)).isoformat(),
                "persons": [{"name": p["name"], "dob": p["dob"]} for p in persons],
                "phones": [PHONE] if phone else [],
                "addresses": [{"address": ADDRESS, "postcode": POSTCODE}] if address else [],
            }
        )
    return logs


def call_999(**overrides) -> dict:
    body = {
        "channel": "999",
        "caller_phone": PHONE,
        "caller_name": VICTIM,
        "address": ADDRESS,
        "postcode": POSTCODE,
        "area": "urban",
        "narrative": NARRATIVE,
        "opening_code": "suspicious_circumstances",
        "persons": [{"name": VICTIM, "dob": VICTIM_DOB, "role": "victim"}],
    }
    body.update(overrides)
    return body


class Safeguards:
    """The safeguards the seeds are about, checked as the story goes.

    A safeguard that does not fire is recorded and the replay goes on, so that one run
    shows every safeguard that failed and still proves the steps after it; the test then
    fails at the end, naming each one.
    """

    def __init__(self) -> None:
        self.failed: list[str] = []

    def check(self, fired: bool, message: str) -> bool:
        if not fired:
            self.failed.append(message)
        return fired

    def assert_all_fired(self) -> None:
        assert not self.failed, "Safeguards that did not fire:\n- " + "\n- ".join(self.failed)
