"""Benchmark: geography (the gazetteer's geocoder, and further parts as they are added).

Each part is a sub-command with its own database on the same server (prefix --db, then the
part's name), kept between runs so a second run only measures (--fresh generates again):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad \\
        .venv/bin/python bench/geo.py geocode --points 2000000

Parts:
- geocode: N generated address points (Faker en_GB streets and towns, no real address data)
  loaded with COPY through the same normaliser the app uses; times
  cad.kernel.geocode.geocode over varied queries (as typed: partial streets, numbers,
  flats, postcodes only, misses) and prints median/p95/p99 (target p95 ≤ 20 ms at 2,000,000).

To add a part: write `add_<name>_arguments(parser)` and `run_<name>(options)` and list it
in PARTS; `setup_django(options, part)` gives it a migrated database of its own.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# --- shared by every part ---------------------------------------------------------------------


def bench_database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(base: str, name: str, fresh: bool) -> None:
    import psycopg2

    admin = psycopg2.connect(bench_database_url(base, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django(options, part: str) -> str:
    """Create (or reuse) the part's database, point Django at it and migrate it."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cad")
    name = f"{options.db}_{part}"
    ensure_database(base, name, options.fresh)
    os.environ["DATABASE_URL"] = bench_database_url(base, name)
    os.environ.setdefault("CAD_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summarise(values: list[float]) -> dict:
    return {
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "n": len(values),
    }


def print_summary(label: str, values: list[float], extra: str = "") -> None:
    stats = summarise(values)
    print(
        f"{label:<28} median {stats['p50']:6.2f} ms   p95 {stats['p95']:6.2f} ms   "
        f"p99 {stats['p99']:6.2f} ms   n={stats['n']}{extra}",
        flush=True,
    )


# --- geocode --------------------------------------------------------------------------------

GEO_CHUNK = 50_000
POOLS: dict = {}


def build_pools(seed: int) -> None:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    POOLS["street"] = sorted({fake.street_name() for _ in range(30000)})
    POOLS["city"] = sorted({fake.city() for _ in range(3000)})
    POOLS["building"] = sorted({f"{fake.last_name()} House" for _ in range(2000)})


def clean(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def street_block(rng: random.Random, index: int) -> list[tuple[str, str]]:
    """One street in one town: its postcodes and numbered premises, some split into flats."""
    street = POOLS["street"][index % len(POOLS["street"])]
    town = POOLS["city"][(index * 7919) % len(POOLS["city"])]
    area = f"{chr(65 + index % 26)}{chr(65 + (index // 26) % 26)}{1 + (index // 676) % 99}"
    houses = rng.randrange(10, 60)
    rows = []
    for number in range(1, houses + 1):
        postcode = f"{area} {1 + number // 20}{chr(65 + index % 23)}{chr(65 + number % 23)}"
        if rng.random() < 0.12:
            building = rng.choice(POOLS["building"])
            for flat in range(1, rng.randrange(3, 13)):
                rows.append((f"Flat {flat}, {building}, {number} {street}, {town}", postcode))
        else:
            rows.append((f"{number} {street}, {town}", postcode))
    return rows


def make_points(args: tuple[int, int, int]) -> dict:
    """About `count` address points from street blocks [block, ...) as COPY text."""
    first_uprn, count, seed = args
    from cad.kernel.geocode import point_columns

    rng = random.Random(seed * 1_000_003 + first_uprn)
    out = io.StringIO()
    samples = []
    uprn = first_uprn
    block = first_uprn // 37
    while uprn < first_uprn + count:
        lat0, lon0 = 50.5 + rng.random() * 4, -4.5 + rng.random() * 5
        for offset, (address, postcode) in enumerate(street_block(rng, block)):
            if uprn >= first_uprn + count:
                break
            columns = point_columns(address, postcode)
            lat, lon = lat0 + offset * 0.0001, lon0 + offset * 0.00012
            out.write(
                f"{uprn}\t{clean(address)}\t{postcode}\t{lat:.6f}\t{lon:.6f}\t"
                + "\t".join(clean(columns[name]) for name in POINT_KEY_COLUMNS)
                + "\n"
            )
            if rng.random() < 0.002:
                samples.append((address, postcode, uprn))
            uprn += 1
        block += 1
    return {"count": uprn - first_uprn, "rows": out.getvalue(), "samples": samples}


POINT_KEY_COLUMNS = ("postcode_key", "number", "flat", "street", "building")


def geocode_generate(target: int, *, seed: int, workers: int) -> list:
    from django.db import connection

    from cad.models import AddressPoint

    table = AddressPoint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        have = cursor.fetchone()[0]
    if have >= target:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = "
            "i.indexname WHERE i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
            "WHERE k.conindid = c.oid)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute("SET synchronous_commit = off")
    started = time.perf_counter()
    raw = connection.connection
    columns = ", ".join(["uprn", "address", "postcode", "lat", "lon", *POINT_KEY_COLUMNS])
    jobs = [(start, min(GEO_CHUNK, target - start), seed) for start in range(0, target, GEO_CHUNK)]
    samples, done_rows = [], 0
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=build_pools, initargs=(seed,)
    ) as pool:
        for done, chunk in enumerate(pool.imap(make_points, jobs), start=1):
            with raw.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY {table} ({columns}) FROM STDIN",  # noqa: S608
                    io.StringIO(chunk["rows"]),
                )
            raw.commit()
            samples.extend(chunk["samples"])
            done_rows += chunk["count"]
            if done % 10 == 0:
                rate = done_rows / (time.perf_counter() - started)
                print(f"  … {done_rows:>9,} points ({rate:,.0f}/s)", flush=True)
    copy_s = time.perf_counter() - started
    started = time.perf_counter()
    with raw.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {table}")
    raw.commit()
    print(
        f"generate {done_rows:,} address points: COPY {copy_s:.1f} s "
        f"({done_rows / copy_s:,.0f}/s, {workers} worker(s)); "
        f"indexes {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return samples


def geocode_queries(samples: list, count: int, rng: random.Random) -> dict[str, list[dict]]:
    """Queries as a call handler types them, grouped by shape."""
    from cad.kernel.normalise import parse_address

    shapes: dict[str, list[dict]] = {
        "full address": [],
        "number + street prefix": [],
        "street only": [],
        "flat in a building": [],
        "postcode only": [],
        "typed with postcode": [],
        "miss": [],
    }
    for _ in range(count):
        address, postcode, uprn = rng.choice(samples)
        parsed = parse_address(address, postcode)
        street = " ".join(word.title() for word in parsed.street.split())
        # The whole address as written: the point itself must come first.
        shapes["full address"].append({"q": address.lower(), "expect": uprn})
        cut = max(3, len(street) - rng.randrange(0, 5))
        shapes["number + street prefix"].append({"q": f"{parsed.number} {street[:cut]}"})
        shapes["street only"].append({"q": street[: max(4, len(street) - 2)]})
        flat = parsed.flat or str(rng.randrange(1, 6))
        shapes["flat in a building"].append({"q": f"flat {flat} {parsed.number} {street}"})
        shapes["postcode only"].append({"q": "", "postcode": postcode})
        shapes["typed with postcode"].append(
            {"q": f"{parsed.number} {street}", "postcode": postcode}
        )
        shapes["miss"].append({"q": f"{rng.randrange(1, 300)} Qwxz{rng.randrange(10**6)} Road"})
    return shapes


def add_geocode_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--points", type=int, default=2_000_000)
    parser.add_argument("--queries", type=int, default=300, help="queries per shape")
    parser.add_argument("--workers", type=int, default=max(1, min(2, os.cpu_count() or 1)))


def run_geocode(options) -> None:
    setup_django(options, "geocode")
    from cad.kernel.geocode import geocode
    from cad.models import AddressPoint

    samples = geocode_generate(options.points, seed=options.seed, workers=options.workers)
    if len(samples) < 100:
        samples = list(
            AddressPoint.objects.order_by("?").values_list("address", "postcode", "uprn")[:500]
        )
    print(f"address points: {AddressPoint.objects.count():,}", flush=True)
    rng = random.Random(options.seed)
    shapes = geocode_queries(samples, options.queries, rng)
    every = []
    for label, queries in shapes.items():
        for query in queries[:20]:  # warm caches and the connection
            geocode(**{k: v for k, v in query.items() if k != "expect"})
        times, hits, first = [], 0, 0
        for query in queries:
            expect = query.pop("expect", None)
            started = time.perf_counter()
            results = geocode(**query)
            times.append((time.perf_counter() - started) * 1000)
            hits += bool(results)
            first += bool(expect and results and results[0]["uprn"] == expect)
        every.extend(times)
        right = (
            f", the point itself first {first}/{len(queries)}" if label == "full address" else ""
        )
        print_summary(label, times, f"   found {hits}/{len(queries)}{right}")
    print_summary("all queries", every)


# --- the parts ------------------------------------------------------------------------------

PARTS = {
    "geocode": (add_geocode_arguments, run_geocode),
}


def _dispatch_parts() -> dict:
    """Dispatch's parts (recommend, sweep, ingest): bench/geo_dispatch.py."""
    from bench import geo_dispatch

    return {
        name: (add, lambda options, run=run: run(options, setup_django))
        for name, (add, run) in geo_dispatch.PARTS.items()
    }


PARTS.update(_dispatch_parts())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="cad_bench_geo")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--fresh", action="store_true", help="drop the part's database first")
    commands = parser.add_subparsers(dest="part", required=True)
    for name, (add_arguments, _) in PARTS.items():
        add_arguments(commands.add_parser(name))
    options = parser.parse_args()
    PARTS[options.part][1](options)


if __name__ == "__main__":
    main()
