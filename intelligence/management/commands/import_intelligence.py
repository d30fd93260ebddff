"""Bulk import of intelligence logs from CSV or JSON Lines.

Each row is validated; good rows are imported whole (one savepoint each), bad rows
are listed in a report with their line numbers and reasons. Re-running the same file
adds nothing: the source reference is unique.

CSV columns: source_ref, kind, summary, details, occurred_at, handling_code, source,
persons ("Name|YYYY-MM-DD|role; ..."), addresses ("address|postcode|uprn; ...", the
UPRN optional: without it the gazetteer's one match for the address is used),
phones ("07700 900123; ..."). JSON Lines: one object per line with the API's fields
(persons/addresses as lists of objects, phones as a list) plus source_ref.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cad.kernel.errors import RoleRefused
from cad.kernel.row_report import write_row_report
from intelligence.services import intel_import_run

REQUIRED_COLUMNS = {"source_ref", "kind", "summary", "occurred_at"}
KNOWN_COLUMNS = REQUIRED_COLUMNS | {
    "details",
    "handling_code",
    "source",
    "persons",
    "addresses",
    "phones",
}


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def csv_row_to_log(record: dict) -> dict:
    persons = []
    for item in _split(record.get("persons")):
        name, dob, role = (item.split("|") + ["", ""])[:3]
        persons.append({"name": name.strip(), "dob": dob.strip() or None, "role": role.strip()})
    addresses = []
    for item in _split(record.get("addresses")):
        address, postcode, uprn = (item.split("|") + ["", ""])[:3]
        entry = {"address": address.strip(), "postcode": postcode.strip()}
        if uprn.strip():
            entry["uprn"] = uprn.strip()
        addresses.append(entry)
    data = {key: (record.get(key) or "").strip() for key in KNOWN_COLUMNS}
    data.update(persons=persons, addresses=addresses, phones=_split(record.get("phones")))
    return data


def read_csv(path: Path) -> Iterator[tuple[int, dict | None, dict | None]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or [])
        missing = REQUIRED_COLUMNS - columns
        if missing:
            raise CommandError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if None in record or None in record.values():
                ref = (record.get("source_ref") or "").strip()
                yield line, {"source_ref": ref}, {"row": ["Wrong number of fields."]}
                continue
            yield line, csv_row_to_log(record), None


def read_jsonl(path: Path) -> Iterator[tuple[int, dict | None, dict | None]]:
    with path.open(encoding="utf-8-sig") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                yield line, None, {"row": [f"Not valid JSON: {error.msg}."]}
                continue
            if not isinstance(data, dict):
                yield line, None, {"row": ["Each line must be a JSON object."]}
                continue
            yield line, data, None


class Command(BaseCommand):
    help = "Import intelligence logs from a CSV or JSON Lines file; bad rows go to a report."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=["csv", "jsonl"], help="default: from the file extension"
        )
        parser.add_argument(
            "--actor",
            default="intelligence",
            help="username recorded as the logs' creator (needs the intelligence role)",
        )
        parser.add_argument("--source", default="", help="source system, when rows omit it")
        parser.add_argument(
            "--report", type=Path, help="bad-row report (CSV); default FILE.report.csv"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        kind = options["format"] or (
            "jsonl" if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"
        )
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"no user {options['actor']!r}")
        rows = read_jsonl(path) if kind == "jsonl" else read_csv(path)
        try:
            result = intel_import_run(actor=actor, rows=rows, source=options["source"] or path.name)
        except RoleRefused as refused:
            raise CommandError(refused.detail) from None

        report = options["report"] or path.with_name(path.name + ".report.csv")
        write_row_report(report, "source_ref", result.errors)
        self.stdout.write(
            f"imported {result.imported}, already present {result.skipped}, "
            f"rejected {len(result.errors)}; report: {report}"
        )
