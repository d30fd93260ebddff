"""The demo area's gazetteer: generated streets around one centre, loaded like a force's own.

No real address data: street names come from Faker (en_GB, a fixed seed), numbers and flats
are made up, and every point is placed on a made-up grid around DEMO_CENTRE. The demo's own
addresses (the seed case's 14 Acacia Avenue, the scheme's 3 Elm Road, the sample incidents'
streets) are generated here too, so the demo's incidents, schemes and intelligence resolve
to UPRNs and places. Loading again changes nothing (the same UPRNs, upserted).
"""

from __future__ import annotations

import math
import random

from faker import Faker

from cad.kernel.gazetteer import gazetteer_load, point_row

# The middle of the demo area (WGS84), for the maps and the units' demo positions.
DEMO_CENTRE = (51.5010, -0.1416)
FIRST_UPRN = 990_000_000_001  # outside any real UPRN a demo database might also hold
SEED = 20261207
GENERATED_STREETS = 36
# (street, postcode, houses, {number: flats}) — the streets the demo's cases are on.
DEMO_STREETS = [
    ("Acacia Avenue", "SW1A 1AA", 30, {16: 4}),
    ("Elm Road", "SW1A 2AA", 24, {}),
    ("Station Road", "B33 8TH", 40, {}),
    ("Mill Lane", "M1 1AE", 30, {22: 6}),
]


def demo_points() -> list[dict]:
    """{uprn, address, postcode, lat, lon} for every point of the demo area, the same each run."""
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    towns = [fake.city() for _ in range(4)]
    streets = list(DEMO_STREETS)
    seen = {street for street, *_ in DEMO_STREETS}
    while len(streets) < len(DEMO_STREETS) + GENERATED_STREETS:
        name = fake.street_name()
        if name in seen:
            continue
        seen.add(name)
        flats = {number: rng.randrange(2, 9) for number in rng.sample(range(1, 40), 3)}
        streets.append((name, fake.postcode(), rng.randrange(12, 40), flats))
    points, uprn = [], FIRST_UPRN
    for index, (street, postcode, houses, flats) in enumerate(streets):
        town = towns[index % len(towns)]
        # Each street a short line through the area, houses about 15 m apart.
        angle = rng.random() * math.pi
        ring, step = 0.004 + 0.03 * rng.random(), 0.00014
        start_lat = DEMO_CENTRE[0] + ring * math.cos(index * 2.4)
        start_lon = DEMO_CENTRE[1] + ring * 1.6 * math.sin(index * 2.4)
        for number in range(1, houses + 1):
            lat = round(start_lat + number * step * math.cos(angle), 6)
            lon = round(start_lon + number * step * 1.6 * math.sin(angle), 6)
            units = flats.get(number, 0)
            for flat in range(1, units + 1) if units else [None]:
                prefix = f"Flat {flat}, " if flat else ""
                address = f"{prefix}{number} {street}, {town}"
                points.append(
                    {"uprn": uprn, "address": address, "postcode": postcode, "lat": lat, "lon": lon}
                )
                uprn += 1
    return points


def seed(*, users, password):
    rows = []
    for line, record in enumerate(demo_points(), start=2):
        values, errors = point_row({key: str(value) for key, value in record.items()})
        rows.append((line, str(record["uprn"]), values, errors))
    gazetteer_load(rows)
