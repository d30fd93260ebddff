from django.core.management.base import BaseCommand, CommandError

from cad.calls.services import user_create_or_update
from cad.kernel.errors import InvalidInput


class Command(BaseCommand):
    help = "Create a user with one role (or reset an existing user's password and role)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--unit", help="callsign of the unit whose terminal this user uses")

    def handle(self, *args, **options):
        try:
            user = user_create_or_update(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                unit_callsign=options["unit"],
            )
        except InvalidInput as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.errors.items())
            ) from None
        self.stdout.write(f"user {user.username} has role {options['role']}")
