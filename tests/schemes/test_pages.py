"""Pages: request form, my schemes, crime manager queue, scheme page, policy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cad.models import AccessRefusal
from schemes import services
from schemes.models import Scheme


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def live_scheme(make_scheme):
    """A scheme started now, so page times are relative to the real clock."""
    now = timezone.now()
    return make_scheme(now=now, ends_at=now + timedelta(days=60))


PAGES = [
    ("/schemes/", ("call_handler", "crime_manager", "intelligence")),
    ("/schemes/new/", ("call_handler", "crime_manager", "unit")),
    ("/schemes/queue/", ("oic", "call_handler", "intelligence")),
    ("/schemes/{id}/", ("call_handler", "unit", "dispatcher")),
]


@pytest.mark.parametrize(("path", "wrong_roles"), PAGES)
def test_pages_refuse_wrong_roles_and_send_anonymous_to_login(
    client, make_user, live_scheme, path, wrong_roles
):
    url = path.format(id=live_scheme.pk)
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for role in wrong_roles:
        user = make_user(role)
        client.force_login(user)
        assert client.get(url).status_code == 403, (role, url)
        assert AccessRefusal.objects.filter(user=user, path=url).exists()


def test_request_form_shows_the_oic_warning_and_creates_the_scheme(login, oic, requester):
    client = login(requester)
    page = client.get("/schemes/new/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The OIC, not the control room, must tell the victim." in text
    assert 'href="/schemes/policy/"' in text
    assert f'value="{oic.username}"' in text
    ends = (timezone.localdate() + timedelta(days=90)).isoformat()
    response = client.post(
        "/schemes/new/",
        {
            "victim_name": "Ms B",
            "address": "7 Laburnum Grove",
            "postcode": "SW1A 2AA",
            "phones": "07700 900200\n+44 7700 900201",
            "reason": "Stalking by ex-partner",
            "oic": oic.username,
            "ends_on": ends,
            "preferred_contact": "Mobile, text first",
            "risk_level": "high",
        },
    )
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/schemes/{scheme.pk}/"
    assert scheme.phones.count() == 2 and scheme.risk_level == "high"
    assert scheme.requested_by == requester and scheme.oic == oic


def test_request_form_errors_are_shown_and_nothing_written(login, requester, oic):
    client = login(requester)
    too_late = (timezone.localdate() + timedelta(days=200)).isoformat()
    response = client.post(
        "/schemes/new/",
        {"victim_name": "", "address": "", "phones": "", "oic": oic.username, "ends_on": too_late},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-error-for="victim_name"' in text
    assert 'data-error-for="ends_at"' in text and "at most 6 months" in text
    assert 'data-error-for="address"' in text
    assert not Scheme.objects.exists()


def test_my_schemes_lists_due_and_overdue_first(login, make_scheme, oic, other_oic):
    now = timezone.now()
    later = make_scheme(now=now, ends_at=now + timedelta(days=100))
    overdue = make_scheme(now=now - timedelta(days=100), ends_at=now - timedelta(days=2))
    services.scheme_reviews_sweep(now=now)
    make_scheme(now=now, ends_at=now + timedelta(days=50), oic=other_oic.username)
    page = login(oic).get("/schemes/").content.decode()
    assert page.index(f'data-scheme-id="{overdue.pk}"') < page.index(f'data-scheme-id="{later.pk}"')
    assert page.count("data-scheme-id=") == 2
    assert "Decision overdue" in page and "Victim not yet informed" in page
    live = login(oic).get("/schemes/?part=live")
    assert "<html" not in live.content.decode() and f"#{overdue.pk}" in live.content.decode()


def test_crime_manager_queue_holds_escalations(login, make_scheme, crime_manager):
    now = timezone.now()
    overdue = make_scheme(now=now - timedelta(days=100), ends_at=now - timedelta(days=1))
    quiet = make_scheme(now=now, ends_at=now + timedelta(days=100))
    services.scheme_reviews_sweep(now=now)
    page = login(crime_manager).get("/schemes/queue/").content.decode()
    assert f'data-scheme-id="{overdue.pk}"' in page
    assert f'data-scheme-id="{quiet.pk}"' not in page


def test_scheme_page_forms_follow_who_may_act(login, live_scheme, oic, other_oic, crime_manager):
    url = f"/schemes/{live_scheme.pk}/"
    own = login(oic).get(url).content.decode()
    assert 'id="contact-form"' in own and 'id="withdraw-form"' in own
    assert 'id="reassign-form"' not in own
    assert "banner-risk" in own and "Ms A Example" in own
    manager = login(crime_manager).get(url).content.decode()
    assert 'id="contact-form"' not in manager
    assert 'id="withdraw-form"' in manager and 'id="reassign-form"' in manager
    colleague = login(other_oic).get(url).content.decode()
    assert 'id="contact-form"' not in colleague and 'id="withdraw-form"' not in colleague
    live = login(oic).get(url + "?part=live").content.decode()
    assert 'id="timeline"' in live and "scheme.created" in live


def test_policy_page_for_any_role(login, make_user):
    page = login(make_user("call_handler")).get("/schemes/policy/").content.decode()
    assert "does <strong>not</strong> end the scheme" in page


def test_navigation_links_for_scheme_roles(client, oic, crime_manager):
    client.force_login(oic)
    home = client.get("/").content.decode()
    assert 'href="/schemes/"' in home and 'href="/schemes/new/"' in home
    client.force_login(crime_manager)
    assert 'href="/schemes/queue/"' in client.get("/").content.decode()
