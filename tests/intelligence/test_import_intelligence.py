"""manage.py import_intelligence: good rows in, bad rows reported with line numbers,
nothing half-written, and a second run adds nothing."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cad.models import Event
from intelligence.models import IntelligenceLog, LogAddress, LogPerson, LogPhone

HEADER = "source_ref,kind,summary,details,occurred_at,handling_code,source,persons,addresses,phones"
CSV_ROWS = [
    # line 2: good
    'PNC-1,domestic_abuse,Crime report: assault,"Long, detailed text",2025-01-02T10:00:00+00:00,'
    ',,"Ms A|1986-03-14|victim; Daniel Brookes|1982-11-02|suspect",'
    '"14 Acacia Avenue, London|SW1A 1AA","07700 900123; 020 7946 0018"',
    # line 3: unknown kind
    "PNC-2,gossip,Something,,2025-01-02T10:00:00+00:00,,,,,07700 900124",
    # line 4: bad phone and bad date
    "PNC-3,marac,MARAC,,not a date,,,,,call me",
    # line 5: good, multi-line details in quotes
    'PNC-4,marac,MARAC heard,"line one\nline two",2025-02-02,OFFICIAL,,,'
    '"Flat 2, 14 Acacia Avenue|SW1A 1AA",',
    # line 7: no source reference
    ",other,No reference,,2025-01-02,,,,,07700 900125",
    # line 8: no subjects at all
    "PNC-5,other,Nobody,,2025-01-02,,,,,",
    # line 9: wrong number of fields
    "PNC-6,other,Too short",
    # line 10: good
    "PNC-7,dvds,DVDS request,,2025-03-03T09:00:00Z,,,Ms A|1986-03-14,,07700 900123",
]


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "logs.csv"
    path.write_text(HEADER + "\n" + "\n".join(CSV_ROWS) + "\n", encoding="utf-8")
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import_intelligence", str(path), *args, stdout=out)
    return out.getvalue()


def report_rows(path):
    with open(str(path) + ".report.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_mixed_good_and_bad_rows(csv_file, analyst):
    output = run(csv_file, "--actor", analyst.username)
    assert "imported 3, already present 0, rejected 5" in output
    assert set(IntelligenceLog.objects.values_list("source_ref", flat=True)) == {
        "PNC-1",
        "PNC-4",
        "PNC-7",
    }
    first = IntelligenceLog.objects.get(source_ref="PNC-1")
    assert first.source == "logs.csv" and first.details == "Long, detailed text"
    assert sorted(first.phones.values_list("phone_key", flat=True)) == [
        "+442079460018",
        "+447700900123",
    ]
    assert first.addresses.get().address_key == "SW1A1AA|14|ACACIA AVE"
    assert sorted(first.persons.values_list("role", flat=True)) == ["suspect", "victim"]
    assert IntelligenceLog.objects.get(source_ref="PNC-4").details == "line one\nline two"

    problems = {(row["line"], row["field"]) for row in report_rows(csv_file)}
    assert problems == {
        ("3", "kind"),
        ("4", "occurred_at"),
        ("4", "phones"),
        ("7", "source_ref"),
        ("8", "subjects"),
        ("9", "row"),
    }
    reasons = {row["line"]: row for row in report_rows(csv_file) if row["field"] == "phones"}
    assert "'call me' is not a phone number" in reasons["4"]["reason"]
    assert Event.objects.get(kind="intelligence.imported").data == {
        "imported": 3,
        "skipped": 0,
        "rejected": 5,
    }


def test_running_the_same_file_again_adds_nothing(csv_file, analyst):
    run(csv_file, "--actor", analyst.username)
    counts = (
        IntelligenceLog.objects.count(),
        LogPhone.objects.count(),
        LogAddress.objects.count(),
        LogPerson.objects.count(),
    )
    output = run(csv_file, "--actor", analyst.username)
    assert "imported 0, already present 3, rejected 5" in output
    assert counts == (
        IntelligenceLog.objects.count(),
        LogPhone.objects.count(),
        LogAddress.objects.count(),
        LogPerson.objects.count(),
    )


def test_json_lines(tmp_path, analyst):
    path = tmp_path / "logs.jsonl"
    good = {
        "source_ref": "NICHE-9",
        "kind": "threat_to_life",
        "summary": "Osman warning",
        "occurred_at": "2025-05-05T12:00:00+01:00",
        "persons": [{"name": "Ravi Patel", "dob": "1990-01-20"}],
        "addresses": [{"address": "22 Mill Lane", "postcode": "M1 1AE"}],
        "phones": ["+44 7700 900456"],
    }
    lines = [
        json.dumps(good),
        "{not json",
        "",
        json.dumps(["a", "list"]),
        json.dumps({**good, "source_ref": "NICHE-10", "persons": [{"name": "R", "dob": "soon"}]}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = run(path, "--actor", analyst.username, "--report", str(tmp_path / "bad.csv"))
    assert "imported 1, already present 0, rejected 3" in output
    with open(tmp_path / "bad.csv", newline="", encoding="utf-8") as handle:
        problems = {(row["line"], row["field"]) for row in csv.DictReader(handle)}
    assert problems == {("2", "row"), ("4", "row"), ("5", "persons")}
    assert IntelligenceLog.objects.get().phones.get().phone_key == "+447700900456"


def test_a_row_that_fails_in_the_database_leaves_nothing_behind(csv_file, analyst):
    """A failure after the log row is written (here: its phones) rolls back the whole row."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_phone() RETURNS trigger AS $$
            BEGIN
              IF NEW.phone_key = '+442079460018' THEN
                RAISE EXCEPTION 'phone store unavailable';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_phone BEFORE INSERT ON intelligence_logphone
              FOR EACH ROW EXECUTE FUNCTION refuse_phone();
            """
        )
    output = run(csv_file, "--actor", analyst.username)
    assert "imported 2, already present 0, rejected 6" in output
    assert not IntelligenceLog.objects.filter(source_ref="PNC-1").exists()
    assert not LogPerson.objects.filter(name="Daniel Brookes").exists()
    assert not LogAddress.objects.filter(address="14 Acacia Avenue, London").exists()
    failure = [row for row in report_rows(csv_file) if row["line"] == "2"]
    assert failure[0]["field"] == "row" and "phone store unavailable" in failure[0]["reason"]
    # The rows after it were still imported.
    assert IntelligenceLog.objects.filter(source_ref__in=["PNC-4", "PNC-7"]).count() == 2


def test_needs_the_intelligence_role(csv_file, handler):
    with pytest.raises(CommandError, match="intelligence"):
        run(csv_file, "--actor", handler.username)
    assert not IntelligenceLog.objects.exists()


def test_missing_file_columns_and_user(tmp_path, analyst):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.csv", "--actor", analyst.username)
    path = tmp_path / "bad.csv"
    path.write_text("kind,summary\nother,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        run(path, "--actor", analyst.username)
    with pytest.raises(CommandError, match="no user"):
        run(path, "--actor", "nobody")


def test_an_address_may_carry_its_uprn(tmp_path, analyst):
    path = tmp_path / "uprns.csv"
    path.write_text(
        HEADER + "\n"
        'PNC-9,marac,MARAC heard,,2025-02-02,,,,"Flat 2, 14 Acacia Avenue|SW1A 1AA|123456789",\n'
        'PNC-10,marac,MARAC heard,,2025-02-02,,,,"3 Elm Road|SW1A 2AA|not-a-uprn",\n',
        encoding="utf-8",
    )
    call_command("import_intelligence", str(path), actor=analyst.username, stdout=io.StringIO())
    assert LogAddress.objects.get(log__source_ref="PNC-9").uprn == 123456789
    assert not IntelligenceLog.objects.filter(source_ref="PNC-10").exists()
    report = (tmp_path / "uprns.csv.report.csv").read_text()
    assert "UPRN" in report
