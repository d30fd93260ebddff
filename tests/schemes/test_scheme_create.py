"""scheme_create: a marker with an OIC, a reason and a planned end within six months."""

from datetime import timedelta

import pytest

from cad.kernel.errors import InvalidInput, RoleRefused
from cad.models import Event
from schemes import rules
from schemes.models import Informed, Scheme, SchemeStatus
from tests.schemes.conftest import START


def test_creates_an_active_scheme_with_normalised_keys_event_and_oic_email(
    make_scheme, oic, requester, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        scheme = make_scheme(phones=["07700 900123", "+44 (0)20 7946 0000", "447700900123"])

    assert scheme.status == SchemeStatus.ACTIVE
    assert scheme.informed == Informed.NOT_YET
    assert scheme.premises_key == "SW1A1AA|14"
    assert scheme.address_key.startswith("SW1A1AA|14|ACACIA")
    assert scheme.street_key.startswith("|14|ACACIA")
    # Two spellings of one mobile number are stored once.
    assert sorted(p.phone_key for p in scheme.phones.all()) == ["+442079460000", "+447700900123"]
    assert scheme.next_action_at == START + timedelta(days=7)

    event = Event.objects.get(kind="scheme.created", scheme_id=scheme.pk)
    assert f"user.{oic.pk}" in event.audience
    assert event.data["scheme"] == scheme.pk
    assert "Ms A" not in str(event.data) and "Acacia" not in str(event.data)
    assert event.data["oic"] == oic.username

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [oic.email]
    assert "you must tell the victim" in mailoutbox[0].subject
    assert "control room has no contact with the victim" in mailoutbox[0].body


def test_phone_only_and_address_only_schemes_are_allowed(make_scheme):
    assert make_scheme(address="", postcode="").phones.count() == 1
    assert make_scheme(phones=[]).premises_key == "SW1A1AA|14"


def test_planned_end_more_than_six_months_after_start_is_refused(make_scheme):
    too_late = rules.add_months(START, 6) + timedelta(minutes=1)
    with pytest.raises(InvalidInput) as refused:
        make_scheme(ends_at=too_late)
    assert "at most 6 months" in refused.value.errors["ends_at"][0]
    assert not Scheme.objects.exists()
    assert make_scheme(ends_at=rules.add_months(START, 6)).pk


def test_bad_input_names_each_field_and_writes_nothing(make_scheme, make_user):
    no_role = make_user("call_handler", username="not-an-oic")
    with pytest.raises(InvalidInput) as refused:
        make_scheme(
            victim_name=" ",
            reason="",
            phones=["not a number"],
            postcode="nonsense",
            oic=no_role.username,
            ends_at=START - timedelta(days=1),
        )
    assert set(refused.value.errors) == {
        "victim_name",
        "reason",
        "phones",
        "postcode",
        "oic",
        "ends_at",
    }
    with pytest.raises(InvalidInput) as unknown:
        make_scheme(oic="nobody-by-that-name")
    assert "No user" in unknown.value.errors["oic"][0]
    with pytest.raises(InvalidInput) as nothing:
        make_scheme(address="", postcode="", phones=[])
    assert "address" in nothing.value.errors
    assert not Scheme.objects.exists()
    assert not Event.objects.filter(kind="scheme.created").exists()


@pytest.mark.parametrize("role", ["call_handler", "crime_manager", "unit", "supervisor"])
def test_wrong_roles_are_refused(make_scheme, make_user, role):
    with pytest.raises(RoleRefused):
        make_scheme(actor=make_user(role))
    assert not Scheme.objects.exists()


def test_schemes_are_never_deleted(make_scheme):
    scheme = make_scheme()
    with pytest.raises(PermissionError):
        scheme.delete()
    with pytest.raises(PermissionError):
        Scheme.objects.all().delete()
    assert Scheme.objects.count() == 1
