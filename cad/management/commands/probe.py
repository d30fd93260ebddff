"""Liveness and readiness for processes that serve no HTTP: the worker and beat.

    manage.py probe                 readiness: database, Redis, the clock sweep's age
    manage.py probe --checks redis  only these checks (comma-separated)

Prints the checks as JSON (the shape of /readyz) and exits 0 when all pass, 1 otherwise:
Kubernetes exec probes and compose healthchecks read the exit code. A worker's liveness is
Celery's own `celery -A cad inspect ping -d celery@$HOSTNAME`; beat's is this command
with `--checks redis` (a standby beat is alive and ready while it waits for the lock).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from cad.health import CHECKS, run_checks

KNOWN = tuple(CHECKS)


class Command(BaseCommand):
    help = "Readiness checks (database, Redis, channel layer, sweep age): exit 1 if one fails."

    def add_arguments(self, parser):
        parser.add_argument(
            "--checks",
            default="database,redis,clock_sweep_age_s",
            help=f"comma-separated, of: {', '.join(KNOWN)}",
        )

    def handle(self, *args, checks, **options):
        names = [name.strip() for name in checks.split(",") if name.strip()]
        unknown = sorted(set(names) - set(KNOWN))
        if unknown or not names:
            raise CommandError(f"unknown checks {unknown}; choose from {', '.join(KNOWN)}")
        results, ready = run_checks(names=tuple(names))
        self.stdout.write(json.dumps({"checks": results}))
        if not ready:
            raise SystemExit(1)
