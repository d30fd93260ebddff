"""Roles are Django groups named exactly as in API.md.

One helper decides who may do what: `has_role` for code, `HasRole` for DRF views
(declared per view as `roles` or per method as `roles_by_method`), and
`role_required` for pages. Every refusal is written to `AccessRefusal` and logged.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from enum import StrEnum

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from cad.models import AccessRefusal, Event

security_log = logging.getLogger("cad.security")


class Role(StrEnum):
    CALL_HANDLER = "call_handler"
    DISPATCHER = "dispatcher"
    CONTROLLER = "controller"
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    QART = "qart"
    OIC = "oic"
    CRIME_MANAGER = "crime_manager"
    INTELLIGENCE = "intelligence"
    UNIT = "unit"
    ADMIN = "admin"
    # Monitoring: reads /metrics and nothing else (a Prometheus scraper's token).
    METRICS = "metrics"
    # An integration client: a vehicle location (AVL) feed that posts units' positions.
    AVL = "avl"


ALL_ROLES: tuple[str, ...] = tuple(role.value for role in Role)
ROLE_LABELS = {
    Role.CALL_HANDLER: "Call handler",
    Role.DISPATCHER: "Dispatcher",
    Role.CONTROLLER: "Controller",
    Role.INSPECTOR: "Ops-room inspector",
    Role.SUPERVISOR: "Supervisor",
    Role.QART: "QART reviewer",
    Role.OIC: "Officer in charge",
    Role.CRIME_MANAGER: "BCU crime manager",
    Role.INTELLIGENCE: "Intelligence / support",
    Role.UNIT: "Unit terminal",
    Role.ADMIN: "Administrator",
    Role.METRICS: "Metrics scraper",
    Role.AVL: "AVL feed (integration)",
}
# Marker for views open to every signed-in person holding at least one CAD role.
ANY_ROLE = "__any__"
# Machine roles (a scraper, a feed) do what their own lines in the policy table say and
# nothing open to "any role": those pages and answers are for people in the control room.
MACHINE_ROLES = frozenset({Role.METRICS, Role.AVL})


def user_roles(user) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_cad_roles", None)
    if cached is None:
        cached = remember_roles(user, user.groups.values_list("name", flat=True))
    return cached


def remember_roles(user, group_names: Iterable[str]) -> frozenset[str]:
    """Keep the CAD roles among a user's group names on the user object for this request."""
    user._cad_roles = frozenset(group_names) & frozenset(ALL_ROLES)
    return user._cad_roles


def has_role(user, *roles: str) -> bool:
    if not user or not user.is_authenticated:
        return False
    held = user_roles(user)
    if ANY_ROLE in roles and held - MACHINE_ROLES:
        return True  # any person's CAD role; a login with no role sees nothing
    return bool(held & set(roles))


def record_refusal(*, user, path: str, method: str, required: Iterable[str]) -> None:

    required = sorted(set(required))
    AccessRefusal.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        path=path[:500],
        method=method[:10],
        required_roles=required,
    )
    security_log.warning(
        "refused %s %s for %s (needs one of %s)",
        method,
        path,
        getattr(user, "username", "anonymous"),
        ", ".join(required),
    )


class HasRole(BasePermission):
    """DRF permission: views declare `roles` or `roles_by_method`; nothing is open by default."""

    def required_roles(self, request, view) -> tuple[str, ...]:
        by_method = getattr(view, "roles_by_method", None)
        if by_method is not None:
            return tuple(by_method.get(request.method, by_method.get("*", ())))
        return tuple(getattr(view, "roles", ()))

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        required = self.required_roles(request, view)
        if has_role(request.user, *required):
            return True
        record_refusal(
            user=request.user, path=request.path, method=request.method, required=required
        )
        return False


def role_required(*roles: str):
    """Page decorator: anonymous users go to the login page, wrong roles get 403 (logged)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                record_refusal(
                    user=request.user, path=request.path, method=request.method, required=roles
                )
                raise PermissionDenied
            # The page's state is read after this: its live connection resumes from here.
            request.last_event_id = Event.latest_id()
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator
