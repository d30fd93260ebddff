"""Pages of the intelligence app. Each declares its roles with role_required."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods

from cad.kernel.errors import InvalidInput
from cad.kernel.policy import allows
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import role_required
from intelligence import selectors, services
from intelligence.api import REPORT_ROLES
from intelligence.models import CheckRequest, IntelligenceLog
from intelligence.rules import KIND_CHOICES
from intelligence.validation import report_bound

SEARCH_FIELDS = ("phone", "address", "postcode", "name", "dob", "kind")


@role_required(*services.FULL_VIEW_ROLES)
def search(request):
    query = {name: request.GET.get(name, "").strip() for name in SEARCH_FIELDS}
    errors = {}
    hits = None
    if query["dob"] and parse_date(query["dob"]) is None:
        errors["dob"] = "Date of birth must be YYYY-MM-DD."
    elif any(query.values()):
        hits = selectors.log_search(
            phone=query["phone"],
            address=query["address"],
            postcode=query["postcode"],
            name=query["name"],
            dob=query["dob"] or None,
            kind=query["kind"],
        )
    return render(
        request,
        "intelligence/search.html",
        {"query": query, "hits": hits, "errors": errors, "kinds": KIND_CHOICES},
    )


@require_http_methods(["GET", "POST"])
@role_required(*services.FULL_VIEW_ROLES)
def log_detail(request, log_id: int):
    """Summary and the access list; the full log only after a reason is given (recorded)."""
    log = get_object_or_404(IntelligenceLog, pk=log_id)
    full = None
    error = ""
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            log, _ = services.intel_log_view(
                actor=request.user, log_id=log.pk, reason=reason, channel="page"
            )
            full = selectors.log_full(log)
        except InvalidInput as invalid:
            error = " ".join(invalid.errors.get("reason", ["A reason is required."]))
    return render(
        request,
        "intelligence/log_detail.html",
        {
            "log": log,
            "full": full,
            "error": error,
            "reason": reason,
            "accesses": selectors.log_accesses(log),
        },
        status=400 if error else 200,
    )


@role_required(*policy_roles("intel.request_queue"))
def request_queue(request):
    mine = request.GET.get("mine") == "1"
    rows = list(
        selectors.request_queue(status="unanswered", claimed_by=request.user if mine else None)[
            :200
        ]
    )
    answered = list(selectors.request_queue(status=CheckRequest.Status.ANSWERED)[:20])
    # The live parts the page re-renders in place (static/js/intel_requests.js).
    template = {
        "queue": "intelligence/_request_rows.html",
        "answered": "intelligence/_answered_rows.html",
    }.get(request.GET.get("part"), "intelligence/request_queue.html")
    return render(
        request,
        template,
        {
            "requests": [selectors.request_dict(row) for row in rows],
            "answered": [selectors.request_dict(row) for row in answered],
            "now": timezone.now(),
            "mine": mine,
        },
    )


@role_required(*REPORT_ROLES)
def access_report(request):
    params = {name: request.GET.get(name, "").strip() for name in ("from", "to", "user")}
    error = ""
    try:
        rows = list(
            selectors.access_report(
                start=report_bound(params["from"], "from"),
                end=report_bound(params["to"], "to"),
                username=params["user"],
            )[:1000]
        )
    except InvalidInput:
        rows, error = [], "Dates must be YYYY-MM-DD or ISO 8601."
    return render(
        request,
        "intelligence/access_report.html",
        {
            "rows": rows,
            "params": params,
            "error": error,
            "show_reasons": allows(request.user, "intel.access_reasons"),
        },
    )
