"""incident_create: the contact is recorded, the intelligence check and scheme lookup run
at once, and the engine's recommendation, floor, flags and DA prompt are on the incident."""

import pytest

from cad.models import AccessRefusal, Contact, Event, Incident, NarrativeEntry, Person
from tests.cad.conftest import SEED_WORDS, seed_call
from tests.factories import incident_factory

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "id",
    "reference",
    "status",
    "grade",
    "recommended_grade",
    "grade_floor",
    "domestic_abuse",
    "da_prompt",
    "risk_flags",
    "response_due_at",
    "clock_state",
    "resourced",
    "tags",
    "narrative",
    "intelligence",
    "schemes",
    "previous_contacts",
    "assignments",
}


def test_the_seed_999_call_is_created_with_the_api_md_representation(handler_api):
    response = handler_api.post("/api/v1/incidents/", seed_call(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= CONTRACT_KEYS
    assert body["reference"].startswith("CAD-") and len(body["reference"]) == 17
    assert body["status"] == "open"
    assert body["grade"] is None
    assert body["recommended_grade"] == "IMMEDIATE"
    assert body["da_prompt"] is True
    assert body["domestic_abuse"] is None
    assert "domestic abuse: threat now" in body["risk_flags"]
    assert body["clock_state"] == "none"
    assert body["response_due_at"] is None
    assert body["narrative"] == [
        {
            "id": body["narrative"][0]["id"],
            "at": body["narrative"][0]["at"],
            "author": handler_api.user.username,
            "text": SEED_WORDS,
        }
    ]
    assert set(body["intelligence"]) >= {"checked_at", "hits"}
    assert body["intelligence"]["checked_at"] is not None
    assert body["assignments"] == []
    assert body["persons"] == [{"name": "Ms A", "dob": "1985-04-02", "role": "victim"}]

    incident = Incident.objects.get(pk=body["id"])
    assert incident.caller_phone_key == "+447700900123"
    assert incident.postcode == "SW1A1AA"
    # The call itself is a contact too, linked to its incident.
    contact = Contact.objects.get(incident=incident)
    assert contact.channel == "999"
    assert contact.summary.startswith("Suspicious circumstances: someone is banging")


def test_intelligence_hits_are_on_the_incident_before_grading(handler_api, seed_intelligence):
    body = handler_api.post("/api/v1/incidents/", seed_call(), format="json").json()

    kinds = sorted(hit["kind"] for hit in body["intelligence"]["hits"])
    assert kinds == ["domestic_abuse", "marac"]
    for hit in body["intelligence"]["hits"]:
        assert {"id", "kind", "summary", "matched_on"} <= set(hit)
        assert {"phone", "address"} <= set(hit["matched_on"])
    assert "domestic abuse intelligence" in body["risk_flags"]
    assert "domestic abuse: threat at this address" in body["risk_flags"]
    reasons = {r["code"]: r["reason"] for r in body["risk_reasons"]}
    assert "2 intelligence logs (DOMESTIC ABUSE, MARAC)" in reasons["intel.domestic_abuse"]


def test_intelligence_alone_raises_the_prompt_even_when_the_caller_says_little(
    handler_api, seed_intelligence
):
    call = seed_call(narrative="someone's buzzing at my door, don't know who it is")
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert body["da_prompt"] is True
    assert "domestic abuse intelligence" in body["risk_flags"]


def test_marac_intelligence_at_her_address_sets_an_immediate_floor_for_any_call(
    handler_api, seed_intelligence
):
    """The reports: the marker had gone, but MARAC said calls from there are urgent."""
    call = seed_call(
        narrative="Caller asking to speak to the officer dealing with her case",
        opening_code="information",
        persons=[],
    )
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert body["grade_floor"] == "IMMEDIATE"
    assert body["recommended_grade"] == "IMMEDIATE"
    assert body["da_prompt"] is True
    floor = next(r for r in body["risk_reasons"] if r["code"] == "intel.floor")
    marac = next(log for log in seed_intelligence if log.kind == "marac")
    assert f"MARAC log {marac.pk}" in floor["reason"]
    assert body["recommendation_reason"].startswith("IMMEDIATE: Calls from this address or phone")


def test_the_intelligence_window_is_the_forces_setting(handler_api, seed_intelligence, settings):
    settings.CAD_INTELLIGENCE_FLOOR_DAYS = 100  # her logs are 300 days old
    call = seed_call(narrative="Caller asking for an update", opening_code="information")
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert "intel.floor" not in {r["code"] for r in body["risk_reasons"]}
    assert body["grade_floor"] is None
    assert body["da_prompt"] is True  # still domestic abuse intelligence


def test_the_seed_words_alone_recommend_immediate_with_one_line_why(handler_api):
    body = handler_api.post("/api/v1/incidents/", seed_call(), format="json").json()
    assert body["recommended_grade"] == "IMMEDIATE"
    assert body["da_prompt"] is True
    assert body["recommendation_reason"].startswith("IMMEDIATE: Domestic abuse (")
    assert "respond immediately" in body["recommendation_reason"]


def test_an_active_scheme_sets_the_floor_at_creation(handler_api, seed_scheme):
    call = seed_call(narrative="Someone is outside.", opening_code="concern_for_safety")
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert body["grade_floor"] == "IMMEDIATE"
    assert body["recommended_grade"] == "IMMEDIATE"
    assert body["schemes"][0]["id"] == seed_scheme.id
    assert {"id", "status", "ends_at"} <= set(body["schemes"][0])
    assert "active special scheme" in body["risk_flags"]


def test_created_events_carry_no_narrative_or_intelligence(handler_api, seed_intelligence):
    body = handler_api.post("/api/v1/incidents/", seed_call(), format="json").json()
    event = Event.objects.get(kind="incident.created")
    assert event.incident_id == body["id"]
    assert event.data["reference"] == body["reference"]
    assert event.data["opening_code_label"] == "Suspicious circumstances"
    assert event.data["recommended_grade"] == "IMMEDIATE"
    text = str(event.data)
    assert "banging" not in text and "MARAC" not in text and "ex-husband" not in text
    assert "role.dispatcher" in event.audience and "role.call_handler" in event.audience


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"area": "suburban"}, "area"),
        ({"narrative": ""}, "narrative"),
        ({"address": ""}, "address"),
        ({"opening_code": "made_up"}, "opening_code"),
        ({"opening_code": ""}, "opening_code"),
        ({"caller_phone": "call me maybe"}, "caller_phone"),
        ({"postcode": "NOT A CODE"}, "postcode"),
        ({"persons": [{"name": "", "role": "victim"}]}, "persons"),
        ({"persons": [{"name": "X", "role": "bystander"}]}, "persons"),
        ({"persons": [{"name": "X", "dob": "2999-01-01", "role": "victim"}]}, "persons"),
        ({"persons": [{"name": "X"}]}, "persons"),  # a role is always chosen
        ({"persons": [{"name": "X", "role": ""}]}, "persons"),
    ],
)
def test_bad_input_is_400_and_nothing_is_written(handler_api, change, field):
    response = handler_api.post("/api/v1/incidents/", seed_call(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists()
    assert not Contact.objects.exists()
    assert not NarrativeEntry.objects.exists()
    assert not Person.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", ["dispatcher", "unit", "qart", "supervisor"])
def test_only_call_handlers_create_incidents(api_for, role):
    client = api_for(role)
    response = client.post("/api/v1/incidents/", seed_call(), format="json")
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(user=client.user, path="/api/v1/incidents/").exists()
    assert not Incident.objects.exists()


def test_anonymous_is_401(anon_api):
    assert anon_api.post("/api/v1/incidents/", seed_call(), format="json").status_code == 401
    assert anon_api.get("/api/v1/incidents/1/").status_code == 401


def test_get_incident_for_reading_roles_and_403_for_others(api_for):
    incident = incident_factory()
    assert api_for("dispatcher").get(f"/api/v1/incidents/{incident.id}/").status_code == 200
    assert (
        api_for("unit").get(f"/api/v1/incidents/{incident.id}/").status_code == 404
    )  # not its unit's
    oic = api_for("oic")
    assert oic.get(f"/api/v1/incidents/{incident.id}/").status_code == 403
    assert AccessRefusal.objects.filter(user=oic.user).exists()
    assert api_for("dispatcher").get("/api/v1/incidents/999999/").status_code == 404


def test_incident_list_shows_open_incidents(api_for):
    incident = incident_factory(grade="PRIORITY")
    rows = api_for("supervisor").get("/api/v1/incidents/").json()
    assert [row["reference"] for row in rows] == [incident.reference]
    assert rows[0]["grade"] == "PRIORITY"


def test_incident_references_are_per_day_and_unique():
    first, second = incident_factory(), incident_factory()
    assert first.reference[:13] == second.reference[:13]
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1


def test_concurrent_creations_get_consecutive_references_and_no_stand_in_is_committed(
    transactional_db,
):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    incident_factory()  # opening codes and the day's counter exist before the race

    def create(_):
        try:
            return incident_factory().reference
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        references = list(pool.map(create, range(12)))
    numbers = sorted(int(reference[-4:]) for reference in references)
    assert numbers == list(range(numbers[0], numbers[0] + 12))
    assert not Incident.objects.filter(reference__startswith="~").exists()
    assert not Contact.objects.filter(reference__startswith="~").exists()


def test_the_day_number_is_taken_last(db):
    """It is locked until commit and shared by every creation: nothing slow may follow,
    only the event-order lock and the events, written last (see test_events)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    incident_factory()
    with CaptureQueriesContext(connection) as queries:
        incident = incident_factory(caller_phone="07700 900123")
    statements = [query["sql"] for query in queries.captured_queries]
    first_locking = next(
        index for index, sql in enumerate(statements) if "cad_referencecounter" in sql
    )
    assert any('"intelligence_' in sql for sql in statements[:first_locking])
    allowed_after = (
        "cad_referencecounter",
        'UPDATE "cad_incident"',
        'UPDATE "cad_contact"',
        "pg_advisory_xact_lock",
        'INSERT INTO "cad_event"',
        "RELEASE SAVEPOINT",
    )
    trailing = statements[first_locking:]
    assert all(any(part in sql for part in allowed_after) for sql in trailing), trailing
    assert sum('INSERT INTO "cad_event"' in sql for sql in trailing) == 1  # all three at once
    kinds = list(
        Event.objects.filter(incident=incident).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["intelligence.checked", "contact.created", "incident.created"]
    created = Event.objects.get(incident=incident, kind="incident.created")
    assert created.data["reference"] == incident.reference


def test_opening_codes_are_listed(api_for):
    codes = api_for("call_handler").get("/api/v1/opening-codes/").json()
    by_code = {row["code"]: row for row in codes}
    for expected in [
        "domestic_incident",
        "suspicious_circumstances",
        "concern_for_safety",
        "violence",
        "burglary_in_progress",
        "harassment_breach_of_order",
    ]:
        assert expected in by_code
    assert by_code["domestic_incident"]["domestic"] is True


@pytest.mark.django_db(transaction=True)  # so the service's transaction is the outermost
def test_the_response_reuses_what_the_assessment_read(handler_api, seed_scheme):
    """Schemes, the check and previous contacts are read once per creation, inside the
    transaction, and the response shows exactly that."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = seed_call(narrative="Someone is outside.", opening_code="concern_for_safety")
    handler_api.post("/api/v1/incidents/", call, format="json")  # now a previous contact
    with CaptureQueriesContext(connection) as queries:
        body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    statements = [query["sql"] for query in queries.captured_queries]

    def reads(table: str) -> int:
        return sum(sql.startswith("SELECT") and f'FROM "{table}"' in sql for sql in statements)

    matching_schemes = 'SELECT "schemes_schemephone"."scheme_id"'
    assert sum(sql.startswith(matching_schemes) for sql in statements) == 1
    assert reads("intelligence_intelligencecheck") == 1
    assert reads("cad_contact") == 1
    assert reads("cad_openingcode") == 1  # the validation's; the label comes with it
    assert not any("SAVEPOINT" in sql for sql in statements)
    assert body["schemes"][0]["id"] == seed_scheme.id
    assert [row["incident_reference"] for row in body["previous_contacts"]] == [
        Incident.objects.exclude(pk=body["id"]).get().reference
    ]
    assert body["intelligence"]["checked_at"] is not None
    assert body["opening_code_label"] == "Concern for safety"


def test_the_response_is_the_representation_without_reading_back_what_was_written(
    handler_api,
):
    """The persons, narrative, assignments and grade history of a new incident come from
    the writes themselves, and the response is what a GET then shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = seed_call(
        narrative="Her ex-partner is at the door.\nShe says he has a knife.",
        opening_code="concern_for_safety",
        persons=[
            {"name": "Jane Roe", "dob": "1990-05-04", "role": "victim"},
            {"name": "John Doe", "dob": None, "role": "suspect"},
        ],
    )
    with CaptureQueriesContext(connection) as queries:
        created = handler_api.post("/api/v1/incidents/", call, format="json")
    assert created.status_code == 201, created.content
    statements = [query["sql"] for query in queries.captured_queries]
    # The service's last write is its events; what follows is the representation.
    last_write = max(
        i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "cad_event"')
    )
    representation = statements[last_write + 1 :]
    for table in ("cad_person", "cad_narrativeentry", "dispatch_assignment", "cad_gradechange"):
        assert not any(f'FROM "{table}"' in sql for sql in representation), table
    body = created.json()
    assert [p["name"] for p in body["persons"]] == ["Jane Roe", "John Doe"]
    assert body["narrative"][0]["author"] == handler_api.user.username
    assert body["narrative"][0]["text"].startswith("Her ex-partner")
    assert (body["assignments"], body["grade_history"]) == ([], [])
    assert handler_api.get(f"/api/v1/incidents/{body['id']}/").json() == body


@pytest.mark.parametrize(
    "narrative",
    ["😡😡 🚪🔨", "Mi exmarido está golpeando la puerta", "a", "Ms A\n\n\tsays help"],
)
def test_any_narrative_a_caller_gives_is_assessed(handler_api, narrative):
    response = handler_api.post("/api/v1/incidents/", seed_call(narrative=narrative), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["recommended_grade"] in {"IMMEDIATE", "PRIORITY", "SCHEDULED",
                                                    "RESOLVED_WITHOUT_DEPLOYMENT"}  # fmt: skip


@pytest.mark.parametrize("narrative", ["word " * 10_000, "", "   ", None])
def test_a_narrative_refused_writes_nothing(handler_api, narrative):
    response = handler_api.post("/api/v1/incidents/", seed_call(narrative=narrative), format="json")
    assert response.status_code == 400
    assert "narrative" in response.json()
    assert not Incident.objects.exists() and not Contact.objects.exists()
    assert not Event.objects.exists()


def test_the_longest_address_and_name_allowed_are_saved(handler_api):
    """Found by a screen test: a 300-character address made a key too long for its column
    (a 500). The longest values the fields allow are saved."""
    body = seed_call(address="1 " + "W" * 298, caller_name="W" * 200)
    response = handler_api.post("/api/v1/incidents/", body, format="json")
    assert response.status_code == 201, response.content
