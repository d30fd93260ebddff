"""Demo units for seed_demo; idempotent."""

from dispatch.models import Unit

DEMO_UNITS = [
    ("ALPHA1", "urban"),
    ("ALPHA2", "urban"),
    ("BRAVO1", "urban"),
    ("BRAVO2", "urban"),
    ("RURAL1", "rural"),
]


def seed(*, users, password):
    for callsign, area in DEMO_UNITS:
        Unit.objects.get_or_create(callsign=callsign, defaults={"area": area})
    unit_user = users["unit"]
    if not Unit.objects.filter(terminal_user=unit_user).exists():
        Unit.objects.filter(callsign="ALPHA1").update(terminal_user=unit_user)
