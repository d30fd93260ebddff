"""Navigation per role: each entry is (label, url name, roles). Missing pages are skipped."""

from django.urls import NoReverseMatch, reverse

from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ANY_ROLE, has_role
from cad.models import Event

# (group, label, url name, roles). Someone with many links sees them grouped in menus.
NAVIGATION: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("", "Home", "home", (ANY_ROLE,)),
    ("Calls", "New call", "cad:call_screen", policy_roles("incident.create")),
    ("Calls", "Incidents", "cad:incidents", policy_roles("incident.list")),
    ("Calls", "Follow-ups", "cad:follow_ups", policy_roles("follow_up.act")),
    ("Calls", "Absence", "cad:availability", policy_roles("absence.set")),
    ("Dispatch", "Dispatch board", "dispatch:board", policy_roles("board.dispatch")),
    ("Dispatch", "Divert reviews", "dispatch:review-queue", policy_roles("queue.divert_review")),
    ("Dispatch", "Replacements", "dispatch:replacement-queue", policy_roles("queue.replacement")),
    ("Dispatch", "Overdue", "dispatch:overdue", policy_roles("board.overdue")),
    ("Dispatch", "Terminal", "dispatch:terminal", policy_roles("terminal")),
    ("Intelligence", "Intelligence", "intelligence:search", policy_roles("intel.read_full")),
    ("Intelligence", "Check requests", "intelligence:request-queue", policy_roles("intel.answer")),
    (
        "Intelligence",
        "Intel access",
        "intelligence:access-report",
        policy_roles("intel.access_report"),
    ),
    ("Schemes", "My schemes", "schemes:mine", policy_roles("scheme.mine")),
    ("Schemes", "Scheme queue", "schemes:queue", policy_roles("scheme.queue")),
    ("Schemes", "Request scheme", "schemes:request", policy_roles("scheme.request")),
    ("Reviews", "DIVERT tags", "reports:divert-tags", policy_roles("qart.divert_tags")),
    ("Reviews", "Urgent reviews", "reports:urgent-reviews", policy_roles("qart.urgent_queue")),
    ("Reviews", "Reports", "reports:index", policy_roles("reports.read")),
]
# More links than this and they are grouped, so the bar stays on one line.
FLAT_LIMIT = 7


# Where each role starts its shift, in order of precedence for someone with several roles.
HOME_SCREENS: list[tuple[str, str]] = [
    ("call_handler", "cad:call_screen"),
    ("dispatcher", "dispatch:board"),
    ("controller", "dispatch:review-queue"),
    ("inspector", "dispatch:replacement-queue"),
    ("supervisor", "dispatch:overdue"),
    ("unit", "dispatch:terminal"),
    ("qart", "reports:divert-tags"),
    ("oic", "schemes:mine"),
    ("crime_manager", "schemes:queue"),
    ("intelligence", "intelligence:request-queue"),
]


def home_screen_url(user) -> str:
    """The main screen of the user's role; the events page for anyone else (admin)."""
    for role, name in HOME_SCREENS:
        if has_role(user, role):
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
    return reverse("home")


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "nav_menus": [], "last_event_id": 0}
    links = []
    for group, label, name, roles in NAVIGATION:
        if not has_role(user, *roles):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"group": group, "label": label, "url": url, "active": request.path == url})
    menus: list[dict] = []
    if len(links) > FLAT_LIMIT:
        for link in links:
            if not menus or menus[-1]["name"] != link["group"]:
                menus.append({"name": link["group"], "links": [], "active": False})
            menus[-1]["links"].append(link)
            menus[-1]["active"] |= link["active"]
    # Read before the view read its state (`role_required`), so that an event committed
    # between the two is replayed by the page's live connection, not skipped.
    last_event_id = getattr(request, "last_event_id", None)
    if last_event_id is None:
        last_event_id = Event.latest_id()
    return {"nav_links": links, "nav_menus": menus, "last_event_id": last_event_id}
