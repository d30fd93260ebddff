"""Known histories, built through the real services at controlled times, whose report
figures are worked out by hand in the tests.

T0 is 09:00 UTC on Monday 2 March 2026 (London time is UTC then). Targets are the
seeded defaults: IMMEDIATE 15 min urban / 20 min rural, PRIORITY 60 min.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(*, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours, minutes=minutes)


def user(role: str, username: str | None = None):
    user_obj, _ = get_user_model().objects.get_or_create(username=username or role)
    user_obj.set_password("correct-horse-battery")
    user_obj.save()
    user_obj.groups.add(Group.objects.get_or_create(name=role)[0])
    return user_obj


@dataclass
class Actors:
    call_handler: object
    dispatcher: object
    controller: object
    inspector: object
    admin: object
    qart: object
    supervisor: object

    @classmethod
    def make(cls) -> Actors:
        return cls(
            call_handler=user("call_handler", "handler1"),
            dispatcher=user("dispatcher", "dispatcher1"),
            controller=user("controller", "controller1"),
            inspector=user("inspector", "inspector1"),
            admin=user("admin", "admin1"),
            qart=user("qart", "qart1"),
            supervisor=user("supervisor", "supervisor1"),
        )


@dataclass
class Incidents:
    """The response-time and divert history (see the module docstring of test_reports)."""

    actors: Actors
    incidents: dict = field(default_factory=dict)
    diverts: dict = field(default_factory=dict)


def build_incidents() -> Incidents:
    """Ten incidents in the period and one before it; three diverts.

    I1 IMMEDIATE urban T0: U1 assigned +2, at scene +10 (within); U1 later diverted (D3).
    I2 IMMEDIATE urban T0+1h: U1 diverted to it at +5 (D3, never reviewed), at scene +20.
    I3 IMMEDIATE rural T0+2h: U3 +1, at scene +18 (within the 20 min rural target).
    I4 PRIORITY urban T0+3h: U4 +5; diverted to I5 at +20 (D1); controller approves
       at +23; inspector sends U5 at +50 (replaced); U5 at scene +70 (breach).
    I5 IMMEDIATE urban T0+3h15: U4 arrives via D1 at +5, at scene +12 (within).
    I6 PRIORITY urban T0+4h: U6 +10; diverted to I7 at +15 (D2); controller overrides
       at +25 (U6 back); at scene +40 (within).
    I7 PRIORITY urban T0+4h10: U6 from +5 to +15 (recalled); closed unattended at +80
       (breach).
    I8 PRIORITY rural T0+9h30: no unit, not yet due at T0+10h (pending).
    I9 SCHEDULED urban T0+1h, appointment T0+5h: U9 at T0+3h, at scene T0+4h (within).
    I10 RESOLVED_WITHOUT_DEPLOYMENT at T0+5h: no clock.
    I0 IMMEDIATE urban the day before: outside the period.
    """
    from cad.calls.services import incident_close
    from dispatch.services import (
        divert_replace,
        divert_review,
        unit_assign,
        unit_create,
        unit_divert,
        unit_status_set,
    )
    from tests.factories import incident_factory

    actors = Actors.make()
    data = Incidents(actors=actors)
    for callsign, area in [
        ("U0", "urban"),
        ("U1", "urban"),
        ("U3", "rural"),
        ("U4", "urban"),
        ("U5", "urban"),
        ("U6", "urban"),
        ("U9", "urban"),
    ]:
        unit_create(actor=actors.admin, callsign=callsign, area=area)
    disp = actors.dispatcher

    def incident(name, grade, received, area="urban", **extra):
        data.incidents[name] = incident_factory(
            actor=actors.call_handler, grade=grade, area=area, received_at=received, **extra
        )
        return data.incidents[name]

    def assign(unit, name, when):
        unit_assign(actor=disp, incident=data.incidents[name], unit=unit, now=when)

    def arrive(unit, when):
        unit_status_set(actor=disp, unit=unit, status="at_scene", now=when)

    incident("I0", "IMMEDIATE", at(days=-1))
    assign("U0", "I0", at(days=-1, minutes=1))
    arrive("U0", at(days=-1, minutes=5))

    incident("I1", "IMMEDIATE", at())
    assign("U1", "I1", at(minutes=2))
    arrive("U1", at(minutes=10))

    incident("I2", "IMMEDIATE", at(hours=1))
    incident("I9", "SCHEDULED", at(hours=1), appointment_at=at(hours=5))
    data.diverts["D3"] = unit_divert(
        actor=disp,
        unit="U1",
        to_incident=data.incidents["I2"],
        reason="Nearest unit to an immediate call",
        now=at(hours=1, minutes=5),
    )
    arrive("U1", at(hours=1, minutes=20))

    incident("I3", "IMMEDIATE", at(hours=2), area="rural")
    assign("U3", "I3", at(hours=2, minutes=1))
    arrive("U3", at(hours=2, minutes=18))

    assign("U9", "I9", at(hours=3))

    incident("I4", "PRIORITY", at(hours=3))
    assign("U4", "I4", at(hours=3, minutes=5))
    incident("I5", "IMMEDIATE", at(hours=3, minutes=15))
    data.diverts["D1"] = unit_divert(
        actor=disp,
        unit="U4",
        to_incident=data.incidents["I5"],
        reason="Immediate call, U4 is two streets away",
        now=at(hours=3, minutes=20),
    )
    divert_review(
        actor=actors.controller,
        divert=data.diverts["D1"],
        decision="approve",
        rationale="I5 is a threat to life; I4 can wait for another unit",
        now=at(hours=3, minutes=23),
    )
    arrive("U4", at(hours=3, minutes=27))
    divert_replace(
        actor=actors.inspector, divert=data.diverts["D1"], unit="U5", now=at(hours=3, minutes=50)
    )

    arrive("U9", at(hours=4))

    incident("I6", "PRIORITY", at(hours=4))
    assign("U6", "I6", at(hours=4, minutes=10))
    incident("I7", "PRIORITY", at(hours=4, minutes=10))
    arrive("U5", at(hours=4, minutes=10))
    data.diverts["D2"] = unit_divert(
        actor=disp,
        unit="U6",
        to_incident=data.incidents["I7"],
        reason="I7 caller sounded distressed",
        now=at(hours=4, minutes=15),
    )
    divert_review(
        actor=actors.controller,
        divert=data.diverts["D2"],
        decision="override",
        rationale="I6 reports a weapon; the greater risk",
        now=at(hours=4, minutes=25),
    )
    arrive("U6", at(hours=4, minutes=40))

    incident("I10", "RESOLVED_WITHOUT_DEPLOYMENT", at(hours=5))
    incident_close(
        actor=actors.call_handler,
        incident=data.incidents["I7"],
        closing_code="no_trace",
        summary="Caller not found",
        now=at(hours=5, minutes=30),
    )
    incident("I8", "PRIORITY", at(hours=9, minutes=30), area="rural")
    for key, value in data.diverts.items():
        value.refresh_from_db()
        data.diverts[key] = value
    return data


def build_contacts(actors: Actors) -> dict:
    """Contacts and follow-ups (on top of the contacts that incidents record).

    C1 switchboard T0+1h, due +1h, acknowledged at +30 (on time).
    C2 switchboard T0+2h, due +1h, escalated overdue at +70, acknowledged at +90 (late).
    C3 101 T0+3h, due +1h, never acknowledged, escalated overdue at +65.
    C4 101 T0+5h, due T0+11h: open, not yet due at T0+10h.
    C5 online T0+6h, no follow-up.
    C6 switchboard T0+7h, due T0+9h; its owner is marked absent at T0+7h30 (rerouted).
    """
    from cad.calls.services import (
        follow_up_acknowledge,
        follow_up_escalate_overdue,
        user_absence_set,
    )
    from cad.models import FollowUp
    from tests.factories import contact_factory

    owner = user("call_handler", "owner1")
    absent = user("call_handler", "owner2")
    admin = actors.admin

    def contact(channel, received, due=None, who=owner):
        follow_up = {"owner": who.username, "due_at": due} if due else None
        return contact_factory(
            actor=actors.call_handler,
            channel=channel,
            summary=f"{channel} contact",
            follow_up=follow_up,
            now=received,
        )

    made = {
        "C1": contact("switchboard", at(hours=1), at(hours=2)),
        "C2": contact("switchboard", at(hours=2), at(hours=3)),
        "C3": contact("101", at(hours=3), at(hours=4)),
        "C4": contact("101", at(hours=5), at(hours=11)),
        "C5": contact("online", at(hours=6)),
        "C6": contact("switchboard", at(hours=7), at(hours=9), who=absent),
    }
    follow_up_acknowledge(actor=owner, contact=made["C1"], now=at(hours=1, minutes=30))
    c2 = FollowUp.objects.get(contact=made["C2"])
    assert follow_up_escalate_overdue(follow_up_id=c2.pk, now=at(hours=3, minutes=10))
    follow_up_acknowledge(actor=owner, contact=made["C2"], now=at(hours=3, minutes=30))
    c3 = FollowUp.objects.get(contact=made["C3"])
    assert follow_up_escalate_overdue(follow_up_id=c3.pk, now=at(hours=4, minutes=5))
    user_absence_set(
        actor=user("supervisor", "supervisor1"),
        user=absent,
        starts_at=at(hours=7, minutes=30),
        ends_at=at(days=3),
        reason="Leave",
        now=at(hours=7, minutes=30),
    )
    del admin
    return made


def build_schemes() -> dict:
    """Five special schemes over 60 days, with the review sweep run every day at 09:00.

    S1 starts T0, ends T0+30d; victim told at T0+2d; extended at T0+20d (on time).
    S2 starts T0+1h, ends T0+31d; victim told at T0+9d; no decision until the second
       stage and the overdue escalation at T0+31d; withdrawn at T0+35d (late).
    S3 starts T0+2h, ends T0+32d; unsafe to contact (T0+1d); never decided: second stage
       and overdue at T0+32d, overdue repeated every 7 days.
    S4 starts T0+3h, ends T0+90d; never told; its first stage falls after the period.
    S5 starts T0-10d, ends T0+40d; decided at T0+27d to end at its planned end (on time).
    """
    from schemes.models import Scheme
    from schemes.services import (
        scheme_contact_record,
        scheme_create,
        scheme_extend,
        scheme_reviews_sweep,
        scheme_withdraw,
    )

    oic = user("oic", "oic1")

    def create(name, start, end, number):
        return scheme_create(
            actor=oic,
            victim_name=f"Victim {name}",
            oic=oic.username,
            reason="Threats from ex-partner",
            ends_at=end,
            address=f"{number} Acacia Avenue",
            postcode="SW1A 1AA",
            now=start,
        )

    def contact(scheme, purpose, outcome, when, notes=""):
        scheme_contact_record(
            actor=oic,
            scheme_id=scheme.pk,
            purpose=purpose,
            method="phone",
            outcome=outcome,
            notes=notes,
            at=when,
            now=when,
        )

    made = {"S5": create("S5", at(days=-10), at(days=40), 5)}
    contact(made["S5"], "explain", "informed", at(days=-9))
    made["S1"] = create("S1", at(), at(days=30), 1)
    made["S2"] = create("S2", at(hours=1), at(days=31), 2)
    made["S3"] = create("S3", at(hours=2), at(days=32), 3)
    made["S4"] = create("S4", at(hours=3), at(days=90), 4)

    actions = {
        1: lambda: contact(
            made["S3"], "explain", "unsafe_to_contact", at(days=1), "Suspect lives there"
        ),
        2: lambda: contact(made["S1"], "explain", "informed", at(days=2, hours=1)),
        9: lambda: contact(made["S2"], "explain", "informed", at(days=9, hours=1)),
        20: lambda: scheme_extend(
            actor=oic,
            scheme_id=made["S1"].pk,
            ends_at=at(days=100),
            rationale="Risk continues",
            now=at(days=20, hours=1),
        ),
        27: lambda: (
            contact(made["S5"], "withdrawal", "informed", at(days=27, hours=1)),
            scheme_withdraw(
                actor=oic,
                scheme_id=made["S5"].pk,
                rationale="Suspect moved abroad",
                at_planned_end=True,
                now=at(days=27, hours=2),
            ),
        ),
        35: lambda: (
            contact(made["S2"], "withdrawal", "informed", at(days=35, hours=1)),
            scheme_withdraw(
                actor=oic,
                scheme_id=made["S2"].pk,
                rationale="Victim has moved",
                now=at(days=35, hours=2),
            ),
        ),
    }
    for day in range(0, 61):
        scheme_reviews_sweep(now=at(days=day))
        if day in actions:
            actions[day]()
    return {name: Scheme.objects.get(pk=scheme.pk) for name, scheme in made.items()}


def build_grading(actors: Actors) -> dict:
    """Graded incidents received on T0 (plus one ungraded).

    G1 concern for safety, PRIORITY (as recommended).
    G2 concern for safety, SCHEDULED (below the recommendation).
    G3 domestic incident, PRIORITY, recorded as DA.
    G4 domestic incident, PRIORITY, not DA: "Neighbours, no relationship".
    G5 domestic incident, SCHEDULED (below), not DA: "Flatmates arguing over rent".
    G6 at an address with a special scheme (floor IMMEDIATE), graded PRIORITY with a
       rationale (below the floor and the recommendation).
    G7 concern for safety, not graded.
    """
    from schemes.services import scheme_create
    from tests.factories import incident_factory

    oic = user("oic", "oic1")
    scheme_create(
        actor=oic,
        victim_name="Ms G",
        oic=oic.username,
        reason="Threats to kill",
        ends_at=at(days=100),
        address="6 Grading Street",
        postcode="SW1A 2AA",
        now=at(days=-1),
    )
    handler = actors.call_handler

    def make(name, grade, minutes, **extra):
        return incident_factory(
            actor=handler,
            grade=grade,
            received_at=at(minutes=minutes),
            graded_at=at(minutes=minutes + 2),
            **extra,
        )

    domestic = {
        "opening_code": "domestic_incident",
        "narrative": "Argument heard next door earlier, quiet now.",
    }
    return {
        "G1": make("G1", "PRIORITY", 0),
        "G2": make("G2", "SCHEDULED", 10, appointment_at=at(days=1)),
        "G3": make("G3", "PRIORITY", 20, domestic_abuse=True, **domestic),
        "G4": make(
            "G4",
            "PRIORITY",
            30,
            domestic_abuse=False,
            da_rationale="Neighbours, no relationship",
            **domestic,
        ),
        "G5": make(
            "G5",
            "SCHEDULED",
            40,
            da_rationale="Flatmates arguing over rent",
            appointment_at=at(days=1),
            **domestic,
        ),
        "G6": make(
            "G6",
            "PRIORITY",
            50,
            address="6 Grading Street",
            postcode="SW1A 2AA",
            rationale="Caller says the suspect has left",
        ),
        "G7": make("G7", None, 60),
    }


def build_one_divert() -> Incidents:
    """A PRIORITY incident A whose unit U1 is diverted to an IMMEDIATE incident B (D1)."""
    from dispatch.services import unit_assign, unit_create, unit_divert
    from tests.factories import incident_factory

    actors = Actors.make()
    data = Incidents(actors=actors)
    unit_create(actor=actors.admin, callsign="U1")
    data.incidents["A"] = incident_factory(
        actor=actors.call_handler, grade="PRIORITY", received_at=at()
    )
    data.incidents["B"] = incident_factory(
        actor=actors.call_handler, grade="IMMEDIATE", received_at=at(minutes=5)
    )
    unit_assign(actor=actors.dispatcher, incident=data.incidents["A"], unit="U1", now=at(minutes=1))
    data.diverts["D1"] = unit_divert(
        actor=actors.dispatcher,
        unit="U1",
        to_incident=data.incidents["B"],
        reason="Immediate call nearby",
        now=at(minutes=6),
    )
    return data
