"""Demo units for seed_demo; idempotent. Each gets a last known position near the map's
centre (generated, no real place), so the live map and the nearest units show something."""

from django.conf import settings
from django.utils import timezone

from dispatch.models import Unit

# Offsets from the map's centre in degrees (north, east): a few kilometres apart.
DEMO_PLACES = [(0.010, -0.015), (-0.012, 0.020), (0.025, 0.030), (-0.030, -0.025), (0.08, 0.12)]

DEMO_UNITS = [
    ("ALPHA1", "urban"),
    ("ALPHA2", "urban"),
    ("BRAVO1", "urban"),
    ("BRAVO2", "urban"),
    ("RURAL1", "rural"),
]


def seed(*, users, password):
    lat, lon = settings.CAD_MAP_CENTRE
    for (callsign, area), (north, east) in zip(DEMO_UNITS, DEMO_PLACES, strict=True):
        Unit.objects.get_or_create(callsign=callsign, defaults={"area": area})
        Unit.objects.filter(callsign=callsign, lat__isnull=True).update(
            lat=lat + north, lon=lon + east, position_at=timezone.now()
        )
    unit_user = users["unit"]
    if not Unit.objects.filter(terminal_user=unit_user).exists():
        Unit.objects.filter(callsign="ALPHA1").update(terminal_user=unit_user)
