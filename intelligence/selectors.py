"""Reads of the intelligence app: matching, check summaries, queues and reports.

Matching is exact lookups on normalised keys (see `cad.kernel.normalise`):
- phone: E.164 key;
- address: the gazetteer's UPRN, the full address key, or the premises key (postcode +
  numbers) when a postcode is known, or the street key (numbers + street) when either side
  has no postcode;
- same_building: the building keys (postcode + building number, or building number +
  street without a postcode) agree but the address does not: "Flat 2, 14 Acacia Avenue"
  for "14 Acacia Avenue" and the reverse, ranked below the address itself;
- person: phonetic name key AND date of birth. A name without a date of birth (or a log
  person without one) never makes a hit by itself: common names would flood the panel.
  It does add "person" to the `matched_on` of a log already found by phone or address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cad.kernel.moments import iso
from cad.kernel.normalise import name_key, phone_key
from intelligence import RISK_KINDS
from intelligence.models import (
    CheckRequest,
    IntelligenceCheck,
    IntelligenceLog,
    LogAccess,
    LogAddress,
    LogPerson,
    LogPhone,
)
from intelligence.rules import (
    address_keys,
    hit_sort_key,
    order_matched_on,
    overdue_severity,
    parse_dob,
)

# A subject matching more logs than this per key is shown as the most recent ones.
MAX_LOGS_PER_KEY = 100


def answer_seconds() -> int:
    return int(getattr(settings, "CAD_INTEL_REQUEST_ANSWER_SECONDS", 600))


@dataclass
class SubjectKeys:
    """The normalised keys of whatever is being checked."""

    phone_keys: set[str] = field(default_factory=set)
    address_key: str = ""
    premises_key: str = ""
    street_key: str = ""
    postcode_key: str = ""
    uprn: int | None = None
    building_premises_key: str = ""
    building_street_key: str = ""
    # (name_key, dob) pairs; dob None means "name only" (corroboration, see module doc).
    persons: set[tuple[str, date | None]] = field(default_factory=set)

    def is_empty(self) -> bool:
        return not (
            self.phone_keys or self.address_key or self.premises_key or self.uprn or self.persons
        )

    def person_keys_json(self) -> list[dict]:
        return [
            {"name_key": key, "dob": dob.isoformat() if dob else None}
            for key, dob in sorted(self.persons, key=lambda pair: (pair[0], str(pair[1])))
        ]


def subject_keys(
    *,
    phones: Iterable[str] = (),
    address: str = "",
    postcode: str = "",
    persons: Iterable = (),
    uprn: int | None = None,
) -> SubjectKeys:
    keys = SubjectKeys()
    keys.phone_keys = {key for key in (phone_key(raw) for raw in phones) if key}
    keys.uprn = uprn or None
    if address or postcode:
        found = address_keys(address, postcode)
        keys.address_key = found["address_key"]
        keys.premises_key = found["premises_key"]
        keys.street_key = found["street_key"]
        keys.postcode_key = found["postcode_key"]
        keys.building_premises_key = found["building_premises_key"]
        keys.building_street_key = found["building_street_key"]
    for person in persons:
        if isinstance(person, dict):
            name, dob = person.get("name", ""), person.get("dob")
        else:
            name, dob = person
        key = name_key(name)
        if key:
            try:
                keys.persons.add((key, parse_dob(dob)))
            except ValueError:
                keys.persons.add((key, None))
    return keys


def keys_for_incident(incident) -> SubjectKeys:
    keys = subject_keys(
        phones=[incident.caller_phone],
        address=incident.address,
        postcode=incident.postcode,
        persons=[(incident.caller_name, None)] if incident.caller_name else [],
        uprn=incident.uprn,
    )
    if incident.caller_phone_key:
        keys.phone_keys.add(incident.caller_phone_key)
    for person in incident.persons.all():
        key = person.name_key or name_key(person.name)
        if key:
            keys.persons.add((key, person.dob))
    return keys


def keys_for_contact(contact) -> SubjectKeys:
    keys = subject_keys(
        phones=[contact.caller_phone],
        address=contact.address,
        postcode=contact.postcode,
        persons=[(contact.caller_name, None)] if contact.caller_name else [],
        uprn=contact.uprn,
    )
    if contact.caller_phone_key:
        keys.phone_keys.add(contact.caller_phone_key)
    return keys


def find_hits(keys: SubjectKeys) -> list[dict]:
    """Hit summaries for every log the keys find, in one statement (one round trip).

    Each subject table is searched through its key index for at most MAX_LOGS_PER_KEY
    logs; names without a date of birth only add "person" to logs found another way.
    """
    query = hits_query(keys)
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*query)
        rows = cursor.fetchall()
    hits = [
        hit_dict(log_id=log_id, kind=kind, summary=summary, occurred_at=at, matched_on=matched)
        for log_id, kind, summary, at, matched in rows
    ]
    hits.sort(key=hit_sort_key)
    return hits


def hits_query(keys: SubjectKeys) -> tuple[str, list] | None:
    """The statement behind find_hits: (sql, params), or None when there is no key.

    The SQL is built from the app's own table names and fixed fragments; every value
    is a query parameter.
    """
    phone_t, address_t = LogPhone._meta.db_table, LogAddress._meta.db_table
    person_t, log_t = LogPerson._meta.db_table, IntelligenceLog._meta.db_table
    parts, params = [], []

    if keys.phone_keys:
        parts.append(
            f"(SELECT log_id, 'phone' AS matched FROM {phone_t} WHERE phone_key = ANY(%s) "  # noqa: S608
            "ORDER BY log_id DESC LIMIT %s)"
        )
        params += [sorted(keys.phone_keys), MAX_LOGS_PER_KEY]

    address_terms, address_params = [], []
    if keys.uprn:
        address_terms.append("uprn = %s")
        address_params.append(keys.uprn)
    if keys.address_key:
        address_terms.append("address_key = %s")
        address_params.append(keys.address_key)
    if keys.premises_key:
        address_terms.append("(premises_key = %s AND premises_key <> '')")
        address_params.append(keys.premises_key)
    if keys.street_key:
        # Without a postcode on one side, number and street must do.
        if keys.postcode_key:
            address_terms.append("(street_key = %s AND street_key <> '' AND postcode_key = '')")
        else:
            address_terms.append("(street_key = %s AND street_key <> '')")
        address_params.append(keys.street_key)
    if address_terms:
        parts.append(
            f"(SELECT log_id, 'address' AS matched FROM {address_t} "  # noqa: S608
            f"WHERE {' OR '.join(address_terms)} ORDER BY log_id DESC LIMIT %s)"
        )
        params += [*address_params, MAX_LOGS_PER_KEY]

    # The building whatever the flat, chosen as the address is: postcode + number when
    # both sides have a postcode, number + street when either has none.
    building_terms, building_params = [], []
    if keys.building_premises_key:
        building_terms.append("building_premises_key = %s")
        building_params.append(keys.building_premises_key)
    if keys.building_street_key:
        if keys.postcode_key:
            building_terms.append("(building_street_key = %s AND postcode_key = '')")
        else:
            building_terms.append("building_street_key = %s")
        building_params.append(keys.building_street_key)
    if building_terms:
        parts.append(
            f"(SELECT log_id, 'same_building' AS matched FROM {address_t} "  # noqa: S608
            f"WHERE {' OR '.join(building_terms)} ORDER BY log_id DESC LIMIT %s)"
        )
        params += [*building_params, MAX_LOGS_PER_KEY]

    dated = sorted((key, dob) for key, dob in keys.persons if dob is not None)
    if dated:
        terms = " OR ".join(["(name_key = %s AND dob = %s)"] * len(dated))
        parts.append(
            f"(SELECT log_id, 'person' AS matched FROM {person_t} WHERE {terms} "  # noqa: S608
            "ORDER BY log_id DESC LIMIT %s)"
        )
        params += [value for pair in dated for value in pair] + [MAX_LOGS_PER_KEY]

    if not parts:
        return None
    names = sorted({key for key, _ in keys.persons})
    sql = f"WITH found AS ({' UNION ALL '.join(parts)})"
    matches = "SELECT log_id, matched FROM found"
    if names:
        sql += (
            f", named AS (SELECT DISTINCT p.log_id, 'person' AS matched FROM {person_t} p "  # noqa: S608
            "WHERE p.log_id IN (SELECT log_id FROM found) AND p.name_key = ANY(%s))"
        )
        params.append(names)
        matches += " UNION ALL SELECT log_id, matched FROM named"
    sql += (
        f" SELECT l.id, l.kind, l.summary, l.occurred_at, array_agg(DISTINCT m.matched)"  # noqa: S608
        f" FROM ({matches}) m JOIN {log_t} l ON l.id = m.log_id GROUP BY l.id"
    )
    return sql, params


def hits_for(matches: dict[int, set[str]]) -> list[dict]:
    if not matches:
        return []
    logs = IntelligenceLog.objects.filter(pk__in=list(matches)).only(
        "id", "kind", "summary", "occurred_at"
    )
    hits = [
        hit_dict(
            log_id=log.pk,
            kind=log.kind,
            summary=log.summary,
            occurred_at=log.occurred_at,
            matched_on=matches[log.pk],
        )
        for log in logs
    ]
    hits.sort(key=hit_sort_key)
    return hits


def hit_dict(*, log_id: int, kind: str, summary: str, occurred_at, matched_on) -> dict:
    return {
        "id": log_id,
        "kind": kind,
        "summary": summary,
        "matched_on": order_matched_on(matched_on),
        "occurred_at": iso(occurred_at),
        "risk": kind in RISK_KINDS,
    }


def lookup_hits(
    *,
    phone: str = "",
    address: str = "",
    postcode: str = "",
    persons: Iterable = (),
    uprn: int | None = None,
) -> list[dict]:
    """Hit summaries for what a call handler has typed so far (nothing is recorded).

    `persons`: dicts {"name", "dob"} or (name, dob) pairs; dob may be a date, an ISO
    string or empty.
    """
    keys = subject_keys(
        phones=[phone] if phone else [],
        address=address,
        postcode=postcode,
        persons=persons,
        uprn=uprn,
    )
    if keys.is_empty():
        return []
    return find_hits(keys)


def latest_check(*, incident=None, contact=None) -> IntelligenceCheck | None:
    if (incident is None) == (contact is None):
        raise ValueError("exactly one of incident or contact is required")
    if incident is not None:
        checks = IntelligenceCheck.objects.filter(incident=incident)
    else:
        checks = IntelligenceCheck.objects.filter(contact=contact)
    return checks.order_by("-checked_at", "-id").first()


def check_hits(check: IntelligenceCheck) -> list[dict]:
    rows = check.hits.select_related("log").only(
        "kind", "matched_on", "position", "log__id", "log__kind", "log__summary", "log__occurred_at"
    )
    return [
        hit_dict(
            log_id=row.log.pk,
            kind=row.log.kind,
            summary=row.log.summary,
            occurred_at=row.log.occurred_at,
            matched_on=row.matched_on,
        )
        for row in rows
    ]


def check_summary(*, incident=None, contact=None) -> dict:
    """The `intelligence` field of the incident representation (API.md), latest check."""
    check = latest_check(incident=incident, contact=contact)
    if check is None:
        return {"checked_at": None, "hits": [], "risk_kinds": []}
    return {
        "checked_at": check.checked_at.isoformat(),
        "check": check.pk,
        "manual": check.trigger == IntelligenceCheck.Trigger.MANUAL,
        "hits": check_hits(check),
        "risk_kinds": sorted(check.risk_kinds),
    }


def check_risk_kinds(*, incident=None, contact=None) -> set[str]:
    """Risk kinds (see RISK_KINDS) found by the latest check; grading reads these."""
    check = latest_check(incident=incident, contact=contact)
    return set(check.risk_kinds) if check else set()


# --- logs and the access audit -----------------------------------------------------------


def log_search(
    *,
    phone: str = "",
    address: str = "",
    postcode: str = "",
    name: str = "",
    dob=None,
    kind: str = "",
    limit: int = 200,
) -> list[dict]:
    """Search page / API: hit summaries by subject, optionally of one kind."""
    persons = [(name, dob)] if name else []
    keys = subject_keys(
        phones=[phone] if phone else [],
        address=address,
        postcode=postcode,
        persons=persons,
    )
    if keys.is_empty():
        if not kind:
            return []
        logs = IntelligenceLog.objects.filter(kind=kind).order_by("-occurred_at")[:limit]
        return [
            hit_dict(
                log_id=log.pk,
                kind=log.kind,
                summary=log.summary,
                occurred_at=log.occurred_at,
                matched_on=[],
            )
            for log in logs
        ]
    # On the search page a name without a date of birth is a search in its own right.
    hits = find_hits(keys)
    undated = [key for key, dob in keys.persons if dob is None]
    if undated and not (keys.phone_keys or keys.address_key or keys.premises_key):
        seen = {hit["id"] for hit in hits}
        rows = (
            LogPerson.objects.filter(name_key__in=undated)
            .exclude(log_id__in=seen)
            .order_by("-log_id")
            .values_list("log_id", flat=True)[:limit]
        )
        hits += hits_for({log_id: {"person"} for log_id in rows})
        hits.sort(key=hit_sort_key)
    if kind:
        hits = [hit for hit in hits if hit["kind"] == kind]
    return hits[:limit]


def log_full(log: IntelligenceLog) -> dict:
    """The whole log; only for a caller who has stated a reason (see log_view service)."""
    return {
        "id": log.pk,
        "kind": log.kind,
        "summary": log.summary,
        "details": log.details,
        "occurred_at": log.occurred_at.isoformat(),
        "handling_code": log.handling_code,
        "source": log.source,
        "source_ref": log.source_ref,
        "created_by": log.created_by.username,
        "created_at": log.created_at.isoformat(),
        "persons": [
            {"name": p.name, "dob": p.dob.isoformat() if p.dob else None, "role": p.role}
            for p in log.persons.all().order_by("id")
        ],
        "addresses": [
            {"address": a.address, "postcode": a.postcode, "uprn": a.uprn}
            for a in log.addresses.all().order_by("id")
        ],
        "phones": [p.number for p in log.phones.all().order_by("id")],
    }


def log_accesses(log: IntelligenceLog) -> list[dict]:
    return [access_dict(row) for row in log.accesses.select_related("user").order_by("-at", "-id")]


def access_dict(row: LogAccess) -> dict:
    return {
        "id": row.pk,
        "log": row.log_id,
        "user": row.user.username,
        "at": row.at.isoformat(),
        "reason": row.reason,
        "channel": row.channel,
    }


def access_report(
    *, start: datetime | None = None, end: datetime | None = None, username: str = ""
):
    rows = LogAccess.objects.select_related("user", "log").order_by("-at", "-id")
    if start:
        rows = rows.filter(at__gte=start)
    if end:
        rows = rows.filter(at__lt=end)
    if username:
        rows = rows.filter(user__username=username)
    return rows


# --- check requests ------------------------------------------------------------------------


def request_dict(row: CheckRequest) -> dict:
    return {
        "id": row.pk,
        "incident": row.incident_id,
        "contact": row.contact_id,
        "subject": subject_reference(row),
        "question": row.question,
        "status": row.status,
        "requested_by": row.requested_by.username,
        "requested_at": row.requested_at.isoformat(),
        "due_at": row.due_at.isoformat(),
        "claimed_by": row.claimed_by.username if row.claimed_by else None,
        "answered_by": row.answered_by.username if row.answered_by else None,
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        "answer": row.answer,
        "escalated_at": row.escalated_at.isoformat() if row.escalated_at else None,
    }


def subject_reference(row) -> str:
    if row.incident_id:
        return row.incident.reference
    return row.contact.reference


def request_queue(*, status: str = "", requested_by=None, claimed_by=None):
    rows = CheckRequest.objects.select_related(
        "incident", "contact", "requested_by", "claimed_by", "answered_by"
    )
    if status == "unanswered":
        rows = rows.exclude(status=CheckRequest.Status.ANSWERED)
    elif status:
        rows = rows.filter(status=status)
    if requested_by is not None:
        rows = rows.filter(requested_by=requested_by)
    if claimed_by is not None:
        rows = rows.filter(claimed_by=claimed_by)
    if status == CheckRequest.Status.ANSWERED:
        return rows.order_by("-answered_at", "-id")
    return rows.order_by("due_at", "id")


def supervisor_board_items(now=None) -> list[dict]:
    """Escalated, still unanswered check requests for the supervisor board."""
    from django.urls import reverse

    now = now or timezone.now()
    seconds = answer_seconds()
    rows = (
        CheckRequest.objects.filter(escalated_at__isnull=False)
        .exclude(status=CheckRequest.Status.ANSWERED)
        .select_related("incident", "contact", "requested_by", "claimed_by")
        .order_by("due_at", "id")
    )
    items = []
    for row in rows:
        minutes = max(0, int((now - row.due_at).total_seconds() // 60))
        who = f", being checked by {row.claimed_by.username}" if row.claimed_by else ", unclaimed"
        items.append(
            {
                "kind": "intel_request_overdue",
                "title": f"Intelligence check request for {subject_reference(row)} unanswered",
                "detail": (
                    f"Requested by {row.requested_by.username}; {minutes} min overdue{who}."
                ),
                "url": reverse("intelligence:request-queue") + f"#request-{row.pk}",
                "at": row.due_at.isoformat(),
                "severity": overdue_severity(due_at=row.due_at, answer_seconds=seconds, now=now),
                "request": row.pk,
                "incident": row.incident_id,
                "contact": row.contact_id,
            }
        )
    return items
