"""A scraper's or a feed's token does what its own lines in the policy table say, and
nothing open to "any role": follow-ups, events and opening codes are for people."""

import pytest

from cad.kernel.roles import ANY_ROLE, MACHINE_ROLES, has_role

pytestmark = pytest.mark.django_db

FOR_PEOPLE = ["/api/v1/follow-ups/", "/api/v1/events/", "/api/v1/opening-codes/"]


@pytest.mark.parametrize("role", sorted(MACHINE_ROLES))
@pytest.mark.parametrize("path", FOR_PEOPLE)
def test_a_machine_role_is_refused_what_any_person_may_read(api_for, role, path):
    assert api_for(role).get(path).status_code == 403


@pytest.mark.parametrize("path", FOR_PEOPLE)
def test_a_person_with_any_role_reads_it(api_for, path):
    assert api_for("qart").get(path).status_code == 200


@pytest.mark.parametrize("role", sorted(MACHINE_ROLES))
def test_a_machine_role_signs_its_token_out(api_for, role):
    client = api_for(role)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.post("/api/v1/auth/logout/").status_code == 401


def test_a_person_who_also_holds_a_machine_role_keeps_their_own(make_user):
    from django.contrib.auth.models import Group

    user = make_user("dispatcher")
    user.groups.add(Group.objects.get(name="avl"))
    user._cad_roles = None
    del user._cad_roles
    assert has_role(user, ANY_ROLE)
    assert has_role(make_user("avl"), "avl")
    assert not has_role(make_user("metrics"), ANY_ROLE)
