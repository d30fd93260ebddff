"""Every action that changes state in the call-handling app, one function each."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from cad.calls import grading, selectors
from cad.kernel.coordinates import lat_lon
from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.kernel.events import publish, service, service_transaction
from cad.kernel.gazetteer import uprn_value
from cad.kernel.geocode import resolve
from cad.kernel.moments import iso
from cad.kernel.normalise import address_key, name_key, phone_key, postcode_key
from cad.kernel.policy import allows, require
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ALL_ROLES, has_role, user_roles
from cad.models import (
    AddressPoint,
    Area,
    Channel,
    ClosingCode,
    Contact,
    FollowUp,
    FollowUpEscalation,
    Grade,
    GradeChange,
    Incident,
    LocationSource,
    NarrativeEntry,
    OpeningCode,
    Person,
    ResponseTarget,
    UserAvailability,
)
from dispatch.models import Unit
from dispatch.selectors import terminal_user_ids
from dispatch.services import CLOCK_FIELDS, clock_reschedule, incident_units_release
from intelligence.selectors import check_hits, check_summary
from intelligence.services import intel_check_run
from schemes.selectors import scheme_lookup

User = get_user_model()

# Roles that take calls from the public and so may record a contact.
FOLLOW_UP_AUDIENCE = policy_roles("hears.control_room")
THRIVE_FIELDS = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
# Free text that callers and lines read: generous but bounded.
MAX_TEXT = 5000
MAX_PERSONS = 20
UNKNOWN_PHONES = {"withheld", "unknown", "private", "none"}


@service
def user_create_or_update(
    *, username: str, role: str, password: str, unit_callsign: str | None = None
):
    """Create (or reset) a user with exactly one role; optionally link a unit terminal."""
    errors: dict[str, list[str]] = {}
    if role not in ALL_ROLES:
        errors["role"] = [f"Unknown role {role!r}; one of: {', '.join(ALL_ROLES)}."]
    if not username or len(username) > 150:
        errors["username"] = ["A username of 1 to 150 characters is required."]
    if not password:
        # Deployments and acceptance scripts choose their own passwords; only emptiness is refused.
        errors["password"] = ["A password is required."]
    if unit_callsign and role != "unit":
        errors["unit"] = ["Only a user with the unit role can be linked to a unit."]
    if errors:
        raise InvalidInput(errors)
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.is_staff = role == "admin"
    user.is_superuser = role == "admin"
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    if unit_callsign:
        unit = Unit.objects.filter(callsign=unit_callsign.upper()).first()
        if unit is None:
            raise InvalidInput({"unit": [f"No unit with callsign {unit_callsign}."]})
        Unit.objects.filter(terminal_user=user).exclude(pk=unit.pk).update(terminal_user=None)
        unit.terminal_user = user
        unit.save(update_fields=["terminal_user"])
    return user


@service
def response_target_set(*, grade: str, seconds: int, area: str | None = None) -> list:
    """Set the attendance target for a grade, in one area or both."""
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = [f"Unknown grade {grade!r}; one of: {', '.join(Grade.values)}."]
    if area not in (None, "urban", "rural"):
        errors["area"] = ["Area must be urban or rural."]
    if not isinstance(seconds, int) or seconds <= 0 or seconds > 7 * 24 * 3600:
        errors["seconds"] = ["A whole number of seconds between 1 and 604800 is required."]
    if errors:
        raise InvalidInput(errors)
    targets = []
    for each_area in [area] if area else ["urban", "rural"]:
        target, _ = ResponseTarget.objects.update_or_create(
            grade=grade, area=each_area, defaults={"seconds": seconds}
        )
        targets.append(target)
    return targets


# --- shared checks ------------------------------------------------------------------------


def _next_reference(prefix: str, at: datetime) -> str:
    """PREFIX-YYYYMMDD-NNNN, numbered per local day; concurrent callers never share one.

    The counter row stays locked until the caller commits, so every creation waits for
    the one before it: take the number as late in the transaction as possible (see
    `_provisional_reference`)."""
    day = timezone.localdate(at)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cad_referencecounter (prefix, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (prefix, day) DO UPDATE SET last = cad_referencecounter.last + 1 "
            "RETURNING last",
            [prefix, day],
        )
        number = cursor.fetchone()[0]
    return f"{prefix}-{day:%Y%m%d}-{number:04d}"


def _provisional_reference() -> str:
    """A unique stand-in, replaced by the real reference before the row is committed."""
    return f"~{uuid.uuid4().hex[:30]}"


def _text(errors: dict, field: str, value, *, required: bool, label: str, limit=MAX_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [f"{label} must be text."]
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = [f"{label} is required."]
    elif len(value) > limit:
        errors[field] = [f"{label} must be at most {limit} characters."]
    return value


def _caller_keys(errors: dict, caller_phone: str, address: str, postcode: str) -> tuple[str, str]:
    phone = phone_key(caller_phone)
    if caller_phone and not phone and caller_phone.strip().lower() not in UNKNOWN_PHONES:
        errors["caller_phone"] = [
            f"{caller_phone!r} is not a phone number (use 'withheld' when there is none)."
        ]
    if postcode and not postcode_key(postcode):
        errors["postcode"] = [f"{postcode!r} is not a UK postcode."]
    return phone, address_key(address, postcode)


def _place(errors: dict, *, uprn, location, address: str, postcode: str) -> dict[str, object]:
    """Where the call is: {"uprn", "lat", "lon", "location_source"} for the incident.

    A location sent with the call (the caller's device, or a point placed on the map with
    "source": "manual") is kept as given; a UPRN chosen from the gazetteer is stored and gives
    the place when no location came; otherwise the address is geocoded, the UPRN kept only
    when it names one address point.
    """
    place: dict[str, object] = {"uprn": None, "lat": None, "lon": None, "location_source": ""}
    point = None
    if uprn is not None:
        uprn, why = uprn_value(uprn)
        if why:
            errors["uprn"] = [why]
        else:
            point = AddressPoint.objects.filter(pk=uprn).first()
            if point is None:
                errors["uprn"] = [f"{uprn} is not an address point in the gazetteer."]
            else:
                place["uprn"] = uprn
    if location is not None:
        if not isinstance(location, dict):
            errors["location"] = ['A location is {"lat", "lon"}.']
            return place
        lat, lon, bad = lat_lon(location.get("lat"), location.get("lon"))
        source = location.get("source", LocationSource.CALLER)
        if source not in (LocationSource.CALLER, LocationSource.MANUAL):
            bad["source"] = ["The source of a location sent is caller or manual."]
        if bad:
            errors["location"] = [f"{name}: {' '.join(why)}" for name, why in bad.items()]
            return place
        place.update(lat=lat, lon=lon, location_source=source)
        return place
    if point is not None:
        place.update(lat=point.lat, lon=point.lon, location_source=LocationSource.GAZETTEER)
        return place
    if errors or not address:
        return place
    found = resolve(address, postcode)
    if found is not None:
        place.update(
            uprn=found.uprn, lat=found.lat, lon=found.lon, location_source=LocationSource.GAZETTEER
        )
    return place


def _aware(errors: dict, field: str, value, label: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(value)
        if parsed is None:
            errors[field] = [f"{label} must be a date and time (ISO 8601)."]
            return None
        value = parsed
    if not isinstance(value, datetime):
        errors[field] = [f"{label} must be a date and time."]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def absence_during(user, start: datetime, end: datetime | None) -> UserAvailability | None:
    """The first recorded absence of `user` that overlaps [start, end] (end None: from start on)."""
    overlapping = UserAvailability.objects.filter(user=user).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=start)
    )
    if end is not None:
        overlapping = overlapping.filter(starts_at__lte=end)
    return overlapping.order_by("starts_at").first()


def describe_absence(absence: UserAvailability) -> str:
    start = timezone.localtime(absence.starts_at).strftime("%d %b %Y %H:%M")
    end = (
        timezone.localtime(absence.ends_at).strftime("%d %b %Y %H:%M")
        if absence.ends_at
        else "further notice"
    )
    why = f" ({absence.reason})" if absence.reason else ""
    return f"{absence.user.username} is absent from {start} until {end}{why}"


def _resolve_owner(errors: dict, owner) -> User | None:
    if isinstance(owner, User):
        return owner
    if not isinstance(owner, str) or not owner.strip():
        errors["follow_up"] = ["A follow-up needs an owner (a username)."]
        return None
    found = User.objects.filter(username=owner.strip(), is_active=True).first()
    if found is None:
        errors["follow_up"] = [f"No user called {owner!r}."]
    return found


def _check_owner(errors: dict, owner, due_at: datetime | None, now: datetime) -> None:
    if owner is None or "follow_up" in errors:
        return
    if not user_roles(owner):
        errors["follow_up"] = [f"{owner.username} holds no role and cannot own a follow-up."]
        return
    if due_at is None:
        errors["follow_up"] = ["A follow-up needs a due time (due_at)."]
        return
    if due_at <= now:
        errors["follow_up"] = ["The follow-up's due time must be in the future."]
        return
    absence = absence_during(owner, now, due_at)
    if absence is not None:
        errors["follow_up"] = [
            f"{describe_absence(absence)}: a follow-up cannot be given to an absent user. "
            "Choose someone on duty, or give it to the supervisor."
        ]


def _follow_up_event(kind: str, follow_up: FollowUp, *, actor, at, extra=None) -> None:
    contact = follow_up.contact
    data = {
        "contact": contact.id,
        "reference": contact.reference,
        "follow_up": follow_up.id,
        "owner": follow_up.owner.username,
        "status": follow_up.status,
        "due_at": follow_up.due_at.isoformat(),
        "summary": f"{contact.reference} follow-up ({follow_up.get_status_display().lower()})",
    }
    data.update(extra or {})
    publish(
        kind,
        actor=actor,
        incident=contact.incident,
        data=data,
        roles=FOLLOW_UP_AUDIENCE,
        users=[follow_up.owner_id],
        at=at,
    )


# --- contacts -----------------------------------------------------------------------------


def contact_create(
    *,
    actor,
    channel: str,
    caller_phone: str = "",
    caller_name: str = "",
    address: str = "",
    postcode: str = "",
    summary: str = "",
    follow_up: dict | None = None,
    uprn: int | None = None,
    now: datetime | None = None,
) -> Contact:
    """Record a contact with the public (even when no incident follows), optionally with a
    follow-up for a named owner, and run the intelligence check on it."""
    now = now or timezone.now()
    require(actor, "contact.record")
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [f"Channel must be one of: {', '.join(Channel.values)}."]
    caller_phone = _text(
        errors, "caller_phone", caller_phone, required=False, label="Phone", limit=64
    )
    caller_name = _text(errors, "caller_name", caller_name, required=False, label="Name", limit=200)
    address = _text(errors, "address", address, required=False, label="Address", limit=300)
    postcode = _text(errors, "postcode", postcode, required=False, label="Postcode", limit=16)
    summary = _text(errors, "summary", summary, required=True, label="A summary")
    phone, address_k = _caller_keys(errors, caller_phone, address, postcode)
    owner = due_at = None
    if follow_up is not None:
        if not isinstance(follow_up, dict):
            errors["follow_up"] = ["A follow-up is {owner, due_at}."]
        else:
            owner = _resolve_owner(errors, follow_up.get("owner"))
            due_at = _aware(errors, "follow_up", follow_up.get("due_at"), "The due time")
            _check_owner(errors, owner, due_at, now)
    place = _place(errors, uprn=uprn, location=None, address=address, postcode=postcode)
    if errors:
        raise InvalidInput(errors)

    with service_transaction():
        contact = Contact.objects.create(
            reference=_provisional_reference(),
            channel=channel,
            received_at=now,
            caller_phone=caller_phone,
            caller_phone_key=phone,
            caller_name=caller_name,
            caller_name_key=name_key(caller_name),
            address=address,
            postcode=postcode_key(postcode) or postcode,
            address_key=address_k,
            uprn=place["uprn"],
            summary=summary,
            created_by=actor,
        )

        check = intel_check_run(actor=actor, contact=contact, manual=False, now=now)
        _assess_contact(contact, check=check, now=now)
        contact.reference = _next_reference("CON", now)
        contact.save(update_fields=["reference", "da_prompt", "risk_flags"])
        publish(
            "contact.created",
            actor=actor,
            data={
                "contact": contact.id,
                "reference": contact.reference,
                "channel": channel,
                "follow_up": owner is not None,
                "da_prompt": contact.da_prompt,
                "summary": f"{contact.reference} {contact.get_channel_display()} contact",
            },
            at=now,
        )
        if owner is not None:
            record = FollowUp.objects.create(
                contact=contact, owner=owner, assigned_by=actor, assigned_at=now, due_at=due_at
            )
            _follow_up_event("contact.follow_up_assigned", record, actor=actor, at=now)
    return contact


def _lock_follow_up(contact) -> FollowUp:
    record = (
        FollowUp.objects.select_for_update()
        .select_related("contact", "owner")
        .filter(contact_id=getattr(contact, "pk", contact))
        .first()
    )
    if record is None:
        raise Conflict("This contact has no follow-up.")
    return record


@service
def follow_up_acknowledge(*, actor, contact, now: datetime | None = None) -> FollowUp:
    """The owner takes responsibility; a supervisor may take one that reached the board."""
    now = now or timezone.now()
    require(actor, "follow_up.act")
    record = _lock_follow_up(contact)
    if record.status in (FollowUp.Status.ACKNOWLEDGED, FollowUp.Status.DONE):
        raise Conflict(f"This follow-up is already {record.get_status_display().lower()}.")
    is_owner = record.owner_id == actor.pk
    supervisor_may = record.status in (FollowUp.Status.OVERDUE, FollowUp.Status.REROUTED)
    if not is_owner and not (supervisor_may and allows(actor, "follow_up.supervise")):
        raise RoleRefused(
            "Only the follow-up's owner (or a supervisor once escalated) may do this."
        )
    record.status = FollowUp.Status.ACKNOWLEDGED
    record.acknowledged_at = now
    record.acknowledged_by = actor
    record.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _follow_up_event(
        "contact.follow_up_acknowledged",
        record,
        actor=actor,
        at=now,
        extra={"acknowledged_by": actor.username},
    )
    return record


@service
def follow_up_complete(*, actor, contact, outcome: str, now: datetime | None = None) -> FollowUp:
    """Record what was done; only an acknowledged follow-up can be completed."""
    now = now or timezone.now()
    errors: dict = {}
    outcome = _text(errors, "outcome", outcome, required=True, label="The outcome")
    if errors:
        raise InvalidInput(errors)
    record = _lock_follow_up(contact)
    if record.status != FollowUp.Status.ACKNOWLEDGED:
        raise Conflict("Acknowledge the follow-up before completing it.")
    if record.acknowledged_by_id != actor.pk and not has_role(
        actor, *policy_roles("follow_up.supervise")
    ):
        raise RoleRefused("Only whoever acknowledged the follow-up (or a supervisor) may do this.")
    record.status = FollowUp.Status.DONE
    record.completed_at = now
    record.outcome = outcome
    record.save(update_fields=["status", "completed_at", "outcome"])
    _follow_up_event("contact.follow_up_completed", record, actor=actor, at=now)
    return record


@service
def follow_up_reassign(
    *, actor, contact, owner, due_at: datetime, now: datetime | None = None
) -> FollowUp:
    """A supervisor hands an escalated or re-routed follow-up to someone on duty."""
    now = now or timezone.now()
    require(actor, "follow_up.supervise")
    errors: dict = {}
    owner = _resolve_owner(errors, owner)
    due_at = _aware(errors, "follow_up", due_at, "The due time")
    _check_owner(errors, owner, due_at, now)
    if errors:
        raise InvalidInput(errors)
    record = _lock_follow_up(contact)
    if record.status == FollowUp.Status.DONE:
        raise Conflict("This follow-up is done.")
    before = record.owner.username
    record.owner = owner
    record.due_at = due_at
    record.assigned_by = actor
    record.assigned_at = now
    record.status = FollowUp.Status.AWAITING
    record.acknowledged_at = None
    record.acknowledged_by = None
    record.escalated_at = None
    record.cycle += 1
    record.save()
    _follow_up_event(
        "contact.follow_up_assigned", record, actor=actor, at=now, extra={"from_owner": before}
    )
    return record


def _escalate(record: FollowUp, *, reason: str, status: str, kind: str, actor, now) -> bool:
    """Write the escalation once per follow-up, reason and cycle; False when already written."""
    try:
        with transaction.atomic():
            FollowUpEscalation.objects.create(
                follow_up=record, reason=reason, cycle=record.cycle, at=now, owner=record.owner
            )
    except IntegrityError:
        return False
    record.status = status
    record.escalated_at = now
    record.save(update_fields=["status", "escalated_at"])
    _follow_up_event(kind, record, actor=actor, at=now, extra={"reason": reason})
    return True


@service
def follow_up_escalate_overdue(*, follow_up_id: int, now: datetime | None = None) -> bool:
    """Sweep step: a follow-up not acknowledged by its due time goes to the supervisor."""
    now = now or timezone.now()
    record = (
        FollowUp.objects.select_for_update()
        .select_related("contact", "owner")
        .filter(pk=follow_up_id)
        .first()
    )
    if record is None or record.status != FollowUp.Status.AWAITING or record.due_at > now:
        return False
    return _escalate(
        record,
        reason=FollowUpEscalation.Reason.OVERDUE,
        status=FollowUp.Status.OVERDUE,
        kind="contact.follow_up_overdue",
        actor=None,
        now=now,
    )


@service
def user_absence_set(
    *,
    actor,
    user,
    starts_at: datetime,
    ends_at: datetime | None,
    reason: str = "",
    now: datetime | None = None,
) -> UserAvailability:
    """Mark a user absent from/to; their open follow-ups go to the supervisor at once."""
    now = now or timezone.now()
    require(actor, "absence.set")
    errors: dict = {}
    starts_at = _aware(errors, "starts_at", starts_at, "The start")
    ends_at = _aware(errors, "ends_at", ends_at, "The end")
    reason = _text(errors, "reason", reason, required=False, label="The reason", limit=200)
    if starts_at is None and "starts_at" not in errors:
        errors["starts_at"] = ["The start of the absence is required."]
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = ["The end must be after the start."]
    if ends_at and ends_at <= now:
        errors["ends_at"] = ["The absence has already ended."]
    if user is None:
        errors["user"] = ["No such user."]
    if errors:
        raise InvalidInput(errors)
    absence = UserAvailability.objects.create(
        user=user, starts_at=starts_at, ends_at=ends_at, reason=reason, set_by=actor, set_at=now
    )
    publish(
        "user.absence_set",
        actor=actor,
        data={
            "user": user.username,
            "starts_at": starts_at.isoformat(),
            "ends_at": iso(ends_at),
            "summary": f"{user.username} marked absent",
        },
        roles=policy_roles("hears.absence"),
        users=[user.pk],
        at=now,
    )
    open_ones = (
        FollowUp.objects.select_for_update()
        .select_related("contact", "owner")
        .filter(
            owner=user,
            status__in=[
                FollowUp.Status.AWAITING,
                FollowUp.Status.ACKNOWLEDGED,
                FollowUp.Status.OVERDUE,
            ],
        )
        .order_by("id")
    )
    absence.rerouted_contacts = []
    for record in open_ones:
        absence.rerouted_contacts.append(record.contact_id)
        _escalate(
            record,
            reason=FollowUpEscalation.Reason.OWNER_ABSENT,
            status=FollowUp.Status.REROUTED,
            kind="contact.follow_up_rerouted",
            actor=actor,
            now=now,
        )
    return absence


# --- incidents ----------------------------------------------------------------------------


def _persons(errors: dict, persons) -> list[dict]:
    if persons is None:
        return []
    if not isinstance(persons, list | tuple):
        errors["persons"] = ["Persons must be a list of {name, dob, role}."]
        return []
    if len(persons) > MAX_PERSONS:
        errors["persons"] = [f"At most {MAX_PERSONS} persons."]
        return []
    cleaned, problems = [], []
    for index, person in enumerate(persons):
        if not isinstance(person, dict):
            problems.append(f"Person {index + 1}: must be {{name, dob, role}}.")
            continue
        name = person.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            problems.append(f"Person {index + 1}: a name of 1 to 200 characters is required.")
            continue
        # Required: a default would show a suspect as "(victim)" on the unit's terminal.
        role = person.get("role")
        if role not in Person.Role.values:
            problems.append(
                f"Person {index + 1}: role must be one of {', '.join(Person.Role.values)}."
            )
            continue
        dob = person.get("dob")
        if isinstance(dob, str) and dob:
            try:
                dob = date.fromisoformat(dob)
            except ValueError:
                problems.append(f"Person {index + 1}: dob must be a date (YYYY-MM-DD).")
                continue
        elif dob in ("", None):
            dob = None
        if dob is not None and (not isinstance(dob, date) or dob > timezone.localdate()):
            problems.append(f"Person {index + 1}: dob must be a date in the past.")
            continue
        cleaned.append({"name": name.strip(), "dob": dob, "role": role})
    if problems:
        errors["persons"] = problems
    return cleaned


def _assess_contact(contact: Contact, *, check, now: datetime) -> None:
    """A contact with no incident is assessed as a call is: its summary's words and the
    hits of the check just run on it raise the domestic abuse prompt, which must then be
    answered."""

    facts = grading.CallFacts(
        opening_code="",
        narrative=contact.summary,
        now=now,
        intelligence_hits=check_hits(check),
        intelligence_floor_days=settings.CAD_INTELLIGENCE_FLOOR_DAYS,
    )
    assessment = grading.assess(facts)
    contact.da_prompt = assessment.da_prompt
    contact.risk_flags = [flag.as_dict() for flag in assessment.flags if flag.severity != "history"]


def contact_da_answer(
    *, actor, contact_id, domestic_abuse, da_rationale: str = "", now: datetime | None = None
) -> Contact:
    """Answer a contact's possible domestic abuse prompt: record it as domestic abuse, or say
    why it is not. Answered once; the answer is on the event log."""
    now = now or timezone.now()
    require(actor, "contact.record")
    errors: dict[str, list[str]] = {}
    if not isinstance(domestic_abuse, bool):
        errors["domestic_abuse"] = ["domestic_abuse must be true or false."]
    da_rationale = _text(
        errors, "da_rationale", da_rationale, required=domestic_abuse is False, label="The reason"
    )
    if errors:
        raise InvalidInput(errors)
    with service_transaction():
        contact = Contact.objects.select_for_update().get(pk=contact_id)  # missing: 404
        if not contact.da_prompt:
            raise Conflict("This contact has no domestic abuse prompt to answer.")
        if contact.da_answered_at is not None:
            raise Conflict(
                f"The domestic abuse prompt was answered by {contact.da_answered_by.username} "
                "already."
            )
        contact.domestic_abuse = domestic_abuse
        contact.da_rationale = da_rationale if domestic_abuse is False else ""
        contact.da_answered_by = actor
        contact.da_answered_at = now
        contact.save(
            update_fields=["domestic_abuse", "da_rationale", "da_answered_by", "da_answered_at"]
        )
        answer = "recorded as domestic abuse" if domestic_abuse else "not domestic abuse"
        publish(
            "contact.da_answered",
            actor=actor,
            data={
                "contact": contact.id,
                "reference": contact.reference,
                "domestic_abuse": domestic_abuse,
                "summary": f"{contact.reference} {answer}",
            },
            at=now,
        )
    return contact


def _assessment(
    incident: Incident,
    *,
    now: datetime,
    code: OpeningCode | None = None,
    narrative: str | None = None,
    persons: list[dict] | None = None,
) -> grading.Assessment:
    """Run the grading engine over everything known about the incident now.

    A caller that has just written the opening code, narrative or persons passes them
    instead of having them read back. What is read here (schemes, the latest check,
    previous contacts) is left on the incident for the representation of the same request
    (`cad.calls.selectors.incident_representation`), which would otherwise read it again.
    """

    if code is None:
        code = OpeningCode.objects.filter(code=incident.opening_code).first()
    if narrative is None:
        narrative = "\n".join(
            incident.narrative.order_by("at", "id").values_list("text", flat=True)
        )
    if persons is None:
        persons = list(incident.persons.values("name", "role", "name_key"))
    lookup = scheme_lookup(
        phone=incident.caller_phone,
        address=incident.address,
        postcode=incident.postcode,
        uprn=incident.uprn,
        now=now,
    )
    intelligence = check_summary(incident=incident) or {}
    previous = selectors.previous_contacts(
        phone_key=incident.caller_phone_key,
        address_key=incident.address_key,
        name_keys=[name_key(incident.caller_name)] + [p["name_key"] for p in persons],
        exclude_incident=incident,
        before=incident.received_at,
    )
    selectors.remember_for_representation(
        incident,
        schemes=lookup,
        intelligence=intelligence,
        previous_contacts=previous,
        opening_code_label=code.label if code else incident.opening_code,
    )
    facts = grading.CallFacts(
        opening_code=incident.opening_code,
        opening_grade=code.base_grade if code else None,
        opening_domestic=bool(code and code.domestic),
        narrative=narrative,
        now=now,
        persons=persons,
        previous_contacts=previous,
        intelligence_hits=intelligence.get("hits", []),
        schemes_active=list(lookup.active),
        schemes_ended=list(lookup.history),
        scheme_floor=lookup.grade_floor,
        intelligence_floor_days=settings.CAD_INTELLIGENCE_FLOOR_DAYS,
    )
    return grading.assess(facts)


def _apply_assessment(incident: Incident, assessment: grading.Assessment) -> None:
    incident.recommended_grade = assessment.recommended_grade
    incident.grade_floor = assessment.grade_floor
    incident.risk_flags = [flag.as_dict() for flag in assessment.flags]
    incident.da_prompt = assessment.da_prompt


def _incident_data(incident: Incident, *, label: str | None = None, **extra) -> dict:

    label = label or selectors.opening_code_label(incident.opening_code)
    selectors.remember_for_representation(incident, opening_code_label=label)
    data = {
        "incident": incident.id,
        "reference": incident.reference,
        "grade": incident.grade,
        "status": incident.status,
        "opening_code": incident.opening_code,
        "opening_code_label": label,
        "area": incident.area,
        "summary": f"{incident.reference} {label}"
        + (f" ({incident.grade})" if incident.grade else ""),
    }
    data.update(extra)
    return data


def incident_create(
    *,
    actor,
    channel: str,
    caller_phone: str,
    caller_name: str,
    address: str,
    postcode: str,
    area: str,
    narrative: str,
    opening_code: str,
    persons,
    uprn: int | None = None,
    location: dict | None = None,
    now: datetime | None = None,
) -> Incident:
    """Open an incident from a call: record the contact, run the intelligence check and the
    scheme lookup, and work out the recommendation, floor, flags and DA prompt.

    `uprn` is the gazetteer's address point the call handler chose; `location` a point sent
    with the call ({"lat", "lon", "source"?}); see `_place`."""
    now = now or timezone.now()
    require(actor, "incident.create")
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [f"Channel must be one of: {', '.join(Channel.values)}."]
    if area not in Area.values:
        errors["area"] = ["Area must be urban or rural."]
    caller_phone = _text(
        errors, "caller_phone", caller_phone, required=False, label="Phone", limit=64
    )
    caller_name = _text(errors, "caller_name", caller_name, required=False, label="Name", limit=200)
    address = _text(errors, "address", address, required=True, label="The address", limit=300)
    postcode = _text(errors, "postcode", postcode, required=False, label="Postcode", limit=16)
    narrative = _text(errors, "narrative", narrative, required=True, label="The narrative")
    code = None
    if not isinstance(opening_code, str) or not opening_code:
        errors["opening_code"] = ["An opening code is required."]
    else:
        code = OpeningCode.objects.filter(code=opening_code, active=True).first()
        if code is None:
            errors["opening_code"] = [f"{opening_code!r} is not an opening code in use."]
    cleaned_persons = _persons(errors, persons)
    phone, address_k = _caller_keys(errors, caller_phone, address, postcode)
    place = _place(errors, uprn=uprn, location=location, address=address, postcode=postcode)
    if errors:
        raise InvalidInput(errors)

    # The day's numbers are taken last: they are locked until commit.
    with service_transaction():
        incident = Incident.objects.create(
            reference=_provisional_reference(),
            channel=channel,
            received_at=now,
            caller_phone=caller_phone,
            caller_phone_key=phone,
            caller_name=caller_name,
            address=address,
            postcode=postcode_key(postcode) or postcode,
            address_key=address_k,
            **place,
            area=area,
            opening_code=code.code,
            created_by=actor,
        )
        first_entry = NarrativeEntry.objects.create(
            incident=incident, at=now, author=actor, text=narrative
        )
        people = Person.objects.bulk_create(
            [Person(incident=incident, name_key=name_key(p["name"]), **p) for p in cleaned_persons]
        )
        first_line = narrative.splitlines()[0][:160]
        contact = Contact.objects.create(
            reference=_provisional_reference(),
            channel=channel,
            received_at=now,
            caller_phone=caller_phone,
            caller_phone_key=phone,
            caller_name=caller_name,
            caller_name_key=name_key(caller_name),
            address=address,
            postcode=incident.postcode,
            address_key=address_k,
            uprn=incident.uprn,
            summary=f"{code.label}: {first_line}",
            incident=incident,
            created_by=actor,
        )

        intel_check_run(actor=actor, incident=incident, manual=False, now=now)
        assessment = _assessment(
            incident,
            now=now,
            code=code,
            narrative=narrative,
            persons=[{"name": p.name, "role": p.role, "name_key": p.name_key} for p in people],
        )
        _apply_assessment(incident, assessment)
        # Just created: the representation need not read back what was written here.
        selectors.remember_for_representation(
            incident, persons=people, narrative=[first_entry], assignments=[], grade_history=[]
        )
        incident.reference = _next_reference("CAD", now)
        incident.save()
        contact.reference = _next_reference("CON", now)
        contact.save(update_fields=["reference"])
        publish(
            "contact.created",
            actor=actor,
            incident=incident,
            data={
                "contact": contact.id,
                "reference": contact.reference,
                "channel": channel,
                "incident_reference": incident.reference,
                "summary": f"{contact.reference} {contact.get_channel_display()} → "
                f"{incident.reference}",
            },
            at=now,
        )
        publish(
            "incident.created",
            actor=actor,
            incident=incident,
            data=_incident_data(
                incident,
                label=code.label,
                channel=channel,
                recommended_grade=incident.recommended_grade,
                grade_floor=incident.grade_floor,
                da_prompt=incident.da_prompt,
            ),
            at=now,
        )
    return incident


def _lock_open_incident(incident) -> Incident:
    locked = Incident.objects.select_for_update().get(pk=getattr(incident, "pk", incident))
    if locked.status != Incident.Status.OPEN:
        raise Conflict(f"Incident {locked.reference} is closed.")
    return locked


def _response_due(incident: Incident, grade: str, appointment_at: datetime | None):
    if grade == Grade.SCHEDULED:
        return appointment_at
    if grade == Grade.RESOLVED_WITHOUT_DEPLOYMENT:
        return None
    target = ResponseTarget.objects.filter(grade=grade, area=incident.area).first()
    if target is None:
        raise Conflict(
            f"No response target is set for {grade} in {incident.area} areas "
            "(an administrator sets it with set_response_target)."
        )
    return incident.received_at + timedelta(seconds=target.seconds)


@service
def incident_grade(
    *,
    actor,
    incident,
    grade: str,
    rationale: str = "",
    domestic_abuse: bool | None = None,
    da_rationale: str = "",
    thrive: dict | None = None,
    appointment_at: datetime | None = None,
    now: datetime | None = None,
) -> Incident:
    """Grade (or re-grade) an incident. Below the floor needs a rationale; a raised DA prompt
    must be answered; the deadline runs from when the call was received."""
    now = now or timezone.now()
    require(actor, "incident.grade")
    incident = _lock_open_incident(incident)
    errors: dict[str, list[str]] = {}
    if grade not in Grade.values:
        errors["grade"] = [f"Grade must be one of: {', '.join(Grade.values)}."]
    rationale = _text(errors, "rationale", rationale, required=False, label="The rationale")
    da_rationale = _text(
        errors, "da_rationale", da_rationale, required=False, label="The DA rationale"
    )
    if domestic_abuse is not None and not isinstance(domestic_abuse, bool):
        errors["domestic_abuse"] = ["domestic_abuse must be true or false."]
    thrive = thrive or {}
    if not isinstance(thrive, dict):
        errors["thrive"] = [f"THRIVE is an object with: {', '.join(THRIVE_FIELDS)}."]
        thrive = {}
    unknown = sorted(set(thrive) - set(THRIVE_FIELDS))
    if unknown:
        errors["thrive"] = [f"Unknown THRIVE fields: {', '.join(unknown)}."]
    elif any(not isinstance(v, str) or len(v) > 2000 for v in thrive.values()):
        errors["thrive"] = ["Each THRIVE field is text of at most 2000 characters."]
    appointment_at = _aware(errors, "appointment_at", appointment_at, "The appointment")
    if grade in Grade.values and "grade" not in errors:
        if grading.is_below(grade, incident.grade_floor) and not rationale:
            errors["rationale"] = [
                f"{grade} is below this incident's floor of {incident.grade_floor}: "
                "a written rationale is required."
            ]
        if grade == Grade.SCHEDULED:
            if appointment_at is None and "appointment_at" not in errors:
                errors["appointment_at"] = ["A scheduled grade needs the agreed appointment time."]
            elif appointment_at is not None and appointment_at <= now:
                errors["appointment_at"] = ["The appointment must be in the future."]
    answered_before = incident.domestic_abuse is True or bool(incident.da_rationale)
    unanswered = domestic_abuse is not True and not da_rationale
    if incident.da_prompt and not answered_before and unanswered:
        errors["domestic_abuse"] = [
            "Possible domestic abuse: record it as domestic abuse, or give the reason "
            "why it is not (da_rationale)."
        ]
    if domestic_abuse is False and not da_rationale and incident.da_prompt:
        errors["da_rationale"] = ["Say why this is not domestic abuse."]
    if errors:
        raise InvalidInput(errors)

    before = incident.grade
    incident.grade = grade
    incident.graded_at = now
    incident.grade_rationale = rationale
    incident.appointment_at = appointment_at if grade == Grade.SCHEDULED else None
    if domestic_abuse is not None:
        incident.domestic_abuse = domestic_abuse
    if da_rationale:
        incident.da_rationale = da_rationale
    if thrive:
        incident.thrive = {**incident.thrive, **thrive}
    below_floor = grading.is_below(grade, incident.grade_floor)
    below_recommendation = bool(incident.recommended_grade) and grading.is_below(
        grade, incident.recommended_grade
    )
    newly_flagged = below_recommendation and not incident.below_recommendation
    incident.below_recommendation = below_recommendation
    if newly_flagged:
        incident.downgrade_flagged_at = now
        incident.downgrade_reviewed_at = None
        incident.downgrade_reviewed_by = None
    elif not below_recommendation:
        incident.downgrade_flagged_at = None
    incident.response_due_at = _response_due(incident, grade, appointment_at)

    clock_reschedule(incident=incident, now=now, save=False)  # sets the clock on `incident`
    incident.save()

    GradeChange.objects.create(
        incident=incident,
        at=now,
        actor=actor,
        before=before or "",
        after=grade,
        recommended_grade=incident.recommended_grade or "",
        grade_floor=incident.grade_floor or "",
        below_floor=below_floor,
        below_recommendation=below_recommendation,
        rationale=rationale,
        domestic_abuse=incident.domestic_abuse,
        da_rationale=da_rationale,
        thrive=thrive,
        response_due_at=incident.response_due_at,
    )
    publish(
        "incident.graded",
        actor=actor,
        incident=incident,
        data=_incident_data(
            incident,
            before=before,
            after=grade,
            recommended_grade=incident.recommended_grade,
            grade_floor=incident.grade_floor,
            below_floor=below_floor,
            below_recommendation=below_recommendation,
            domestic_abuse=incident.domestic_abuse,
            response_due_at=iso(incident.response_due_at),
            warning_at=iso(incident.warning_at),
            clock_state=incident.clock_state,
        ),
        at=now,
    )
    if newly_flagged:
        publish(
            "incident.downgrade_flagged",
            actor=actor,
            incident=incident,
            data=_incident_data(
                incident,
                recommended_grade=incident.recommended_grade,
                summary=f"{incident.reference} graded {grade}, below the recommended "
                f"{incident.recommended_grade}",
            ),
            at=now,
        )
    return incident


@service
def incident_downgrade_review(*, actor, incident, now: datetime | None = None) -> Incident:
    """A supervisor has looked at a grade below the recommendation (it leaves the board)."""
    now = now or timezone.now()
    require(actor, "incident.review_downgrade")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.below_recommendation or incident.downgrade_reviewed_at:
        raise Conflict("There is no downgrade waiting for review on this incident.")
    incident.downgrade_reviewed_at = now
    incident.downgrade_reviewed_by = actor
    incident.save(update_fields=["downgrade_reviewed_at", "downgrade_reviewed_by"])
    publish(
        "incident.downgrade_reviewed",
        actor=actor,
        incident=incident,
        data=_incident_data(incident, reviewed_by=actor.username),
        at=now,
    )
    return incident


@service
def incident_add_entry(*, actor, incident, text: str, now: datetime | None = None):
    """Append to the narrative (never edited or deleted) and weigh the new words."""
    now = now or timezone.now()
    require(actor, "incident.add_entry")
    if not selectors.incidents_readable_by(actor).filter(pk=incident.pk).exists():
        raise RoleRefused("A unit adds entries only to the incidents it is or was assigned to.")
    errors: dict = {}
    text = _text(errors, "text", text, required=True, label="The text")
    if errors:
        raise InvalidInput(errors)

    incident = _lock_open_incident(incident)
    entry = NarrativeEntry.objects.create(incident=incident, at=now, author=actor, text=text)
    before = (incident.recommended_grade, incident.grade_floor, incident.da_prompt)
    _apply_assessment(incident, _assessment(incident, now=now))
    incident.save(update_fields=["recommended_grade", "grade_floor", "risk_flags", "da_prompt"])
    raised = bool(incident.grade) and grading.is_below(incident.grade, incident.recommended_grade)
    publish(
        "incident.entry_added",
        actor=actor,
        incident=incident,
        data=_incident_data(
            incident,
            entry=entry.id,
            author=actor.username,
            recommended_grade=incident.recommended_grade,
            grade_floor=incident.grade_floor,
            da_prompt=incident.da_prompt,
            assessment_changed=before
            != (incident.recommended_grade, incident.grade_floor, incident.da_prompt),
            regrade_advised=raised,
        ),
        # Units on the incident see every new line at once on their terminals.
        users=terminal_user_ids(incident),
        at=now,
    )
    return entry


@service
def incident_close(
    *, actor, incident, closing_code: str, summary: str, now: datetime | None = None
) -> Incident:
    now = now or timezone.now()
    require(actor, "incident.close")
    errors: dict = {}
    if closing_code not in ClosingCode.values:
        errors["closing_code"] = [f"Closing code must be one of: {', '.join(ClosingCode.values)}."]
    summary = _text(errors, "summary", summary, required=True, label="A closing summary")
    if errors:
        raise InvalidInput(errors)
    incident = _lock_open_incident(incident)
    if incident.da_prompt and incident.domestic_abuse is not True and not incident.da_rationale:
        raise Conflict(
            "The possible domestic abuse prompt has not been answered: grade the incident "
            "(recording it as domestic abuse or saying why not) before closing."
        )
    incident.status = Incident.Status.CLOSED
    incident.closing_code = closing_code
    incident.closing_summary = summary
    incident.closed_at = now

    # A closed incident must not keep units committed (or show them as busy).
    incident_units_release(actor=actor, incident=incident, now=now, locked_by_caller=True)
    incident.save(
        update_fields=["status", "closing_code", "closing_summary", "closed_at", *CLOCK_FIELDS]
    )
    publish(
        "incident.closed",
        actor=actor,
        incident=incident,
        data=_incident_data(incident, closing_code=closing_code),
        at=now,
    )
    return incident
