from django.core.management.base import BaseCommand, CommandError

from cad.calls.services import response_target_set
from cad.kernel.errors import InvalidInput


class Command(BaseCommand):
    help = "Set the response target for a grade (both areas unless --area is given)."

    def add_arguments(self, parser):
        parser.add_argument("grade")
        parser.add_argument("seconds", type=int)
        parser.add_argument("--area", choices=["urban", "rural"])

    def handle(self, *args, **options):
        try:
            targets = response_target_set(
                grade=options["grade"], seconds=options["seconds"], area=options["area"]
            )
        except InvalidInput as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.errors.items())
            ) from None
        for target in targets:
            self.stdout.write(f"{target.grade} {target.area}: {target.seconds} s")
