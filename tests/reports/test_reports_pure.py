"""The pure report helpers: periods, cell formatting, CSV and SVG charts (no database)."""

import csv
import io
import re
from datetime import UTC, datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from reports import figures as reports
from reports.figures import INT, MINUTES, MOMENT, PCT, Column, Series, Table

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 7, 15, 14, 30, tzinfo=UTC)


def test_bare_dates_are_local_midnights_and_to_includes_its_day():
    period = reports.parse_period("2026-07-01", "2026-07-01", now=NOW, tz=LONDON)
    # British Summer Time: local midnight is 23:00 UTC the day before.
    assert period.start == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)


def test_date_times_are_taken_as_given_naive_ones_as_local():
    period = reports.parse_period("2026-07-01T08:15", "2026-07-01T10:00+00:00", now=NOW, tz=LONDON)
    assert period.start == datetime(2026, 7, 1, 7, 15, tzinfo=UTC)
    assert period.end == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def test_default_period_is_28_days_to_now():
    period = reports.parse_period(None, "", now=NOW, tz=LONDON)
    assert period.end == NOW
    assert period.start == datetime(2026, 6, 16, 23, 0, tzinfo=UTC)  # 17 June, London


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("tomorrow", None, "from"),
        (None, "2026-02-30", "to"),
        ("2026-07-02", "2026-07-01", "to"),
    ],
)
def test_bad_periods_name_the_field(start, end, field):
    with pytest.raises(reports.PeriodError) as error:
        reports.parse_period(start, end, now=NOW, tz=LONDON)
    assert field in error.value.errors


def test_range_bounds_are_optional():
    assert reports.parse_range(None, None, tz=LONDON) == (None, None)
    start, end = reports.parse_range("2026-01-10", None, tz=LONDON)
    assert (start, end) == (datetime(2026, 1, 10, tzinfo=LONDON), None)


def test_percent_and_minutes():
    assert reports.percent(2, 3) == 66.7
    assert reports.percent(0, 4) == 0.0
    assert reports.percent(1, 0) is None
    assert reports.minutes(1104) == 18.4
    assert reports.minutes(None) is None


def test_cells_are_formatted_once_for_pages_and_csv():
    assert reports.format_cell(None, PCT) == ""
    assert reports.format_cell(66.66, PCT) == "66.7"
    assert reports.format_cell(12, MINUTES) == "12.0"
    assert reports.format_cell(3, INT) == "3"
    moment = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)
    assert reports.format_cell(moment, MOMENT, LONDON) == "2026-07-01 10:05"


def table() -> Table:
    return Table(
        key="t",
        title="Test table",
        columns=[Column("name", "Name"), Column("n", "Count", INT), Column("p", "%", PCT)],
        rows=[{"name": "a, b", "n": 2, "p": 50.0}, {"name": "=SUM(A1)", "n": 0, "p": None}],
        total={"name": "All", "n": 2, "p": 40.0},
    )


def test_csv_has_the_header_rows_and_total_and_defuses_formulas():
    rows = list(csv.reader(io.StringIO(reports.to_csv([table()]))))
    assert rows == [
        ["Name", "Count", "%"],
        ["a, b", "2", "50.0"],
        ["'=SUM(A1)", "0", ""],
        ["All", "2", "40.0"],
    ]


def test_csv_of_several_tables_titles_each_one():
    second = Table(key="u", title="Second", columns=[Column("x", "X", INT)], rows=[{"x": -1}])
    rows = list(csv.reader(io.StringIO(reports.to_csv([table(), second]))))
    assert rows[0] == ["Test table"]
    assert rows[5] == []
    assert rows[6:] == [["Second"], ["X"], ["-1"]]


def test_bar_chart_is_valid_svg_with_presentation_attributes_only():
    svg = reports.bar_chart(
        title="Within <target>",
        categories=["IMMEDIATE urban", "PRIORITY & more"],
        series=[Series("%", [50.0, None])],
        unit="%",
        max_value=100,
    )
    root = ElementTree.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{namespace}svg"
    assert "style" not in svg
    assert root.find(f"{namespace}title").text == "Within <target>"
    bars = root.findall(f"{namespace}rect")
    assert len(bars) == 1
    # Half of the 380-pixel bar area.
    assert float(bars[0].get("width")) == 190.0
    texts = [element.text for element in root.iter(f"{namespace}text")]
    assert "PRIORITY & more" in texts and "n/a" in texts and "50.0%" in texts


def test_bar_chart_with_two_series_has_a_legend_and_scales_to_the_largest_value():
    svg = reports.bar_chart(
        title="Decisions",
        categories=["A"],
        series=[Series("Approved", [3]), Series("Overridden", [1], "#9aa5b1")],
    )
    widths = [float(w) for w in re.findall(r'<rect x="190"[^>]*width="([\d.]+)"', svg)]
    assert widths == [380.0, pytest.approx(126.7, abs=0.1)]
    assert ">Approved</text>" in svg and ">Overridden</text>" in svg


def test_event_summary_prefers_the_event_own_summary():
    assert reports.event_summary("x.y", {"summary": "CAD-1 graded"}) == "CAD-1 graded"
    assert (
        reports.event_summary("divert.reviewed", {"callsign": "U4", "decision": "approve"})
        == "unit U4, decision approve"
    )
    assert reports.event_summary("divert.review_overdue", {}) == "divert review overdue"


def test_as_of_defaults_to_now_and_is_never_in_the_future():
    assert reports.parse_as_of(None, now=NOW, tz=LONDON) == NOW
    assert reports.parse_as_of("2026-07-01T12:00+00:00", now=NOW, tz=LONDON) == datetime(
        2026, 7, 1, 12, 0, tzinfo=UTC
    )
    for value in ("2026-07-16", "later"):
        with pytest.raises(reports.PeriodError) as error:
            reports.parse_as_of(value, now=NOW, tz=LONDON)
        assert "as_of" in error.value.errors
