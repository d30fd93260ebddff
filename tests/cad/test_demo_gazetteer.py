"""The demo's gazetteer: generated (no real address data), loaded again without change, and
the demo's incidents, schemes and intelligence resolve to its UPRNs and places."""

import pytest

from cad import demo as cad_demo
from cad import demo_gazetteer
from cad.models import AddressPoint, Incident
from intelligence import demo as intelligence_demo
from intelligence.models import LogAddress
from schemes import demo as schemes_demo
from schemes.models import Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(make_user):
    return {role: make_user(role) for role in ("call_handler", "oic", "intelligence")}


def test_the_demo_gazetteer_loads_once_and_holds_the_demo_addresses(users):
    demo_gazetteer.seed(users=users, password="x")
    count = AddressPoint.objects.count()
    assert count > 1000
    demo_gazetteer.seed(users=users, password="x")
    assert AddressPoint.objects.count() == count
    seed_house = AddressPoint.objects.get(address__startswith="14 Acacia Avenue,")
    assert seed_house.postcode == "SW1A 1AA"
    assert AddressPoint.objects.filter(address__contains="16 Acacia Avenue").count() == 4
    lat, lon = demo_gazetteer.DEMO_CENTRE
    assert abs(seed_house.lat - lat) < 0.1 and abs(seed_house.lon - lon) < 0.1


def test_the_demo_cases_get_uprns_and_places(users):
    demo_gazetteer.seed(users=users, password="x")
    seed_house = AddressPoint.objects.get(address__startswith="14 Acacia Avenue,")
    intelligence_demo.seed(users=users, password="x")
    assert set(
        LogAddress.objects.filter(address="14 Acacia Avenue").values_list("uprn", flat=True)
    ) == {seed_house.uprn}
    schemes_demo.seed(users=users, password="x")
    scheme = Scheme.objects.get()
    assert scheme.uprn == AddressPoint.objects.get(address__startswith="3 Elm Road,").uprn
    cad_demo.seed(users=users, password="x")
    burglary = Incident.objects.get(address="9 Station Road")
    assert burglary.uprn is not None and burglary.location_source == "gazetteer"
    # Flat 3 of 22 Mill Lane is one of six flats: its own UPRN.
    concern = Incident.objects.get(address="Flat 3, 22 Mill Lane")
    assert concern.uprn == AddressPoint.objects.get(address__startswith="Flat 3, 22 Mill Lane").uprn


def test_the_demo_units_stand_in_the_demo_gazetteer_area(make_user):
    from django.conf import settings

    from dispatch import demo as dispatch_demo
    from dispatch.models import Unit

    # The map opens on the demo area, and the demo's units are placed around that centre:
    # a dispatcher sees units and incidents on one map, the nearest within reach.
    assert settings.CAD_MAP_CENTRE == demo_gazetteer.DEMO_CENTRE
    dispatch_demo.seed(users={"unit": make_user("unit")}, password="x")
    lat, lon = demo_gazetteer.DEMO_CENTRE
    units = Unit.objects.filter(lat__isnull=False)
    assert units.exists()
    for unit in units:
        assert abs(unit.lat - lat) < 0.15 and abs(unit.lon - lon) < 0.15, unit.callsign
