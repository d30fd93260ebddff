"""Pages of the schemes app. Each declares its roles with role_required.

Lists and the scheme page render on the server; `?part=live` returns just the part
that changes, which the page's module fetches again when a `scheme.*` event arrives.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date

from cad.kernel.errors import InvalidInput
from cad.kernel.policy import allows
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ANY_ROLE, role_required
from schemes import rules, selectors, services
from schemes.models import (
    ContactOutcome,
    ContactPurpose,
    RiskLevel,
    Scheme,
)

REQUEST_FIELDS = (
    "victim_name",
    "victim_dob",
    "preferred_contact",
    "safe_contact_notes",
    "address",
    "postcode",
    "uprn",
    "phones",
    "reason",
    "risk_level",
    "crime_reference",
    "suspect_name",
    "instructions",
    "oic",
    "ends_on",
)


def latest_end_day(now: datetime):
    return timezone.localtime(rules.latest_end(now, services.timings())).date()


def start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@role_required(*policy_roles("scheme.mine"))
def my_schemes(request):
    now = timezone.now()
    rows = [selectors.scheme_row(s, now) for s in selectors.my_schemes(request.user, now)]
    context = {"rows": rows, "now": now}
    if request.GET.get("part") == "live":
        return render(request, "schemes/_mine_rows.html", context)
    return render(request, "schemes/mine.html", context)


@role_required(*policy_roles("scheme.queue"))
def manager_queue(request):
    now = timezone.now()
    context = {
        "rows": [selectors.scheme_row(s, now) for s in selectors.crime_manager_queue(now)],
        "with_oic": [selectors.scheme_row(s, now) for s in selectors.in_review_with_oic(now)],
        "now": now,
    }
    if request.GET.get("part") == "live":
        return render(request, "schemes/_queue_rows.html", context)
    return render(request, "schemes/queue.html", context)


@role_required(*policy_roles("scheme.request"))
def scheme_request(request):
    """Form 4564: everything needed to set up the marker, and who must tell the victim."""
    now = timezone.now()
    values = dict.fromkeys(REQUEST_FIELDS, "")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values.update({name: request.POST.get(name, "").strip() for name in REQUEST_FIELDS})
        phones = [p.strip() for p in re.split(r"[\n,;]+", values["phones"]) if p.strip()]
        ends_day = parse_date(values["ends_on"]) if values["ends_on"] else None
        dob = parse_date(values["victim_dob"]) if values["victim_dob"] else None
        if values["ends_on"] and ends_day is None:
            errors["ends_at"] = ["Give the planned end as a date."]
        if values["victim_dob"] and dob is None:
            errors["victim_dob"] = ["Give the date of birth as a date."]
        if not errors:
            try:
                scheme = services.scheme_create(
                    actor=request.user,
                    victim_name=values["victim_name"],
                    victim_dob=dob,
                    preferred_contact=values["preferred_contact"],
                    safe_contact_notes=values["safe_contact_notes"],
                    address=values["address"],
                    postcode=values["postcode"],
                    # The gazetteer's address point chosen on the form, if one was.
                    uprn=int(values["uprn"]) if values["uprn"].isdecimal() else None,
                    phones=phones,
                    reason=values["reason"],
                    risk_level=values["risk_level"],
                    crime_reference=values["crime_reference"],
                    suspect_name=values["suspect_name"],
                    instructions=values["instructions"],
                    oic=values["oic"],
                    ends_at=start_of_day(ends_day) if ends_day else None,
                    now=now,
                )
            except InvalidInput as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    f"Special scheme #{scheme.pk} is in force. {scheme.oic.username} has been "
                    "told to contact the victim.",
                )
                return redirect("schemes:detail", scheme_id=scheme.pk)
        status = 400
    elif allows(request.user, "scheme.be_oic"):
        values["oic"] = request.user.username
    return render(
        request,
        "schemes/request.html",
        {
            "values": values,
            "errors": errors,
            "oic_choices": selectors.oic_choices(),
            "risk_levels": RiskLevel.choices,
            "today": timezone.localdate(),
            "latest_end_day": latest_end_day(now),
            "max_months": services.timings().max_months,
        },
        status=status,
    )


def detail_context(request, scheme: Scheme, now: datetime) -> dict:
    user = request.user
    is_manager = allows(user, "scheme.act_on_any")
    is_oic = scheme.oic_id == user.pk and allows(user, "scheme.be_oic")
    item = selectors.scheme_item(scheme, now)
    decisions = list(scheme.decisions.select_related("by", "previous_oic", "new_oic"))
    return {
        "scheme": scheme,
        "now": now,
        "row": selectors.scheme_row(scheme, now),
        "banner": {"active": [item], "history": []}
        if scheme.in_force
        else {"active": [], "history": [item]},
        "timeline": selectors.timeline_items(scheme, decisions=decisions),
        "decisions": decisions,
        "contacts": list(scheme.contacts.all()),
        "tasks": list(scheme.tasks.all()),
        "withdrawal_attempts": len(selectors.withdrawal_attempts(scheme)),
        "can_contact": is_oic,
        "can_decide": scheme.in_force and (is_oic or is_manager),
        "can_reassign": scheme.in_force and is_manager,
        "purposes": ContactPurpose.choices,
        "outcomes": ContactOutcome.choices,
        "oic_choices": [u for u in selectors.oic_choices() if u.pk != scheme.oic_id],
        "latest_end_day": latest_end_day(now),
        "today": timezone.localdate(),
    }


@role_required(*policy_roles("scheme.read"))
def scheme_detail(request, scheme_id: int):
    try:
        scheme = selectors.scheme_get(scheme_id)
    except Scheme.DoesNotExist:
        raise Http404("No such scheme.") from None
    context = detail_context(request, scheme, timezone.now())
    if request.GET.get("part") == "live":
        return render(request, "schemes/_detail_live.html", context)
    return render(request, "schemes/detail.html", context)


@role_required(ANY_ROLE)
def policy(request):
    timings = services.timings()
    return render(request, "schemes/policy.html", {"timings": timings})
