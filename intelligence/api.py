"""Integration API of the intelligence app (DRF). Each view declares its roles.

Summaries (kind, one line, what matched) go to the control room; the full log only
to the intelligence, supervisor and OIC roles with a stated reason, and every such
view is recorded.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.kernel.api_helpers import JSONOrCSVView
from cad.kernel.errors import InvalidInput
from cad.kernel.policy import allows
from cad.kernel.policy import roles as policy_roles
from cad.models import Contact, Incident
from intelligence import selectors, services
from intelligence.models import CheckRequest, IntelligenceLog
from intelligence.validation import report_bound

SUMMARY_ROLES = policy_roles("intel.summary")
FULL_ROLES = services.FULL_VIEW_ROLES
REPORT_ROLES = policy_roles("intel.access_report")


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    summary = serializers.CharField()
    matched_on = serializers.ListField(child=serializers.CharField())
    occurred_at = serializers.DateTimeField(allow_null=True)
    risk = serializers.BooleanField()


HitsResponse = inline_serializer("IntelHits", {"hits": HitSerializer(many=True)})
CheckSummarySerializer = inline_serializer(
    "IntelCheckSummary",
    {
        "checked_at": serializers.DateTimeField(allow_null=True),
        "hits": HitSerializer(many=True),
        "risk_kinds": serializers.ListField(child=serializers.CharField()),
    },
)


class AccessOut(serializers.Serializer):
    id = serializers.IntegerField()
    log = serializers.IntegerField()
    user = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField(required=False, help_text="Not shown to admin.")
    channel = serializers.CharField()


class AccessReportRowOut(AccessOut):
    kind = serializers.CharField(help_text="The log's kind.")
    summary = serializers.CharField(required=False, help_text="The log's; not shown to admin.")


class PersonIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    dob = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    role = serializers.CharField(required=False, allow_blank=True, max_length=32)


class AddressIn(serializers.Serializer):
    address = serializers.CharField(max_length=300)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=16)
    uprn = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="the gazetteer's address point"
    )


class LogFullSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    summary = serializers.CharField()
    details = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    handling_code = serializers.CharField()
    source = serializers.CharField()
    source_ref = serializers.CharField(allow_null=True)
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    persons = PersonIn(many=True)
    addresses = AddressIn(many=True)
    phones = serializers.ListField(child=serializers.CharField())


class LogIn(serializers.Serializer):
    kind = serializers.CharField()
    summary = serializers.CharField()
    details = serializers.CharField(required=False, allow_blank=True)
    occurred_at = serializers.CharField()
    handling_code = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True)
    source_ref = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    persons = PersonIn(many=True, required=False)
    addresses = AddressIn(many=True, required=False)
    phones = serializers.ListField(child=serializers.CharField(), required=False)


def _dict_payload(request) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidInput({"non_field_errors": ["A JSON object is required."]})
    return request.data


def _persons_from_query(params) -> list[tuple[str, str]]:
    name = params.get("name", "").strip()
    if not name:
        return []
    dob = params.get("dob", "").strip()
    if dob and parse_date(dob) is None:
        raise InvalidInput({"dob": ["Date of birth must be YYYY-MM-DD."]})
    return [(name, dob)]


class CheckLookupView(APIView):
    """As-you-type lookup: hit summaries for a phone, address and/or person (not recorded)."""

    roles = SUMMARY_ROLES

    @extend_schema(
        parameters=[
            OpenApiParameter("phone", str, required=False),
            OpenApiParameter("address", str, required=False),
            OpenApiParameter("postcode", str, required=False),
            OpenApiParameter("name", str, required=False),
            OpenApiParameter("dob", str, required=False, description="YYYY-MM-DD"),
        ],
        responses=HitsResponse,
    )
    def get(self, request):
        params = request.query_params
        hits = selectors.lookup_hits(
            phone=params.get("phone", ""),
            address=params.get("address", ""),
            postcode=params.get("postcode", ""),
            persons=_persons_from_query(params),
        )
        return Response({"hits": hits})


def _subject(data) -> tuple[Incident | None, Contact | None]:
    incident_id, contact_id = data.get("incident"), data.get("contact")
    if bool(incident_id) == bool(contact_id):
        raise InvalidInput({"subject": ["Give exactly one of incident or contact."]})
    try:
        if incident_id:
            return Incident.objects.get(pk=int(incident_id)), None
        return None, Contact.objects.get(pk=int(contact_id))
    except (TypeError, ValueError):
        raise InvalidInput({"subject": ["An id is a whole number."]}) from None


class CheckView(APIView):
    """GET: the latest check of an incident or contact. POST: a manual re-check (recorded)."""

    roles_by_method = {"GET": SUMMARY_ROLES, "POST": services.MANUAL_CHECK_ROLES}

    @extend_schema(
        parameters=[
            OpenApiParameter("incident", int, required=False),
            OpenApiParameter("contact", int, required=False),
        ],
        responses=CheckSummarySerializer,
    )
    def get(self, request):
        incident, contact = _subject(request.query_params)
        return Response(selectors.check_summary(incident=incident, contact=contact))

    @extend_schema(
        request=inline_serializer(
            "IntelRecheck",
            {
                "incident": serializers.IntegerField(required=False),
                "contact": serializers.IntegerField(required=False),
            },
        ),
        responses={201: CheckSummarySerializer},
    )
    def post(self, request):
        incident, contact = _subject(_dict_payload(request))
        services.intel_check_run(
            actor=request.user, incident=incident, contact=contact, manual=True
        )
        return Response(
            selectors.check_summary(incident=incident, contact=contact),
            status=status.HTTP_201_CREATED,
        )


class LogListView(APIView):
    """GET: search (summaries only). POST: record a new log (intelligence)."""

    conflicts = True

    roles_by_method = {"GET": FULL_ROLES, "POST": services.LOG_WRITE_ROLES}

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("phone", "address", "postcode", "name", "dob", "kind")
        ],
        operation_id="intelligence_logs_search",
        responses=HitsResponse,
    )
    def get(self, request):
        params = request.query_params
        dob = params.get("dob", "").strip()
        if dob and parse_date(dob) is None:
            raise InvalidInput({"dob": ["Date of birth must be YYYY-MM-DD."]})
        hits = selectors.log_search(
            phone=params.get("phone", ""),
            address=params.get("address", ""),
            postcode=params.get("postcode", ""),
            name=params.get("name", ""),
            dob=dob or None,
            kind=params.get("kind", ""),
        )
        return Response({"hits": hits})

    @extend_schema(request=LogIn, responses={201: HitSerializer})
    def post(self, request):
        payload = LogIn(data=_dict_payload(request))
        if not payload.is_valid():
            raise InvalidInput(payload.errors)
        data = payload.validated_data
        log = services.intel_log_create(
            actor=request.user,
            kind=data["kind"],
            summary=data["summary"],
            details=data.get("details", ""),
            occurred_at=data["occurred_at"],
            handling_code=data.get("handling_code", ""),
            source=data.get("source", ""),
            source_ref=data.get("source_ref") or None,
            persons=[dict(p) for p in data.get("persons", [])],
            addresses=[dict(a) for a in data.get("addresses", [])],
            phones=data.get("phones", []),
        )
        body = selectors.hit_dict(
            log_id=log.pk,
            kind=log.kind,
            summary=log.summary,
            occurred_at=log.occurred_at,
            matched_on=[],
        )
        return Response(body, status=status.HTTP_201_CREATED)


class LogDetailView(APIView):
    """The full log. 400 without a reason; every view is recorded (who, when, why)."""

    roles = FULL_ROLES

    @extend_schema(
        operation_id="intelligence_log_full_view",
        parameters=[OpenApiParameter("reason", str, required=True)],
        responses=LogFullSerializer,
    )
    def get(self, request, log_id: int):
        log, _ = services.intel_log_view(
            actor=request.user,
            log_id=log_id,
            reason=request.query_params.get("reason", ""),
            channel="api",
        )
        return Response(selectors.log_full(log))


class LogAccessListView(APIView):
    """Who has seen a log, when and why."""

    roles = policy_roles("intel.log_access")

    @extend_schema(
        responses=inline_serializer(
            "IntelLogAccesses",
            {"log": serializers.IntegerField(), "accesses": AccessOut(many=True)},
        )
    )
    def get(self, request, log_id: int):
        log = get_object_or_404(IntelligenceLog, pk=log_id)
        accesses = selectors.log_accesses(log)
        if not allows(request.user, "intel.access_reasons"):
            accesses = [{k: v for k, v in row.items() if k != "reason"} for row in accesses]
        return Response({"log": log.pk, "accesses": accesses})


class AccessReportView(JSONOrCSVView):
    """Every full view of a log in a period (DPA 2018 s.62 logging); `format=csv` for CSV."""

    roles = REPORT_ROLES

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=False),
            OpenApiParameter("to", str, required=False),
            OpenApiParameter("user", str, required=False),
            OpenApiParameter("format", str, required=False, enum=["json", "csv"]),
        ],
        responses={
            (200, "application/json"): inline_serializer(
                "IntelAccessReport", {"accesses": AccessReportRowOut(many=True)}
            ),
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def get(self, request):
        params = request.query_params
        rows = selectors.access_report(
            start=report_bound(params.get("from", ""), "from"),
            end=report_bound(params.get("to", ""), "to"),
            username=params.get("user", ""),
        )[:10000]
        records = [
            dict(selectors.access_dict(row), kind=row.log.kind, summary=row.log.summary)
            for row in rows
        ]
        fields = ["id", "at", "user", "log", "kind", "reason", "channel"]
        if not allows(request.user, "intel.access_reasons"):
            for record in records:
                del record["reason"], record["summary"]
            fields.remove("reason")
        if params.get("format") == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            for record in records:
                writer.writerow({key: record[key] for key in writer.fieldnames})
            response = HttpResponse(out.getvalue(), content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="intelligence-access.csv"'
            return response
        return Response({"accesses": records})


class RequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    incident = serializers.IntegerField(allow_null=True)
    contact = serializers.IntegerField(allow_null=True)
    subject = serializers.CharField()
    question = serializers.CharField()
    status = serializers.CharField()
    requested_by = serializers.CharField()
    requested_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    claimed_by = serializers.CharField(allow_null=True)
    answered_by = serializers.CharField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.CharField(allow_blank=True)
    escalated_at = serializers.DateTimeField(allow_null=True)


class RequestListView(APIView):
    """Check requests: the support desk's queue, or a requester's own requests."""

    roles_by_method = {
        "GET": (*policy_roles("intel.request_queue"), *policy_roles("intel.request")),
        "POST": services.REQUEST_ROLES,
    }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, required=False, enum=["open", "claimed", "answered", "unanswered"]
            ),
            OpenApiParameter("mine", bool, required=False, description="requests I made"),
            OpenApiParameter(
                "claimed", str, required=False, enum=["me"], description="requests I claimed"
            ),
        ],
        responses=RequestOut(many=True),
    )
    def get(self, request):
        params = request.query_params
        status_filter = params.get("status", "")
        if status_filter and status_filter not in {*CheckRequest.Status.values, "unanswered"}:
            raise InvalidInput({"status": ["open, claimed, answered or unanswered."]})
        desk = allows(request.user, "intel.request_queue")
        mine = params.get("mine") in {"1", "true"} or not desk
        claimed_by_me = desk and params.get("claimed") == "me"
        rows = selectors.request_queue(
            status=status_filter,
            requested_by=request.user if mine else None,
            claimed_by=request.user if claimed_by_me else None,
        )[:500]
        return Response([selectors.request_dict(row) for row in rows])

    @extend_schema(
        request=inline_serializer(
            "IntelCheckRequestIn",
            {
                "incident": serializers.IntegerField(required=False),
                "contact": serializers.IntegerField(required=False),
                "question": serializers.CharField(),
            },
        ),
        responses={201: RequestOut},
    )
    def post(self, request):
        data = _dict_payload(request)
        incident, contact = _subject(data)
        row = services.intel_request_create(
            actor=request.user,
            incident=incident,
            contact=contact,
            question=str(data.get("question") or ""),
        )
        return Response(selectors.request_dict(row), status=status.HTTP_201_CREATED)


class RequestClaimView(APIView):
    roles = policy_roles("intel.answer")
    conflicts = True

    @extend_schema(request=None, responses=RequestOut)
    def post(self, request, request_id: int):
        row = services.intel_request_claim(actor=request.user, request_id=request_id)
        return Response(selectors.request_dict(row))


class RequestAnswerView(APIView):
    roles = policy_roles("intel.answer")
    conflicts = True

    @extend_schema(
        request=inline_serializer("IntelAnswerIn", {"answer": serializers.CharField()}),
        responses=RequestOut,
    )
    def post(self, request, request_id: int):
        data = _dict_payload(request)
        row = services.intel_request_answer(
            actor=request.user, request_id=request_id, answer=str(data.get("answer") or "")
        )
        return Response(selectors.request_dict(row))
