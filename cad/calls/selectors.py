"""Reads of the call-handling app: incident representation, previous contacts, lookups,
follow-ups and the supervisor board's call-handling items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cad.calls import grading
from cad.kernel.moments import iso
from cad.kernel.normalise import address_key, name_key, phone_key
from cad.kernel.policy import allows
from cad.models import (
    Contact,
    Event,
    FollowUp,
    GradeChange,
    Incident,
    OpeningCode,
    Person,
    UserAvailability,
)
from dispatch.selectors import assignments_for_incident
from intelligence.selectors import check_summary, lookup_hits
from schemes.selectors import scheme_lookup

PREVIOUS_LIMIT = 20
SUMMARY_CHARS = 160


def incidents_readable_by(user):
    """Every incident; for a unit terminal, only those its unit is or was assigned to."""
    incidents = Incident.objects.all()
    if allows(user, "incident.read_any"):
        return incidents
    return incidents.filter(assignments__unit__terminal_user=user).distinct()


def opening_codes(*, active_only: bool = True) -> list[dict]:
    rows = OpeningCode.objects.all()
    if active_only:
        rows = rows.filter(active=True)
    return [
        {"code": r.code, "label": r.label, "base_grade": r.base_grade, "domestic": r.domestic}
        for r in rows
    ]


def opening_code_label(code: str) -> str:
    return OpeningCode.label_for(code)


def _shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def previous_contacts(
    *,
    phone_key: str = "",
    address_key: str = "",
    name_keys: Iterable[str] = (),
    uprn: int | None = None,
    exclude_contact=None,
    exclude_incident=None,
    before: datetime | None = None,
    limit: int = PREVIOUS_LIMIT,
) -> list[dict]:
    """Contacts (and the incidents they opened) with the same phone or address, most recent
    first; "person" is added to `matched_on` when the caller's name agrees too. `at` is a
    datetime here; the API layer formats it."""
    match = Q()
    if phone_key:
        match |= Q(caller_phone_key=phone_key)
    if address_key:
        match |= Q(address_key=address_key)
    if uprn:
        match |= Q(uprn=uprn)
    # A name only corroborates: common names would flood the list on their own.
    names = [key for key in name_keys if key]
    if not match:
        return []
    rows = Contact.objects.filter(match).select_related("incident")
    if exclude_contact is not None:
        rows = rows.exclude(pk=exclude_contact.pk)
    if exclude_incident is not None:
        rows = rows.exclude(incident=exclude_incident)
    if before is not None:
        rows = rows.filter(received_at__lte=before)
    result = []
    for contact in rows.order_by("-received_at", "-id")[:limit]:
        matched = []
        if phone_key and contact.caller_phone_key == phone_key:
            matched.append("phone")
        if (address_key and contact.address_key == address_key) or (uprn and contact.uprn == uprn):
            matched.append("address")
        if names and contact.caller_name_key in names:
            matched.append("person")
        incident = contact.incident
        result.append(
            {
                "id": contact.id,
                "reference": contact.reference,
                "channel": contact.channel,
                "at": contact.received_at,
                "summary": _shorten(contact.summary),
                "matched_on": matched,
                "incident": incident.id if incident else None,
                "incident_reference": incident.reference if incident else None,
                "incident_grade": incident.grade if incident else None,
                "domestic_abuse": incident.domestic_abuse if incident else None,
            }
        )
    return result


def previous_contacts_api(rows: list[dict]) -> list[dict]:
    return [{**row, "at": row["at"].isoformat()} for row in rows]


def repeat_contact(rows: list[dict], now: datetime) -> bool:
    since = now - timedelta(days=grading.REPEAT_CONTACT_DAYS)
    return any(row["at"] >= since for row in rows)


def previous_for_incident(incident: Incident, persons: list[Person] | None = None) -> list[dict]:
    if persons is None:
        keys = incident.persons.exclude(name_key="").values_list("name_key", flat=True)
    else:
        keys = [person.name_key for person in persons if person.name_key]
    return previous_contacts(
        phone_key=incident.caller_phone_key,
        address_key=incident.address_key,
        name_keys=[name_key(incident.caller_name), *keys],
        uprn=incident.uprn,
        exclude_incident=incident,
        before=incident.received_at,
    )


def previous_for_contact(contact: Contact) -> list[dict]:
    return previous_contacts(
        phone_key=contact.caller_phone_key,
        address_key=contact.address_key,
        name_keys=[contact.caller_name_key],
        uprn=contact.uprn,
        exclude_contact=contact,
        before=contact.received_at,
    )


def _scheme_items(lookup) -> list[dict]:
    return [{**item, "active": True} for item in lookup.active] + [
        {**item, "active": False} for item in lookup.history
    ]


def incident_schemes(incident: Incident, now: datetime | None = None) -> list[dict]:

    lookup = scheme_lookup(
        phone=incident.caller_phone,
        address=incident.address,
        postcode=incident.postcode,
        uprn=incident.uprn,
        now=now,
    )
    return _scheme_items(lookup)


# What a service read about an incident (its assessment; an event's opening-code label),
# kept on the instance for the response of the same request (see `cad.calls.services`).
_READ_FOR_REPRESENTATION = "_read_for_representation"


def remember_for_representation(incident: Incident, **read) -> None:
    incident.__dict__.setdefault(_READ_FOR_REPRESENTATION, {}).update(read)


def incident_representation(incident: Incident, *, viewer) -> dict:
    """The incident as API.md describes it, plus the fields the screens need.

    When the request's service has just assessed this very incident, the schemes, the
    latest check, the previous contacts and the opening code's label it read inside its
    transaction are used as they are (once) instead of being read again; so are the
    persons, narrative, assignments and grade history of an incident it has just created.
    """

    known = incident.__dict__.pop(_READ_FOR_REPRESENTATION, {})
    persons = known["persons"] if "persons" in known else list(incident.persons.order_by("id"))
    if "narrative" in known:
        entries = known["narrative"]
    else:
        entries = incident.narrative.select_related("author").order_by("at", "id")
    narrative = [
        {
            "id": entry.id,
            "at": entry.at.isoformat(),
            "author": entry.author.username,
            "text": entry.text,
        }
        for entry in entries
    ]
    intel = known["intelligence"] if "intelligence" in known else check_summary(incident=incident)
    intel = intel or {}
    flags = incident.risk_flags or []
    return {
        "id": incident.id,
        "reference": incident.reference,
        "status": incident.status,
        "grade": incident.grade,
        "recommended_grade": incident.recommended_grade or None,
        "grade_floor": incident.grade_floor,
        "domestic_abuse": incident.domestic_abuse,
        "da_prompt": incident.da_prompt,
        "risk_flags": [flag.get("label", flag.get("code", "")) for flag in flags],
        "response_due_at": iso(incident.response_due_at),
        "clock_state": incident.clock_state,
        "resourced": incident.resourced,
        "tags": list(incident.tags),
        "narrative": narrative,
        "intelligence": {
            "checked_at": intel.get("checked_at"),
            "hits": intel.get("hits", []),
        },
        "schemes": (
            _scheme_items(known["schemes"]) if "schemes" in known else incident_schemes(incident)
        ),
        "previous_contacts": previous_contacts_api(
            known["previous_contacts"]
            if "previous_contacts" in known
            else previous_for_incident(incident, persons)
        ),
        "assignments": (
            known["assignments"]
            if "assignments" in known
            else list(assignments_for_incident(incident))
        ),
        "location": incident_location(incident),
        # Beyond the contract: what the screens and terminals show.
        "channel": incident.channel,
        "received_at": incident.received_at.isoformat(),
        "caller_phone": incident.caller_phone,
        "caller_name": incident.caller_name,
        "address": incident.address,
        "postcode": incident.postcode,
        "area": incident.area,
        "opening_code": incident.opening_code,
        "opening_code_label": known.get("opening_code_label")
        or opening_code_label(incident.opening_code),
        "persons": [
            {"name": p.name, "dob": p.dob.isoformat() if p.dob else None, "role": p.role}
            for p in persons
        ],
        "risk_reasons": flags,
        "recommendation_reason": grading.why(
            incident.recommended_grade,
            flags,
            known.get("opening_code_label") or opening_code_label(incident.opening_code),
        ),
        "grade_rationale": incident.grade_rationale,
        "below_recommendation": incident.below_recommendation,
        "da_rationale": incident.da_rationale,
        "thrive": incident.thrive,
        "appointment_at": iso(incident.appointment_at),
        "warning_at": iso(incident.warning_at),
        "graded_at": iso(incident.graded_at),
        "first_arrival_at": iso(incident.first_arrival_at),
        "closing_code": incident.closing_code,
        "closing_summary": incident.closing_summary,
        "closed_at": iso(incident.closed_at),
        "repeat_contact": any(f.get("code") == "contact.repeat" for f in flags),
        "grade_history": (
            known["grade_history"] if "grade_history" in known else grade_history(incident)
        ),
        "url": reverse("cad:incident", args=[incident.id]),
    }


def incident_location(incident: Incident) -> dict | None:
    """{"lat", "lon", "uprn", "source"}, or None when where the incident is is not known."""
    if incident.lat is None or incident.lon is None:
        return None
    return {
        "lat": incident.lat,
        "lon": incident.lon,
        "uprn": incident.uprn,
        "source": incident.location_source or None,
    }


def grade_history(incident: Incident) -> list[dict]:
    return [
        {
            "at": change.at.isoformat(),
            "actor": change.actor.username,
            "before": change.before or None,
            "after": change.after,
            "recommended_grade": change.recommended_grade or None,
            "grade_floor": change.grade_floor or None,
            "below_floor": change.below_floor,
            "below_recommendation": change.below_recommendation,
            "rationale": change.rationale,
            "domestic_abuse": change.domestic_abuse,
            "da_rationale": change.da_rationale,
            "response_due_at": iso(change.response_due_at),
        }
        for change in GradeChange.objects.filter(incident=incident).select_related("actor")
    ]


def incident_history(incident: Incident, limit: int = 200) -> list[dict]:
    """The incident's events, oldest first: every action on it, by whom and when."""
    rows = Event.objects.filter(incident=incident).select_related("actor").order_by("id")[:limit]
    return [
        {
            "id": event.id,
            "kind": event.kind,
            "at": event.at.isoformat(),
            "actor": event.actor.username if event.actor else "system",
            "summary": event.data.get("summary", ""),
        }
        for event in rows
    ]


def open_incidents(limit: int = 200) -> list[Incident]:
    return list(
        Incident.objects.filter(status=Incident.Status.OPEN)
        .annotate(opening_code_label=OpeningCode.label_of_incident())
        .order_by("-received_at")[:limit]
    )


def lookup(
    *,
    phone: str = "",
    address: str = "",
    postcode: str = "",
    name: str = "",
    uprn: int | None = None,
    now=None,
):
    """What a call handler sees while typing: previous contacts, schemes, intelligence hits.
    `uprn`: the gazetteer's address point chosen for the address, if one was."""

    now = now or timezone.now()
    phone_k = phone_key(phone)
    address_k = address_key(address, postcode) if (address or postcode) else ""
    name_k = name_key(name)
    previous = previous_contacts(
        phone_key=phone_k,
        address_key=address_k,
        name_keys=[name_k] if name_k else [],
        uprn=uprn,
    )
    schemes = scheme_lookup(phone=phone, address=address, postcode=postcode, uprn=uprn, now=now)
    hits = lookup_hits(
        phone=phone,
        address=address,
        postcode=postcode,
        persons=[{"name": name, "dob": None}] if name else (),
        uprn=uprn,
    )
    return {
        "phone_key": phone_k,
        "address_key": address_k,
        "previous_contacts": previous_contacts_api(previous),
        "repeat_contact": repeat_contact(previous, now),
        "schemes": _scheme_items(schemes),
        "grade_floor": schemes.grade_floor,
        "intelligence": {"hits": hits},
    }


# --- follow-ups and absence ---------------------------------------------------------------


def follow_up_item(record: FollowUp, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    contact = record.contact
    return {
        "id": record.id,
        "contact": contact.id,
        "reference": contact.reference,
        "channel": contact.channel,
        "received_at": contact.received_at.isoformat(),
        "caller_name": contact.caller_name,
        "caller_phone": contact.caller_phone,
        "address": contact.address,
        "summary": contact.summary,
        "owner": record.owner.username,
        "assigned_by": record.assigned_by.username,
        "assigned_at": record.assigned_at.isoformat(),
        "due_at": record.due_at.isoformat(),
        "status": record.status,
        "status_label": record.get_status_display(),
        "overdue": record.status == FollowUp.Status.AWAITING and record.due_at <= now,
        "acknowledged_at": iso(record.acknowledged_at),
        "acknowledged_by": record.acknowledged_by.username if record.acknowledged_by else None,
        "escalated_at": iso(record.escalated_at),
        "completed_at": iso(record.completed_at),
        "outcome": record.outcome,
    }


def follow_up_for_contact(contact: Contact) -> dict | None:
    record = (
        FollowUp.objects.select_related("contact", "owner", "assigned_by", "acknowledged_by")
        .filter(contact=contact)
        .first()
    )
    return follow_up_item(record) if record else None


def my_follow_ups(user, *, include_done: bool = False) -> list[dict]:
    rows = FollowUp.objects.filter(owner=user).select_related(
        "contact", "owner", "assigned_by", "acknowledged_by"
    )
    if not include_done:
        rows = rows.exclude(status=FollowUp.Status.DONE)
    now = timezone.now()
    return [follow_up_item(r, now) for r in rows.order_by("due_at", "id")]


def supervisor_follow_ups() -> list[dict]:
    """Follow-ups that reached the supervisor (overdue or owner absent) and are not taken."""
    rows = FollowUp.objects.filter(
        status__in=[FollowUp.Status.OVERDUE, FollowUp.Status.REROUTED]
    ).select_related("contact", "owner", "assigned_by", "acknowledged_by")
    now = timezone.now()
    return [follow_up_item(r, now) for r in rows.order_by("escalated_at", "id")]


def follow_ups_due(now: datetime, limit: int = 500) -> list[int]:
    """Ids of follow-ups awaiting acknowledgement past their due time (the sweep's input)."""
    return list(
        FollowUp.objects.filter(status=FollowUp.Status.AWAITING, due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )


def contact_representation(contact: Contact, *, viewer) -> dict:

    lookup_result = scheme_lookup(
        phone=contact.caller_phone,
        address=contact.address,
        postcode=contact.postcode,
        uprn=contact.uprn,
    )
    intel = check_summary(contact=contact) or {}
    return {
        "id": contact.id,
        "reference": contact.reference,
        "channel": contact.channel,
        "received_at": contact.received_at.isoformat(),
        "caller_phone": contact.caller_phone,
        "caller_name": contact.caller_name,
        "address": contact.address,
        "postcode": contact.postcode,
        "summary": contact.summary,
        "incident": contact.incident_id,
        "previous_contacts": previous_contacts_api(previous_for_contact(contact)),
        "schemes": _scheme_items(lookup_result),
        "intelligence": {"checked_at": intel.get("checked_at"), "hits": intel.get("hits", [])},
        "follow_up": follow_up_for_contact(contact),
        "created_by": contact.created_by.username,
        "da_prompt": contact.da_prompt,
        "risk_reasons": contact.risk_flags or [],
        "recommendation_reason": next(
            (flag["reason"] for flag in contact.risk_flags or [] if flag.get("severity") == "risk"),
            "",
        ),
        "domestic_abuse": contact.domestic_abuse,
        "da_rationale": contact.da_rationale,
        "da_answered_by": contact.da_answered_by.username if contact.da_answered_by else None,
        "da_answered_at": iso(contact.da_answered_at),
    }


def absences(*, current_only: bool = False, now=None) -> list[dict]:
    now = now or timezone.now()
    rows = UserAvailability.objects.select_related("user", "set_by")
    if current_only:
        rows = rows.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    return [
        {
            "id": row.id,
            "user": row.user.username,
            "starts_at": row.starts_at.isoformat(),
            "ends_at": iso(row.ends_at),
            "reason": row.reason,
            "set_by": row.set_by.username,
            "set_at": row.set_at.isoformat(),
            "current": row.starts_at <= now and (row.ends_at is None or row.ends_at > now),
        }
        for row in rows.order_by("-starts_at", "-id")[:200]
    ]


def supervisor_board_items(now=None) -> list[dict]:
    """Call-handling items for the supervisor board: follow-ups that are overdue or were
    re-routed from an absent owner, and grades below the engine's recommendation."""
    now = now or timezone.now()
    items = []
    for record in FollowUp.objects.filter(
        status__in=[FollowUp.Status.OVERDUE, FollowUp.Status.REROUTED]
    ).select_related("contact", "owner"):
        rerouted = record.status == FollowUp.Status.REROUTED
        items.append(
            {
                "kind": "follow_up_rerouted" if rerouted else "follow_up_overdue",
                "title": f"Follow-up {record.contact.reference} "
                + ("re-routed: owner absent" if rerouted else "not acknowledged"),
                "detail": f"Owner {record.owner.username}, due "
                f"{timezone.localtime(record.due_at):%d %b %H:%M}: "
                f"{_shorten(record.contact.summary, 100)}",
                "url": reverse("cad:follow_ups") + f"#follow-up-{record.id}",
                "at": (record.escalated_at or record.due_at).isoformat(),
                "severity": "risk",
                "contact": record.contact_id,
            }
        )
    for incident in Incident.objects.filter(
        status=Incident.Status.OPEN,
        below_recommendation=True,
        downgrade_reviewed_at__isnull=True,
    ):
        items.append(
            {
                "kind": "downgrade",
                "title": f"{incident.reference} graded {incident.grade}, "
                f"recommended {incident.recommended_grade}",
                "detail": _shorten(
                    f"{opening_code_label(incident.opening_code)}. Rationale: "
                    + (incident.grade_rationale or "none given"),
                    140,
                ),
                "url": reverse("cad:incident", args=[incident.id]),
                "at": (incident.downgrade_flagged_at or incident.graded_at or now).isoformat(),
                "severity": "warn",
                "incident": incident.id,
            }
        )
    items.sort(key=lambda item: item["at"])
    return items


def viewer_may_review_downgrade(viewer) -> bool:
    return allows(viewer, "follow_up.supervise")
