"""Integration API of the schemes app (DRF). Each view declares its roles.

Paths and fields follow API.md "Special schemes". Scheme details (names, address,
reason) are returned only to the roles that manage schemes; call handling gets the
lookup (`/schemes/lookup/`), which is what the banner shows.
"""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.kernel.errors import InvalidInput
from cad.kernel.gazetteer import uprn_value
from cad.kernel.moments import iso
from cad.kernel.policy import roles as policy_roles
from schemes import selectors, services
from schemes.models import Scheme, SchemeStatus

LIST_STATUSES = [*SchemeStatus.values, "in_force"]


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentField(serializers.Field):
    """ISO 8601 date-time (a time without offset is local), or a bare date (its start)."""

    default_error_messages = {
        "invalid": "Give a date and time in ISO 8601, e.g. 2027-03-03T12:00Z."
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        text = data.strip()
        try:
            moment = parse_datetime(text)
            if moment is None:
                day = parse_date(text)
                if day is None:
                    self.fail("invalid")
                moment = datetime.combine(day, time.min)
        except ValueError:
            self.fail("invalid")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment

    def to_representation(self, value):
        return iso(value)


class SchemeCreateIn(serializers.Serializer):
    victim_name = serializers.CharField(max_length=200, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True)
    uprn = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="the gazetteer's address point"
    )
    phones = serializers.ListField(
        child=serializers.CharField(max_length=64, allow_blank=True), required=False
    )
    oic = serializers.CharField(max_length=150, allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    ends_at = MomentField()
    victim_dob = serializers.DateField(required=False, allow_null=True)
    preferred_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    safe_contact_notes = serializers.CharField(required=False, allow_blank=True)
    risk_level = serializers.CharField(max_length=8, required=False, allow_blank=True)
    crime_reference = serializers.CharField(max_length=64, required=False, allow_blank=True)
    suspect_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    instructions = serializers.CharField(required=False, allow_blank=True)


class ContactIn(serializers.Serializer):
    purpose = serializers.CharField(max_length=16)
    method = serializers.CharField(max_length=100, allow_blank=True)
    outcome = serializers.CharField(max_length=20)
    notes = serializers.CharField(required=False, allow_blank=True)
    at = MomentField(required=False)


class ExtendIn(serializers.Serializer):
    ends_at = MomentField()
    rationale = serializers.CharField(allow_blank=True)


class WithdrawIn(serializers.Serializer):
    rationale = serializers.CharField(allow_blank=True)
    at_planned_end = serializers.BooleanField(required=False, default=False)


class ReassignIn(serializers.Serializer):
    oic = serializers.CharField(max_length=150, allow_blank=True)
    rationale = serializers.CharField(allow_blank=True)


class SchemeMatchOut(serializers.Serializer):
    """A scheme as the call handler's banner lists it (no victim details)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(SchemeStatus.choices)
    ends_at = serializers.DateTimeField()
    ending = serializers.CharField(allow_blank=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()
    overdue = serializers.BooleanField()
    informed = serializers.CharField()
    matched_on = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()


class AttentionOut(serializers.Serializer):
    severity = serializers.CharField()
    text = serializers.CharField()


class SchemeContactOut(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()
    purpose = serializers.CharField()
    method = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField()
    notes = serializers.CharField(allow_blank=True)


class SchemeDecisionOut(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField()
    rationale = serializers.CharField(allow_blank=True)
    previous_ends_at = serializers.DateTimeField(allow_null=True)
    new_ends_at = serializers.DateTimeField(allow_null=True)
    previous_oic = serializers.CharField(allow_null=True)
    new_oic = serializers.CharField(allow_null=True)


class SchemeTaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField()
    cycle = serializers.IntegerField()
    sequence = serializers.IntegerField()
    assigned_role = serializers.CharField(allow_blank=True)
    assigned_user = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField(allow_blank=True)


class SchemeTimelineItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    when = serializers.CharField(help_text="Day and local time, as the screens write it.")
    actor = serializers.CharField()
    stage = serializers.CharField(allow_blank=True)
    text = serializers.CharField()


class SchemeOut(serializers.Serializer):
    """A scheme; detail (one scheme, or the answer to a change) adds the fields not required
    here: who requested and ended it, its contact log, decisions, tasks and timeline."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(SchemeStatus.choices)
    ending = serializers.CharField(allow_blank=True)
    overdue = serializers.BooleanField()
    informed = serializers.CharField()
    informed_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()
    attention = AttentionOut(many=True)
    victim_name = serializers.CharField(allow_blank=True)
    victim_dob = serializers.DateField(allow_null=True)
    preferred_contact = serializers.CharField(allow_blank=True)
    safe_contact_notes = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)
    uprn = serializers.IntegerField(allow_null=True)
    phones = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(allow_blank=True)
    risk_level = serializers.CharField(allow_blank=True)
    crime_reference = serializers.CharField(allow_blank=True)
    suspect_name = serializers.CharField(allow_blank=True)
    instructions = serializers.CharField(allow_blank=True)
    oic = serializers.CharField()
    oic_name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    cycle = serializers.IntegerField()
    expiry_decided_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_rationale = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    requested_by = serializers.CharField(required=False)
    ended_by = serializers.CharField(required=False, allow_null=True)
    withdrawal_attempts = serializers.IntegerField(required=False)
    contacts = SchemeContactOut(many=True, required=False)
    decisions = SchemeDecisionOut(many=True, required=False)
    tasks = SchemeTaskOut(many=True, required=False)
    timeline = SchemeTimelineItemOut(many=True, required=False)


class SchemeContactRecordedOut(SchemeOut):
    """The scheme after a contact is recorded, with that contact."""

    contact = SchemeContactOut()


LookupOut = inline_serializer(
    "SchemeLookup",
    {
        "active": SchemeMatchOut(many=True),
        "history": SchemeMatchOut(many=True),
        "grade_floor": serializers.CharField(allow_null=True),
    },
)


def parse(serializer_class, request):
    if not isinstance(request.data, dict):
        raise InvalidInput({"non_field_errors": ["A JSON object is required."]})
    payload = serializer_class(data=request.data)
    if not payload.is_valid():
        raise InvalidInput(payload.errors)
    return payload.validated_data


def contact_payload(contact) -> dict:
    return {
        "id": contact.pk,
        "cycle": contact.cycle,
        "at": iso(contact.at),
        "recorded_at": iso(contact.recorded_at),
        "recorded_by": contact.recorded_by.username,
        "purpose": contact.purpose,
        "method": contact.method,
        "outcome": contact.outcome,
        "notes": contact.notes,
    }


def decision_payload(decision) -> dict:
    return {
        "id": decision.pk,
        "cycle": decision.cycle,
        "kind": decision.kind,
        "at": iso(decision.at),
        "by": decision.by.username,
        "rationale": decision.rationale,
        "previous_ends_at": iso(decision.previous_ends_at),
        "new_ends_at": iso(decision.new_ends_at),
        "previous_oic": decision.previous_oic.username if decision.previous_oic else None,
        "new_oic": decision.new_oic.username if decision.new_oic else None,
    }


def task_payload(task) -> dict:
    return {
        "id": task.pk,
        "stage": task.stage,
        "cycle": task.cycle,
        "sequence": task.sequence,
        "assigned_role": task.assigned_role,
        "assigned_user": task.assigned_user.username if task.assigned_user else None,
        "due_at": iso(task.due_at),
        "created_at": iso(task.created_at),
        "resolved_at": iso(task.resolved_at),
        "resolution": task.resolution,
    }


def scheme_payload(scheme: Scheme, *, now=None, detail: bool = False) -> dict:
    now = now or timezone.now()
    body = {
        "id": scheme.pk,
        "status": scheme.status,
        "ending": scheme.ending,
        "overdue": scheme.overdue(now),
        "informed": scheme.informed,
        "informed_at": iso(scheme.informed_at),
        "summary": selectors.scheme_summary(scheme, now),
        "attention": selectors.attention(scheme, now),
        "victim_name": scheme.victim_name,
        "victim_dob": iso(scheme.victim_dob),
        "preferred_contact": scheme.preferred_contact,
        "safe_contact_notes": scheme.safe_contact_notes,
        "address": scheme.address,
        "postcode": scheme.postcode,
        "uprn": scheme.uprn,
        "phones": [phone.number for phone in scheme.phones.all()],
        "reason": scheme.reason,
        "risk_level": scheme.risk_level,
        "crime_reference": scheme.crime_reference,
        "suspect_name": scheme.suspect_name,
        "instructions": scheme.instructions,
        "oic": scheme.oic.username,
        "oic_name": selectors.person_label(scheme.oic),
        "starts_at": iso(scheme.starts_at),
        "ends_at": iso(scheme.ends_at),
        "cycle": scheme.cycle,
        "expiry_decided_at": iso(scheme.expiry_decided_at),
        "ended_at": iso(scheme.ended_at),
        "end_rationale": scheme.end_rationale,
        "url": reverse("schemes:detail", args=[scheme.pk]),
    }
    if detail:
        contacts = list(scheme.contacts.all())
        decisions = list(scheme.decisions.select_related("by", "previous_oic", "new_oic"))
        body.update(
            {
                "requested_by": scheme.requested_by.username,
                "ended_by": scheme.ended_by.username if scheme.ended_by else None,
                "withdrawal_attempts": len(selectors.withdrawal_attempts(scheme)),
                "contacts": [contact_payload(c) for c in contacts],
                "decisions": [decision_payload(d) for d in decisions],
                "tasks": [task_payload(t) for t in scheme.tasks.all()],
                "timeline": selectors.timeline_items(scheme, decisions=decisions),
            }
        )
    return body


class SchemeListView(APIView):
    """List schemes by status (oic/crime manager/intelligence/supervisor); create one."""

    roles_by_method = {"GET": policy_roles("scheme.read"), "POST": policy_roles("scheme.request")}

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=LIST_STATUSES, required=False),
            OpenApiParameter("mine", bool, required=False),
        ],
        responses=SchemeOut(many=True),
    )
    def get(self, request):
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in LIST_STATUSES:
            raise InvalidInput({"status": [f"One of: {', '.join(LIST_STATUSES)}."]})
        mine = request.query_params.get("mine", "") in {"1", "true", "yes"}
        schemes = selectors.scheme_list(status=wanted, oic=request.user if mine else None)
        now = timezone.now()
        return Response([scheme_payload(s, now=now) for s in schemes[:500]])

    @extend_schema(request=SchemeCreateIn, responses={201: SchemeOut})
    def post(self, request):
        data = parse(SchemeCreateIn, request)
        scheme = services.scheme_create(actor=request.user, **data)
        return Response(
            scheme_payload(selectors.scheme_get(scheme.pk), detail=True),
            status=status.HTTP_201_CREATED,
        )


class SchemeDetailView(APIView):
    """One scheme with its contact log, decisions, tasks and timeline (event log)."""

    roles = policy_roles("scheme.read")

    @extend_schema(responses=SchemeOut)
    def get(self, request, scheme_id: int):
        return Response(scheme_payload(selectors.scheme_get(scheme_id), detail=True))


class SchemeContactView(APIView):
    """The scheme's OIC records a contact or an attempted contact with the victim."""

    roles = policy_roles("scheme.record_contact")

    @extend_schema(request=ContactIn, responses={201: SchemeContactRecordedOut})
    def post(self, request, scheme_id: int):
        data = parse(ContactIn, request)
        contact = services.scheme_contact_record(actor=request.user, scheme_id=scheme_id, **data)
        body = scheme_payload(selectors.scheme_get(scheme_id), detail=True)
        body["contact"] = contact_payload(contact)
        return Response(body, status=status.HTTP_201_CREATED)


class SchemeExtendView(APIView):
    """New planned end (at most six months from now) with a rationale."""

    roles = policy_roles("scheme.decide")
    conflicts = True

    @extend_schema(request=ExtendIn, responses=SchemeOut)
    def post(self, request, scheme_id: int):
        data = parse(ExtendIn, request)
        services.scheme_extend(actor=request.user, scheme_id=scheme_id, **data)
        return Response(scheme_payload(selectors.scheme_get(scheme_id), detail=True))


class SchemeWithdrawView(APIView):
    """Withdraw now (or, with at_planned_end, end it at its planned end) with a rationale;
    400 naming the missing step unless a `withdrawal` contact attempt is recorded."""

    roles = policy_roles("scheme.decide")
    conflicts = True

    @extend_schema(request=WithdrawIn, responses=SchemeOut)
    def post(self, request, scheme_id: int):
        data = parse(WithdrawIn, request)
        services.scheme_withdraw(actor=request.user, scheme_id=scheme_id, **data)
        return Response(scheme_payload(selectors.scheme_get(scheme_id), detail=True))


class SchemeReassignView(APIView):
    """The BCU crime manager hands the scheme to another OIC."""

    roles = policy_roles("scheme.reassign_oic")
    conflicts = True

    @extend_schema(request=ReassignIn, responses=SchemeOut)
    def post(self, request, scheme_id: int):
        data = parse(ReassignIn, request)
        services.scheme_reassign_oic(actor=request.user, scheme_id=scheme_id, **data)
        return Response(scheme_payload(selectors.scheme_get(scheme_id), detail=True))


class SchemeLookupView(APIView):
    """What call handling sees: schemes in force (grade floor IMMEDIATE) and history."""

    roles = policy_roles("scheme.lookup")

    @extend_schema(
        parameters=[
            OpenApiParameter("phone", str, required=False),
            OpenApiParameter("address", str, required=False),
            OpenApiParameter("postcode", str, required=False),
            OpenApiParameter("uprn", int, required=False),
        ],
        responses=LookupOut,
    )
    def get(self, request):
        params = request.query_params
        uprn, why = uprn_value(params["uprn"]) if params.get("uprn", "").strip() else (None, None)
        if why:
            raise InvalidInput({"uprn": [why]})
        lookup = selectors.scheme_lookup(
            phone=params.get("phone", "")[:64],
            address=params.get("address", "")[:300],
            postcode=params.get("postcode", "")[:16],
            uprn=uprn,
        )
        return Response(
            {"active": lookup.active, "history": lookup.history, "grade_floor": lookup.grade_floor}
        )
