"""Pages of the dispatch app. Each declares its roles; each re-renders its live region
with `?partial=1` when a websocket frame says something changed."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cad.kernel.policy import allows
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import role_required
from dispatch import geo_selectors, selectors
from dispatch.models import Assignment, Unit


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _incident_url(pk: int) -> str | None:
    try:
        return reverse("cad:incident", args=[pk])
    except NoReverseMatch:
        return None


def _render(request, page: str, partial: str, context: dict):
    template = partial if request.GET.get("partial") == "1" else page
    context = {**context, "partial_template": partial, "now": timezone.now()}
    return render(request, template, context)


@role_required(*policy_roles("board.dispatch"))
def board(request):
    """The dispatcher's board: open incidents by urgency, units, assign and divert."""
    now = timezone.now()
    incidents = selectors.dispatcher_incidents(now)
    for incident in incidents:
        incident.page_url = _incident_url(incident.pk)
    units = list(Unit.objects.select_related("incident").order_by("callsign"))
    return _render(
        request,
        "dispatch/board.html",
        "dispatch/_board_live.html",
        {
            "incidents": incidents,
            "units": [selectors.unit_row(unit) for unit in units],
            "callbacks": selectors.open_victim_callbacks(),
            "can_call_back": allows(request.user, "victim_callback.record"),
            "can_dispatch": allows(request.user, "unit.divert"),
            "pending_reviews": selectors.divert_review_queue().count(),
            "can_recommend": allows(request.user, "incident.recommendations"),
            "map": geo_selectors.map_config(),
        },
    )


@role_required(*policy_roles("queue.divert_review"))
def review_queue(request):
    """The controller's queue: diverts awaiting a comparative-risk review."""
    return _render(
        request,
        "dispatch/review_queue.html",
        "dispatch/_review_live.html",
        {
            "diverts": selectors.with_sides(selectors.divert_review_queue()),
            "overridden": list(selectors.recent_overrides()),
            "can_review": allows(request.user, "divert.review"),
            "can_challenge": allows(request.user, "queue.divert_review"),
        },
    )


@role_required(*policy_roles("queue.replacement"))
def replacement_queue(request):
    """The ops-room inspector's queue: approved diverts whose incident needs another unit."""
    rows = [selectors.unit_row(unit) for unit in Unit.objects.select_related("incident")]
    available = [row for row in rows if row["available"]]
    diverts = selectors.with_sides(selectors.replacement_queue())
    for divert in diverts:
        # The nearest available units first, each with its straight-line distance and ETA.
        nearest = geo_selectors.recommendations(divert.from_incident, limit=5)
        divert.nearest = [row for row in nearest if row["distance_m"] is not None]
        near = {row["unit"] for row in divert.nearest}
        divert.other_units = [row for row in available if row["callsign"] not in near]
    return _render(
        request,
        "dispatch/replacement_queue.html",
        "dispatch/_replacement_live.html",
        {
            "diverts": diverts,
            "available_units": available,
            "can_replace": allows(request.user, "divert.replace"),
        },
    )


@role_required(*policy_roles("board.overdue"))
def overdue_board(request):
    """The supervisor's board: every clock, unit and divert that needs attention."""
    return _render(
        request,
        "dispatch/overdue.html",
        "dispatch/_overdue_live.html",
        {
            "rows": selectors.overdue_rows(),
            "diverted": list(selectors.diverted_without_replacement()),
            "downgraded": selectors.downgraded_incidents(),
            "other_items": selectors.other_supervisor_items(),
            "callbacks": selectors.open_victim_callbacks(),
            "map": geo_selectors.map_config(),
        },
    )


@role_required(*policy_roles("terminal"))
def terminal(request):
    """The unit's terminal: its current assignment with the whole incident."""
    unit = selectors.unit_for_terminal(request.user)
    context: dict = {"unit": unit, "assignment": None, "package": None}
    if unit is not None:
        assignment = (
            Assignment.objects.filter(unit=unit, status__in=Assignment.ACTIVE)
            .select_related("incident", "unit")
            .first()
        )
        context["assignment"] = assignment
        context["history"] = selectors.unit_status_history(unit, limit=10)
        if assignment is not None:
            incident = assignment.incident
            context["package"] = selectors.circulation(assignment)
            context["incident"] = incident
            if _template_exists("schemes/_banner.html"):
                context["scheme_lookup"] = selectors.scheme_lookup_for(incident)
                context["scheme_banner"] = "schemes/_banner.html"
            if _template_exists("intelligence/_hits_panel.html"):
                context["intel"] = selectors.intelligence_for(incident)
                if context["intel"] is not None:
                    context["intel_panel"] = "intelligence/_hits_panel.html"
        context["sent_back"] = assignment is not None and assignment.reason == "override"
    context["statuses"] = [
        ("en_route", "En route", "e"),
        ("at_scene", "At scene", "s"),
        ("available", "Available", "v"),
        ("unavailable", "Unavailable", "n"),
    ]
    context["position_interval_ms"] = 1000 * settings.CAD_TERMINAL_POSITION_SECONDS
    return _render(request, "dispatch/terminal.html", "dispatch/_terminal_live.html", context)
