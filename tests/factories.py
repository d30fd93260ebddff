"""Factories that go through the services, so test data obeys the same rules as real data.

incident = incident_factory()                         # ungraded, urban, now
incident = incident_factory(grade="IMMEDIATE", area="rural", received_at=then)
contact = contact_factory(follow_up={"owner": officer, "due_at": due})
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cad.models import Grade

_serial = itertools.count(1)


def role_user(role: str, username: str | None = None):
    """A user holding `role` (created on first use)."""
    name = username or f"{role}-factory-{next(_serial)}"
    user, _ = get_user_model().objects.get_or_create(username=name)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


# Ms A's 999 call as the reports give it, as the call handler first records it.
SEED_CASE_CALL = {
    "channel": "999",
    "caller_phone": "07700 900123",
    "caller_name": "Ms A",
    "address": "14 Acacia Avenue",
    "postcode": "SW1A 1AA",
    "area": "urban",
    "narrative": "Someone banging on the door; caller thinks it is her ex-husband.",
    "opening_code": "suspicious_circumstances",
    "persons": [{"name": "Ms A", "dob": "1986-03-14", "role": "victim"}],
}


def ensure_opening_codes() -> None:
    """The seeded opening codes (a transactional test's flush may have removed them)."""
    from cad.apps import ensure_opening_codes as seed

    seed(sender=None)


def contact_factory(
    *,
    actor=None,
    channel: str = "switchboard",
    caller_phone: str = "",
    caller_name: str = "",
    address: str = "",
    postcode: str = "",
    summary: str = "Caller asked for advice",
    follow_up: dict | None = None,
    now=None,
):
    from cad.calls.services import contact_create

    return contact_create(
        actor=actor or role_user("call_handler"),
        channel=channel,
        caller_phone=caller_phone,
        caller_name=caller_name,
        address=address,
        postcode=postcode,
        summary=summary,
        follow_up=follow_up,
        now=now,
    )


def incident_factory(
    *,
    actor=None,
    grade: str | None = None,
    area: str = "urban",
    received_at=None,
    **fields,
):
    """An incident created (and, with `grade`, graded) through the services.

    Extra fields: channel, caller_phone, caller_name, address, postcode, narrative,
    opening_code, persons, and for grading: rationale, domestic_abuse, da_rationale,
    thrive, appointment_at, graded_at (defaults to received_at).
    """
    from cad.calls.services import incident_create, incident_grade

    ensure_opening_codes()
    actor = actor or role_user("call_handler")
    received_at = received_at or timezone.now()
    grading = {
        key: fields.pop(key)
        for key in ("rationale", "domestic_abuse", "da_rationale", "thrive", "appointment_at")
        if key in fields
    }
    graded_at = fields.pop("graded_at", received_at)
    incident = incident_create(
        actor=actor,
        channel=fields.pop("channel", "999"),
        caller_phone=fields.pop("caller_phone", ""),
        caller_name=fields.pop("caller_name", ""),
        address=fields.pop("address", f"{next(_serial)} Factory Road"),
        postcode=fields.pop("postcode", ""),
        area=area,
        narrative=fields.pop("narrative", "Caller reports a disturbance in the street."),
        opening_code=fields.pop("opening_code", "concern_for_safety"),
        persons=fields.pop("persons", []),
        now=received_at,
    )
    if fields:
        raise TypeError(f"unknown incident_factory fields: {', '.join(sorted(fields))}")
    if grade is None:
        return incident
    if grade == Grade.SCHEDULED and "appointment_at" not in grading:
        grading["appointment_at"] = graded_at + timedelta(hours=4)
    if incident.grade_floor and "rationale" not in grading:
        grading["rationale"] = "Graded by a test factory."
    if incident.da_prompt and not grading.get("domestic_abuse") and "da_rationale" not in grading:
        grading["da_rationale"] = "Graded by a test factory."
    return incident_grade(actor=actor, incident=incident, grade=grade, now=graded_at, **grading)
