"""Demo data for call handling: opening codes, the seed's switchboard contact (with a
follow-up that went unacknowledged) and a couple of sample incidents. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cad.apps import ensure_opening_codes
from cad.calls.services import (
    contact_create,
    follow_up_escalate_overdue,
    incident_create,
    incident_grade,
)
from cad.models import Contact

SWITCHBOARD_SUMMARY = (
    "Asked for the officer she dealt with before: wants to reactivate a court order against "
    "her ex-husband, who has been in contact with her."
)


def seed(*, users, password):
    ensure_opening_codes(sender=None)
    if Contact.objects.filter(summary=SWITCHBOARD_SUMMARY).exists():
        return
    now = timezone.now()
    handler = users["call_handler"]
    week_ago = now - timedelta(days=7)
    # The seed's first call: recorded, linked by phone and address, owned, and escalated
    # to the supervisor when nobody acknowledged it.
    contact = contact_create(
        actor=users["oic"],
        channel="switchboard",
        caller_phone="07700 900123",
        caller_name="Ms A",
        address="14 Acacia Avenue",
        postcode="SW1A 1AA",
        summary=SWITCHBOARD_SUMMARY,
        follow_up={"owner": users["oic"], "due_at": week_ago + timedelta(days=1)},
        now=week_ago,
    )
    follow_up_escalate_overdue(follow_up_id=contact.follow_up.id, now=now)

    burglary = incident_create(
        actor=handler,
        channel="999",
        caller_phone="0121 496 0000",
        caller_name="Mr Patel",
        address="9 Station Road",
        postcode="B33 8TH",
        area="urban",
        narrative="Neighbour's back window smashed, two men inside with torches now.",
        opening_code="burglary_in_progress",
        persons=[{"name": "Raj Patel", "role": "caller"}],
        now=now - timedelta(minutes=6),
    )
    incident_grade(
        actor=handler,
        incident=burglary,
        grade="IMMEDIATE",
        thrive={"threat": "Offenders on premises", "harm": "Property, possible confrontation"},
        now=now - timedelta(minutes=5),
    )
    concern = incident_create(
        actor=handler,
        channel="101",
        caller_phone="07700 900456",
        caller_name="Jo Green",
        address="Flat 3, 22 Mill Lane",
        postcode="M1 1AE",
        area="urban",
        narrative="Elderly neighbour not seen for three days, post piling up, curtains closed.",
        opening_code="concern_for_safety",
        persons=[{"name": "Edna Hall", "role": "victim"}],
        now=now - timedelta(minutes=20),
    )
    # Graded below the engine's advice with a reason: it waits on the supervisor board.
    grade_kwargs = {}
    if concern.da_prompt:
        grade_kwargs["da_rationale"] = "Neighbour welfare concern; no partner or family involved."
    incident_grade(
        actor=handler,
        incident=concern,
        grade="PRIORITY",
        rationale="Welfare check on an elderly neighbour; the caller has no concern about "
        "anyone else at the address.",
        now=now - timedelta(minutes=18),
        **grade_kwargs,
    )
