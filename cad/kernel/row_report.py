"""The bad-row report that file loaders write beside the file (FILE.report.csv): one line
per refused field, so a force can fix its export and load it again."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path


def write_row_report(
    path: Path, key_column: str, errors: Iterable[tuple[int, str, dict[str, list[str]]]]
) -> None:
    """`errors`: (line, the row's own key as written, {field: [reasons]}) for each bad row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", key_column, "field", "reason"])
        for line, key, fields in errors:
            for field, messages in fields.items():
                for message in messages:
                    writer.writerow([line, key, field, message])
