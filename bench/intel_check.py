"""Benchmark: the intelligence check at 1 million and 5 million logs.

Generates logs with Faker (en_GB) through the same normalisation code the app uses
(cad.kernel.normalise via intelligence.rules), loads them with COPY into a separate
database, then times the check's lookups (intelligence.selectors.lookup_hits) by
phone, address and person: p50/p95/p99 over --lookups lookups each, half hits and
half misses, and the ratio between the sizes (lookups must not grow with the table).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad \\
        .venv/bin/python bench/intel_check.py --sizes 1000000 5000000

Each size gets its own database on the same server (`cad_bench_intel_1m`,
`cad_bench_intel_5m`; prefix --db); the data is kept, so a second run only measures
(--fresh generates again).
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = [
    ("domestic_abuse", 20),
    ("marac", 4),
    ("dvds", 4),
    ("safeguarding_children", 10),
    ("safeguarding_adults", 5),
    ("threat_to_life", 1),
    ("warning_marker", 6),
    ("other", 50),
]
SUMMARIES = {
    "domestic_abuse": "Crime report: domestic incident reported by {name}",
    "marac": "MARAC: case heard for {name}",
    "dvds": "DVDS request concerning {name}",
    "safeguarding_children": "Child safeguarding referral naming {name}",
    "safeguarding_adults": "Adult safeguarding concern for {name}",
    "threat_to_life": "Threat to life warning for {name}",
    "warning_marker": "Warning marker at the address of {name}",
    "other": "Information report mentioning {name}",
}
KINDS_MEASURED = ("phone", "address", "person", "all")
CHUNK = 50_000
SAMPLE_EVERY = 997  # keep about 1 row in 1000 as a known hit for the lookups
TABLES = [
    "intelligence_intelligencelog",
    "intelligence_logphone",
    "intelligence_logaddress",
    "intelligence_logperson",
]


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


# --- generation (runs in worker processes: no database here) --------------------------------

POOLS: dict = {}


def build_pools(seed: int) -> None:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    POOLS["first"] = [fake.first_name() for _ in range(4000)]
    POOLS["last"] = [fake.last_name() for _ in range(4000)]
    POOLS["street"] = [fake.street_name() for _ in range(20000)]
    POOLS["postcode"] = [fake.postcode() for _ in range(100000)]
    POOLS["city"] = [fake.city() for _ in range(2000)]
    POOLS["kinds"] = [kind for kind, _ in KINDS]
    POOLS["weights"] = [weight for _, weight in KINDS]


def clean(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def phone_text(rng: random.Random) -> str:
    digits = f"7{rng.randrange(10**9):09d}"
    style = rng.randrange(4)
    if style == 0:
        return f"0{digits[:4]} {digits[4:]}"
    if style == 1:
        return f"+44 {digits[:4]} {digits[4:]}"
    if style == 2:
        return f"44{digits}"
    return f"0{digits}"


def address_text(rng: random.Random) -> tuple[str, str]:
    number = rng.randrange(1, 250)
    street = rng.choice(POOLS["street"])
    text = f"{number} {street}, {rng.choice(POOLS['city'])}"
    if rng.random() < 0.15:
        text = f"Flat {rng.randrange(1, 30)}, {text}"
    return text, rng.choice(POOLS["postcode"])


def person(rng: random.Random) -> tuple[str, date]:
    name = f"{rng.choice(POOLS['first'])} {rng.choice(POOLS['last'])}"
    dob = date(1940, 1, 1) + timedelta(days=rng.randrange(25000))
    return name, dob


def make_chunk(args: tuple[int, int, int, int]) -> dict:
    """Rows [start_id, start_id + count) as COPY text, plus a sample of known subjects."""
    start_id, count, seed, user_id = args
    from cad.kernel.normalise import name_key, phone_key
    from intelligence.rules import address_keys

    rng = random.Random(seed * 1_000_003 + start_id)
    logs, phones, addresses, persons = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
    samples = {"phone": [], "address": [], "person": []}
    epoch = datetime(2015, 1, 1, tzinfo=UTC)
    created = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
    kinds, weights = POOLS["kinds"], POOLS["weights"]
    for log_id in range(start_id, start_id + count):
        kind = rng.choices(kinds, weights)[0]
        people = [person(rng) for _ in range(1 if rng.random() < 0.6 else 2)]
        occurred = (epoch + timedelta(seconds=rng.randrange(11 * 365 * 86400))).isoformat()
        summary = SUMMARIES[kind].format(name=people[0][0])
        logs.write(
            f"{log_id}\t{kind}\t{clean(summary)}\t{clean(summary)}. Generated detail text.\t"
            f"{occurred}\tOFFICIAL-SENSITIVE\tbench\t\\N\t{user_id}\t{created}\n"
        )
        keep = log_id % SAMPLE_EVERY == 0
        if rng.random() < 0.8:
            raw = phone_text(rng)
            key = phone_key(raw)
            if key:
                phones.write(f"{log_id}\t{raw}\t{key}\n")
                if keep:
                    samples["phone"].append(raw)
        if rng.random() < 0.9:
            text, postcode = address_text(rng)
            keys = address_keys(text, postcode)
            if keys["address_key"] and len(keys["premises_key"]) <= 64:
                addresses.write(
                    f"{log_id}\t{clean(text)}\t{postcode}\t{keys['address_key']}\t"
                    f"{keys['premises_key']}\t{keys['street_key']}\t{keys['postcode_key']}\t"
                    f"{keys['building_premises_key']}\t{keys['building_street_key']}\n"
                )
                if keep:
                    samples["address"].append((text, postcode))
        for name, dob in people:
            key = name_key(name)
            persons.write(f"{log_id}\t{clean(name)}\t{dob.isoformat()}\t{key}\t\n")
            if keep:
                samples["person"].append((name, dob.isoformat()))
    return {
        "count": count,
        "logs": logs.getvalue(),
        "phones": phones.getvalue(),
        "addresses": addresses.getvalue(),
        "persons": persons.getvalue(),
        "samples": samples,
    }


# --- loading --------------------------------------------------------------------------------

COPY_SQL = {
    "logs": "COPY intelligence_intelligencelog (id, kind, summary, details, occurred_at, "
    "handling_code, source, source_ref, created_by_id, created_at) FROM STDIN",
    "phones": "COPY intelligence_logphone (log_id, number, phone_key) FROM STDIN",
    "addresses": "COPY intelligence_logaddress (log_id, address, postcode, address_key, "
    "premises_key, street_key, postcode_key, building_premises_key, building_street_key) "
    "FROM STDIN",
    "persons": "COPY intelligence_logperson (log_id, name, dob, name_key, role) FROM STDIN",
}


def secondary_indexes(cursor) -> list[tuple[str, str]]:
    """Plain indexes of the subject tables (not primary keys or constraints)."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        JOIN pg_class c ON c.relname = i.indexname
        WHERE i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
        ORDER BY i.indexname
        """,
        [TABLES],
    )
    return cursor.fetchall()


def generate(target: int, *, seed: int, workers: int, user_id: int, samples: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM intelligence_intelligencelog")
        have = cursor.fetchone()[0]
    timings = {"have": have, "generated": 0, "generate_s": 0.0, "index_s": 0.0}
    if have >= target:
        return timings
    started = time.perf_counter()
    raw = connection.connection
    with connection.cursor() as cursor:
        indexes = secondary_indexes(cursor)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        # Foreign keys are checked by triggers; the generator writes only valid ids.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")

    jobs = [
        (start, min(CHUNK, target + 1 - start), seed, user_id)
        for start in range(have + 1, target + 1, CHUNK)
    ]
    with multiprocessing.get_context("fork").Pool(
        workers, initializer=build_pools, initargs=(seed,)
    ) as pool:
        for done, chunk in enumerate(pool.imap(make_chunk, jobs), start=1):
            with raw.cursor() as cursor:
                for table in ("logs", "phones", "addresses", "persons"):
                    cursor.copy_expert(COPY_SQL[table], io.StringIO(chunk[table]))
            raw.commit()
            for key, values in chunk["samples"].items():
                samples[key].extend(values)
            timings["generated"] += chunk["count"]
            if done % 20 == 0:
                rate = timings["generated"] / (time.perf_counter() - started)
                print(f"  … {have + timings['generated']:>9,} logs ({rate:,.0f}/s)", flush=True)
    timings["generate_s"] = time.perf_counter() - started

    started = time.perf_counter()
    with raw.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('intelligence_intelligencelog', 'id'), %s)",
            [target],
        )
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    raw.commit()
    timings["index_s"] = time.perf_counter() - started
    return timings


def load_samples(samples: dict, limit: int) -> None:
    """Known subjects from the database when the data was generated by an earlier run."""
    from intelligence.models import LogAddress, LogPerson, LogPhone

    if len(samples["phone"]) < limit:
        samples["phone"] = list(
            LogPhone.objects.order_by("?").values_list("number", flat=True)[:limit]
        )
        samples["address"] = list(
            LogAddress.objects.order_by("?").values_list("address", "postcode")[:limit]
        )
        samples["person"] = [
            (name, dob.isoformat())
            for name, dob in LogPerson.objects.order_by("?").values_list("name", "dob")[:limit]
        ]


# --- measuring ------------------------------------------------------------------------------


def lookups(kind: str, samples: dict, count: int, rng: random.Random) -> list[dict]:
    """Half known subjects (written differently from how they were stored), half unknown."""
    calls = []
    for index in range(count):
        hit = index % 2 == 0
        if kind == "phone":
            if hit:
                raw = rng.choice(samples["phone"])
                digits = "".join(ch for ch in raw if ch.isdigit())[-10:]
                calls.append({"phone": f"+44 {digits[:4]} {digits[4:]}"})
            else:
                calls.append({"phone": f"07{rng.randrange(10**9):09d}"})
        elif kind == "address":
            if hit:
                text, postcode = rng.choice(samples["address"])
                calls.append({"address": text.lower(), "postcode": postcode.lower()})
            else:
                calls.append(
                    {"address": f"{rng.randrange(300, 999)} Nowhere Road", "postcode": "ZZ9 9ZZ"}
                )
        elif kind == "person":
            name, dob = rng.choice(samples["person"])
            calls.append({"persons": [(name.upper(), dob if hit else "1901-01-01")]})
        else:
            # What the automatic check does: phone, address and person in one go.
            phone = lookups("phone", samples, 1 if hit else 2, rng)[-1]
            address = lookups("address", samples, 1 if hit else 2, rng)[-1]
            persons = lookups("person", samples, 1 if hit else 2, rng)[-1]
            calls.append({**phone, **address, **persons})
    return calls


def size_label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 and size % 1_000_000 == 0 else f"{size:,}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def use_database(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def summarise(values: list[float]) -> dict:
    return {
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "n": len(values),
    }


def server_times(databases: dict, calls: dict, count: int) -> dict:
    """PostgreSQL's own planning + execution time for the check's statement (EXPLAIN
    ANALYZE): the part of a lookup that depends on the table size, without the client
    and without waiting for a CPU on a busy machine."""
    from django.db import connection

    from intelligence.selectors import hits_query, subject_keys

    results = {}
    for size, name in databases.items():
        use_database(name)
        for kind in KINDS_MEASURED:
            values = []
            for call in calls[size, kind][:count]:
                phone = call.get("phone", "")
                keys = subject_keys(
                    phones=[phone] if phone else [],
                    address=call.get("address", ""),
                    postcode=call.get("postcode", ""),
                    persons=call.get("persons", ()),
                )
                sql, params = hits_query(keys)
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                    plan = cursor.fetchone()[0][0]
                values.append(plan["Planning Time"] + plan["Execution Time"])
            results[size, kind] = summarise(values)
    return results


def measure(databases: dict, calls: dict, count: int, rounds: int) -> dict:
    """Time lookup_hits per size and kind. Sizes take turns in rounds, so a burst of load
    from other processes on the machine falls on every size alike."""
    from intelligence.selectors import lookup_hits

    times = {key: [] for key in calls}
    found = dict.fromkeys(calls, 0)
    per_round = -(-count // rounds)
    for round_index in range(rounds):
        for size, name in databases.items():
            use_database(name)
            for kind in KINDS_MEASURED:
                batch = calls[size, kind][round_index * per_round : (round_index + 1) * per_round]
                for call in batch[:20]:  # warm the new connection
                    lookup_hits(**call)
                for call in batch:
                    started = time.perf_counter()
                    hits = lookup_hits(**call)
                    times[size, kind].append((time.perf_counter() - started) * 1000)
                    found[size, kind] += bool(hits)
    return {
        size: {
            kind: {**summarise(times[size, kind]), "found": found[size, kind]}
            for kind in KINDS_MEASURED
        }
        for size in databases
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--db", default="cad_bench_intel")
    parser.add_argument("--workers", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--seed", type=int, default=20260907)
    parser.add_argument(
        "--rounds", type=int, default=10, help="turns the sizes take while being measured"
    )
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark databases first")
    options = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cad")
    names = {
        size: f"{options.db}_{size_label(size).lower().replace(',', '')}" for size in options.sizes
    }
    for name in names.values():
        ensure_database(base, name, options.fresh)
    first = names[min(options.sizes)]
    os.environ["DATABASE_URL"] = bench_database_url(base, first)
    os.environ.setdefault("CAD_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    samples = {}
    for size in sorted(options.sizes):
        # One database per size, prepared one after the other, then measured in turns.
        use_database(names[size])
        call_command("migrate", verbosity=0)
        user, _ = get_user_model().objects.get_or_create(username="bench-intelligence")
        samples[size] = {"phone": [], "address": [], "person": []}
        timings = generate(
            size, seed=options.seed, workers=options.workers, user_id=user.pk, samples=samples[size]
        )
        if timings["generated"]:
            print(
                f"generate {size:>9,} logs: +{timings['generated']:,} rows in "
                f"{timings['generate_s']:.1f} s "
                f"({timings['generated'] / timings['generate_s']:,.0f} logs/s, "
                f"{options.workers} worker(s)); indexes + analyze {timings['index_s']:.1f} s",
                flush=True,
            )
        load_samples(samples[size], 200)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM intelligence_intelligencelog), "
                "(SELECT count(*) FROM intelligence_logphone), "
                "(SELECT count(*) FROM intelligence_logaddress), "
                "(SELECT count(*) FROM intelligence_logperson)"
            )
            counts = cursor.fetchone()
        if counts[0] > size:
            print(f"note: {names[size]} holds {counts[0]:,} logs (more than {size:,}); use --fresh")
        print(
            f"{size_label(size)} ({names[size]}): {counts[0]:,} logs, {counts[1]:,} phones, "
            f"{counts[2]:,} addresses, {counts[3]:,} persons",
            flush=True,
        )

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"measuring: load average before {load}", flush=True)
    started = time.perf_counter()
    databases = {size: names[size] for size in sorted(options.sizes)}
    rng = random.Random(options.seed)
    calls = {
        (size, kind): lookups(kind, samples[size], options.lookups, rng)
        for size in databases
        for kind in KINDS_MEASURED
    }
    figures = measure(databases, calls, options.lookups, options.rounds)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"measured in {time.perf_counter() - started:.0f} s; load average after {load}")
    for size in sorted(figures):
        for kind, result in figures[size].items():
            print(
                f"{size_label(size)} {kind:<7} p50={result['p50']:.2f}ms "
                f"p95={result['p95']:.2f}ms p99={result['p99']:.2f}ms "
                f"({result['n']} lookups, {result['found']} with hits)",
                flush=True,
            )
    server = server_times(databases, calls, min(options.lookups, 500))
    for (size, kind), result in server.items():
        print(
            f"{size_label(size)} {kind:<7} server p50={result['p50']:.2f}ms "
            f"p95={result['p95']:.2f}ms p99={result['p99']:.2f}ms "
            f"(EXPLAIN ANALYZE of {result['n']} of the same lookups)",
            flush=True,
        )
    sizes = sorted(figures)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        for kind in KINDS_MEASURED:
            ratio50 = figures[large][kind]["p50"] / figures[small][kind]["p50"]
            ratio95 = figures[large][kind]["p95"] / figures[small][kind]["p95"]
            server50 = server[large, kind]["p50"] / server[small, kind]["p50"]
            print(
                f"ratio {size_label(large)}/{size_label(small)} {kind:<7} "
                f"p50={ratio50:.2f} p95={ratio95:.2f} server p50={server50:.2f}"
            )
    largest = figures[sizes[-1]]
    targets = {"phone": 10.0, "address": 10.0, "person": 25.0}
    for kind, limit in targets.items():
        verdict = "ok" if largest[kind]["p95"] <= limit else "MISSED"
        print(f"target {kind:<7} p95 <= {limit:.0f}ms at {sizes[-1]:,}: {verdict}")


if __name__ == "__main__":
    main()
