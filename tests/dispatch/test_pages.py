"""Dispatch pages: roles (403 logged, anonymous to login), content and live partials."""

import pytest

from cad.models import AccessRefusal, OpeningCode
from dispatch import services
from tests.dispatch.conftest import T0

PAGES = {
    "/dispatch/board/": ("dispatcher", "call_handler"),
    "/dispatch/diverts/review/": ("controller", "dispatcher"),
    "/dispatch/diverts/replacements/": ("inspector", "controller"),
    "/dispatch/overdue/": ("supervisor", "dispatcher"),
    "/dispatch/terminal/": ("unit", "dispatcher"),
}


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_page_roles(client, make_user, path):
    allowed, refused = PAGES[path]
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    login(client, make_user(refused))
    assert client.get(path).status_code == 403
    assert AccessRefusal.objects.filter(path=path).exists()
    client.logout()
    login(client, make_user(allowed))
    page = client.get(path)
    assert page.status_code == 200
    assert b"data-live-region" in page.content
    partial = client.get(path + "?partial=1")
    assert partial.status_code == 200 and b"<html" not in partial.content


def test_board_lists_incidents_by_urgency_with_countdowns(client, roles, make_incident, make_unit):
    later = make_incident("PRIORITY", received_at=T0)
    sooner = make_incident("IMMEDIATE", received_at=T0)
    make_unit("ALPHA1")
    login(client, roles["dispatcher"])
    html = client.get("/dispatch/board/").content.decode()
    assert html.index(sooner.reference) < html.index(later.reference)
    assert f'data-due="{sooner.response_due_at.isoformat()}"' in html
    assert 'data-callsign="ALPHA1"' in html
    assert 'id="dispatch-command"' in html and "<kbd>d</kbd>" in html
    assert "csrfmiddlewaretoken" in html
    assert "<script>" not in html and 'style="' not in html


def test_review_and_replacement_queues_show_the_divert(client, roles, make_incident, make_unit):
    call_a, call_b = make_incident("PRIORITY"), make_incident("IMMEDIATE")
    unit = make_unit("ALPHA1")
    services.unit_assign(actor=roles["dispatcher"], incident=call_a, unit=unit)
    divert = services.unit_divert(
        actor=roles["dispatcher"], unit=unit, to_incident=call_b, reason="Fight in progress"
    )
    login(client, roles["controller"])
    html = client.get("/dispatch/diverts/review/").content.decode()
    assert f'data-divert-id="{divert.pk}"' in html and "Fight in progress" in html
    assert "Override: send ALPHA1 back" in html
    # The controller decides with the facts of both incidents, side by side, as links.
    for side, incident in (("from", call_a), ("to", call_b)):
        card = html.split(f'data-side="{side}"', 1)[1].split("</section>", 1)[0]
        assert f'href="/incidents/{incident.pk}/"' in card
        for entry in incident.narrative.all():
            assert entry.text in card  # the words
        incident.refresh_from_db()
        for flag in incident.risk_flags:  # each flag by its label, with its reason
            assert f'data-flag="{flag["code"]}"' in card and flag["label"] in card
        assert "data-due=" in card and "attend by" in card  # both clocks
        assert "data-intel-line" in card  # the intelligence summary
        assert "data-scheme-banners" in card  # scheme history
    services.divert_review(
        actor=roles["controller"], divert=divert, decision="approve", rationale="ok"
    )
    client.logout()
    login(client, roles["inspector"])
    make_unit("BRAVO1")
    html = client.get("/dispatch/diverts/replacements/").content.decode()
    assert f'data-divert-id="{divert.pk}"' in html
    assert '<option value="BRAVO1">' in html


def test_overdue_board_sections(client, roles, make_incident, make_unit, settings):
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {"PRIORITY": 60, "IMMEDIATE": 60}
    breached = make_incident("PRIORITY", received_at=T0)
    call_b = make_incident("IMMEDIATE")
    unit = make_unit("ALPHA1")
    services.unit_assign(actor=roles["dispatcher"], incident=breached, unit=unit)
    services.unit_divert(
        actor=roles["dispatcher"], unit=unit, to_incident=call_b, reason="x", now=T0
    )
    login(client, roles["supervisor"])
    html = client.get("/dispatch/overdue/").content.decode()
    assert f'data-incident-id="{breached.pk}" data-state="breached"' in html
    assert 'data-state-tag="unresourced"' in html
    assert 'data-status="awaiting_review"' in html
    assert "Call handling, intelligence and schemes" in html


def test_terminal_shows_the_whole_incident(client, roles, make_incident, make_unit):
    lines = ["Banging on the door.", "Believes it is her ex-husband.", "Court order in place."]
    incident = make_incident("PRIORITY", narrative=lines)
    unit = make_unit("ALPHA1", terminal_user=roles["unit"])
    login(client, roles["unit"])
    assert b"No current assignment" in client.get("/dispatch/terminal/").content
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=unit)
    html = client.get("/dispatch/terminal/").content.decode()
    for line in lines:
        assert line in html
    assert "3 lines, all of it" in html
    assert "data-acknowledge=" in html
    assert f'data-due="{incident.response_due_at.isoformat()}"' in html
    assert "data-scheme-banners" in html  # the schemes banner is included
    assert "data-intel-panel" in html  # and the intelligence summary
    # Labels, not codes: the opening code's label and each flag's label, its code kept
    # only as a data attribute.
    incident.refresh_from_db()
    assert f"<dd>{OpeningCode.label_for(incident.opening_code)}</dd>" in html
    assert incident.opening_code not in html.replace(f'"{incident.opening_code}"', "")
    for flag in incident.risk_flags:
        assert f'data-flag="{flag["code"]}"' in html and f">{flag['label']}</span>" in html
        assert f">{flag['code']}<" not in html


def test_terminal_without_a_unit(client, make_user):
    login(client, make_user("unit"))
    assert b"not linked to a unit" in client.get("/dispatch/terminal/").content
