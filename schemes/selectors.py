"""Reads of the schemes app: the call-handling lookup, lists, queues and the timeline.

`scheme_lookup` is what call handling, the incident page and the unit terminal use:
schemes in force set a grading floor of IMMEDIATE; ended ones come back as history,
because a caller may believe she is still protected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cad.kernel.moments import iso
from cad.kernel.normalise import address_key, building_keys, phone_key, premises_key
from cad.models import Event, Grade, UserAvailability
from schemes.models import (
    IN_FORCE,
    ContactPurpose,
    Ending,
    Informed,
    Scheme,
    SchemeContact,
    SchemePhone,
    SchemeStatus,
    SchemeTask,
)

HISTORY_LIMIT = 10
REASON_CHARS = 90


def day_text(moment: datetime | None) -> str:
    """ "3 Mar 2027" in the force's local time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def person_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def shorten(text: str, limit: int = REASON_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def status_label(scheme: Scheme, now: datetime) -> str:
    if not scheme.in_force:
        return "ENDED"
    if scheme.overdue(now):
        return "ACTIVE (decision overdue)"
    if scheme.status == SchemeStatus.SECOND_STAGE:
        return "ACTIVE (second-stage review)"
    if scheme.status == SchemeStatus.REVIEW_DUE:
        return "ACTIVE (review due)"
    return "ACTIVE"


def scheme_summary(scheme: Scheme, now: datetime) -> str:
    """One sentence a call handler can read out or act on."""
    if not scheme.in_force:
        verb = "withdrawn" if scheme.ending == Ending.WITHDRAWN else "ended by decision"
        text = f"Scheme {verb} on {day_text(scheme.ended_at)}: {shorten(scheme.end_rationale)}"
        return text
    parts = [f"Special scheme {status_label(scheme, now)} for {scheme.victim_name}"]
    if scheme.reason:
        parts.append(shorten(scheme.reason))
    parts.append(f"OIC {person_label(scheme.oic)}")
    if scheme.overdue(now):
        parts.append(f"planned end {day_text(scheme.ends_at)} passed, still in force")
    else:
        parts.append(f"planned end {day_text(scheme.ends_at)}")
    if scheme.informed == Informed.NOT_YET:
        parts.append("victim not yet informed")
    return " — ".join(parts)


def scheme_item(scheme: Scheme, now: datetime, matched_on: list[str] | None = None) -> dict:
    return {
        "id": scheme.pk,
        "status": scheme.status,
        "ends_at": scheme.ends_at.isoformat(),
        "ending": scheme.ending,
        "ended_at": iso(scheme.ended_at),
        "summary": scheme_summary(scheme, now),
        "overdue": scheme.overdue(now),
        "informed": scheme.informed,
        "matched_on": matched_on or [],
        "url": reverse("schemes:detail", args=[scheme.pk]),
    }


@dataclass
class SchemeLookup:
    active: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)

    @property
    def grade_floor(self) -> str | None:
        return Grade.IMMEDIATE.value if self.active else None

    def as_api(self) -> list[dict]:
        """The incident representation's `schemes` field: in force first, then history."""
        return [dict(item) for item in self.active + self.history]

    def __bool__(self) -> bool:
        return bool(self.active or self.history)


def _building_where(address: str, postcode: str) -> Q | None:
    """The building whatever the flat: postcode + number when a postcode is known, else
    number + street (the same choice as for the address itself)."""
    building = building_keys(address, postcode)
    if building["building_premises_key"]:
        return Q(building_premises_key=building["building_premises_key"])
    if building["building_street_key"]:
        return Q(building_street_key=building["building_street_key"])
    return None


def matching_ids(
    *, phone: str = "", address: str = "", postcode: str = "", uprn: int | None = None
) -> set[int] | None:
    """Phone on its E.164 key; address on its UPRN, on postcode+numbers when a postcode is
    known, else on the street key; and the same building whatever the flat. Each is one
    indexed lookup; None when there is nothing to match."""
    lookups = []
    key = phone_key(phone)
    if key:
        lookups.append(SchemePhone.objects.filter(phone_key=key).values_list("scheme_id"))
    if uprn:
        lookups.append(Scheme.objects.filter(uprn=uprn).values_list("id"))
    if address or postcode:
        premises = premises_key(address, postcode)
        full = address_key(address, postcode)
        if premises:
            where = Q(premises_key=premises)
        elif full.startswith("|"):
            where = Q(street_key=full)
        elif full:
            where = Q(address_key=full)
        else:
            where = None
        building = _building_where(address, postcode)
        if building is not None:
            where = building if where is None else where | building
        if where is not None:
            lookups.append(Scheme.objects.filter(where).values_list("id"))
    if not lookups:
        return None
    return {row[0] for rows in lookups for row in rows}


def _matched_on(
    scheme: Scheme, *, phone: str, address: str, postcode: str, uprn: int | None = None
) -> list[str]:
    found = []
    key = phone_key(phone)
    if key and any(p.phone_key == key for p in scheme.phones.all()):
        found.append("phone")
    premises = premises_key(address, postcode)
    full = address_key(address, postcode)
    if (
        (uprn and scheme.uprn == uprn)
        or (premises and premises == scheme.premises_key)
        or (
            not premises
            and full
            and (full == scheme.address_key or (full.startswith("|") and full == scheme.street_key))
        )
    ):
        found.append("address")
    elif address:
        building = building_keys(address, postcode)
        if (
            building["building_premises_key"]
            and building["building_premises_key"] == scheme.building_premises_key
        ) or (
            not building["building_premises_key"]
            and building["building_street_key"]
            and building["building_street_key"] == scheme.building_street_key
        ):
            found.append("same_building")
    return found


def _same_building_only(item: dict) -> bool:
    return item["matched_on"] == ["same_building"]


def scheme_lookup(
    *, phone: str = "", address: str = "", postcode: str = "", uprn: int | None = None, now=None
) -> SchemeLookup:
    """Schemes for a phone, an address (or its UPRN) and the building it is in.

    A scheme on another flat of the building ("same_building" in `matched_on`) is in force
    all the same, so it sets the floor; it is listed after the schemes on the address.
    """
    now = now or timezone.now()
    ids = matching_ids(phone=phone, address=address, postcode=postcode, uprn=uprn)
    result = SchemeLookup()
    if not ids:
        return result
    schemes = (
        Scheme.objects.filter(id__in=ids)
        .select_related("oic")
        .prefetch_related("phones")
        .order_by("-starts_at", "-id")
    )
    for scheme in schemes:
        matched = _matched_on(scheme, phone=phone, address=address, postcode=postcode, uprn=uprn)
        item = scheme_item(scheme, now, matched)
        if scheme.in_force:
            result.active.append(item)
        elif len(result.history) < HISTORY_LIMIT:
            result.history.append(item)
    result.active.sort(key=_same_building_only)  # stable: newest first within each
    result.history.sort(key=lambda item: item["ended_at"] or "", reverse=True)
    result.history.sort(key=_same_building_only)
    return result


# --- lists, queues, detail ------------------------------------------------------------


def scheme_list(*, status: str = "", oic=None) -> QuerySet[Scheme]:
    schemes = Scheme.objects.select_related("oic").prefetch_related("phones")
    if status == SchemeStatus.ENDED:
        schemes = schemes.filter(status=SchemeStatus.ENDED).order_by("-ended_at", "-id")
    elif status:
        schemes = schemes.filter(status=status).order_by("ends_at", "id")
    else:
        schemes = schemes.order_by("ends_at", "id")
    if oic is not None:
        schemes = schemes.filter(oic=oic)
    return schemes


def scheme_get(scheme_id: int) -> Scheme:
    return (
        Scheme.objects.select_related("oic", "requested_by", "ended_by", "expiry_decided_by")
        .prefetch_related(
            "phones",
            Prefetch("contacts", queryset=SchemeContact.objects.select_related("recorded_by")),
            Prefetch("tasks", queryset=SchemeTask.objects.select_related("assigned_user")),
        )
        .get(pk=scheme_id)
    )


def scheme_timeline(scheme_id: int) -> list[Event]:
    return list(Event.objects.filter(scheme_id=scheme_id).select_related("actor").order_by("id"))


def timeline_items(scheme: Scheme, *, decisions=None) -> list[dict]:
    """The scheme's event log, oldest first, with decision rationales and contact methods
    joined in (events themselves carry ids only)."""
    decisions = {d.pk: d for d in (decisions if decisions is not None else scheme.decisions.all())}
    contacts = {c.pk: c for c in scheme.contacts.all()}
    items = []
    for event in scheme_timeline(scheme.pk):
        text = event.data.get("summary") or event.kind
        decision = decisions.get(event.data.get("decision"))
        if decision is not None:
            text = f"{text}: {decision.rationale}"
        contact = contacts.get(event.data.get("contact"))
        if contact is not None:
            text = f"{text} ({contact.method})"
        items.append(
            {
                "id": event.pk,
                "kind": event.kind,
                "at": event.at.isoformat(),
                "when": f"{day_text(event.at)} {timezone.localtime(event.at):%H:%M}",
                "actor": event.actor.username if event.actor else "system",
                "stage": event.data.get("stage", ""),
                "text": text,
            }
        )
    return items


def withdrawal_attempts(scheme: Scheme) -> list[SchemeContact]:
    """Attempts to tell the victim about withdrawal in the current cycle."""
    return [
        contact
        for contact in scheme.contacts.all()
        if contact.cycle == scheme.cycle and contact.purpose == ContactPurpose.WITHDRAWAL
    ]


def open_tasks(scheme: Scheme) -> list[SchemeTask]:
    return [task for task in scheme.tasks.all() if task.resolved_at is None]


def attention(scheme: Scheme, now: datetime) -> list[dict]:
    """What is due or overdue on a scheme, most urgent first, for the OIC and the manager."""
    items = []
    if scheme.in_force and scheme.overdue(now):
        items.append(
            {
                "severity": "risk",
                "text": f"Decision overdue: planned end {day_text(scheme.ends_at)} has passed",
            }
        )
    if scheme.status == SchemeStatus.SECOND_STAGE:
        items.append({"severity": "risk", "text": "Second-stage review with the crime manager"})
    elif scheme.status == SchemeStatus.REVIEW_DUE:
        items.append({"severity": "warn", "text": f"Review due by {day_text(scheme.ends_at)}"})
    if scheme.in_force and scheme.informed == Informed.NOT_YET:
        severity = (
            "risk"
            if any(t.stage.startswith("not_informed") for t in open_tasks(scheme))
            else "warn"
        )
        items.append({"severity": severity, "text": "Victim not yet informed"})
    if scheme.in_force and scheme.expiry_decided_at:
        items.append(
            {"severity": "warn", "text": f"Ends by decision on {day_text(scheme.ends_at)}"}
        )
    return items


def urgency_key(scheme: Scheme, now: datetime) -> tuple:
    """Due and overdue first: overdue, second stage, review due, not informed, then by end."""
    rank = 4
    if scheme.overdue(now):
        rank = 0
    elif scheme.status == SchemeStatus.SECOND_STAGE:
        rank = 1
    elif scheme.status == SchemeStatus.REVIEW_DUE:
        rank = 2
    elif scheme.informed == Informed.NOT_YET:
        rank = 3
    return (rank, scheme.ends_at, scheme.pk)


def my_schemes(user, now=None) -> list[Scheme]:
    now = now or timezone.now()
    schemes = list(
        Scheme.objects.filter(oic=user, status__in=IN_FORCE)
        .select_related("oic")
        .prefetch_related("phones", "tasks")
    )
    return sorted(schemes, key=lambda s: urgency_key(s, now))


def crime_manager_queue(now=None) -> list[Scheme]:
    """Schemes needing the BCU crime manager: second stage, overdue, or victim not told
    after the OIC reminder."""
    now = now or timezone.now()
    escalated = SchemeTask.objects.filter(
        resolved_at__isnull=True, assigned_role="crime_manager"
    ).values("scheme_id")
    schemes = list(
        Scheme.objects.filter(status__in=IN_FORCE)
        .filter(
            Q(status=SchemeStatus.SECOND_STAGE)
            | Q(id__in=escalated)
            | Q(ends_at__lte=now, expiry_decided_at__isnull=True)
        )
        .select_related("oic")
        .prefetch_related("phones", "tasks")
    )
    return sorted(schemes, key=lambda s: urgency_key(s, now))


def supervisor_board_items(now=None) -> list[dict]:
    """Overdue scheme decisions and second-stage escalations for the supervisor board.

    Keys: kind, title, detail, url, at (ISO time the item became due), severity
    ("risk" or "warn"). Most urgent first.
    """
    now = now or timezone.now()
    items = []
    for scheme in crime_manager_queue(now):
        url = reverse("schemes:detail", args=[scheme.pk])
        oic = person_label(scheme.oic)
        if scheme.overdue(now):
            items.append(
                {
                    "kind": "scheme.overdue",
                    "title": f"Special scheme #{scheme.pk}: decision overdue",
                    "detail": (
                        f"Planned end {day_text(scheme.ends_at)} passed with no decision; "
                        f"still in force. OIC {oic}."
                    ),
                    "url": url,
                    "at": scheme.ends_at.isoformat(),
                    "severity": "risk",
                }
            )
        elif scheme.status == SchemeStatus.SECOND_STAGE:
            second = next(
                (t for t in scheme.tasks.all() if t.stage == "second" and t.cycle == scheme.cycle),
                None,
            )
            items.append(
                {
                    "kind": "scheme.second_stage",
                    "title": f"Special scheme #{scheme.pk}: second-stage review",
                    "detail": (
                        f"No OIC decision; with the BCU crime manager. Planned end "
                        f"{day_text(scheme.ends_at)}. OIC {oic}."
                    ),
                    "url": url,
                    "at": (second.created_at if second else scheme.updated_at).isoformat(),
                    "severity": "risk",
                }
            )
        if scheme.informed == Informed.NOT_YET and any(
            t.stage == "not_informed_manager" and t.resolved_at is None for t in scheme.tasks.all()
        ):
            task = next(t for t in scheme.tasks.all() if t.stage == "not_informed_manager")
            items.append(
                {
                    "kind": "scheme.victim_not_informed",
                    "title": f"Special scheme #{scheme.pk}: victim not informed",
                    "detail": f"The OIC ({oic}) has not recorded telling the victim.",
                    "url": url,
                    "at": task.created_at.isoformat(),
                    "severity": "warn",
                }
            )
    items.sort(key=lambda item: (item["severity"] != "risk", item["at"]))
    return items


def ends_text(scheme: Scheme, now: datetime) -> str:
    """List wording: "ends in 12 d" or "planned end passed 3 d ago"."""
    if not scheme.in_force:
        return f"ended {day_text(scheme.ended_at)}"
    if scheme.ends_at <= now:
        days = (now - scheme.ends_at).days
        return "planned end passed today" if days == 0 else f"planned end passed {days} d ago"
    days = (scheme.ends_at - now).days
    return "ends today" if days == 0 else f"ends in {days} d"


def scheme_row(scheme: Scheme, now: datetime) -> dict:
    return {
        "scheme": scheme,
        "attention": attention(scheme, now),
        "ends_text": ends_text(scheme, now),
        "overdue": scheme.overdue(now),
        "open_tasks": open_tasks(scheme),
        "phones": [phone.number for phone in scheme.phones.all()],
    }


def oic_choices(now=None) -> list:
    """Officers who may take a scheme now: the OIC role, active, and not absent."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    return list(
        get_user_model()
        .objects.filter(groups__name="oic", is_active=True)
        .exclude(pk__in=UserAvailability.current(now).values("user_id"))
        .order_by("last_name", "username")
        .distinct()
    )


def in_review_with_oic(now=None) -> list[Scheme]:
    """Review due and still with the OIC: the crime manager's look-ahead."""
    now = now or timezone.now()
    schemes = Scheme.objects.filter(status=SchemeStatus.REVIEW_DUE, ends_at__gt=now)
    return list(
        schemes.select_related("oic").prefetch_related("phones", "tasks").order_by("ends_at")
    )
