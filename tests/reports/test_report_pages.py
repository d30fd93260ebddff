"""Report pages and exports: the CSV has exactly the page's table, JSON the same figures;
pages and API declare their roles (wrong role 403 and logged, anonymous to login / 401)."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from cad.models import AccessRefusal
from reports.qart_services import divert_qart_review
from tests.reports.scenario import at, build_contacts, build_grading, build_incidents

pytestmark = pytest.mark.django_db

REPORT_KEYS = ["response-times", "diverts", "contacts", "schemes", "grading"]
PERIOD = "from=2026-03-02&to=2026-03-02"


class TableParser(HTMLParser):
    """Cell texts of every <table data-report-table> on a page: header, body, footer rows."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-report-table" in attrs:
            self.current = self.tables.setdefault(attrs["data-report-table"], [])
        elif self.current is not None and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = TableParser()
    parser.feed(html)
    return parser.tables


def csv_tables(text: str, keys: list[str]) -> dict[str, list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    if len(keys) == 1:
        return {keys[0]: rows}
    # Several tables: a title line, the table, then a blank line.
    tables, current = {}, None
    for row in rows:
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(keys[len(tables)], [])
        else:
            current.append(row)
    return tables


@pytest.fixture
def qart_client(client, make_user):
    client.force_login(make_user("qart"))
    return client


@pytest.fixture
def everything():
    history = build_incidents()
    build_contacts(history.actors)
    build_grading(history.actors)
    return history


def test_each_report_page_table_equals_its_csv_and_json(everything, qart_client):
    for key in REPORT_KEYS:
        page = qart_client.get(f"/reports/{key}/?{PERIOD}")
        assert page.status_code == 200, key
        html = page.content.decode()
        shown = page_tables(html)
        assert shown, key
        # The CSV link on the page carries the exact period shown.
        link = re.search(r'id="csv-link"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*id="csv-link"', html)
        url = (link.group(1) or link.group(2)).replace("&amp;", "&")
        exported = qart_client.get(url)
        assert exported.status_code == 200, key
        assert exported["Content-Type"].startswith("text/csv")
        assert "attachment" in exported["Content-Disposition"]
        assert csv_tables(exported.content.decode(), list(shown)) == shown, key
        data = qart_client.get(url.replace("&format=csv", "")).json()
        assert [table["key"] for table in data["tables"]] == list(shown), key


def test_response_times_page_shows_the_worked_figures(qart_client):
    build_incidents()
    html = qart_client.get(f"/reports/response-times/?{PERIOD}").content.decode()
    table = page_tables(html)["response_times"]
    assert table[0] == [
        "Grade",
        "Area",
        "Incidents",
        "Attended",
        "Within target",
        "Breaches",
        "Breaches predicted",
        "% within target",
        "Median to arrival (min)",
        "90th percentile to arrival (min)",
        "Unresourced (min)",
    ]
    assert table[1] == [
        *["IMMEDIATE", "Urban", "3", "3", "2", "1", "0", "66.7", "12.0", "18.4", "12.0"]
    ]
    # I8 is not yet attended: blank where there is no figure. Its unresourced time runs to
    # now, so only the cells that do not depend on the clock are checked.
    assert table[4][:10] == ["PRIORITY", "Rural", "1", "0", "0", "1", "0", "0.0", "", ""]
    assert table[-1][:10] == ["All", "All", "9", "7", "5", "4", "0", "55.6", "20.0", "114.0"]
    assert "<svg" in html and 'role="img"' in html
    assert "style=" not in html.split("<main", 1)[1]


def test_diverts_csv_figures(qart_client):
    build_incidents()
    response = qart_client.get(f"/api/v1/reports/diverts/?{PERIOD}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "Original grade",
        "Diverts",
        "Approved",
        "Overridden",
        "Awaiting review",
        "% overridden",
    ]
    assert rows[1] == ["IMMEDIATE", "1", "0", "0", "1", "", "", "0", "", "1", "0", "100.0"]
    assert rows[2] == ["PRIORITY", "2", "1", "1", "0", "50.0", "6.5", "1", "30.0", "1", "1", "50.0"]
    assert rows[3] == ["All", "3", "1", "1", "1", "50.0", "6.5", "1", "30.0", "2", "1", "66.7"]


def test_grading_page_lists_not_da_reasons_and_the_csv_has_both_tables(everything, qart_client):
    html = qart_client.get(f"/reports/grading/?{PERIOD}").content.decode()
    tables = page_tables(html)
    reasons = [row[-1] for row in tables["not_da"][1:]]
    assert reasons == ["Flatmates arguing over rent", "Neighbours, no relationship"]
    text = qart_client.get(f"/api/v1/reports/grading/?{PERIOD}&format=csv").content.decode()
    assert "Flatmates arguing over rent" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Grading against the recommendation, and DA prompts"]
    assert ["DA prompts answered not domestic abuse, with the reasons given"] in rows


def test_report_json_api(api_for):
    build_incidents()
    api = api_for("supervisor")
    body = api.get(f"/api/v1/reports/response-times/?{PERIOD}").json()
    assert body["report"] == "response-times"
    assert body["from"] == "2026-03-02T00:00:00+00:00"
    assert body["to"] == "2026-03-03T00:00:00+00:00"
    table = body["tables"][0]
    first = table["rows"][0]
    assert (first["grade"], first["area"], first["percent_within_target"]) == (
        "IMMEDIATE",
        "Urban",
        66.7,
    )
    assert first["median_minutes"] == 12.0
    assert table["total"]["incidents"] == 9


def test_as_of_computes_the_figures_that_run_to_now_at_that_moment(api_for):
    build_incidents()
    api = api_for("qart")
    url = f"/api/v1/reports/response-times/?{PERIOD}&as_of=2026-03-02T19:00:00%2B00:00"
    body = api.get(url).json()
    assert body["as_of"] == "2026-03-02T19:00:00+00:00"
    rows = {(row["grade"], row["area"]): row for row in body["tables"][0]["rows"]}
    pending = rows[("PRIORITY", "Rural")]
    assert (pending["breaches"], pending["unresourced_minutes"]) == (0, 30.0)
    later = api.get(url.replace("T19:00", "T20:00")).json()
    rows = {(row["grade"], row["area"]): row for row in later["tables"][0]["rows"]}
    assert (
        rows[("PRIORITY", "Rural")]["breaches"],
        rows[("PRIORITY", "Rural")]["unresourced_minutes"],
    ) == (1, 90.0)


def test_report_period_errors_are_400(api_for):
    api = api_for("qart")
    response = api.get("/api/v1/reports/diverts/?from=soon")
    assert response.status_code == 400
    assert "from" in response.json()
    response = api.get("/api/v1/reports/diverts/?from=2026-03-05&to=2026-03-01&format=csv")
    assert response.status_code == 400
    assert "to" in response.json()
    response = api.get("/api/v1/reports/diverts/?as_of=2999-01-01&format=csv")
    assert response.status_code == 400
    assert "as_of" in response.json()


@pytest.mark.parametrize("key", REPORT_KEYS)
def test_reports_refuse_other_roles_and_anonymous(key, api_for, anon_api, client, make_user):
    for role in ("controller", "dispatcher", "call_handler"):
        api = api_for(role)
        url = f"/api/v1/reports/{key}/"
        assert api.get(url).status_code == 403
        assert api.get(url + "?format=csv").status_code == 403
        assert AccessRefusal.objects.filter(user=api.user, path=url).count() == 2
    assert anon_api.get(f"/api/v1/reports/{key}/").status_code == 401
    page = client.get(f"/reports/{key}/")
    assert page.status_code == 302 and "/login/" in page["Location"]
    controller = make_user("controller")
    client.force_login(controller)
    assert client.get(f"/reports/{key}/").status_code == 403
    assert AccessRefusal.objects.filter(user=controller, path=f"/reports/{key}/").exists()


def test_supervisor_may_run_reports(api_for, client, make_user):
    assert api_for("supervisor").get("/api/v1/reports/schemes/").status_code == 200
    client.force_login(make_user("supervisor"))
    assert client.get("/reports/schemes/").status_code == 200
    assert client.get("/reports/").status_code == 200


# --- the tag list, timeline and urgent-review pages ----------------------------------------


def test_tag_list_page_filters_sorts_and_pages(client):
    history = build_incidents()
    client.force_login(history.actors.qart)
    html = client.get("/reports/divert-tags/").content.decode()
    assert html.count('data-divert="') == 3
    assert "Diverts 1–3 of 3" in html
    filtered = client.get("/reports/divert-tags/?decision=approve").content.decode()
    assert re.findall(r'data-divert="(\d+)"', filtered) == [str(history.diverts["D1"].pk)]
    paged = client.get("/reports/divert-tags/?page_size=2&ordering=created_at").content.decode()
    assert re.findall(r'data-divert="(\d+)"', paged) == [
        str(history.diverts["D3"].pk),
        str(history.diverts["D1"].pk),
    ]
    assert 'id="next-page"' in paged and "page=2" in paged
    rows = client.get("/reports/divert-tags/?unit=U6&part=rows").content.decode()
    assert "<html" not in rows
    assert re.findall(r'data-divert="(\d+)"', rows) == [str(history.diverts["D2"].pk)]
    bad = client.get("/reports/divert-tags/?status=lost").content.decode()
    assert "Status must be among" in bad


def test_timeline_page_and_the_form_fallback(client):
    history = build_incidents()
    d1 = history.diverts["D1"]
    client.force_login(history.actors.qart)
    html = client.get(f"/reports/divert-tags/{d1.pk}/").content.decode()
    assert "unit.diverted" in html and "divert.replaced" in html and "controller1" in html
    # People read labels; the codes stay as data attributes for the screen's scripts.
    assert "<td>Unit diverted</td>" in html and "<td>Replacement unit sent</td>" in html
    assert "<code>unit.diverted</code>" not in html
    assert 'id="qart-form"' in html
    refused = client.post(f"/reports/divert-tags/{d1.pk}/", {"finding": "urgent_review"})
    assert refused.status_code == 400
    assert "notes are required" in refused.content.decode()
    done = client.post(
        f"/reports/divert-tags/{d1.pk}/", {"finding": "urgent_review", "notes": "Look again"}
    )
    assert done.status_code == 302
    queue = client.get("/reports/urgent-reviews/").content.decode()
    assert f'data-divert="{d1.pk}"' in queue and "Look again" in queue
    again = client.post(
        f"/reports/divert-tags/{d1.pk}/", {"finding": "urgent_review", "notes": "Twice"}
    )
    assert again.status_code == 409


def test_supervisor_sees_the_urgent_queue_but_cannot_record_findings(client):
    history = build_incidents()
    d2 = history.diverts["D2"]
    divert_qart_review(
        actor=history.actors.qart, divert=d2, finding="urgent_review", notes="Check", now=at(days=1)
    )
    client.force_login(history.actors.supervisor)
    queue = client.get("/reports/urgent-reviews/")
    assert queue.status_code == 200
    assert f'data-divert="{d2.pk}"' in queue.content.decode()
    page = client.get(f"/reports/divert-tags/{d2.pk}/").content.decode()
    assert 'id="qart-form"' not in page
    assert "urgent review open" in page
    response = client.post(f"/reports/divert-tags/{d2.pk}/", {"finding": "appropriate"})
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(
        user=history.actors.supervisor, method="POST", required_roles=["qart"]
    ).exists()


def test_pages_refuse_wrong_roles_and_send_anonymous_to_login(client, make_user):
    for path in ("/reports/divert-tags/", "/reports/urgent-reviews/", "/reports/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
    dispatcher = make_user("dispatcher")
    client.force_login(dispatcher)
    for path in ("/reports/divert-tags/", "/reports/urgent-reviews/", "/reports/"):
        assert client.get(path).status_code == 403, path
        assert AccessRefusal.objects.filter(user=dispatcher, path=path).exists()
    controller = make_user("controller")
    client.force_login(controller)
    assert client.get("/reports/divert-tags/").status_code == 200
    assert client.get("/reports/urgent-reviews/").status_code == 403


def test_navigation_shows_the_pages_by_role(client, make_user):
    client.force_login(make_user("qart"))
    html = client.get("/").content.decode()
    for label in ("DIVERT tags", "Urgent reviews", "Reports"):
        assert f">{label}</a>" in html
    client.force_login(make_user("controller"))
    html = client.get("/").content.decode()
    assert ">DIVERT tags</a>" in html and ">Urgent reviews</a>" not in html
