"""Loading the gazetteer: address points from a force's own export (AddressBase-style CSV).

Rows are validated one by one; good rows are written in batches with one upsert each
(`INSERT ... ON CONFLICT (uprn) DO UPDATE`), so loading the same file again changes
nothing and a newer export updates the points it names. Bad rows are returned with their
line numbers and reasons, as the intelligence import reports them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from cad.kernel.coordinates import lat_lon
from cad.kernel.geocode import point_columns
from cad.kernel.normalise import postcode_key
from cad.models import AddressPoint

COLUMNS = ("uprn", "address", "postcode", "lat", "lon")
BATCH = 5000
LARGEST_UPRN = 2**63 - 1
UPRN_REFUSED = "A UPRN is a positive whole number."


def uprn_value(value) -> tuple[int | None, str | None]:
    """A UPRN as sent (a whole number, or its ASCII digits as text), or why it is refused.

    The one check for every way a UPRN arrives: API bodies and query strings, forms and
    import files."""
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[0-9]+", text):
            return None, UPRN_REFUSED
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None, UPRN_REFUSED
    if value > LARGEST_UPRN:
        return None, "The UPRN is too large."
    return value, None


ADDRESS_MAX = 300


class GazetteerFileError(ValueError):
    """The file as a whole cannot be read (no such file, wrong header)."""


@dataclass
class LoadResult:
    inserted: int = 0
    updated: int = 0
    # (line, uprn as written, {field: [reasons]})
    errors: list[tuple[int, str, dict[str, list[str]]]] = field(default_factory=list)


def point_row(record: dict) -> tuple[dict | None, dict[str, list[str]]]:
    """An address point's values from one CSV record, or the reasons it is refused."""
    errors: dict[str, list[str]] = {}
    uprn, why = uprn_value(record.get("uprn") or "")
    if why:
        errors["uprn"] = [why]
    address = " ".join((record.get("address") or "").split())
    if not address:
        errors["address"] = ["The address is required."]
    elif len(address) > ADDRESS_MAX:
        errors["address"] = [f"The address is longer than {ADDRESS_MAX} characters."]
    postcode = (record.get("postcode") or "").strip()
    if postcode and not postcode_key(postcode):
        errors["postcode"] = [f"{postcode[:20]!r} is not a postcode."]
    lat, lon, coordinate_errors = lat_lon(record.get("lat"), record.get("lon"), text_ok=True)
    errors |= coordinate_errors
    if errors:
        return None, errors
    key = postcode_key(postcode)
    # The postcode as Royal Mail writes it ("NT1 2AB"), whatever the export did.
    shown = f"{key[:-3]} {key[-3:]}" if key else ""
    return {
        "uprn": uprn,
        "address": address,
        "postcode": shown,
        "lat": lat,
        "lon": lon,
        **point_columns(address, key),
    }, {}


def read_csv(path: Path) -> Iterator[tuple[int, str, dict | None, dict]]:
    """(line, uprn as written, values or None, errors) for each data row of the file."""
    if not path.is_file():
        raise GazetteerFileError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise GazetteerFileError(
                f"{path}: the header must be {','.join(COLUMNS)} (missing {', '.join(missing)})"
            )
        reader.fieldnames = header
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            raw_uprn = (record.get("uprn") or "").strip()[:20]
            if None in record or None in record.values():
                yield line, raw_uprn, None, {"row": ["Wrong number of fields."]}
                continue
            values, errors = point_row(record)
            yield line, raw_uprn, values, errors


UPSERT_COLUMNS = ("uprn", "address", "postcode", "lat", "lon", "postcode_key", "number")
UPSERT_COLUMNS += ("flat", "street", "building")


def _upsert(batch: dict[int, dict]) -> tuple[int, int]:
    from psycopg2.extras import execute_values

    table = AddressPoint._meta.db_table
    names = ", ".join(UPSERT_COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in UPSERT_COLUMNS[1:])
    sql = (
        f"INSERT INTO {table} ({names}) VALUES %s ON CONFLICT (uprn) DO UPDATE SET {updates} "  # noqa: S608
        "RETURNING (xmax = 0)"
    )
    rows = [tuple(values[name] for name in UPSERT_COLUMNS) for values in batch.values()]
    with transaction.atomic(), connection.cursor() as cursor:
        inserted_flags = execute_values(cursor.cursor, sql, rows, page_size=1000, fetch=True)
    inserted = sum(1 for (flag,) in inserted_flags if flag)
    return inserted, len(rows) - inserted


def gazetteer_load(rows: Iterable[tuple[int, str, dict | None, dict]]) -> LoadResult:
    """Write the good rows (a later row for the same UPRN wins), collect the bad ones."""
    result = LoadResult()
    batch: dict[int, dict] = {}
    for line, raw_uprn, values, errors in rows:
        if errors or values is None:
            result.errors.append((line, raw_uprn, errors))
            continue
        batch[values["uprn"]] = values
        if len(batch) >= BATCH:
            inserted, updated = _upsert(batch)
            result.inserted, result.updated = result.inserted + inserted, result.updated + updated
            batch = {}
    if batch:
        inserted, updated = _upsert(batch)
        result.inserted, result.updated = result.inserted + inserted, result.updated + updated
    return result
