"""Every action that changes state in the intelligence app, one function each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, transaction
from django.utils import timezone

from cad.kernel.errors import Conflict, InvalidInput, require_role
from cad.kernel.events import publish, service_transaction
from cad.kernel.geocode import resolve
from cad.kernel.policy import require
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ANY_ROLE
from intelligence import RISK_KINDS
from intelligence.models import (
    CheckHit,
    CheckRequest,
    CheckRequestEscalation,
    IntelligenceCheck,
    IntelligenceLog,
    LogAccess,
    LogAddress,
    LogPerson,
    LogPhone,
)
from intelligence.rules import request_due_at
from intelligence.selectors import (
    answer_seconds,
    find_hits,
    keys_for_contact,
    keys_for_incident,
    latest_check,
)
from intelligence.validation import CleanLog, clean_log

CHECKED_AUDIENCE = policy_roles("hears.intel_checked")
MANUAL_CHECK_ROLES = policy_roles("intel.check")
LOG_WRITE_ROLES = policy_roles("intel.write")
FULL_VIEW_ROLES = policy_roles("intel.read_full")
REQUEST_ROLES = policy_roles("intel.request")
REASON_MIN = 5


# --- the check -----------------------------------------------------------------------------


def intel_check_run(
    *, actor, incident=None, contact=None, manual: bool = False, now: datetime | None = None
) -> IntelligenceCheck:
    """Match the subject's phone, address and persons; record the check and its hits.

    Automatic checks (incident or contact created or changed) run under whoever made
    the change; a manual re-check needs the call handler or intelligence role. Inside an
    outer transaction it joins it: no caller carries on after a failed check, so no
    savepoint is needed.
    """
    if (incident is None) == (contact is None):
        raise InvalidInput({"subject": ["Exactly one of incident or contact is required."]})
    if manual:
        require_role(actor, *MANUAL_CHECK_ROLES)
    else:
        require_role(actor, ANY_ROLE)
    now = now or timezone.now()
    with service_transaction(savepoint=False):
        keys = keys_for_incident(incident) if incident is not None else keys_for_contact(contact)
        hits = find_hits(keys) if not keys.is_empty() else []
        risk_kinds = sorted({hit["kind"] for hit in hits} & RISK_KINDS)
        check = IntelligenceCheck.objects.create(
            incident=incident,
            contact=contact,
            trigger=IntelligenceCheck.Trigger.MANUAL
            if manual
            else IntelligenceCheck.Trigger.AUTOMATIC,
            checked_at=now,
            actor=actor if actor is not None and actor.is_authenticated else None,
            phone_key=",".join(sorted(keys.phone_keys)),
            address_key=keys.address_key,
            premises_key=keys.premises_key,
            uprn=keys.uprn,
            person_keys=keys.person_keys_json(),
            hit_count=len(hits),
            risk_kinds=risk_kinds,
        )
        CheckHit.objects.bulk_create(
            [
                CheckHit(
                    check_run=check,
                    log_id=hit["id"],
                    kind=hit["kind"],
                    matched_on=hit["matched_on"],
                    position=position,
                )
                for position, hit in enumerate(hits)
            ]
        )
        publish(
            "intelligence.checked",
            actor=actor,
            incident=incident,
            data={
                "check": check.pk,
                "incident": incident.pk if incident is not None else None,
                "contact": contact.pk if contact is not None else None,
                "manual": manual,
                "hit_count": len(hits),
                "counts": dict(sorted(Counter(hit["kind"] for hit in hits).items())),
                "risk_kinds": risk_kinds,
            },
            roles=CHECKED_AUDIENCE,
            at=now,
        )
    return check


def _gazetteer_uprn(address: str, postcode: str) -> int | None:
    """The gazetteer's one address point for an address as recorded, if it names one."""
    place = resolve(address, postcode)
    return place.uprn if place else None


def intel_check_refresh(
    *, actor, incident=None, contact=None, now: datetime | None = None
) -> IntelligenceCheck | None:
    """After an edit: check again if the phone, address or persons changed since the
    latest check (or there was none); None when nothing that matters changed."""
    if (incident is None) == (contact is None):
        raise InvalidInput({"subject": ["Exactly one of incident or contact is required."]})
    require_role(actor, ANY_ROLE)
    keys = keys_for_incident(incident) if incident is not None else keys_for_contact(contact)
    latest = latest_check(incident=incident, contact=contact)
    if latest is not None and (
        latest.phone_key,
        latest.address_key,
        latest.premises_key,
        latest.uprn,
        latest.person_keys,
    ) == (
        ",".join(sorted(keys.phone_keys)),
        keys.address_key,
        keys.premises_key,
        keys.uprn,
        keys.person_keys_json(),
    ):
        return None
    return intel_check_run(actor=actor, incident=incident, contact=contact, now=now)


# --- logs --------------------------------------------------------------------------------


def _log_write(*, actor, clean: CleanLog, now: datetime) -> IntelligenceLog:
    log = IntelligenceLog.objects.create(
        kind=clean.kind,
        summary=clean.summary,
        details=clean.details,
        occurred_at=clean.occurred_at,
        handling_code=clean.handling_code,
        source=clean.source,
        source_ref=clean.source_ref,
        created_by=actor,
        created_at=now,
    )
    LogPerson.objects.bulk_create(
        [
            LogPerson(log=log, name=p.name, dob=p.dob, name_key=p.name_key, role=p.role)
            for p in clean.persons
        ]
    )
    LogAddress.objects.bulk_create(
        [
            LogAddress(
                log=log,
                address=a.address,
                postcode=a.postcode,
                uprn=a.uprn or _gazetteer_uprn(a.address, a.postcode),
                **a.keys,
            )
            for a in clean.addresses
        ]
    )
    LogPhone.objects.bulk_create(
        [LogPhone(log=log, number=p.number, phone_key=p.phone_key) for p in clean.phones]
    )
    return log


def intel_log_create(
    *,
    actor,
    kind: str,
    summary: str,
    occurred_at,
    details: str = "",
    handling_code: str = "",
    source: str = "",
    source_ref: str | None = None,
    persons: Iterable[dict] = (),
    addresses: Iterable[dict] = (),
    phones: Iterable[str] = (),
    now: datetime | None = None,
) -> IntelligenceLog:
    require_role(actor, *LOG_WRITE_ROLES)
    now = now or timezone.now()
    clean = clean_log(
        {
            "kind": kind,
            "summary": summary,
            "details": details,
            "occurred_at": occurred_at,
            "handling_code": handling_code,
            "source": source,
            "source_ref": source_ref,
            "persons": list(persons),
            "addresses": list(addresses),
            "phones": list(phones),
        },
        now=now,
    )
    with service_transaction():
        if (
            clean.source_ref
            and IntelligenceLog.objects.filter(source_ref=clean.source_ref).exists()
        ):
            raise Conflict(f"A log with source reference {clean.source_ref} already exists.")
        log = _log_write(actor=actor, clean=clean, now=now)
        publish(
            "intelligence.log_created",
            actor=actor,
            data={"log": log.pk, "kind": log.kind},
            roles=LOG_WRITE_ROLES,
            at=now,
        )
    return log


@dataclass
class ImportResult:
    imported: int = 0
    skipped: int = 0
    # (line number, source_ref or "", {"field": ["message"]})
    errors: list[tuple[int, str, dict]] = field(default_factory=list)


def intel_import_run(
    *,
    actor,
    rows: Iterable[tuple[int, dict | None, dict | None]],
    source: str = "",
    batch_size: int = 500,
    now: datetime | None = None,
) -> ImportResult:
    """Import (line, data, parse_error) rows: each good row whole or not at all.

    Every row is written in its own savepoint, so a bad or duplicate row leaves nothing
    behind; a row whose source reference already exists is skipped (re-runs are safe).
    Batches commit as they go so a large file does not hold one long transaction.
    """
    require_role(actor, *LOG_WRITE_ROLES)
    now = now or timezone.now()
    result = ImportResult()

    def run_batch(batch):
        with service_transaction():
            for line, data, parse_error in batch:
                ref = str((data or {}).get("source_ref") or "").strip()
                if parse_error:
                    result.errors.append((line, ref, parse_error))
                    continue
                try:
                    data = dict(data)
                    data["source"] = data.get("source") or source
                    if not ref:
                        raise InvalidInput({"source_ref": ["A source reference is required."]})
                    clean = clean_log(data, now=now)
                    with transaction.atomic():
                        if IntelligenceLog.objects.filter(source_ref=clean.source_ref).exists():
                            result.skipped += 1
                            continue
                        _log_write(actor=actor, clean=clean, now=now)
                    result.imported += 1
                except InvalidInput as error:
                    result.errors.append((line, ref, error.errors))
                except DatabaseError as error:
                    # The row's savepoint is rolled back: nothing of it remains.
                    if IntelligenceLog.objects.filter(source_ref=ref).exists():
                        result.skipped += 1  # written meanwhile by a concurrent import
                    else:
                        reason = str(error).strip().splitlines()[0][:200]
                        result.errors.append((line, ref, {"row": [f"Not stored: {reason}"]}))

    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            run_batch(batch)
            batch = []
    if batch:
        run_batch(batch)
    with service_transaction():
        publish(
            "intelligence.imported",
            actor=actor,
            data={
                "imported": result.imported,
                "skipped": result.skipped,
                "rejected": len(result.errors),
            },
            roles=LOG_WRITE_ROLES,
            at=now,
        )
    return result


def intel_log_view(
    *, actor, log_id: int, reason: str, channel: str = "api", now: datetime | None = None
) -> tuple[IntelligenceLog, LogAccess]:
    """Record a full view of a log (who, when, why) and return the log.

    Without a reason nothing is shown and nothing is written.
    """
    require_role(actor, *FULL_VIEW_ROLES)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise InvalidInput({"reason": ["State why you need to see this log."]})
    now = now or timezone.now()
    with service_transaction():
        log = IntelligenceLog.objects.select_related("created_by").get(pk=log_id)
        access = LogAccess.objects.create(
            log=log, user=actor, at=now, reason=reason[:2000], channel=channel
        )
        publish(
            "intelligence.log_viewed",
            actor=actor,
            data={"log": log.pk, "access": access.pk},
            roles=policy_roles("hears.intel_supervision"),
            at=now,
        )
    return log, access


# --- check requests ---------------------------------------------------------------------


def intel_request_create(
    *, actor, question: str, incident=None, contact=None, now: datetime | None = None
) -> CheckRequest:
    require_role(actor, *REQUEST_ROLES)
    errors = {}
    if (incident is None) == (contact is None):
        errors["subject"] = ["Exactly one of incident or contact is required."]
    question = (question or "").strip()
    if not question:
        errors["question"] = ["Say what you need checked."]
    if errors:
        raise InvalidInput(errors)
    now = now or timezone.now()
    with service_transaction():
        row = CheckRequest.objects.create(
            incident=incident,
            contact=contact,
            question=question[:2000],
            requested_by=actor,
            requested_at=now,
            due_at=request_due_at(now, answer_seconds()),
        )
        publish(
            "intelligence.request_created",
            actor=actor,
            incident=incident,
            data={
                "request": row.pk,
                "incident": row.incident_id,
                "contact": row.contact_id,
                "due_at": row.due_at.isoformat(),
            },
            roles=policy_roles("hears.intel_desk"),
            users=[actor.pk],
            at=now,
        )
    return row


def _locked_request(request_id: int) -> CheckRequest:
    return CheckRequest.objects.select_for_update().get(pk=request_id)


def intel_request_claim(*, actor, request_id: int, now: datetime | None = None) -> CheckRequest:
    require(actor, "intel.answer")
    now = now or timezone.now()
    with service_transaction():
        row = _locked_request(request_id)
        if row.status == CheckRequest.Status.ANSWERED:
            raise Conflict("This request has already been answered.")
        if row.status == CheckRequest.Status.CLAIMED and row.claimed_by_id != actor.pk:
            raise Conflict("Another operator is already checking this request.")
        row.status = CheckRequest.Status.CLAIMED
        row.claimed_by = actor
        row.claimed_at = now
        row.save(update_fields=["status", "claimed_by", "claimed_at"])
        publish(
            "intelligence.request_claimed",
            actor=actor,
            incident=row.incident,
            data={"request": row.pk, "claimed_by": actor.username},
            roles=policy_roles("hears.intel_desk"),
            users=[row.requested_by_id],
            at=now,
        )
    return row


def intel_request_answer(
    *, actor, request_id: int, answer: str, now: datetime | None = None
) -> CheckRequest:
    require(actor, "intel.answer")
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput({"answer": ["An answer is required."]})
    now = now or timezone.now()
    with service_transaction():
        row = _locked_request(request_id)
        if row.status == CheckRequest.Status.ANSWERED:
            raise Conflict("This request has already been answered.")
        row.status = CheckRequest.Status.ANSWERED
        row.answered_by = actor
        row.answered_at = now
        row.answer = answer[:4000]
        if row.claimed_by_id is None:
            row.claimed_by = actor
            row.claimed_at = now
        row.save(
            update_fields=[
                "status",
                "answered_by",
                "answered_at",
                "answer",
                "claimed_by",
                "claimed_at",
            ]
        )
        publish(
            "intelligence.request_answered",
            actor=actor,
            incident=row.incident,
            data={
                "request": row.pk,
                "incident": row.incident_id,
                "contact": row.contact_id,
                "was_escalated": row.escalated_at is not None,
            },
            roles=(*policy_roles("hears.intel_desk"), *policy_roles("hears.intel_supervision"))
            if row.escalated_at
            else policy_roles("hears.intel_desk"),
            users=[row.requested_by_id],
            at=now,
        )
    return row


def intel_request_escalate_due(*, now: datetime | None = None) -> list[int]:
    """Sweep: escalate every unanswered request past its due time to the supervisors.

    Selects only due rows through the partial index; the unique escalation row makes a
    second run (or a second beat) write nothing.
    """
    now = now or timezone.now()
    escalated = []
    with service_transaction():
        due = (
            CheckRequest.objects.select_for_update(skip_locked=True)
            .filter(escalated_at__isnull=True, due_at__lte=now)
            .exclude(status=CheckRequest.Status.ANSWERED)
            .order_by("due_at")[:200]
        )
        for row in due:
            _, created = CheckRequestEscalation.objects.get_or_create(
                request=row, level="supervisor", defaults={"at": now}
            )
            row.escalated_at = now
            row.save(update_fields=["escalated_at"])
            if not created:
                continue
            publish(
                "intelligence.request_overdue",
                incident=row.incident,
                data={
                    "request": row.pk,
                    "incident": row.incident_id,
                    "contact": row.contact_id,
                    "due_at": row.due_at.isoformat(),
                    "status": row.status,
                },
                roles=policy_roles("hears.intel_supervision"),
                users=[row.requested_by_id],
                at=now,
            )
            escalated.append(row.pk)
    return escalated
