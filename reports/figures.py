"""Pure report maths and formatting: periods, tables, CSV and SVG charts. No database.

The selectors compute the figures with aggregate SQL and hand back `Table`s of raw
values; the pages, the CSV export and the JSON API all format them here, so a page's
table and its CSV always show the same figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from html import escape

DEFAULT_PERIOD_DAYS = 28


# --- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """[start, end): `from` is inclusive, `to` exclusive (a bare date `to` covers that day)."""

    start: datetime
    end: datetime

    def as_params(self, tz: tzinfo) -> dict[str, str]:
        return {
            "from": self.start.astimezone(tz).isoformat(timespec="minutes"),
            "to": self.end.astimezone(tz).isoformat(timespec="minutes"),
        }


class PeriodError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def _parse_moment(value: str, tz: tzinfo, *, end_of_day: bool) -> datetime:
    value = value.strip()
    if len(value) == 10:
        day = date.fromisoformat(value)
        if end_of_day:
            day += timedelta(days=1)
        return datetime.combine(day, time.min, tzinfo=tz)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


BAD_MOMENT = "Give a date (YYYY-MM-DD) or a date and time (ISO 8601)."
# Far enough either side of any record; beyond it date arithmetic would overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
OUT_OF_RANGE = f"Give a moment between the years {EARLIEST_YEAR} and {LATEST_YEAR}."


def _moment_in_range(value: str, tz: tzinfo, *, end_of_day: bool) -> datetime:
    moment = _parse_moment(value, tz, end_of_day=end_of_day)
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise OverflowError(OUT_OF_RANGE)
    return moment


def parse_range(
    from_value: str | None, to_value: str | None, *, tz: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """Optional bounds: (start or None, end or None); PeriodError on a bad value.

    A bare date is local midnight; a bare date as `to` includes that whole day.
    """
    errors: dict[str, list[str]] = {}
    start = end = None
    if from_value:
        try:
            start = _moment_in_range(from_value, tz, end_of_day=False)
        except OverflowError:
            errors["from"] = [OUT_OF_RANGE]
        except ValueError:
            errors["from"] = [BAD_MOMENT]
    if to_value:
        try:
            end = _moment_in_range(to_value, tz, end_of_day=True)
        except OverflowError:
            errors["to"] = [OUT_OF_RANGE]
        except ValueError:
            errors["to"] = [BAD_MOMENT]
    if not errors and start is not None and end is not None and start >= end:
        errors["to"] = ["The end of the period must be after its start."]
    if errors:
        raise PeriodError(errors)
    return start, end


def parse_period(
    from_value: str | None,
    to_value: str | None,
    *,
    now: datetime,
    tz: tzinfo,
    default_days: int = DEFAULT_PERIOD_DAYS,
) -> Period:
    """A report period; without `to` it ends now, without `from` it starts 28 days earlier
    (at local midnight)."""
    start, end = parse_range(from_value, to_value, tz=tz)
    end = end or now
    if start is None:
        local_end = end.astimezone(tz)
        start = datetime.combine(
            local_end.date() - timedelta(days=default_days), time.min, tzinfo=tz
        )
    if start >= end:
        raise PeriodError({"from": ["The start of the period must be before its end."]})
    return Period(start=start, end=end)


def parse_as_of(value: str | None, *, now: datetime, tz: tzinfo) -> datetime:
    """The moment the figures are computed at (default now; never in the future).

    Figures that run to "now" (breaches of unattended incidents, unresourced time, due
    follow-ups) are the same for a page and its CSV when both carry the same `as_of`.
    """
    if not value:
        return now
    try:
        moment = _moment_in_range(value, tz, end_of_day=False)
    except OverflowError:
        raise PeriodError({"as_of": [OUT_OF_RANGE]}) from None
    except ValueError:
        raise PeriodError({"as_of": [BAD_MOMENT]}) from None
    if moment > now:
        raise PeriodError({"as_of": ["Figures cannot be computed for a moment in the future."]})
    return moment


# --- figures ------------------------------------------------------------------------------


def percent(part: int | float | None, whole: int | float | None) -> float | None:
    """part / whole as a percentage rounded to one decimal; None when whole is 0."""
    if not whole or part is None:
        return None
    return round(100.0 * part / whole, 1)


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


# --- tables -------------------------------------------------------------------------------

TEXT, INT, PCT, MINUTES, MOMENT = "text", "int", "pct", "minutes", "moment"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    # Cells of numeric columns are right-aligned on screen.

    @property
    def numeric(self) -> bool:
        return self.kind in (INT, PCT, MINUTES)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    total: dict | None = None
    note: str = ""

    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def body(self, tz: tzinfo | None = None) -> list[list[str]]:
        return [self.cells(row, tz) for row in self.rows]

    def footer(self, tz: tzinfo | None = None) -> list[str] | None:
        return self.cells(self.total, tz) if self.total is not None else None

    def cells(self, row: Mapping, tz: tzinfo | None = None) -> list[str]:
        return [format_cell(row.get(column.key), column.kind, tz) for column in self.columns]

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [{c.key: _jsonable(row.get(c.key)) for c in self.columns} for row in self.rows],
            "total": (
                {c.key: _jsonable(self.total.get(c.key)) for c in self.columns}
                if self.total is not None
                else None
            ),
        }


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def format_cell(value, kind: str, tz: tzinfo | None = None) -> str:
    """The one formatting of a figure, shared by pages and CSV. Blank means no figure."""
    if value is None or value == "":
        return ""
    if kind == INT:
        return str(int(value))
    if kind in (PCT, MINUTES):
        return f"{float(value):.1f}"
    if kind == MOMENT:
        moment = value.astimezone(tz) if tz is not None else value
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(value)


def to_csv(tables: Sequence[Table], tz: tzinfo | None = None) -> str:
    """Each table as header, rows and total; tables separated by a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([table.title])
        writer.writerow(table.header())
        writer.writerows(_safe(row) for row in table.body(tz))
        footer = table.footer(tz)
        if footer is not None:
            writer.writerow(_safe(footer))
    return out.getvalue()


def _safe(row: Iterable[str]) -> list[str]:
    # Spreadsheet formula injection: free text starting with = + - @ is quoted as text.
    return [
        f"'{cell}"
        if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _number(cell))
        else cell
        for cell in row
    ]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- charts -------------------------------------------------------------------------------

# Neutral series colours: colour is for risk only, so the second series is a grey.
SERIES_FILLS = ("#1f2933", "#9aa5b1", "#b00020")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    fill: str = SERIES_FILLS[0]


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    max_value: float | None = None,
    chart_id: str = "chart",
) -> str:
    """A horizontal grouped bar chart as SVG markup (presentation attributes only, no style).

    Each category gets one bar per series; missing values draw no bar and say "n/a".
    """
    label_w, bar_w, value_w = 190, 380, 70
    bar_h, gap, group_gap = 14, 2, 10
    top = 24 + (18 if len(series) > 1 else 0)
    values = [v for s in series for v in s.values if v is not None]
    scale_max = max_value if max_value is not None else max(values, default=0)
    scale_max = scale_max or 1
    group_h = len(series) * (bar_h + gap) - gap
    height = top + len(categories) * (group_h + group_gap) + 20
    width = label_w + bar_w + value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<text x="0" y="14" font-size="13" font-weight="600" fill="#111">{escape(title)}</text>',
    ]
    if len(series) > 1:
        x = 0
        for item in series:
            parts.append(
                f'<rect x="{x}" y="24" width="10" height="10" fill="{escape(item.fill)}"/>'
                f'<text x="{x + 14}" y="33" font-size="11" fill="#111">{escape(item.name)}</text>'
            )
            x += 24 + 7 * len(item.name)
    y = top
    for index, category in enumerate(categories):
        parts.append(
            f'<text x="{label_w - 6}" y="{y + group_h / 2 + 4:.0f}" font-size="12" '
            f'text-anchor="end" fill="#111">{escape(category)}</text>'
        )
        for item in series:
            value = item.values[index] if index < len(item.values) else None
            if value is None:
                parts.append(
                    f'<text x="{label_w + 4}" y="{y + bar_h - 3}" font-size="11" '
                    f'fill="#555">n/a</text>'
                )
            else:
                w = max(0.0, min(1.0, float(value) / scale_max)) * bar_w
                shown = f"{float(value):.1f}" if unit in ("%", "min") else f"{value:g}"
                parts.append(
                    f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{escape(item.fill)}"><title>{escape(item.name)}: '
                    f"{escape(shown)}{escape(unit)}</title></rect>"
                    f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="11" '
                    f'fill="#111">{escape(shown)}{escape(unit)}</text>'
                )
            y += bar_h + gap
        y += group_gap - gap
    axis_y = y
    parts.append(
        f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{axis_y}" stroke="#888"/>'
        f'<text x="{label_w}" y="{axis_y + 14}" font-size="10" fill="#555">0</text>'
        f'<text x="{label_w + bar_w}" y="{axis_y + 14}" font-size="10" text-anchor="end" '
        f'fill="#555">{escape(f"{scale_max:g}")}{escape(unit)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


# --- a whole report -----------------------------------------------------------------------


@dataclass
class Report:
    key: str
    title: str
    description: str
    period: Period
    tables: list[Table]
    chart: str = ""

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


# --- timelines ----------------------------------------------------------------------------

# Event data worth showing when an event carries no summary of its own, in this order.
SUMMARY_KEYS = (
    ("callsign", "unit"),
    ("previous", "from"),
    ("status", "status"),
    ("before", "grade before"),
    ("after", "grade"),
    ("decision", "decision"),
    ("finding", "finding"),
    ("replacement_unit", "replacement"),
    ("state", "state"),
    ("level", "level"),
    ("closing_code", "closing code"),
)


def event_summary(kind: str, data: Mapping | None) -> str:
    """One line about an event: its own summary, else its main facts."""
    data = data or {}
    summary = data.get("summary")
    if isinstance(summary, str) and summary:
        return summary
    facts = [
        f"{label} {data[key]}"
        for key, label in SUMMARY_KEYS
        if data.get(key) not in (None, "", [], {})
    ]
    return ", ".join(facts) if facts else kind.replace(".", " ").replace("_", " ")
