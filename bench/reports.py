"""Benchmark: the standard reports and the DIVERT tag list over 100,000 incidents.

Generates a control room's history into its own database (`cad_bench_reports`) with
COPY: incidents with their contacts, grading decisions, assignments, diverts, QART
findings and every event the services would have written (about 9 per incident), plus
standalone contacts with follow-ups and special schemes with their review tasks and
decisions. Then, through the real pages and API (Django's test client on that
database, a QART user), times each report's query and render over the whole period,
as a page, as CSV and as JSON, and the DIVERT tag list and a divert timeline: the
median and the slowest of --runs runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad \\
        .venv/bin/python bench/reports.py --incidents 100000 --runs 5

Only the database name of DATABASE_URL is replaced (by --db). The data is kept, so a
second run only measures (--fresh generates again). Target: every report < 2 s.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 90
TARGETS = {("IMMEDIATE", "urban"): 900, ("IMMEDIATE", "rural"): 1200}
GRADES = [("IMMEDIATE", 25), ("PRIORITY", 45), ("SCHEDULED", 15), ("RWD", 10), (None, 5)]
RWD = "RESOLVED_WITHOUT_DEPLOYMENT"
MORE_URGENT = {"PRIORITY": "IMMEDIATE", "SCHEDULED": "PRIORITY", RWD: "SCHEDULED"}
AUDIENCE = [
    "role.call_handler",
    "role.controller",
    "role.dispatcher",
    "role.inspector",
    "role.qart",
    "role.supervisor",
]
TARGET_S = 2.0


def database_url(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def ensure_database(base: str, name: str, fresh: bool) -> None:
    import psycopg2

    admin = psycopg2.connect(database_url(base, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


# --- COPY of model rows -------------------------------------------------------------------


def _text(value, field) -> str:
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import JSONField

    if value is None:
        return "\\N"
    if isinstance(field, ArrayField):
        value = "{" + ",".join(f'"{item}"' for item in value) + "}"
    elif isinstance(field, JSONField):
        value = json.dumps(value)
    elif isinstance(value, bool):
        return "t" if value else "f"
    elif isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class Copier:
    """Rows of one model as COPY text: every concrete column, defaults where not given."""

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {}
        for field in self.fields:
            if field.has_default():
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None
        self.buffer = io.StringIO()
        self.count = 0

    def add(self, **values) -> None:
        row = []
        for field in self.fields:
            value = (
                values[field.attname] if field.attname in values else self.defaults[field.attname]
            )
            row.append(_text(value, field))
        self.buffer.write("\t".join(row) + "\n")
        self.count += 1

    def flush(self, cursor) -> None:
        table = self.model._meta.db_table
        columns = ", ".join(f'"{field.column}"' for field in self.fields)
        self.buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", self.buffer)
        self.buffer = io.StringIO()


# --- the generated history ----------------------------------------------------------------


def users() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    made = {}
    for role, count in [
        ("call_handler", 20),
        ("dispatcher", 8),
        ("controller", 4),
        ("inspector", 3),
        ("supervisor", 2),
        ("qart", 2),
        ("oic", 30),
        ("admin", 1),
    ]:
        group = Group.objects.get_or_create(name=role)[0]
        made[role] = []
        for index in range(count):
            user, _ = get_user_model().objects.get_or_create(username=f"bench-{role}-{index}")
            user.groups.add(group)
            made[role].append(user.pk)
    return made


def generate(incidents: int, seed: int) -> dict:
    from django.db import connection, transaction

    from cad.models import Contact, Event, FollowUp, FollowUpEscalation, GradeChange, Incident
    from dispatch.models import Assignment, Divert, QartReview, Unit, UrgentReview
    from schemes.models import Scheme, SchemeDecision, SchemeTask

    rng = random.Random(seed)
    people = users()
    ids = {"event": 0, "contact": 0, "assignment": 0, "grade": 0}
    copy = {
        model: Copier(model)
        for model in (
            Incident,
            Contact,
            GradeChange,
            Unit,
            Assignment,
            Divert,
            Event,
            FollowUp,
            FollowUpEscalation,
            QartReview,
            UrgentReview,
            Scheme,
            SchemeTask,
            SchemeDecision,
        )
    }

    def next_id(name):
        ids[name] += 1
        return ids[name]

    def event(kind, at, actor=None, incident=None, callsign="", divert=None, scheme=None, **data):
        copy[Event].add(
            id=next_id("event"),
            kind=kind,
            at=at,
            actor_id=actor,
            incident_id=incident,
            unit_callsign=callsign,
            divert_id=divert,
            scheme_id=scheme,
            audience=AUDIENCE,
            data=data,
        )

    units = [f"B{n:03d}" for n in range(1, 301)]
    for index, callsign in enumerate(units, start=1):
        copy[Unit].add(id=index, callsign=callsign, area="urban" if index % 5 else "rural")
    unit_ids = {callsign: index for index, callsign in enumerate(units, start=1)}

    def assignment(
        incident, callsign, at, *, arrived=None, ended=None, status="cleared", why="assign"
    ):
        pk = next_id("assignment")
        copy[Assignment].add(
            id=pk,
            incident_id=incident,
            unit_id=unit_ids[callsign],
            status=status,
            assigned_by_id=rng.choice(people["dispatcher"]),
            assigned_at=at,
            reason=why,
            circulated_at=at,
            circulated_entry_ids=[],
            acknowledged_at=at + timedelta(seconds=20),
            arrived_at=arrived,
            ended_at=ended,
        )
        event("unit.assigned", at, rng.choice(people["dispatcher"]), incident, callsign)
        return pk

    span = DAYS * 86400
    grades = [grade for grade, _ in GRADES]
    weights = [weight for _, weight in GRADES]
    divert_id = 0
    for pk in range(1, incidents + 1):
        received = START + timedelta(seconds=rng.randrange(span))
        area = "urban" if rng.random() < 0.8 else "rural"
        grade = rng.choices(grades, weights)[0]
        grade = RWD if grade == "RWD" else grade
        handler = rng.choice(people["call_handler"])
        recommended = grade or "PRIORITY"
        below = False
        if grade in MORE_URGENT and rng.random() < 0.06:
            recommended, below = MORE_URGENT[grade], True
        floor = "IMMEDIATE" if rng.random() < 0.03 else None
        da_prompt = rng.random() < 0.15
        domestic, da_reason = None, ""
        if da_prompt and grade:
            answer = rng.random()
            if answer < 0.5:
                domestic = True
            elif answer < 0.8:
                domestic, da_reason = False, rng.choice(["Neighbours", "Flatmates", "Strangers"])
            elif answer < 0.95:
                da_reason = "No relationship between the parties"
        if grade in ("IMMEDIATE", "PRIORITY"):
            target = TARGETS.get((grade, area), 3600)
            due = received + timedelta(seconds=target)
        elif grade == "SCHEDULED":
            target = rng.randrange(2, 48) * 3600
            due = received + timedelta(seconds=target)
        else:
            target, due = None, None
        arrival = closed = None
        diverted = False
        graded_at = received + timedelta(seconds=rng.randrange(30, 240)) if grade else None
        reference = f"CAD-B{pk:07d}"
        event("contact.created", received, handler, pk)
        event("incident.created", received, handler, pk, reference=reference)
        event("intelligence.checked", received, handler, pk)
        if grade:
            event("incident.graded", graded_at, handler, pk, after=grade, reference=reference)
            copy[GradeChange].add(
                id=next_id("grade"),
                incident_id=pk,
                at=graded_at,
                actor_id=handler,
                after=grade,
                recommended_grade=recommended,
                grade_floor=floor or "",
                below_floor=bool(floor and grade != "IMMEDIATE"),
                below_recommendation=below,
                domestic_abuse=domestic,
                da_rationale=da_reason,
                response_due_at=due,
            )
        if target is not None and rng.random() < 0.9:
            delay = min(target * 3, rng.lognormvariate(0, 0.5) * target * 0.6)
            arrival = received + timedelta(seconds=max(120, delay))
            closed = arrival + timedelta(minutes=rng.randrange(20, 180))
            callsign = rng.choice(units)
            assigned = received + (arrival - received) * rng.uniform(0.05, 0.4)
            if rng.random() < 0.05 and pk < incidents:
                # Diverted: the first unit left for incident pk + 1, another replaced it.
                divert_id += 1
                diverted = True
                diverted_at = assigned + (arrival - assigned) * 0.3
                from_a = assignment(pk, callsign, assigned, ended=diverted_at, status="diverted")
                to_a = assignment(
                    pk + 1,
                    callsign,
                    diverted_at,
                    ended=diverted_at + timedelta(hours=1),
                    why="divert",
                )
                decision = rng.choices(["approve", "override", ""], [70, 25, 5])[0]
                reviewed = (
                    diverted_at + timedelta(seconds=rng.randrange(30, 600)) if decision else None
                )
                replaced = None
                replacement = rng.choice(units)
                status = "awaiting_review"
                if decision == "override":
                    status = "overridden"
                    assignment(
                        pk, callsign, reviewed, arrived=arrival, ended=closed, why="override"
                    )
                elif decision == "approve":
                    status = "replaced"
                    replaced = reviewed + (arrival - reviewed) * 0.4
                    assignment(
                        pk, replacement, replaced, arrived=arrival, ended=closed, why="replacement"
                    )
                copy[Divert].add(
                    id=divert_id,
                    unit_id=unit_ids[callsign],
                    from_incident_id=pk,
                    to_incident_id=pk + 1,
                    from_assignment_id=from_a,
                    to_assignment_id=to_a,
                    from_grade=grade,
                    to_grade="IMMEDIATE",
                    dispatcher_id=rng.choice(people["dispatcher"]),
                    reason="Higher graded call",
                    created_at=diverted_at,
                    status=status,
                    review_due_at=diverted_at + timedelta(minutes=2),
                    controller_id=rng.choice(people["controller"]) if decision else None,
                    decision=decision,
                    rationale="Comparative risk weighed" if decision else "",
                    reviewed_at=reviewed,
                    replacement_unit_id=unit_ids[replacement] if replaced else None,
                    replaced_by_id=rng.choice(people["inspector"]) if replaced else None,
                    replaced_at=replaced,
                )
                event("unit.diverted", diverted_at, None, pk, callsign, divert_id)
                if decision:
                    event(
                        "divert.reviewed",
                        reviewed,
                        None,
                        pk,
                        callsign,
                        divert_id,
                        decision=decision,
                    )
                if replaced:
                    event("divert.replaced", replaced, None, pk, replacement, divert_id)
                if rng.random() < 0.3:
                    finding = rng.choices(
                        ["appropriate", "inappropriate", "urgent_review"], [80, 15, 5]
                    )[0]
                    at = diverted_at + timedelta(days=rng.randrange(1, 5))
                    copy[QartReview].add(
                        id=divert_id,
                        divert_id=divert_id,
                        finding=finding,
                        notes="Reviewed",
                        reviewer_id=people["qart"][0],
                        at=at,
                    )
                    if finding == "urgent_review":
                        copy[UrgentReview].add(
                            id=divert_id,
                            divert_id=divert_id,
                            opened_by_id=people["qart"][0],
                            opened_at=at,
                            opening_review_id=divert_id,
                        )
                    event("divert.qart_reviewed", at, people["qart"][0], pk, callsign, divert_id)
            else:
                assignment(pk, callsign, assigned, arrived=arrival, ended=closed)
            event("unit.status_changed", arrival, None, pk, callsign, status="at_scene")
            event("incident.clock.stopped", arrival, None, pk, callsign)
            event("incident.closed", closed, handler, pk)
        elif rng.random() < 0.5:
            closed = received + timedelta(hours=rng.randrange(1, 6))
            event("incident.closed", closed, handler, pk)
        copy[Incident].add(
            id=pk,
            reference=reference,
            status="closed" if closed else "open",
            channel="999",
            received_at=received,
            address=f"{pk % 997} Bench Road",
            area=area,
            opening_code="concern_for_safety",
            grade=grade,
            graded_at=graded_at,
            recommended_grade=recommended,
            grade_floor=floor,
            below_recommendation=below,
            domestic_abuse=domestic,
            da_prompt=da_prompt,
            da_rationale=da_reason,
            response_due_at=due,
            first_arrival_at=arrival,
            closed_at=closed,
            created_by_id=handler,
            created_at=received,
            clock_state="stopped" if arrival else "none",
            tags=["DIVERT"] if diverted else [],
        )
        contact_id = next_id("contact")
        copy[Contact].add(
            id=contact_id,
            reference=f"CON-B{contact_id:07d}",
            channel="999",
            received_at=received,
            incident_id=pk,
            summary="Call",
            created_by_id=handler,
        )

    # Standalone contacts, a quarter with a follow-up.
    follow_up = 0
    channels = ["101", "switchboard", "online", "other"]
    for _ in range(incidents * 2 // 5):
        received = START + timedelta(seconds=rng.randrange(span))
        contact_id = next_id("contact")
        copy[Contact].add(
            id=contact_id,
            reference=f"CON-B{contact_id:07d}",
            channel=rng.choice(channels),
            received_at=received,
            summary="Enquiry",
            created_by_id=rng.choice(people["call_handler"]),
        )
        event("contact.created", received, None)
        if rng.random() < 0.25:
            follow_up += 1
            due = received + timedelta(hours=rng.randrange(1, 48))
            acknowledged = None
            if rng.random() < 0.8:
                acknowledged = received + (due - received) * rng.uniform(0.1, 1.3)
            escalated = due if acknowledged is None or acknowledged > due else None
            copy[FollowUp].add(
                id=follow_up,
                contact_id=contact_id,
                owner_id=rng.choice(people["call_handler"]),
                assigned_by_id=rng.choice(people["call_handler"]),
                assigned_at=received,
                due_at=due,
                status="acknowledged" if acknowledged else "overdue",
                acknowledged_at=acknowledged,
                escalated_at=escalated,
            )
            if escalated:
                copy[FollowUpEscalation].add(
                    id=follow_up,
                    follow_up_id=follow_up,
                    reason="overdue",
                    at=escalated,
                    owner_id=rng.choice(people["call_handler"]),
                )

    # Special schemes, one for every 33 incidents, with review tasks and decisions.
    task = decision = 0
    for pk in range(1, incidents // 33 + 1):
        starts = START + timedelta(seconds=rng.randrange(span))
        ends = starts + timedelta(days=rng.randrange(30, 180))
        informed = rng.choices(["informed", "unsafe_to_contact", "not_informed"], [80, 5, 15])[0]
        copy[Scheme].add(
            id=pk,
            victim_name=f"Victim {pk}",
            address=f"{pk} Scheme Street",
            reason="Risk of harm",
            oic_id=rng.choice(people["oic"]),
            requested_by_id=rng.choice(people["oic"]),
            starts_at=starts,
            ends_at=ends,
            cycle_started_at=starts,
            informed=informed,
            informed_at=starts + timedelta(days=rng.randrange(0, 14))
            if informed != "not_informed"
            else None,
            created_at=starts,
            updated_at=starts,
        )
        first_due = ends - timedelta(days=14)
        task += 1
        copy[SchemeTask].add(
            id=task,
            scheme_id=pk,
            cycle=1,
            stage="first",
            due_at=first_due,
            created_at=first_due,
            assigned_role="oic",
        )
        if rng.random() < 0.7:
            decision += 1
            copy[SchemeDecision].add(
                id=decision,
                scheme_id=pk,
                cycle=1,
                kind=rng.choice(["extend", "withdraw", "expire"]),
                at=first_due + timedelta(days=rng.randrange(0, 20)),
                by_id=rng.choice(people["oic"]),
                rationale="Reviewed with the victim",
            )
        elif rng.random() < 0.6:
            for stage, sequence, at in [("second", 0, ends), ("overdue", 0, ends)]:
                task += 1
                copy[SchemeTask].add(
                    id=task,
                    scheme_id=pk,
                    cycle=1,
                    stage=stage,
                    sequence=sequence,
                    due_at=at,
                    created_at=at,
                    assigned_role="crime_manager",
                )

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for copier in copy.values():
            copier.flush(cursor.cursor)
        for model in copy:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {table}), 1))"
            )
    with connection.cursor() as cursor:
        for model in copy:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {model.__name__: copier.count for model, copier in copy.items()}


# --- measuring ----------------------------------------------------------------------------


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    durations = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        body = response.content
        durations.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {body[:300]!r}")
        size = len(body)
    return statistics.median(durations), max(durations), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default="cad_bench_reports")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cad")
    ensure_database(base, args.db, args.fresh)
    os.environ["DATABASE_URL"] = database_url(base, args.db)
    os.environ.setdefault("CAD_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from cad.models import Event, Incident

    call_command("migrate", verbosity=0)
    have = Incident.objects.count()
    if have and have != args.incidents:
        raise SystemExit(f"{args.db} holds {have} incidents; run with --fresh")
    if not have:
        started = time.perf_counter()
        counts = generate(args.incidents, args.seed)
        print(
            f"generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{name} {count:,}" for name, count in counts.items())
        )
    print(f"{Incident.objects.count():,} incidents, {Event.objects.count():,} events")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) on {os.cpu_count()} CPUs: {load}")

    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-qart-0"))
    period = f"from={START:%Y-%m-%d}&to={(START + timedelta(days=DAYS - 1)):%Y-%m-%d}"
    from dispatch.models import Divert

    divert = Divert.objects.order_by("id").values_list("id", flat=True).first()
    checks = []
    for key in ("response-times", "diverts", "contacts", "schemes", "grading"):
        checks += [
            (f"{key} page", f"/reports/{key}/?{period}"),
            (f"{key} csv", f"/api/v1/reports/{key}/?{period}&format=csv"),
            (f"{key} json", f"/api/v1/reports/{key}/?{period}"),
        ]
    checks += [
        ("divert tags page", "/reports/divert-tags/"),
        ("divert tags api (page 1 of 50)", "/api/v1/diverts/?page_size=50"),
        ("divert tags api, filtered", "/api/v1/diverts/?decision=approve&qart_status=unreviewed"),
        ("divert tags api, by review time", "/api/v1/diverts/?ordering=-time_to_review"),
        ("divert timeline page", f"/reports/divert-tags/{divert}/"),
        ("urgent reviews page", "/reports/urgent-reviews/"),
    ]
    print(
        f"{'what':<34} {'median':>8} {'max':>8} {'bytes':>9}  "
        f"(runs: {args.runs}, target < {TARGET_S:.0f} s)"
    )
    worst = 0.0
    for label, url in checks:
        timed(client, url, 1)  # warm the caches once
        median, slowest, size = timed(client, url, args.runs)
        worst = max(worst, median)
        flag = "" if median < TARGET_S else "  OVER TARGET"
        print(f"{label:<34} {median:>7.3f}s {slowest:>7.3f}s {size:>9,}{flag}", flush=True)
    print(f"slowest median: {worst:.3f} s")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) on {os.cpu_count()} CPUs: {load}")


if __name__ == "__main__":
    main()
