"""Demo data for a new installation; safe to run again (nothing is duplicated)."""

import importlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cad.calls.services import user_create_or_update
from cad.kernel.errors import InvalidInput
from cad.kernel.roles import ALL_ROLES

# Each app may offer `<app>.demo.seed(users=..., password=...)`; they run in this order.
# The gazetteer first: the demo's incidents, schemes and intelligence resolve against it.
DEMO_MODULES = [
    "cad.demo_gazetteer",
    "dispatch.demo",
    "intelligence.demo",
    "schemes.demo",
    "cad.demo",
]


class Command(BaseCommand):
    help = "Create one user per role (username = role name), units and sample data."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True)

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            users = {
                role: user_create_or_update(username=role, role=role, password=options["password"])
                for role in ALL_ROLES
            }
        except InvalidInput as error:
            raise CommandError(str(error.errors)) from None
        for module_name in DEMO_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue
            module.seed(users=users, password=options["password"])
        self.stdout.write(f"demo data ready: {len(users)} users ({', '.join(users)})")
