"""Who may do what: the one table that pages, the API and services read.

Each action names the roles allowed to do it; `ANY_ROLE` is every signed-in user with a
role. Entries starting with "hears." name who sees a kind of event on their screens. A
force changes access here, and `tests/security/test_role_matrix.py` (written by hand from
API.md) says whether the change is what it meant.
"""

from __future__ import annotations

from cad.kernel.errors import require_role
from cad.kernel.roles import ALL_ROLES, ANY_ROLE, has_role

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

CONTROL_ROOM = (CALL_HANDLER, DISPATCHER, CONTROLLER, INSPECTOR, SUPERVISOR)
DISPATCH_DESK = (DISPATCHER, CONTROLLER, INSPECTOR, SUPERVISOR)
OVERSIGHT = (SUPERVISOR, INSPECTOR, CONTROLLER)

POLICY: dict[str, tuple[str, ...]] = {
    # --- people -----------------------------------------------------------------------
    "auth.logout": (ANY_ROLE,),
    "absence.set": (SUPERVISOR, ADMIN),
    "response_targets.set": (ADMIN,),
    # --- contacts and follow-ups --------------------------------------------------------
    "contact.record": (*CONTROL_ROOM, OIC, CRIME_MANAGER),
    "follow_up.act": (ANY_ROLE,),
    "follow_up.supervise": (SUPERVISOR,),
    # --- incidents ------------------------------------------------------------------------
    "incident.create": (CALL_HANDLER,),
    # A unit reads only the incidents its unit is or was assigned to (the others: 404).
    "incident.read": (*CONTROL_ROOM, QART, UNIT, INTELLIGENCE, ADMIN),
    "incident.read_any": (*CONTROL_ROOM, QART, INTELLIGENCE, ADMIN),
    "incident.list": (*CONTROL_ROOM, QART, INTELLIGENCE, ADMIN),
    "incident.grade": (CALL_HANDLER, SUPERVISOR),
    "incident.add_entry": (*CONTROL_ROOM, UNIT),
    "incident.close": CONTROL_ROOM,
    "incident.review_downgrade": (SUPERVISOR,),
    # --- units, assignments and diverts ---------------------------------------------------
    "unit.list": (*DISPATCH_DESK, CALL_HANDLER, ADMIN),
    "unit.create": (ADMIN,),
    "unit.set_status": (UNIT, DISPATCHER),
    "unit.set_any_status": (DISPATCHER,),
    "unit.assign": (DISPATCHER, INSPECTOR),
    "assignment.read": (*DISPATCH_DESK, UNIT),
    "assignment.read_any": DISPATCH_DESK,
    "assignment.acknowledge": (UNIT,),
    "unit.divert": (DISPATCHER,),
    "divert.review": (CONTROLLER,),
    "divert.replace": (INSPECTOR, DISPATCHER),
    "divert.challenge": (CONTROLLER, DISPATCHER, INSPECTOR, SUPERVISOR, CRIME_MANAGER),
    "divert.resolve_challenge": (SUPERVISOR,),
    "board.dispatch": DISPATCH_DESK,
    "board.overdue": OVERSIGHT,
    "queue.divert_review": (CONTROLLER, SUPERVISOR),
    "queue.replacement": (INSPECTOR, DISPATCHER, SUPERVISOR),
    "terminal": (UNIT,),
    # --- special schemes ------------------------------------------------------------------
    "scheme.read": (OIC, CRIME_MANAGER, INTELLIGENCE, SUPERVISOR),
    "scheme.request": (OIC, INTELLIGENCE),
    "scheme.record_contact": (OIC,),
    "scheme.decide": (OIC, CRIME_MANAGER),
    "scheme.reassign_oic": (CRIME_MANAGER,),
    "scheme.lookup": (*CONTROL_ROOM, OIC, CRIME_MANAGER, INTELLIGENCE),
    "scheme.queue": (CRIME_MANAGER, SUPERVISOR),
    "scheme.mine": (OIC,),
    "scheme.be_oic": (OIC,),
    "scheme.act_on_any": (CRIME_MANAGER,),
    # --- intelligence ---------------------------------------------------------------------
    "intel.summary": (CALL_HANDLER, DISPATCHER, SUPERVISOR, INTELLIGENCE, OIC),
    "intel.check": (CALL_HANDLER, INTELLIGENCE),
    "intel.write": (INTELLIGENCE,),
    "intel.read_full": (INTELLIGENCE, SUPERVISOR, OIC),
    "intel.access_report": (SUPERVISOR, INTELLIGENCE, ADMIN),
    # Who viewed what and when is for audit; why, and what the log says, is not admin's.
    "intel.access_reasons": (SUPERVISOR, INTELLIGENCE),
    "intel.log_access": (SUPERVISOR, INTELLIGENCE, ADMIN, OIC),
    "intel.request": (CALL_HANDLER, DISPATCHER, SUPERVISOR),
    "intel.request_queue": (INTELLIGENCE, SUPERVISOR),
    "intel.answer": (INTELLIGENCE,),
    # --- QART and reports -----------------------------------------------------------------
    "qart.review": (QART,),
    "qart.divert_tags": (QART, SUPERVISOR, CONTROLLER, INSPECTOR),
    "qart.urgent_queue": (QART, SUPERVISOR),
    "reports.read": (QART, SUPERVISOR),
    # --- who hears which events -----------------------------------------------------------
    "hears.control_room": CONTROL_ROOM,
    "hears.dispatch": DISPATCH_DESK,
    "hears.clock": (SUPERVISOR, INSPECTOR, CONTROLLER, DISPATCHER),
    "hears.unacknowledged": (DISPATCHER, CONTROLLER, SUPERVISOR),
    "hears.divert": (*DISPATCH_DESK, QART),
    "hears.oversight": OVERSIGHT,
    "hears.absence": (SUPERVISOR, ADMIN),
    "hears.scheme_in_force": (CRIME_MANAGER, SUPERVISOR, CALL_HANDLER, DISPATCHER, CONTROLLER),
    "hears.scheme_escalation": (CRIME_MANAGER, SUPERVISOR),
    "hears.intel_checked": (CALL_HANDLER, DISPATCHER, SUPERVISOR),
    "hears.intel_desk": (INTELLIGENCE,),
    "hears.intel_supervision": (SUPERVISOR,),
    "hears.qart": (QART, SUPERVISOR),
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
