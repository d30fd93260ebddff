"""Browser: a QART reviewer filters the DIVERT tag list, opens a divert's timeline from the
keyboard and records an urgent review; a supervisor's urgent-review queue and tag list
update live, without reload."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from dispatch.models_qart import QartReview, UrgentReview
from dispatch.services import unit_divert
from tests.reports.scenario import build_incidents

pytestmark = pytest.mark.browser


def test_qart_reviewer_filters_opens_a_timeline_and_records_an_urgent_review(
    browser_login, live_asgi
):
    history = build_incidents()
    d3 = history.diverts["D3"]

    supervisor = browser_login(history.actors.supervisor)
    base = live_asgi
    supervisor.goto(f"{base}/reports/urgent-reviews/")
    supervisor.wait_for_selector("#live-status[data-state=live]")
    assert supervisor.locator("#urgent-empty").is_visible()
    tags = supervisor.context.new_page()
    tags.goto(f"{base}/reports/divert-tags/")
    tags.wait_for_selector("#live-status[data-state=live]")
    assert tags.locator("#divert-table tbody tr").count() == 3
    tags.evaluate("window.__sameDocument = true")
    supervisor.evaluate("window.__sameDocument = true")

    page = browser_login(history.actors.qart)
    page.goto(f"{base}/reports/divert-tags/")
    assert page.locator("#divert-table tbody tr").count() == 3
    page.select_option("#f-decision", "pending")
    page.click("#divert-filters button[type=submit]")
    page.wait_for_url("**decision=pending**")
    rows = page.locator("#divert-table tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-divert") == str(d3.pk)
    assert "not reviewed" in rows.first.text_content()

    # Keyboard: J selects the first row, Enter opens its timeline.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/reports/divert-tags/{d3.pk}/")
    page.wait_for_selector("#live-status[data-state=live]")
    timeline = page.locator("#timeline tbody tr")
    kinds = [row.get_attribute("data-kind") for row in timeline.all()]
    assert "unit.diverted" in kinds and "incident.created" in kinds
    diverted = page.locator("#timeline tr[data-kind='unit.diverted']").first.text_content()
    assert "dispatcher1" in diverted and "U1" in diverted

    page.check("input[name=finding][value=urgent_review]")
    page.fill("#qart-notes", "Divert never reviewed by the controller; I1 left without a unit.")
    page.click("#qart-form button[type=submit]")
    page.wait_for_selector("#qart-findings tr[data-finding=urgent_review]")
    page.wait_for_selector("#divert-qart-status[data-qart-status=urgent_review]")
    assert page.url.endswith(f"/reports/divert-tags/{d3.pk}/")

    review = QartReview.objects.get()
    assert (review.divert_id, review.finding, review.reviewer) == (
        d3.pk,
        "urgent_review",
        history.actors.qart,
    )
    assert UrgentReview.objects.get().divert_id == d3.pk

    # The supervisor's queue shows it live.
    supervisor.wait_for_selector(f"#urgent-table tr[data-divert='{d3.pk}']")
    assert "I1 left without a unit" in supervisor.locator("#urgent-table").text_content()
    assert supervisor.evaluate("window.__sameDocument") is True

    # A bad second finding shows the refusal where the reviewer is looking.
    page.check("input[name=finding][value=inappropriate]")
    page.click("#qart-form button[type=submit]")
    page.wait_for_selector("#qart-errors [data-field=notes]")
    assert QartReview.objects.count() == 1

    # A new divert appears on the supervisor's tag list without reload.
    new = unit_divert(
        actor=history.actors.dispatcher,
        unit="U5",
        to_incident=history.incidents["I8"],
        reason="Rural immediate need",
    )
    tags.wait_for_selector(f"#divert-table tr[data-divert='{new.pk}']")
    assert tags.locator("#divert-table tbody tr").count() == 4
    # The note is written after the list is re-rendered: wait for it rather than read once.
    expect(tags.locator("#tags-live-status")).to_contain_text(f"new divert #{new.pk}")
    assert tags.evaluate("window.__sameDocument") is True


def test_supervisor_runs_a_report_for_a_period_and_sees_chart_table_and_csv_link(
    browser_login, live_asgi
):
    history = build_incidents()
    page = browser_login(history.actors.supervisor)
    page.goto(f"{live_asgi}/reports/diverts/")
    page.fill("#r-from", "2026-03-02")
    page.fill("#r-to", "2026-03-02")
    page.click("form.report-filters button[type=submit]")
    page.wait_for_url("**from=2026-03-02**")
    # Approved and overridden bars for IMMEDIATE, PRIORITY and All.
    assert page.locator("#report-chart svg rect[x='190']").count() == 6
    total = page.locator("#table-diverts tfoot td").all_text_contents()
    assert total[:4] == ["All", "3", "1", "1"]
    href = page.get_attribute("#csv-link", "href")
    assert "format=csv" in href and "from=2026-03-02T00%3A00%3A00%2B00%3A00" in href
    with page.expect_download() as download:
        page.click("#csv-link")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[-1] == "All,3,1,1,1,50.0,6.5,1,30.0,2,1,66.7"
