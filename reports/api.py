"""API of the DIVERT tag list, QART findings, urgent reviews and the standard reports.

Roles: the tag list and divert timelines are for QART, supervisors, controllers and
ops-room inspectors (who run the divert procedure); findings are QART's alone; the
urgent-review queue and the standard reports are for QART and supervisors.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.kernel.api_helpers import JSONOrCSVView
from cad.kernel.errors import InvalidInput
from cad.kernel.policy import roles as policy_roles
from dispatch.models import Divert
from dispatch.models_qart import QartFinding
from reports import figures, qart_services, selectors

TAG_LIST_ROLES = policy_roles("qart.divert_tags")
REPORT_ROLES = policy_roles("reports.read")
URGENT_QUEUE_ROLES = policy_roles("qart.urgent_queue")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Far beyond any real list; an offset beyond it would overflow the database's integers.
MAX_PAGE = 1_000_000


def _seconds(delta) -> float | None:
    return delta.total_seconds() if delta is not None else None


class DivertOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    reason = serializers.CharField()
    unit = serializers.CharField(source="unit.callsign")
    from_incident = serializers.IntegerField(source="from_incident_id")
    from_reference = serializers.CharField(source="from_incident.reference")
    from_grade = serializers.CharField(source="from_incident.grade", allow_null=True)
    from_grade_at_divert = serializers.CharField(source="from_grade")
    to_incident = serializers.IntegerField(source="to_incident_id")
    to_reference = serializers.CharField(source="to_incident.reference")
    to_grade = serializers.CharField(source="to_incident.grade", allow_null=True)
    to_grade_at_divert = serializers.CharField(source="to_grade")
    dispatcher = serializers.CharField(source="dispatcher.username")
    review_due_at = serializers.DateTimeField()
    controller = serializers.CharField(source="controller.username", allow_null=True)
    decision = serializers.CharField(help_text='"approve", "override" or "" (not yet reviewed)')
    rationale = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    time_to_review_seconds = serializers.SerializerMethodField()
    replacement_unit = serializers.CharField(source="replacement_unit.callsign", allow_null=True)
    replaced_by = serializers.CharField(source="replaced_by.username", allow_null=True)
    replaced_at = serializers.DateTimeField(allow_null=True)
    time_to_replacement_seconds = serializers.SerializerMethodField()
    original_response_due_at = serializers.DateTimeField(
        source="from_incident.response_due_at", allow_null=True
    )
    original_first_arrival_at = serializers.DateTimeField(
        source="from_incident.first_arrival_at", allow_null=True
    )
    original_attended_within_target = serializers.BooleanField(
        source="original_within_target",
        allow_null=True,
        help_text="null while the original incident is unattended and its deadline not passed",
    )
    qart_status = serializers.ChoiceField(choices=selectors.QART_STATUSES)
    qart_reviewed_at = serializers.DateTimeField(allow_null=True)
    qart_reviewer = serializers.CharField(allow_null=True)
    urgent_review_open = serializers.SerializerMethodField()
    challenged = serializers.SerializerMethodField()

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_time_to_review_seconds(self, divert) -> float | None:
        return _seconds(divert.time_to_review)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_time_to_replacement_seconds(self, divert) -> float | None:
        return _seconds(divert.time_to_replacement)

    def get_urgent_review_open(self, divert) -> bool:
        return divert.qart_status == QartFinding.URGENT_REVIEW

    def get_challenged(self, divert) -> bool:
        return divert.challenge_referred_at is not None


def _filters(request):
    try:
        return selectors.divert_filters_from(
            request.query_params, tz=timezone.get_current_timezone()
        )
    except figures.PeriodError as error:
        raise InvalidInput(error.errors) from None


def _positive(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput({name: ["A whole number is required."]}) from None
    if value < 1 or (maximum is not None and value > maximum):
        limit = f" and at most {maximum}" if maximum else ""
        raise InvalidInput({name: [f"At least 1{limit}."]})
    return value


def page_of(queryset, params) -> tuple[list, int, int, int]:
    """(rows, total, page, page_size) for ?page=&page_size=."""
    size = _positive(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    page = _positive(params, "page", 1, MAX_PAGE)
    start = (page - 1) * size
    with selectors.no_jit():
        total = queryset.count()
        return list(queryset[start : start + size]), total, page, size


PAGING_HEADERS = [
    OpenApiParameter(
        "X-Total-Count",
        int,
        location=OpenApiParameter.HEADER,
        response=[200],
        description="How many diverts match the filters (all pages).",
    ),
    OpenApiParameter(
        "Link",
        str,
        location=OpenApiParameter.HEADER,
        response=[200],
        description='RFC 8288 links to the next and previous pages (rel="next", rel="prev").',
    ),
]
LIST_PARAMETERS = [
    OpenApiParameter("from", str, description="Diverts made from (date or ISO date-time)."),
    OpenApiParameter("to", str, description="...up to (exclusive; a bare date covers that day)."),
    OpenApiParameter(
        "status",
        str,
        description="Procedure status, comma-separated: " + ", ".join(Divert.Status.values),
    ),
    OpenApiParameter("decision", str, description="approve, override or pending (comma-separated)"),
    OpenApiParameter(
        "qart_status", str, description="QART status: " + ", ".join(selectors.QART_STATUSES)
    ),
    OpenApiParameter("unit", str, description="Callsign of the diverted or the replacement unit."),
    OpenApiParameter(
        "user", str, description="Username of the dispatcher, the controller or the replacer."
    ),
    OpenApiParameter("incident", str, description="Reference of the from- or to-incident."),
    OpenApiParameter(
        "ordering",
        str,
        description="Sort key, prefix - for descending: "
        + ", ".join(sorted(selectors.DIVERT_ORDERINGS))
        + f" (default {selectors.DEFAULT_DIVERT_ORDERING})",
    ),
    OpenApiParameter("page", int, description="1-based page number."),
    OpenApiParameter(
        "page_size", int, description=f"Rows per page (default {DEFAULT_PAGE_SIZE}, max 500)."
    ),
]


class DivertListView(APIView):
    """The DIVERT tag list: every divert with its procedure, times and QART status.

    The body is a JSON list (one page); paging is in headers: `X-Total-Count` and `Link`.
    """

    roles = TAG_LIST_ROLES

    @extend_schema(
        parameters=LIST_PARAMETERS + PAGING_HEADERS,
        responses={
            200: OpenApiResponse(
                DivertOut(many=True),
                description="One page of the list, as a JSON array; paging in the headers.",
            )
        },
    )
    def get(self, request):
        filters = _filters(request)
        rows, total, page, size = page_of(
            selectors.divert_list(filters, now=timezone.now()), request.query_params
        )
        response = Response(DivertOut(rows, many=True).data)
        response["X-Total-Count"] = str(total)
        links = []
        base = request.build_absolute_uri(reverse("api-diverts"))
        params = request.query_params.copy()
        if page * size < total:
            params["page"] = str(page + 1)
            links.append(f'<{base}?{params.urlencode()}>; rel="next"')
        if page > 1:
            params["page"] = str(page - 1)
            links.append(f'<{base}?{params.urlencode()}>; rel="prev"')
        if links:
            response["Link"] = ", ".join(links)
        return response


class QartReviewIn(serializers.Serializer):
    finding = serializers.ChoiceField(choices=QartFinding.values)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class QartReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    divert = serializers.IntegerField(source="divert_id")
    finding = serializers.CharField()
    notes = serializers.CharField()
    reviewer = serializers.CharField(source="reviewer.username")
    at = serializers.DateTimeField()


class QartReviewView(APIView):
    """QART's findings on a divert: record one (qart), or list them (qart, supervisor)."""

    conflicts = True

    roles_by_method = {"POST": policy_roles("qart.review"), "GET": URGENT_QUEUE_ROLES}

    @extend_schema(responses=QartReviewOut(many=True))
    def get(self, request, pk: int):
        divert = Divert.objects.get(pk=pk)
        return Response(QartReviewOut(selectors.divert_qart_reviews(divert), many=True).data)

    @extend_schema(
        request=QartReviewIn,
        responses={201: QartReviewOut},
    )
    def post(self, request, pk: int):
        if not isinstance(request.data, dict):
            raise InvalidInput({"non_field_errors": ["A JSON object is required."]})
        payload = QartReviewIn(data=request.data)
        if not payload.is_valid():
            raise InvalidInput(payload.errors)
        review = qart_services.divert_qart_review(
            actor=request.user,
            divert=pk,
            finding=payload.validated_data["finding"],
            notes=payload.validated_data.get("notes", ""),
        )
        return Response(QartReviewOut(review).data, status=status.HTTP_201_CREATED)


class TimelineEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True)
    incident = serializers.IntegerField(source="incident_id", allow_null=True)
    reference = serializers.CharField(source="incident.reference", allow_null=True)
    unit = serializers.CharField(source="unit_callsign")
    divert = serializers.IntegerField(source="divert_id", allow_null=True)
    data = serializers.DictField(help_text="The event's own fields, which differ by kind.")


class DivertTimelineView(APIView):
    """A divert with every event about it and both of its incidents, in order."""

    roles = TAG_LIST_ROLES

    @extend_schema(
        responses=inline_serializer(
            "DivertTimeline",
            {
                "divert": DivertOut(),
                "events": TimelineEventOut(many=True),
                "qart_reviews": QartReviewOut(many=True),
            },
        )
    )
    def get(self, request, pk: int):
        divert = selectors.divert_get(pk, now=timezone.now())
        return Response(
            {
                "divert": DivertOut(divert).data,
                "events": TimelineEventOut(selectors.divert_timeline(divert), many=True).data,
                "qart_reviews": QartReviewOut(
                    selectors.divert_qart_reviews(divert), many=True
                ).data,
            }
        )


class UrgentReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    divert = DivertOut(source="divert_row")
    opened_by = serializers.CharField(source="opened_by.username")
    opened_at = serializers.DateTimeField()
    notes = serializers.CharField(source="opening_review.notes")


class UrgentReviewListView(APIView):
    """Open urgent reviews, oldest first (QART and supervisors)."""

    roles = URGENT_QUEUE_ROLES

    @extend_schema(responses=UrgentReviewOut(many=True))
    def get(self, request):
        queue = list(selectors.urgent_review_queue())
        rows = {
            divert.pk: divert
            for divert in selectors.divert_rows(now=timezone.now()).filter(
                pk__in=[item.divert_id for item in queue]
            )
        }
        for item in queue:
            item.divert_row = rows[item.divert_id]
        return Response(UrgentReviewOut(queue, many=True).data)


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", str, description="Start (date or ISO date-time; default 28 days ago)."
    ),
    OpenApiParameter("to", str, description="End, exclusive (a bare date covers that day)."),
    OpenApiParameter(
        "as_of",
        str,
        description="Compute figures that run to now (breaches of unattended incidents, "
        "unresourced time, due follow-ups) as of this moment; default now. A report page's "
        "CSV and JSON links carry the page's own moment, so they give its exact figures.",
    ),
    OpenApiParameter("format", str, enum=["json", "csv"], description="csv: the table(s) as CSV."),
]


def report_period(request) -> tuple[figures.Period, datetime]:
    """(period, as_of) from ?from=&to=&as_of=; 400 with the field on a bad value."""
    now, tz = timezone.now(), timezone.get_current_timezone()
    params = request.query_params
    errors: dict = {}
    period = as_of = None
    try:
        period = figures.parse_period(params.get("from"), params.get("to"), now=now, tz=tz)
    except figures.PeriodError as error:
        errors.update(error.errors)
    try:
        as_of = figures.parse_as_of(params.get("as_of"), now=now, tz=tz)
    except figures.PeriodError as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    return period, as_of


def csv_response(report: figures.Report) -> HttpResponse:
    tz = timezone.get_current_timezone()
    start = report.period.start.astimezone(tz)
    end = report.period.end.astimezone(tz)
    response = HttpResponse(
        figures.to_csv(report.tables, tz), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{report.key}-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    return response


class ReportColumnOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=[figures.TEXT, figures.INT, figures.PCT, figures.MINUTES, figures.MOMENT]
    )


class ReportTableOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = ReportColumnOut(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One object a row: each column's key with its raw figure (or null).",
    )
    total = serializers.DictField(
        allow_null=True, help_text="The totals row, keyed as the rows are; null if none."
    )


class ReportView(JSONOrCSVView):
    """A standard report over a period, as JSON (tables of raw figures) or CSV."""

    roles = REPORT_ROLES
    report_key = ""

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={
            (200, "application/json"): inline_serializer(
                "Report",
                {
                    "report": serializers.CharField(),
                    "title": serializers.CharField(),
                    "from": serializers.DateTimeField(),
                    "to": serializers.DateTimeField(),
                    "as_of": serializers.DateTimeField(),
                    "tables": ReportTableOut(many=True),
                },
            ),
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def get(self, request):
        period, as_of = report_period(request)
        report = selectors.report(self.report_key, period, now=as_of)
        if request.accepted_renderer.format == "csv":
            return csv_response(report)
        tz = timezone.get_current_timezone()
        return Response(
            {
                "report": report.key,
                "title": report.title,
                "from": period.start.astimezone(tz).isoformat(),
                "to": period.end.astimezone(tz).isoformat(),
                "as_of": as_of.astimezone(tz).isoformat(),
                "tables": [table.as_json() for table in report.tables],
            }
        )


def report_view(key: str):
    return type(
        f"{key.title().replace('-', '')}ReportView",
        (ReportView,),
        {"report_key": key, "__doc__": f"{selectors.REPORT_TITLES[key]} report."},
    )
