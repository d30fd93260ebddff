"""Pages of the call-handling app. Each declares its roles with role_required."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cad.calls import selectors, services
from cad.kernel.errors import InvalidInput
from cad.kernel.navigation import home_screen_url
from cad.kernel.policy import allows
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ANY_ROLE, ROLE_LABELS, has_role, role_required, user_roles
from cad.models import ClosingCode, Contact, Grade
from dispatch.selectors import open_victim_callbacks
from intelligence.selectors import check_summary
from schemes.selectors import scheme_lookup


@role_required(ANY_ROLE)
def home(request):
    roles = sorted(user_roles(request.user))
    return render(
        request,
        "cad/home.html",
        {"role_names": [ROLE_LABELS.get(name, name) for name in roles]},
    )


@role_required(ANY_ROLE)
def start(request):
    """Where signing in lands: the main screen of the user's role."""
    return redirect(home_screen_url(request.user))


@role_required(*policy_roles("incident.create"))
def call_screen(request):
    """The call handler's screen: lookups while typing, save, then grade."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("username")
        .values_list("username", flat=True)
    )
    return render(
        request,
        "cad/call_screen.html",
        {
            "opening_codes": selectors.opening_codes(),
            "grades": Grade.choices,
            "config": {
                "opening_codes": selectors.opening_codes(),
                "usernames": list(users),
            },
        },
    )


@role_required(*policy_roles("incident.list"))
def incident_list(request):
    return render(
        request,
        "cad/incident_list.html",
        {"incidents": selectors.open_incidents()},
    )


INCIDENT_PARTS = {
    "head": "cad/_incident_head.html",
    "flags": "cad/_incident_flags.html",
    "narrative": "cad/_incident_narrative.html",
    "side": "cad/_incident_side.html",
}


@role_required(*policy_roles("incident.read"))
def incident_page(request, pk):
    incident = get_object_or_404(selectors.incidents_readable_by(request.user), pk=pk)
    data = selectors.incident_representation(incident, viewer=request.user)
    # The page, or one of its live parts, which the page re-renders in place on each event.
    template = INCIDENT_PARTS.get(request.GET.get("part", ""), "cad/incident.html")
    return render(
        request,
        template,
        {
            "incident": incident,
            "data": data,
            "history": incident.events.select_related("actor").order_by("id")[:200],
            "narrative_entries": incident.narrative.select_related("author").order_by("at", "id"),
            "grade_changes": incident.grade_changes.select_related("actor"),
            "grades": Grade.choices,
            "closing_codes": ClosingCode.choices,
            "may_grade": allows(request.user, "incident.grade"),
            "may_add_entry": allows(request.user, "incident.add_entry"),
            "may_close": allows(request.user, "incident.close"),
            "may_review_downgrade": has_role(
                request.user, *policy_roles("incident.review_downgrade")
            )
            and incident.below_recommendation
            and not incident.downgrade_reviewed_at,
            "intel": check_summary(incident=incident),
            "scheme_lookup": scheme_lookup(
                phone=incident.caller_phone, address=incident.address, postcode=incident.postcode
            ),
            "page_config": {"incident": incident.id, "reference": incident.reference},
        },
    )


def _scheme_banners(items: list[dict]) -> dict:
    return {
        "active": [item for item in items if item.get("active")],
        "history": [item for item in items if not item.get("active")],
    }


@role_required(*policy_roles("contact.record"))
def call_panels(request):
    """The call screen's panels, rendered here like every other page's: while the handler
    types, what the phone, address or name finds (nothing recorded); once the incident is
    saved, its own panels, and with `part=assessment` the recommendation and its reasons."""
    incident_id = request.GET.get("incident", "")
    if incident_id:
        if not incident_id.isdecimal():
            raise Http404("No such incident.")
        incident = get_object_or_404(
            selectors.incidents_readable_by(request.user), pk=int(incident_id)
        )
        data = selectors.incident_representation(incident, viewer=request.user)
        context = {
            "data": data,
            "scheme_lookup": _scheme_banners(data["schemes"]),
            "previous": data["previous_contacts"],
            "repeat": data["repeat_contact"],
            "intel": data["intelligence"],
            "preview": False,
        }
        if request.GET.get("part") == "assessment":
            return render(request, "cad/_call_assessment.html", context)
        return render(request, "cad/_call_lookup.html", context)
    params = request.GET
    uprn = params.get("uprn", "").strip()
    data = selectors.lookup(
        phone=params.get("phone", "")[:64],
        address=params.get("address", "")[:300],
        postcode=params.get("postcode", "")[:16],
        name=params.get("name", "")[:200],
        # The gazetteer's address point chosen on the screen (ignored unless a number).
        uprn=int(uprn) if uprn.isdecimal() else None,
    )
    context = {
        "scheme_lookup": _scheme_banners(data["schemes"]),
        "previous": data["previous_contacts"],
        "repeat": data["repeat_contact"],
        "intel": {"checked_at": None, "hits": data["intelligence"]["hits"]},
        "preview": True,
    }
    return render(request, "cad/_call_lookup.html", context)


@role_required(*policy_roles("contact.record"))
def contact_page(request, pk):
    contact = get_object_or_404(Contact, pk=pk)
    data = selectors.contact_representation(contact, viewer=request.user)
    # The domestic abuse question is a part the page re-renders once it is answered.
    template = "cad/_contact_da.html" if request.GET.get("part") == "da" else "cad/contact.html"
    return render(request, template, {"contact": contact, "data": data})


@role_required(ANY_ROLE)
def follow_ups(request):
    """My follow-ups (acknowledge them here); supervisors also see escalated ones."""
    is_supervisor = allows(request.user, "follow_up.supervise")
    may_call_back = allows(request.user, "victim_callback.record")
    live_part = request.GET.get("part") == "live"
    return render(
        request,
        "cad/_follow_ups_live.html" if live_part else "cad/follow_ups.html",
        {
            "mine": selectors.my_follow_ups(request.user),
            "is_supervisor": is_supervisor,
            "escalated": selectors.supervisor_follow_ups() if is_supervisor else [],
            "board": selectors.supervisor_board_items() if is_supervisor else [],
            # Victims to call back: the call handler's and the dispatcher's task too.
            "callbacks": open_victim_callbacks() if may_call_back else [],
            "can_call_back": may_call_back,
        },
    )


@role_required(*policy_roles("absence.set"))
def availability(request):
    """Supervisors and admins mark users absent (their follow-ups re-route at once)."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    # "From" starts at now, so Enter records an absence from now on.
    now_local = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    form = {"username": "", "starts_at": now_local, "ends_at": "", "reason": ""}
    errors: dict = {}
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in form}
        user = users.filter(username=form["username"]).first()
        try:
            absence = services.user_absence_set(
                actor=request.user,
                user=user,
                starts_at=form["starts_at"] or None,
                ends_at=form["ends_at"] or None,
                reason=form["reason"],
            )
        except InvalidInput as error:
            errors = error.errors
        else:
            count = len(absence.rerouted_contacts)
            messages.success(
                request,
                f"{absence.user.username} marked absent; {count} open follow-up"
                f"{'' if count == 1 else 's'} re-routed to the supervisor.",
            )
            return redirect("cad:availability")
    return render(
        request,
        "cad/availability.html",
        {
            "users": users.values_list("username", flat=True),
            "absences": selectors.absences(),
            "form": form,
            "errors": errors,
            "now": timezone.localtime(),
        },
        status=400 if errors else 200,
    )
