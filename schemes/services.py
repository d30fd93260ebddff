"""Every action that changes a special scheme, one function each.

Who may act: the scheme's own OIC (role `oic`) for contacts and decisions, and any BCU
crime manager for decisions (the second-stage reviewer must be able to decide when the
OIC does not). Another OIC may not act on a colleague's scheme; the crime manager can
hand the scheme over with `scheme_reassign_oic`. The control room never contacts the
victim: telling her is the OIC's job, and the contact log is the OIC's record of it.

A scheme never lapses: it ends only by a recorded withdrawal, or at its planned end
after a recorded decision to let it end (`expired_by_decision`). The review sweep
writes one task per scheme, stage and cycle, so a second run changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused, require_role
from cad.kernel.events import publish, service_transaction
from cad.kernel.gazetteer import uprn_value
from cad.kernel.geocode import resolve
from cad.kernel.normalise import (
    address_key,
    building_keys,
    phone_key,
    postcode_key,
    premises_key,
)
from cad.kernel.policy import allows, require
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import record_refusal
from cad.models import UserAvailability
from schemes import rules
from schemes.models import (
    ContactOutcome,
    ContactPurpose,
    DecisionKind,
    Ending,
    Informed,
    RiskLevel,
    Scheme,
    SchemeContact,
    SchemeDecision,
    SchemePhone,
    SchemeStatus,
    SchemeTask,
)
from schemes.selectors import day_text

log = logging.getLogger(__name__)
User = get_user_model()

CREATE_ROLES = policy_roles("scheme.request")
DECISION_ROLES = policy_roles("scheme.decide")
CONTACT_ROLES = policy_roles("scheme.record_contact")
# Who hears that a marker came into force or ended: its banner changes on their screens.
IN_FORCE_AUDIENCE = policy_roles("hears.scheme_in_force")
ESCALATION_AUDIENCE = policy_roles("hears.scheme_escalation")
# A contact time a little in the future is clock skew between devices, not a mistake.
CLOCK_SKEW = timedelta(minutes=5)


def timings() -> rules.Timings:
    return rules.Timings(
        inform_days=settings.CAD_SCHEME_INFORM_DAYS,
        review_lead_days=settings.CAD_SCHEME_REVIEW_LEAD_DAYS,
        second_stage_days=settings.CAD_SCHEME_SECOND_STAGE_DAYS,
        overdue_repeat_days=settings.CAD_SCHEME_OVERDUE_REPEAT_DAYS,
        max_months=settings.CAD_SCHEME_MAX_MONTHS,
    )


# --- helpers ---------------------------------------------------------------------------


def _text(value, limit: int | None = None) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    return text[:limit] if limit else text


def _scheme_url(scheme: Scheme) -> str:
    return reverse("schemes:detail", args=[scheme.pk])


def _oic_user(username: str, now: datetime, field: str = "oic"):
    username = _text(username)
    if not username:
        raise InvalidInput({field: ["The OIC's username is required."]})
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput({field: [f"No user {username!r}."]})
    if not allows(user, "scheme.be_oic"):
        raise InvalidInput({field: [f"{username} does not hold the OIC role."]})
    absence = UserAvailability.current(now).filter(user=user).order_by("-starts_at").first()
    if absence is not None:
        until = (
            f"until {timezone.localtime(absence.ends_at):%d %b %H:%M}"
            if absence.ends_at
            else "until further notice"
        )
        raise InvalidInput(
            {
                field: [
                    f"{username} is absent ({absence.reason or 'no reason given'}) {until}: "
                    "choose an OIC who is on duty."
                ]
            }
        )
    return user


def _locked(scheme_id) -> Scheme:
    return Scheme.objects.select_for_update().select_related("oic").get(pk=scheme_id)


def _manager_may(actor, roles: tuple[str, ...]) -> bool:
    """A role that may act on any scheme, when the action allows it, needs no ownership."""
    over_all = policy_roles("scheme.act_on_any")
    return any(role in roles for role in over_all) and allows(actor, "scheme.act_on_any")


def _check_may_act(actor, scheme_id, action: str, roles: tuple[str, ...]) -> None:
    """The role check, then ownership: an OIC acts on their own schemes only.

    Runs before the write transaction so that a refusal is recorded (and kept)."""
    require_role(actor, *roles)
    if _manager_may(actor, roles):
        return
    oic_id = Scheme.objects.filter(pk=scheme_id).values_list("oic_id", flat=True).first()
    if oic_id is None:
        raise Scheme.DoesNotExist(f"No scheme {scheme_id}.")
    if oic_id != actor.pk:
        record_refusal(
            user=actor,
            path=f"scheme/{scheme_id}/{action}",
            method="ACTION",
            required=["scheme OIC", *(r for r in roles if r != "oic")],
        )
        raise RoleRefused("Only this scheme's OIC (or a BCU crime manager) may do this.")


def _recheck_owner(actor, scheme: Scheme, roles: tuple[str, ...]) -> None:
    # The OIC may have changed between the first check and the lock.
    if _manager_may(actor, roles):
        return
    if scheme.oic_id != actor.pk:
        raise RoleRefused("Only this scheme's OIC (or a BCU crime manager) may do this.")


def _snapshot(scheme: Scheme, tasks: list[SchemeTask]) -> rules.Snapshot:
    return rules.Snapshot(
        starts_at=scheme.starts_at,
        ends_at=scheme.ends_at,
        cycle=scheme.cycle,
        in_force=scheme.in_force,
        inform_settled=scheme.informed != Informed.NOT_YET,
        decided=scheme.expiry_decided_at is not None,
        done={
            (t.stage, t.sequence): t.created_at
            for t in tasks
            if t.cycle == scheme.cycle and t.stage in rules.REVIEW_STAGES
        },
        inform_done={
            (t.stage, t.sequence): t.created_at
            for t in tasks
            if t.cycle == 0 and t.stage in rules.INFORM_STAGES
        },
    )


def _schedule(scheme: Scheme) -> None:
    """Set the one due column the sweep reads."""
    if not scheme.in_force:
        scheme.next_action_at = None
        return
    tasks = list(scheme.tasks.all())
    due = rules.next_due(_snapshot(scheme, tasks), timings())
    if scheme.expiry_decided_at is not None:
        due = min(filter(None, [due, scheme.ends_at]))
    scheme.next_action_at = due


def _resolve_tasks(scheme: Scheme, *, stages, resolution: str, now: datetime) -> int:
    return SchemeTask.objects.filter(
        scheme=scheme, stage__in=stages, resolved_at__isnull=True
    ).update(resolved_at=now, resolution=resolution)


def _event_data(scheme: Scheme, **extra) -> dict:
    # Ids and non-sensitive words only: no names, no address, no reason text.
    data = {
        "scheme": scheme.pk,
        "status": scheme.status,
        "ends_at": scheme.ends_at.isoformat(),
        "oic": scheme.oic.username,
        "cycle": scheme.cycle,
    }
    data.update(extra)
    return data


def _crime_manager_emails() -> list[str]:
    return sorted(
        set(
            User.objects.filter(groups__name="crime_manager", is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _mail_after_commit(subject: str, body: str, recipients: list[str]) -> list[str]:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return []

    def send():
        try:
            send_mail(subject, body, None, recipients, fail_silently=False)
        except Exception:  # the in-app task stands; a mail outage must not undo it
            log.exception("could not email %s about %s", recipients, subject)

    transaction.on_commit(send)
    return recipients


POLICY_LINE = (
    "The control room has no contact with the victim: it is the OIC's responsibility to "
    "tell her, and to record every contact and every attempted contact."
)


# --- create ----------------------------------------------------------------------------


def scheme_create(
    *,
    actor,
    victim_name: str,
    oic: str,
    reason: str,
    ends_at: datetime | None,
    address: str = "",
    postcode: str = "",
    phones: list[str] | tuple[str, ...] = (),
    victim_dob=None,
    preferred_contact: str = "",
    safe_contact_notes: str = "",
    risk_level: str = "",
    crime_reference: str = "",
    suspect_name: str = "",
    instructions: str = "",
    uprn: int | None = None,
    now: datetime | None = None,
) -> Scheme:
    """Put a marker on an address and/or phones; the OIC is told to inform the victim.

    The address's UPRN is the one given (chosen from the gazetteer) or the gazetteer's one
    match for the address as typed, so a call about it matches however the caller says it.
    """
    require_role(actor, *CREATE_ROLES)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    victim_name = _text(victim_name, 200)
    if not victim_name:
        errors["victim_name"] = ["The name of the person at risk is required."]
    reason = _text(reason)
    if not reason:
        errors["reason"] = ["The reason for the scheme is required."]
    address = _text(address, 300)
    postcode = _text(postcode, 16)
    if postcode and not postcode_key(postcode):
        errors["postcode"] = [f"{postcode!r} is not a UK postcode."]
    if address and not address_key(address, postcode):
        errors["address"] = ["The address has nothing to match on (no number or street)."]
    uprn, why = uprn_value(uprn) if uprn is not None else (None, None)
    if why:
        errors["uprn"] = [why]
    elif uprn is not None and not address:
        errors["uprn"] = ["A UPRN is the address's: give the address too."]
    phone_rows: dict[str, str] = {}
    bad_phones = []
    for raw in phones or ():
        number = _text(raw if isinstance(raw, str) else "", 64)
        if not number:
            continue
        key = phone_key(number)
        if key:
            phone_rows.setdefault(key, number)
        else:
            bad_phones.append(number or str(raw))
    if bad_phones:
        errors["phones"] = [f"{number!r} is not a phone number." for number in bad_phones]
    if not address and not phone_rows and "phones" not in errors:
        errors["address"] = ["Give the address, at least one phone number, or both."]
    if risk_level and risk_level not in RiskLevel.values:
        errors["risk_level"] = [f"One of: {', '.join(RiskLevel.values)}."]
    if ends_at is None:
        errors["ends_at"] = ["The planned end is required."]
    else:
        problems = rules.end_errors(start=now, ends_at=ends_at, now=now, timings=timings())
        if problems:
            errors["ends_at"] = problems
    try:
        oic_user = _oic_user(oic, now)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)

    full_key = address_key(address, postcode) if address else ""
    building = building_keys(address, postcode)
    if uprn is None and address:
        place = resolve(address, postcode)
        uprn = place.uprn if place else None
    with service_transaction():
        scheme = Scheme.objects.create(
            victim_name=victim_name,
            victim_dob=victim_dob,
            preferred_contact=_text(preferred_contact, 200),
            safe_contact_notes=_text(safe_contact_notes),
            address=address,
            postcode=postcode_key(postcode) and postcode.upper(),
            address_key=full_key,
            premises_key=premises_key(address, postcode) if address else "",
            street_key=("|" + full_key.split("|", 1)[1]) if full_key else "",
            uprn=uprn,
            **building,
            reason=reason,
            risk_level=risk_level,
            crime_reference=_text(crime_reference, 64),
            suspect_name=_text(suspect_name, 200),
            instructions=_text(instructions),
            oic=oic_user,
            requested_by=actor,
            starts_at=now,
            ends_at=ends_at,
            cycle_started_at=now,
            created_at=now,
            updated_at=now,
        )
        SchemePhone.objects.bulk_create(
            SchemePhone(scheme=scheme, number=number, phone_key=key)
            for key, number in phone_rows.items()
        )
        _schedule(scheme)
        scheme.save(update_fields=["next_action_at"])
        publish(
            "scheme.created",
            actor=actor,
            scheme_id=scheme.pk,
            data=_event_data(
                scheme,
                summary=f"Special scheme #{scheme.pk} in force until {day_text(ends_at)}",
            ),
            roles=IN_FORCE_AUDIENCE,
            users=[oic_user.pk, actor.pk],
            at=now,
        )
        _mail_after_commit(
            f"Special scheme #{scheme.pk}: you must tell the victim",
            (
                f"You are the OIC for special scheme #{scheme.pk}, in force until "
                f"{day_text(ends_at)}.\n\n"
                "Contact the victim, using her preferred method first, and explain what a "
                "special scheme is, how long it is intended to be in place, and that it will "
                f"be withdrawn after at most {timings().max_months} months if the risk no "
                "longer exists. Record every contact and attempt on the scheme page.\n\n"
                f"{POLICY_LINE}\n\n{_scheme_url(scheme)}"
            ),
            [oic_user.email],
        )
    return scheme


# --- contacts --------------------------------------------------------------------------


def scheme_contact_record(
    *,
    actor,
    scheme_id: int,
    purpose: str,
    method: str,
    outcome: str,
    notes: str = "",
    at: datetime | None = None,
    now: datetime | None = None,
) -> SchemeContact:
    """Record a contact or an attempted contact with the victim (also after the end)."""
    _check_may_act(actor, scheme_id, "contacts", CONTACT_ROLES)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if purpose not in ContactPurpose.values:
        errors["purpose"] = [f"One of: {', '.join(ContactPurpose.values)}."]
    if outcome not in ContactOutcome.values:
        errors["outcome"] = [f"One of: {', '.join(ContactOutcome.values)}."]
    method = _text(method, 100)
    if not method:
        errors["method"] = ["How the victim was contacted (or tried) is required."]
    notes = _text(notes)
    if outcome in (ContactOutcome.OTHER, ContactOutcome.UNSAFE) and not notes:
        errors["notes"] = ["Say what happened (notes are required for this outcome)."]
    at = at or now
    if at > now + CLOCK_SKEW:
        errors["at"] = ["A contact cannot be in the future."]
    if errors:
        raise InvalidInput(errors)

    with service_transaction():
        scheme = _locked(scheme_id)
        _recheck_owner(actor, scheme, CONTACT_ROLES)
        contact = SchemeContact.objects.create(
            scheme=scheme,
            cycle=scheme.cycle,
            at=at,
            recorded_at=now,
            recorded_by=actor,
            purpose=purpose,
            method=method,
            outcome=outcome,
            notes=notes,
        )
        settles = purpose == ContactPurpose.EXPLAIN and outcome in (
            ContactOutcome.INFORMED,
            ContactOutcome.UNSAFE,
        )
        informed_changed = settles and scheme.informed == Informed.NOT_YET
        if informed_changed:
            scheme.informed = outcome
            scheme.informed_at = at
            _resolve_tasks(
                scheme, stages=rules.INFORM_STAGES, resolution=f"contact:{outcome}", now=now
            )
            _schedule(scheme)
        scheme.updated_at = now
        scheme.save()
        publish(
            "scheme.contact_recorded",
            actor=actor,
            scheme_id=scheme.pk,
            data=_event_data(
                scheme,
                contact=contact.pk,
                purpose=purpose,
                outcome=outcome,
                informed=scheme.informed,
                summary=f"Scheme #{scheme.pk}: {purpose} contact, {outcome.replace('_', ' ')}",
            ),
            roles=ESCALATION_AUDIENCE,
            users=[scheme.oic_id],
            at=now,
        )
    return contact


# --- decisions -------------------------------------------------------------------------


def scheme_extend(
    *,
    actor,
    scheme_id: int,
    ends_at: datetime | None,
    rationale: str,
    now: datetime | None = None,
) -> Scheme:
    """A new planned end (at most six months from this decision) starts a new cycle."""
    _check_may_act(actor, scheme_id, "extend", DECISION_ROLES)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    rationale = _text(rationale)
    if not rationale:
        errors["rationale"] = ["An extension needs a rationale."]
    if ends_at is None:
        errors["ends_at"] = ["The new planned end is required."]
    else:
        problems = rules.end_errors(start=now, ends_at=ends_at, now=now, timings=timings())
        if problems:
            errors["ends_at"] = problems
    if errors:
        raise InvalidInput(errors)

    with service_transaction():
        scheme = _locked(scheme_id)
        _recheck_owner(actor, scheme, DECISION_ROLES)
        if not scheme.in_force:
            raise Conflict(f"Scheme #{scheme.pk} has ended; request a new scheme instead.")
        previous_end = scheme.ends_at
        decision = SchemeDecision.objects.create(
            scheme=scheme,
            cycle=scheme.cycle,
            kind=DecisionKind.EXTEND,
            at=now,
            by=actor,
            rationale=rationale,
            previous_ends_at=previous_end,
            new_ends_at=ends_at,
        )
        _resolve_tasks(scheme, stages=rules.REVIEW_STAGES, resolution="extended", now=now)
        scheme.cycle += 1
        scheme.cycle_started_at = now
        scheme.ends_at = ends_at
        scheme.status = SchemeStatus.ACTIVE
        scheme.expiry_decided_at = None
        scheme.expiry_decided_by = None
        scheme.updated_at = now
        _schedule(scheme)
        scheme.save()
        publish(
            "scheme.extended",
            actor=actor,
            scheme_id=scheme.pk,
            data=_event_data(
                scheme,
                decision=decision.pk,
                previous_ends_at=previous_end.isoformat(),
                summary=f"Scheme #{scheme.pk} extended to {day_text(ends_at)}",
            ),
            roles=IN_FORCE_AUDIENCE,
            users=[scheme.oic_id],
            at=now,
        )
    return scheme


def scheme_withdraw(
    *,
    actor,
    scheme_id: int,
    rationale: str,
    at_planned_end: bool = False,
    now: datetime | None = None,
) -> Scheme:
    """Withdraw now, or decide that it ends at its planned end (expired_by_decision).

    Refused until at least one attempt to tell the victim about the withdrawal has been
    recorded in this cycle (a `withdrawal` contact, whatever its outcome)."""
    _check_may_act(actor, scheme_id, "withdraw", DECISION_ROLES)
    now = now or timezone.now()
    rationale = _text(rationale)

    with service_transaction():
        scheme = _locked(scheme_id)
        _recheck_owner(actor, scheme, DECISION_ROLES)
        if not scheme.in_force:
            raise Conflict(f"Scheme #{scheme.pk} has already ended.")
        errors: dict[str, list[str]] = {}
        if not rationale:
            errors["rationale"] = ["A withdrawal needs a rationale."]
        attempts = SchemeContact.objects.filter(
            scheme=scheme, cycle=scheme.cycle, purpose=ContactPurpose.WITHDRAWAL
        ).count()
        if not attempts:
            errors["contacts"] = [
                "Missing step: record at least one attempt to contact the victim about the "
                "withdrawal (a contact with purpose 'withdrawal', with its method and "
                "outcome) before withdrawing the scheme."
            ]
        if errors:
            raise InvalidInput(errors)
        if at_planned_end and scheme.ends_at > now:
            decision = SchemeDecision.objects.create(
                scheme=scheme,
                cycle=scheme.cycle,
                kind=DecisionKind.EXPIRE,
                at=now,
                by=actor,
                rationale=rationale,
                previous_ends_at=scheme.ends_at,
            )
            scheme.expiry_decided_at = now
            scheme.expiry_decided_by = actor
            scheme.end_rationale = rationale
            scheme.status = SchemeStatus.ACTIVE
            scheme.updated_at = now
            _resolve_tasks(scheme, stages=rules.REVIEW_STAGES, resolution="decided", now=now)
            _schedule(scheme)
            scheme.save()
            publish(
                "scheme.expiry_decided",
                actor=actor,
                scheme_id=scheme.pk,
                data=_event_data(
                    scheme,
                    decision=decision.pk,
                    attempts=attempts,
                    summary=f"Scheme #{scheme.pk} to end on {day_text(scheme.ends_at)}",
                ),
                roles=ESCALATION_AUDIENCE,
                users=[scheme.oic_id],
                at=now,
            )
            return scheme
        decision = SchemeDecision.objects.create(
            scheme=scheme,
            cycle=scheme.cycle,
            kind=DecisionKind.WITHDRAW,
            at=now,
            by=actor,
            rationale=rationale,
            previous_ends_at=scheme.ends_at,
        )
        scheme.status = SchemeStatus.ENDED
        scheme.ending = Ending.WITHDRAWN
        scheme.ended_at = now
        scheme.ended_by = actor
        scheme.end_rationale = rationale
        scheme.updated_at = now
        _resolve_tasks(
            scheme,
            stages=rules.REVIEW_STAGES + rules.INFORM_STAGES,
            resolution="withdrawn",
            now=now,
        )
        _schedule(scheme)
        scheme.save()
        publish(
            "scheme.withdrawn",
            actor=actor,
            scheme_id=scheme.pk,
            data=_event_data(
                scheme,
                decision=decision.pk,
                ending=Ending.WITHDRAWN.value,
                attempts=attempts,
                summary=f"Scheme #{scheme.pk} withdrawn",
            ),
            roles=IN_FORCE_AUDIENCE,
            users=[scheme.oic_id],
            at=now,
        )
    return scheme


def scheme_reassign_oic(
    *, actor, scheme_id: int, oic: str, rationale: str, now: datetime | None = None
) -> Scheme:
    """The BCU crime manager hands a scheme to another OIC (absent or unresponsive OIC)."""
    require(actor, "scheme.reassign_oic")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    rationale = _text(rationale)
    if not rationale:
        errors["rationale"] = ["Say why the OIC changes."]
    try:
        new_oic = _oic_user(oic, now)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    with service_transaction():
        scheme = _locked(scheme_id)
        if not scheme.in_force:
            raise Conflict(f"Scheme #{scheme.pk} has ended.")
        if scheme.oic_id == new_oic.pk:
            raise InvalidInput({"oic": [f"{new_oic.username} is already the OIC."]})
        previous = scheme.oic
        decision = SchemeDecision.objects.create(
            scheme=scheme,
            cycle=scheme.cycle,
            kind=DecisionKind.REASSIGN,
            at=now,
            by=actor,
            rationale=rationale,
            previous_oic=previous,
            new_oic=new_oic,
        )
        scheme.oic = new_oic
        scheme.updated_at = now
        scheme.save()
        # Open OIC tasks follow the scheme to its new OIC.
        SchemeTask.objects.filter(
            scheme=scheme, resolved_at__isnull=True, assigned_role="oic"
        ).update(assigned_user=new_oic)
        publish(
            "scheme.oic_changed",
            actor=actor,
            scheme_id=scheme.pk,
            data=_event_data(
                scheme,
                decision=decision.pk,
                previous_oic=previous.username,
                summary=f"Scheme #{scheme.pk}: OIC now {new_oic.username}",
            ),
            roles=ESCALATION_AUDIENCE,
            users=[previous.pk, new_oic.pk],
            at=now,
        )
        _mail_after_commit(
            f"Special scheme #{scheme.pk} is now yours",
            (
                f"You are now the OIC for special scheme #{scheme.pk} (planned end "
                f"{day_text(scheme.ends_at)}). Check whether the victim has been told about "
                f"the scheme and review it before its planned end.\n\n{POLICY_LINE}\n\n"
                f"{_scheme_url(scheme)}"
            ),
            [new_oic.email],
        )
    return scheme


# --- the review sweep ------------------------------------------------------------------

STAGE_TEXT = {
    rules.STAGE_NOT_INFORMED_OIC: "victim not yet informed: reminder to the OIC",
    rules.STAGE_NOT_INFORMED_MANAGER: "victim not yet informed: escalated to the crime manager",
    rules.STAGE_FIRST: "first-stage review due (OIC)",
    rules.STAGE_SECOND: "second-stage review (BCU crime manager)",
    rules.STAGE_OVERDUE: "planned end passed without a decision: still in force",
}


def _write_stage(scheme: Scheme, stage: rules.Stage, now: datetime) -> SchemeTask | None:
    """One task row and its event and emails; nothing if the row already exists."""
    cycle = 0 if stage.name in rules.INFORM_STAGES else scheme.cycle
    to_manager = stage.name in (
        rules.STAGE_SECOND,
        rules.STAGE_OVERDUE,
        rules.STAGE_NOT_INFORMED_MANAGER,
    )
    try:
        with transaction.atomic():
            task, created = SchemeTask.objects.get_or_create(
                scheme=scheme,
                stage=stage.name,
                cycle=cycle,
                sequence=stage.sequence,
                defaults={
                    "due_at": stage.due_at,
                    "created_at": now,
                    "assigned_role": "crime_manager" if to_manager else "oic",
                    "assigned_user": None if to_manager else scheme.oic,
                },
            )
    except IntegrityError:  # a concurrent sweep wrote it first
        return None
    if not created:
        return None

    url = _scheme_url(scheme)
    summary = f"Scheme #{scheme.pk}: {STAGE_TEXT[stage.name]}"
    if stage.name == rules.STAGE_FIRST:
        if scheme.status == SchemeStatus.ACTIVE:
            scheme.status = SchemeStatus.REVIEW_DUE
        kind, roles = "scheme.review_due", ()
        subject = f"Special scheme #{scheme.pk}: first-stage review due"
        body = (
            f"Special scheme #{scheme.pk} reaches its planned end on {day_text(scheme.ends_at)}. "
            "Review it now: contact the victim, decide whether it is extended or withdrawn, "
            "and record the contact and the decision on the scheme page. Without your "
            f"decision within {timings().second_stage_days} days the BCU crime manager is "
            "asked to review it; the scheme never ends without a recorded decision."
        )
        recipients = [scheme.oic.email]
    elif stage.name in (rules.STAGE_SECOND, rules.STAGE_OVERDUE):
        scheme.status = SchemeStatus.SECOND_STAGE
        kind, roles = "scheme.escalated", ESCALATION_AUDIENCE
        if stage.name == rules.STAGE_SECOND:
            subject = f"Special scheme #{scheme.pk}: second-stage review"
            body = (
                f"The OIC ({scheme.oic.username}) has not recorded a decision on special "
                f"scheme #{scheme.pk} (planned end {day_text(scheme.ends_at)}). Please make "
                "sure the review is conducted."
            )
        else:
            subject = f"Special scheme #{scheme.pk}: planned end passed, decision overdue"
            body = (
                f"Special scheme #{scheme.pk} passed its planned end on "
                f"{day_text(scheme.ends_at)} without a recorded decision. It stays in force "
                "until one is recorded. OIC: "
                f"{scheme.oic.username}."
            )
        recipients = _crime_manager_emails() + [scheme.oic.email]
    elif stage.name == rules.STAGE_NOT_INFORMED_OIC:
        kind, roles = "scheme.victim_not_informed", ()
        subject = f"Special scheme #{scheme.pk}: victim not yet informed"
        body = (
            f"No contact explaining special scheme #{scheme.pk} to the victim has been "
            "recorded. Contact her (preferred method first, then other safe methods), "
            "explain the scheme and how long it lasts, and record it — or record why it is "
            "unsafe to contact her."
        )
        recipients = [scheme.oic.email]
    else:
        kind, roles = "scheme.victim_not_informed", ESCALATION_AUDIENCE
        subject = f"Special scheme #{scheme.pk}: victim still not informed"
        body = (
            f"The OIC ({scheme.oic.username}) has still not recorded telling the victim about "
            f"special scheme #{scheme.pk}, {2 * timings().inform_days} days after it started."
        )
        recipients = _crime_manager_emails() + [scheme.oic.email]

    task.emailed_to = _mail_after_commit(subject, f"{body}\n\n{POLICY_LINE}\n\n{url}", recipients)
    task.save(update_fields=["emailed_to"])
    publish(
        kind,
        scheme_id=scheme.pk,
        data=_event_data(
            scheme,
            stage=stage.name,
            sequence=stage.sequence,
            task=task.pk,
            overdue=scheme.overdue(now),
            summary=summary,
        ),
        roles=roles,
        users=[scheme.oic_id],
        at=now,
    )
    return task


def _expire(scheme: Scheme, now: datetime) -> None:
    scheme.status = SchemeStatus.ENDED
    scheme.ending = Ending.EXPIRED_BY_DECISION
    scheme.ended_at = scheme.ends_at
    scheme.ended_by = scheme.expiry_decided_by
    _resolve_tasks(
        scheme, stages=rules.REVIEW_STAGES + rules.INFORM_STAGES, resolution="expired", now=now
    )
    publish(
        "scheme.expired",
        scheme_id=scheme.pk,
        data=_event_data(
            scheme,
            ending=Ending.EXPIRED_BY_DECISION.value,
            summary=f"Scheme #{scheme.pk} ended at its planned end, as decided",
        ),
        roles=IN_FORCE_AUDIENCE,
        users=[scheme.oic_id],
        at=now,
    )


def scheme_sweep_one(*, scheme_id: int, now: datetime | None = None) -> int:
    """Write whatever stages are due on one scheme; returns how many were written."""
    now = now or timezone.now()
    written = 0
    with service_transaction():
        scheme = _locked(scheme_id)
        if not scheme.in_force:
            if scheme.next_action_at is not None:
                scheme.next_action_at = None
                scheme.save(update_fields=["next_action_at"])
            return 0
        if rules.expiry_due(
            ends_at=scheme.ends_at, decided=scheme.expiry_decided_at is not None, now=now
        ):
            _expire(scheme, now)
        else:
            snap = _snapshot(scheme, list(scheme.tasks.all()))
            for stage in rules.due_stages(snap, now, timings()):
                if _write_stage(scheme, stage, now) is not None:
                    written += 1
        scheme.updated_at = now if written or not scheme.in_force else scheme.updated_at
        _schedule(scheme)
        scheme.save()
    return written


def scheme_reviews_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: every scheme whose next action is due; idempotent (one task per stage and cycle).

    Also covers the victim-not-informed reminders and the end of schemes decided to expire.
    """
    now = now or timezone.now()
    due_ids = list(
        Scheme.objects.filter(next_action_at__lte=now)
        .order_by("next_action_at")
        .values_list("id", flat=True)[:limit]
    )
    total = 0
    for scheme_id in due_ids:
        try:
            total += scheme_sweep_one(scheme_id=scheme_id, now=now)
        except Exception:  # one bad row must not stop the others' escalations
            log.exception("scheme sweep failed for scheme %s", scheme_id)
    return total
