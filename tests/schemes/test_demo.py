"""seed_demo: one active scheme for the demo OIC, victim informed; safe to run twice."""

from django.core.management import call_command

from cad.models import Event
from schemes.models import Informed, Scheme, SchemeStatus
from schemes.selectors import scheme_lookup


def test_seed_demo_creates_one_active_scheme_once(db):
    call_command("seed_demo", password="demo-password-123")
    call_command("seed_demo", password="demo-password-123")
    scheme = Scheme.objects.get()
    assert scheme.status == SchemeStatus.ACTIVE
    assert scheme.oic.username == "oic"
    assert scheme.informed == Informed.INFORMED
    contact = scheme.contacts.get()
    assert (contact.purpose, contact.outcome) == ("explain", "informed")
    assert Event.objects.filter(kind="scheme.created").count() == 1
    # Not on the seed case's address or phone: acceptance tests set that up themselves.
    assert not scheme_lookup(phone="07700 900123", address="14 Acacia Avenue", postcode="SW1A 1AA")
    assert scheme_lookup(phone="07700 900789").grade_floor == "IMMEDIATE"
