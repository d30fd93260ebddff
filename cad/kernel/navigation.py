"""Navigation per role: each entry is (label, url name, roles). Missing pages are skipped."""

from django.urls import NoReverseMatch, reverse

from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ANY_ROLE, has_role
from cad.models import Event

NAVIGATION: list[tuple[str, str, tuple[str, ...]]] = [
    ("Home", "home", (ANY_ROLE,)),
    ("New call", "cad:call_screen", policy_roles("incident.create")),
    ("Incidents", "cad:incidents", policy_roles("incident.list")),
    ("Follow-ups", "cad:follow_ups", policy_roles("follow_up.act")),
    ("Absence", "cad:availability", policy_roles("absence.set")),
    ("Intelligence", "intelligence:search", policy_roles("intel.read_full")),
    ("Check requests", "intelligence:request-queue", policy_roles("intel.answer")),
    ("Intel access", "intelligence:access-report", policy_roles("intel.access_report")),
    ("Dispatch board", "dispatch:board", policy_roles("board.dispatch")),
    ("Divert reviews", "dispatch:review-queue", policy_roles("queue.divert_review")),
    ("Replacements", "dispatch:replacement-queue", policy_roles("queue.replacement")),
    ("Overdue", "dispatch:overdue", policy_roles("board.overdue")),
    ("Terminal", "dispatch:terminal", policy_roles("terminal")),
    ("My schemes", "schemes:mine", policy_roles("scheme.mine")),
    ("Scheme queue", "schemes:queue", policy_roles("scheme.queue")),
    ("Request scheme", "schemes:request", policy_roles("scheme.request")),
    ("DIVERT tags", "reports:divert-tags", policy_roles("qart.divert_tags")),
    ("Urgent reviews", "reports:urgent-reviews", policy_roles("qart.urgent_queue")),
    ("Reports", "reports:index", policy_roles("reports.read")),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "last_event_id": 0}
    links = []
    for label, name, roles in NAVIGATION:
        if not has_role(user, *roles):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "active": request.path == url})
    # Read before the view read its state (`role_required`), so that an event committed
    # between the two is replayed by the page's live connection, not skipped.
    last_event_id = getattr(request, "last_event_id", None)
    if last_event_id is None:
        last_event_id = Event.latest_id()
    return {"nav_links": links, "last_event_id": last_event_id}
