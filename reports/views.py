"""Pages of the DIVERT tag list, divert timelines, the urgent-review queue and the
standard reports. Each declares its roles with role_required; `?part=...` returns the
live fragment a page's script swaps in when an event arrives."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from cad.kernel.errors import Conflict, InvalidInput
from cad.kernel.roles import has_role, record_refusal, role_required
from dispatch.geo_selectors import divert_geography
from dispatch.models import Divert
from dispatch.models_qart import QartFinding
from reports import figures, qart_services, selectors
from reports.api import (
    REPORT_ROLES,
    TAG_LIST_ROLES,
    URGENT_QUEUE_ROLES,
    page_of,
)

FILTER_FIELDS = ("from", "to", "status", "decision", "qart_status", "unit", "user", "incident")
# Column headings of the tag list that sort, with their sort keys.
SORTABLE = [
    ("created_at", "Made"),
    ("unit", "Unit"),
    ("from_grade", "From"),
    ("to_grade", "To"),
    ("dispatcher", "Dispatcher"),
    ("decision", "Decision"),
    ("time_to_review", "To review (min)"),
    ("time_to_replacement", "To replacement (min)"),
    ("original_within_target", "Original in target"),
    ("status", "Status"),
    ("qart_status", "QART"),
]


def _tz():
    return timezone.get_current_timezone()


def _query(params, **changes) -> str:
    merged = {key: value for key, value in params.items() if value not in (None, "")}
    merged.update({key: value for key, value in changes.items() if value is not None})
    return urlencode({key: value for key, value in merged.items() if value != ""})


@role_required(*REPORT_ROLES)
def report_index(request):
    return render(
        request,
        "reports/index.html",
        {"reports": [(key, title) for key, title in selectors.REPORT_TITLES.items()]},
    )


# --- the DIVERT tag list ------------------------------------------------------------------


@role_required(*TAG_LIST_ROLES)
def divert_tags(request):
    params = {field: request.GET.get(field, "") for field in (*FILTER_FIELDS, "ordering")}
    page_size = request.GET.get("page_size", "")
    errors: dict = {}
    rows: list = []
    total = page = 0
    size = 50
    try:
        filters = selectors.divert_filters_from(request.GET, tz=_tz())
        rows, total, page, size = page_of(
            selectors.divert_list(filters, now=timezone.now()), request.GET
        )
    except figures.PeriodError as error:
        errors = error.errors
    except InvalidInput as error:
        errors = error.errors
    ordering = params["ordering"] or selectors.DEFAULT_DIVERT_ORDERING
    base = {**params, "page_size": page_size}
    headings = []
    for key, label in SORTABLE:
        current = ordering.lstrip("-") == key
        descending = ordering.startswith("-")
        next_order = key if current and descending else f"-{key}" if current else key
        headings.append(
            {
                "label": label,
                "url": "?" + _query(base, ordering=next_order, page=""),
                "sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    context = {
        "params": params,
        "page_size": page_size,
        "errors": errors,
        "rows": rows,
        "total": total,
        "page": page,
        "first_row": (page - 1) * size + 1 if rows else 0,
        "last_row": (page - 1) * size + len(rows),
        "next_url": "?" + _query(base, page=page + 1) if page * size < total else "",
        "prev_url": "?" + _query(base, page=page - 1) if page > 1 else "",
        "headings": headings,
        "statuses": Divert.Status.choices,
        "qart_statuses": [(value, value.replace("_", " ")) for value in selectors.QART_STATUSES],
        "api_query": _query(base, page=page or None),
    }
    if request.GET.get("part") == "rows":
        return render(request, "reports/_divert_rows.html", context)
    return render(request, "reports/divert_tags.html", context)


# --- one divert ---------------------------------------------------------------------------


def _timeline_context(divert) -> dict:
    labels = {divert.from_incident_id: "A", divert.to_incident_id: "B"}
    events = [
        {
            "event": event,
            "incident_label": labels.get(event.incident_id, ""),
            "summary": figures.event_summary(event.kind, event.data),
        }
        for event in selectors.divert_timeline(divert)
    ]
    return {
        "divert": divert,
        "events": events,
        "qart_reviews": list(selectors.divert_qart_reviews(divert)),
        # Where the unit was when diverted and when A breached (straight-line distances).
        "geo": divert_geography(divert),
    }


def _load_divert(pk: int):
    try:
        return selectors.divert_get(pk, now=timezone.now())
    except Divert.DoesNotExist:
        raise Http404("No such divert.") from None


@role_required(*TAG_LIST_ROLES)
def divert_timeline(request, pk: int):
    divert = _load_divert(pk)
    form = {"finding": "", "notes": ""}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if not has_role(request.user, *qart_services.QART_ROLES):
            record_refusal(
                user=request.user,
                path=request.path,
                method=request.method,
                required=qart_services.QART_ROLES,
            )
            raise PermissionDenied
        form = {
            "finding": request.POST.get("finding", ""),
            "notes": request.POST.get("notes", ""),
        }
        try:
            qart_services.divert_qart_review(
                actor=request.user, divert=divert, finding=form["finding"], notes=form["notes"]
            )
        except InvalidInput as error:
            errors, status = error.errors, 400
        except Conflict as error:
            errors, status = {"finding": [error.detail]}, 409
        else:
            messages.success(request, "QART finding recorded.")
            return redirect("reports:divert-timeline", pk=divert.pk)
    context = _timeline_context(divert)
    if request.GET.get("part") == "live":
        return render(request, "reports/_timeline_live.html", context)
    context.update(
        {
            "form": form,
            "errors": errors,
            "findings": QartFinding.choices,
            "may_review": has_role(request.user, *qart_services.QART_ROLES),
            "api_url": reverse("api-divert-qart-review", kwargs={"pk": divert.pk}),
            "watch": {
                "divert": divert.pk,
                "incidents": [divert.from_incident_id, divert.to_incident_id],
            },
        }
    )
    return render(request, "reports/divert_timeline.html", context, status=status)


@role_required(*URGENT_QUEUE_ROLES)
def urgent_reviews(request):
    context = {"queue": list(selectors.urgent_review_queue()), "now": timezone.now()}
    if request.GET.get("part") == "rows":
        return render(request, "reports/_urgent_rows.html", context)
    return render(request, "reports/urgent_reviews.html", context)


# --- standard reports ---------------------------------------------------------------------


NUMERIC = mark_safe(' class="num"')  # noqa: S308 - a constant attribute


def _cells(cells: list[str], numeric: list[bool]) -> str:
    return format_html_join(
        "", "<td{}>{}</td>", ((NUMERIC if flag else "", text) for text, flag in zip(cells, numeric))
    )


def _table_view(table: figures.Table, tz) -> dict:
    # Body rows are joined in Python: a long table (the not-DA reasons) renders in a
    # fraction of the time a template loop takes. Every cell is escaped.
    numeric = [column.numeric for column in table.columns]
    rows = table.body(tz)
    return {
        "table": table,
        "header": list(zip(table.header(), numeric)),
        "count": len(rows),
        "body": format_html_join("", "<tr>{}</tr>", ((_cells(cells, numeric),) for cells in rows)),
        "footer": list(zip(table.footer(tz), numeric)) if table.total is not None else None,
    }


@role_required(*REPORT_ROLES)
def report_page(request, key: str):
    if key not in selectors.REPORTS:
        raise Http404("No such report.")
    tz = _tz()
    errors: dict = {}
    try:
        period = figures.parse_period(
            request.GET.get("from"), request.GET.get("to"), now=timezone.now(), tz=tz
        )
    except figures.PeriodError as error:
        errors = error.errors
        period = figures.parse_period(None, None, now=timezone.now(), tz=tz)
    as_of = timezone.now()
    report = selectors.report(key, period, now=as_of)
    # The CSV and JSON links carry the exact period and moment shown: the same figures.
    exact = {
        "from": period.start.astimezone(tz).isoformat(),
        "to": period.end.astimezone(tz).isoformat(),
        "as_of": as_of.astimezone(tz).isoformat(),
    }
    last_day = (period.end.astimezone(tz) - timedelta(microseconds=1)).date()
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "key": key,
            "errors": errors,
            "tables": [_table_view(table, tz) for table in report.tables],
            "from_value": request.GET.get("from") or period.start.astimezone(tz).date().isoformat(),
            "to_value": request.GET.get("to") or last_day.isoformat(),
            "period_start": period.start,
            "period_end": period.end,
            "as_of": as_of,
            "csv_url": reverse(f"api-report-{key}") + "?" + urlencode({**exact, "format": "csv"}),
            "json_url": reverse(f"api-report-{key}") + "?" + urlencode(exact),
            "all_reports": list(selectors.REPORT_TITLES.items()),
        },
    )
