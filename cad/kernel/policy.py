"""Who may do what: the one table that pages, the API and services read.

Each action names the roles allowed to do it; `ANY_ROLE` is every signed-in user with a
role. Entries starting with "hears." name who sees a kind of event on their screens. A
force changes access here, and `tests/security/test_role_matrix.py` (written by hand from
API.md) says whether the change is what it meant.
"""

from __future__ import annotations

from cad.kernel.errors import require_role
from cad.kernel.roles import ALL_ROLES, ANY_ROLE, has_role
from cad.kernel.roles import Role as R

CONTROL_ROOM = (R.CALL_HANDLER, R.DISPATCHER, R.CONTROLLER, R.INSPECTOR, R.SUPERVISOR)
DISPATCH_DESK = (R.DISPATCHER, R.CONTROLLER, R.INSPECTOR, R.SUPERVISOR)
OVERSIGHT = (R.SUPERVISOR, R.INSPECTOR, R.CONTROLLER)

POLICY: dict[str, tuple[str, ...]] = {
    # --- people -----------------------------------------------------------------------
    "auth.logout": (ANY_ROLE, R.METRICS, R.AVL),
    "absence.set": (R.SUPERVISOR, R.ADMIN),
    "response_targets.set": (R.ADMIN,),
    # --- contacts and follow-ups --------------------------------------------------------
    "contact.record": (*CONTROL_ROOM, R.OIC, R.CRIME_MANAGER),
    "follow_up.act": (ANY_ROLE,),
    "follow_up.supervise": (R.SUPERVISOR,),
    # --- incidents ------------------------------------------------------------------------
    "incident.create": (R.CALL_HANDLER,),
    # A unit reads only the incidents its unit is or was assigned to (the others: 404).
    "incident.read": (*CONTROL_ROOM, R.QART, R.UNIT, R.INTELLIGENCE, R.ADMIN),
    "incident.read_any": (*CONTROL_ROOM, R.QART, R.INTELLIGENCE, R.ADMIN),
    "incident.list": (*CONTROL_ROOM, R.QART, R.INTELLIGENCE, R.ADMIN),
    "incident.grade": (R.CALL_HANDLER, R.SUPERVISOR),
    "incident.add_entry": (*CONTROL_ROOM, R.UNIT),
    "incident.close": CONTROL_ROOM,
    "incident.review_downgrade": (R.SUPERVISOR,),
    # --- units, assignments and diverts ---------------------------------------------------
    "unit.list": (*DISPATCH_DESK, R.CALL_HANDLER, R.ADMIN),
    "unit.create": (R.ADMIN,),
    "unit.set_status": (R.UNIT, R.DISPATCHER),
    "unit.set_any_status": (R.DISPATCHER,),
    "unit.assign": (R.DISPATCHER, R.INSPECTOR),
    "assignment.read": (*DISPATCH_DESK, R.UNIT),
    "assignment.read_any": DISPATCH_DESK,
    "assignment.acknowledge": (R.UNIT,),
    "unit.divert": (R.DISPATCHER,),
    "divert.review": (R.CONTROLLER,),
    "divert.replace": (R.INSPECTOR, R.DISPATCHER),
    "divert.challenge": (R.CONTROLLER, R.DISPATCHER, R.INSPECTOR, R.SUPERVISOR, R.CRIME_MANAGER),
    "divert.resolve_challenge": (R.SUPERVISOR,),
    "board.dispatch": DISPATCH_DESK,
    "board.overdue": OVERSIGHT,
    "queue.divert_review": (R.CONTROLLER, R.SUPERVISOR),
    "queue.replacement": (R.INSPECTOR, R.DISPATCHER, R.SUPERVISOR),
    "terminal": (R.UNIT,),
    "unit.message": (R.UNIT,),
    "victim_callback.record": (R.DISPATCHER, R.CALL_HANDLER, R.SUPERVISOR),
    # --- geography ------------------------------------------------------------------------
    # A unit's terminal posts its own position; admin and the AVL feed post for any unit.
    "unit.position": (R.UNIT, R.ADMIN, R.AVL),
    "unit.position_any": (R.ADMIN, R.AVL),
    "incident.recommendations": (R.DISPATCHER, R.INSPECTOR, R.CONTROLLER),
    # The live map on the dispatcher's and the supervisor's boards.
    "map.read": DISPATCH_DESK,
    # Address points for an address as typed (the gazetteer): whoever takes or checks a place.
    "geocode": (R.CALL_HANDLER, R.DISPATCHER, R.OIC, R.INTELLIGENCE, R.SUPERVISOR),
    # --- special schemes ------------------------------------------------------------------
    "scheme.read": (R.OIC, R.CRIME_MANAGER, R.INTELLIGENCE, R.SUPERVISOR),
    "scheme.request": (R.OIC, R.INTELLIGENCE),
    "scheme.record_contact": (R.OIC,),
    "scheme.decide": (R.OIC, R.CRIME_MANAGER),
    "scheme.reassign_oic": (R.CRIME_MANAGER,),
    "scheme.lookup": (*CONTROL_ROOM, R.OIC, R.CRIME_MANAGER, R.INTELLIGENCE),
    "scheme.queue": (R.CRIME_MANAGER, R.SUPERVISOR),
    "scheme.mine": (R.OIC,),
    "scheme.be_oic": (R.OIC,),
    "scheme.act_on_any": (R.CRIME_MANAGER,),
    # --- intelligence ---------------------------------------------------------------------
    "intel.summary": (R.CALL_HANDLER, R.DISPATCHER, R.SUPERVISOR, R.INTELLIGENCE, R.OIC),
    "intel.check": (R.CALL_HANDLER, R.INTELLIGENCE),
    "intel.write": (R.INTELLIGENCE,),
    "intel.read_full": (R.INTELLIGENCE, R.SUPERVISOR, R.OIC),
    "intel.access_report": (R.SUPERVISOR, R.INTELLIGENCE, R.ADMIN),
    # Who viewed what and when is for audit; why, and what the log says, is not admin's.
    "intel.access_reasons": (R.SUPERVISOR, R.INTELLIGENCE),
    "intel.log_access": (R.SUPERVISOR, R.INTELLIGENCE, R.ADMIN, R.OIC),
    "intel.request": (R.CALL_HANDLER, R.DISPATCHER, R.SUPERVISOR),
    "intel.request_queue": (R.INTELLIGENCE, R.SUPERVISOR),
    "intel.answer": (R.INTELLIGENCE,),
    # --- R.QART and reports -----------------------------------------------------------------
    "qart.review": (R.QART,),
    "qart.divert_tags": (R.QART, R.SUPERVISOR, R.CONTROLLER, R.INSPECTOR),
    "qart.urgent_queue": (R.QART, R.SUPERVISOR),
    "reports.read": (R.QART, R.SUPERVISOR),
    # --- operations -----------------------------------------------------------------------
    # Prometheus text: a scraper's token (or an address in CAD_METRICS_NETWORKS, no token).
    "metrics.read": (R.METRICS,),
    # --- who hears which events -----------------------------------------------------------
    "hears.control_room": CONTROL_ROOM,
    "hears.dispatch": DISPATCH_DESK,
    "hears.clock": (R.SUPERVISOR, R.INSPECTOR, R.CONTROLLER, R.DISPATCHER),
    "hears.unacknowledged": (R.DISPATCHER, R.CONTROLLER, R.SUPERVISOR),
    "hears.divert": (*DISPATCH_DESK, R.QART),
    "hears.oversight": OVERSIGHT,
    "hears.absence": (R.SUPERVISOR, R.ADMIN),
    "hears.scheme_in_force": (
        R.CRIME_MANAGER,
        R.SUPERVISOR,
        R.CALL_HANDLER,
        R.DISPATCHER,
        R.CONTROLLER,
    ),
    "hears.scheme_escalation": (R.CRIME_MANAGER, R.SUPERVISOR),
    "hears.intel_checked": (R.CALL_HANDLER, R.DISPATCHER, R.SUPERVISOR),
    "hears.intel_desk": (R.INTELLIGENCE,),
    "hears.intel_supervision": (R.SUPERVISOR,),
    "hears.qart": (R.QART, R.SUPERVISOR),
    "hears.victim_callback": (R.DISPATCHER, R.CALL_HANDLER, R.SUPERVISOR),
    # Sampled unit positions: the maps of the dispatch desk move with them.
    "hears.unit_position": DISPATCH_DESK,
}


def roles(action: str) -> tuple[str, ...]:
    """The roles allowed to do `action`; an unknown action is a programming error."""
    try:
        return POLICY[action]
    except KeyError:
        raise KeyError(f"no such action in the policy table: {action!r}") from None


def allows(user, action: str) -> bool:
    """Whether `user` holds a role allowed to do `action`."""
    return has_role(user, *roles(action))


def require(actor, action: str) -> None:
    """Refuse (403, logged) an actor whose roles do not allow `action`."""
    require_role(actor, *roles(action))


def _check_table() -> None:
    known = set(ALL_ROLES) | {ANY_ROLE}
    for action, allowed in POLICY.items():
        unknown = set(allowed) - known
        if unknown or not allowed:
            raise ValueError(f"policy {action!r} names unknown roles {sorted(unknown)}")


_check_table()
