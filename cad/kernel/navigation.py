"""Navigation per role: each entry is (label, url name, roles). Missing pages are skipped."""

from django.urls import NoReverseMatch, reverse

from cad.kernel.roles import has_role
from cad.models import Event

NAVIGATION: list[tuple[str, str, tuple[str, ...]]] = [
    ("Home", "home", ("__any__",)),
    ("New call", "cad:call_screen", ("call_handler",)),
    (
        "Incidents",
        "cad:incidents",
        ("call_handler", "dispatcher", "controller", "inspector", "supervisor", "qart", "admin"),
    ),
    ("Follow-ups", "cad:follow_ups", ("__any__",)),
    ("Absence", "cad:availability", ("supervisor", "admin")),
    ("Intelligence", "intelligence:search", ("intelligence", "supervisor", "oic")),
    ("Check requests", "intelligence:request-queue", ("intelligence",)),
    ("Intel access", "intelligence:access-report", ("supervisor", "intelligence", "admin")),
    ("Dispatch board", "dispatch:board", ("dispatcher", "controller", "inspector", "supervisor")),
    ("Divert reviews", "dispatch:review-queue", ("controller", "supervisor")),
    ("Replacements", "dispatch:replacement-queue", ("inspector", "dispatcher", "supervisor")),
    ("Overdue", "dispatch:overdue", ("supervisor", "inspector", "controller")),
    ("Terminal", "dispatch:terminal", ("unit",)),
    ("My schemes", "schemes:mine", ("oic",)),
    ("Scheme queue", "schemes:queue", ("crime_manager", "supervisor")),
    ("Request scheme", "schemes:request", ("oic", "intelligence")),
    ("DIVERT tags", "reports:divert-tags", ("qart", "supervisor", "controller", "inspector")),
    ("Urgent reviews", "reports:urgent-reviews", ("qart", "supervisor")),
    ("Reports", "reports:index", ("qart", "supervisor")),
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
