"""Demo data for seed_demo: one special scheme in force, with the victim told; idempotent.

It sits on a different address and phone from the seed case (14 Acacia Avenue,
07700 900123), which acceptance tests set up for themselves.
"""

from datetime import timedelta

from django.utils import timezone

from schemes import services
from schemes.models import Scheme

DEMO_ADDRESS = "3 Elm Road"
DEMO_POSTCODE = "SW1A 2AA"
DEMO_PHONE = "07700 900789"


def seed(*, users, password):
    oic = users["oic"]
    if Scheme.objects.filter(premises_key="SW1A2AA|3", oic=oic).exists():
        return
    now = timezone.now()
    scheme = services.scheme_create(
        actor=users["intelligence"],
        victim_name="Ms C Demo",
        address=DEMO_ADDRESS,
        postcode=DEMO_POSTCODE,
        phones=[DEMO_PHONE],
        oic=oic.username,
        reason="Domestic abuse: repeated threats from former partner, bail conditions",
        risk_level="high",
        crime_reference="CRIS-DEMO-0001",
        preferred_contact="Mobile; text first",
        instructions="Attend immediately; former partner must not enter the address.",
        ends_at=now + timedelta(days=90),
        now=now,
    )
    services.scheme_contact_record(
        actor=oic,
        scheme_id=scheme.pk,
        purpose="explain",
        method="Phone call to her mobile (preferred method)",
        outcome="informed",
        notes="Explained what the scheme is, that it lasts until the planned end and may be "
        "withdrawn after review if the risk has gone.",
        now=now,
    )
