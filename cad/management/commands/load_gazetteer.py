"""Load the force's gazetteer (address points) from CSV: `uprn,address,postcode,lat,lon`.

WGS84 degrees. Reloading a UPRN updates it, so the same file twice changes nothing and a
newer export can be loaded over an older one. Bad rows are skipped and reported with their
line numbers (and written to FILE.report.csv); the good rows load.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cad.kernel.gazetteer import GazetteerFileError, gazetteer_load, read_csv
from cad.kernel.row_report import write_row_report

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Load address points (uprn,address,postcode,lat,lon) from CSV; bad rows are reported."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--report", type=Path, help="bad-row report (CSV); default FILE.report.csv"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            result = gazetteer_load(read_csv(path))
        except GazetteerFileError as error:
            raise CommandError(str(error)) from None
        report = options["report"] or path.with_name(path.name + ".report.csv")
        write_row_report(report, "uprn", result.errors)
        for line, _, errors in result.errors[:SHOWN_ERRORS]:
            reasons = "; ".join(f"{name}: {' '.join(why)}" for name, why in errors.items())
            self.stderr.write(f"line {line}: {reasons}")
        if len(result.errors) > SHOWN_ERRORS:
            self.stderr.write(f"… {len(result.errors) - SHOWN_ERRORS} more in the report")
        summary = (
            f"loaded {result.inserted + result.updated} address points "
            f"({result.inserted} new, {result.updated} updated), rejected {len(result.errors)}; "
            f"report: {report}"
        )
        if result.errors and not (result.inserted or result.updated):
            raise CommandError(f"no good rows: {summary}")
        self.stdout.write(summary)
