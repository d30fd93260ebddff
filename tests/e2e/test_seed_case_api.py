"""The seed case replayed through the integration API, step by step, with controlled time.

The same script as the browser replay (test_seed_case_browser.py), without a browser or
running processes: token clients, management commands, and the Celery sweep tasks called
directly at chosen moments. Each step asserts the safeguard that failed in the seeds.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cad.models import Event, FollowUp, FollowUpEscalation, Incident
from dispatch import tasks as dispatch_tasks
from dispatch.models import Escalation, Unit
from schemes.models import Scheme
from tests.e2e import seed
from tests.factories import ensure_opening_codes

pytestmark = pytest.mark.django_db(transaction=False)

# The 999 call; everything before it is dated back from it.
CALL = datetime(2026, 3, 1, 23, 54, tzinfo=UTC)
INTEL_AT = CALL - timedelta(days=150)
SCHEME_AT = CALL - timedelta(days=120)
WITHDRAW_AT = CALL - timedelta(days=14)
SWITCHBOARD_AT = CALL - timedelta(days=7)
TARGET_SECONDS = 90


def at(moment: datetime, seconds: float = 0):
    return time_machine.travel(moment + timedelta(seconds=seconds), tick=False)


def ok(response, status: int = 200) -> dict | list:
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return response.json()


@pytest.fixture
def people(api_for):
    """One client per person in the story; the units' terminals linked to their units."""
    ensure_opening_codes()
    clients = {
        name: api_for(role)
        for name, role in [
            ("intelligence", "intelligence"),
            ("oic", "oic"),
            ("officer", "oic"),
            ("handler", "call_handler"),
            ("dispatcher", "dispatcher"),
            ("controller", "controller"),
            ("inspector", "inspector"),
            ("supervisor", "supervisor"),
            ("qart", "qart"),
            ("admin", "admin"),
        ]
    }
    for callsign, name in [("ALPHA1", "alpha"), ("BRAVO2", "bravo")]:
        ok(clients["admin"].post("/api/v1/units/", {"callsign": callsign}, format="json"), 201)
        # The terminal's account first, then its token: setting a password revokes tokens.
        call_command(
            "create_user",
            f"terminal-{name}",
            "--role",
            "unit",
            "--password",
            "unit-terminal-pw",
            "--unit",
            callsign,
            stdout=io.StringIO(),
        )
        clients[name] = api_for(user=get_user_model().objects.get(username=f"terminal-{name}"))
    return clients


def test_the_seed_case_through_the_api(people):
    p = people
    safeguards = seed.Safeguards()

    # 1. Months earlier: seven intelligence logs; a scheme, and the victim told about it.
    with at(INTEL_AT):
        for log in seed.intelligence_logs(call_at=CALL):
            ok(p["intelligence"].post("/api/v1/intelligence/logs/", log, format="json"), 201)
    with at(SCHEME_AT):
        scheme = ok(
            p["oic"].post(
                "/api/v1/schemes/",
                {
                    "victim_name": seed.VICTIM,
                    "address": seed.ADDRESS,
                    "postcode": seed.POSTCODE,
                    "phones": [seed.PHONE],
                    "oic": p["oic"].user.username,
                    "reason": seed.SCHEME_REASON,
                    "ends_at": (SCHEME_AT + timedelta(days=170)).isoformat(),
                },
                format="json",
            ),
            201,
        )
        ok(
            p["oic"].post(
                f"/api/v1/schemes/{scheme['id']}/contacts/",
                {
                    "purpose": "explain",
                    "method": "In person at her home",
                    "outcome": "informed",
                    "notes": "Explained the marker and that it lasts until the end date.",
                },
                format="json",
            ),
            201,
        )

    # 2. Withdrawal without contacting her: refused, naming the missing step.
    with at(WITHDRAW_AT):
        url = f"/api/v1/schemes/{scheme['id']}/withdraw/"
        body = {"rationale": "Ex-husband believed to have moved away."}
        refused = p["oic"].post(url, body, format="json")
        assert refused.status_code == 400
        assert "Missing step" in refused.json()["contacts"][0]
        assert "withdrawal" in refused.json()["contacts"][0]
        assert Scheme.objects.get(pk=scheme["id"]).status == "active"
        ok(
            p["oic"].post(
                f"/api/v1/schemes/{scheme['id']}/contacts/",
                {"purpose": "withdrawal", "method": "Phone call", "outcome": "no_answer"},
                format="json",
            ),
            201,
        )
        withdrawn = ok(p["oic"].post(url, body, format="json"))
        assert withdrawn["status"] == "ended"
    ended = ok(p["oic"].get("/api/v1/schemes/?status=ended"))
    assert [s["id"] for s in ended] == [scheme["id"]]

    # 3. The switchboard call, recorded, with a follow-up to an officer who is then absent.
    with at(SWITCHBOARD_AT):
        contact = ok(
            p["handler"].post(
                "/api/v1/contacts/",
                {
                    "channel": "switchboard",
                    "caller_phone": seed.PHONE,
                    "caller_name": seed.VICTIM,
                    "address": seed.ADDRESS,
                    "postcode": seed.POSTCODE,
                    "summary": seed.SWITCHBOARD_SUMMARY,
                    "follow_up": {
                        "owner": p["officer"].user.username,
                        "due_at": (SWITCHBOARD_AT + timedelta(days=1)).isoformat(),
                    },
                },
                format="json",
            ),
            201,
        )
        # Linked at once: the scheme history and the intelligence come back with it.
        assert contact["intelligence"]["hits"]
        assert [s["id"] for s in contact["schemes"]] == [scheme["id"]]
    with at(SWITCHBOARD_AT, 600):
        absence = ok(
            p["supervisor"].post(
                f"/api/v1/users/{p['officer'].user.username}/absence/",
                {
                    "starts_at": (SWITCHBOARD_AT + timedelta(seconds=600)).isoformat(),
                    "reason": "Long-term leave",
                },
                format="json",
            ),
            201,
        )
        assert absence["rerouted_contacts"] == [contact["id"]]
    follow_up = FollowUp.objects.get(contact_id=contact["id"])
    assert follow_up.status == "rerouted"
    escalations = FollowUpEscalation.objects.filter(follow_up=follow_up)
    assert list(escalations.values_list("reason", flat=True)) == ["owner_absent"]
    with_supervisor = ok(p["supervisor"].get("/api/v1/follow-ups/?scope=supervisor"))
    assert [(row["contact"], row["status"]) for row in with_supervisor] == [
        (contact["id"], "rerouted")
    ]
    assert Event.objects.filter(kind="contact.follow_up_rerouted").count() == 1

    # 4. A week later, 999. While the number is typed: previous contact, scheme history, hits.
    call_command("set_response_target", "IMMEDIATE", str(TARGET_SECONDS), stdout=io.StringIO())
    with at(CALL):
        typed = ok(p["handler"].get("/api/v1/calls/lookup/", {"phone": seed.PHONE}))
        assert contact["id"] in [row["id"] for row in typed["previous_contacts"]]
        assert [(s["id"], s["status"]) for s in typed["schemes"]] == [(scheme["id"], "ended")]
        assert len(typed["intelligence"]["hits"]) >= 5  # five of the seven carry her phone

        incident = ok(p["handler"].post("/api/v1/incidents/", seed.call_999(), format="json"), 201)
    # Before anyone grades: the check has run, the history and the link are on the incident.
    assert incident["grade"] is None
    assert incident["intelligence"]["checked_at"] is not None
    assert len(incident["intelligence"]["hits"]) == 7
    assert {h["kind"] for h in incident["intelligence"]["hits"]} == {
        "domestic_abuse",
        "marac",
        "dvds",
        "safeguarding_children",
    }
    assert [(s["id"], s["status"]) for s in incident["schemes"]] == [(scheme["id"], "ended")]
    assert contact["id"] in [c["id"] for c in incident["previous_contacts"]]
    assert incident["da_prompt"] is True
    assert incident["recommended_grade"] == "IMMEDIATE"

    grade_url = f"/api/v1/incidents/{incident['id']}/grade/"
    with at(CALL, 20):
        too_low = p["handler"].post(
            grade_url, {"grade": "PRIORITY", "domestic_abuse": True}, format="json"
        )
        refused = safeguards.check(
            too_low.status_code == 400 and "rationale" in too_low.json(),
            "PRIORITY without a rationale, below the IMMEDIATE recommendation, was accepted "
            f"({too_low.status_code}; grade_floor={incident['grade_floor']!r}): "
            "cad/calls/grading.py sets a floor only for an active scheme, so once the scheme is "
            "withdrawn a current domestic abuse threat has no floor",
        )
        if refused:
            assert Incident.objects.get(pk=incident["id"]).grade is None
        graded = ok(
            p["handler"].post(
                grade_url,
                {"grade": "IMMEDIATE", "domestic_abuse": True, "thrive": {"threat": "At the door"}},
                format="json",
            )
        )
    assert graded["grade"] == "IMMEDIATE" and graded["domestic_abuse"] is True
    received = datetime.fromisoformat(graded["narrative"][0]["at"])
    due = received + timedelta(seconds=TARGET_SECONDS)
    assert datetime.fromisoformat(graded["response_due_at"]) == due
    with at(CALL, 30):
        ok(
            p["handler"].post(
                f"/api/v1/incidents/{incident['id']}/entries/",
                {"text": seed.FURTHER_ENTRY},
                format="json",
            ),
            201,
        )

    # 5. The dispatcher assigns ALPHA1; the terminal gets the whole incident and acknowledges.
    with at(CALL, 40):
        assignment = ok(
            p["dispatcher"].post(
                f"/api/v1/incidents/{incident['id']}/assign/", {"unit": "ALPHA1"}, format="json"
            ),
            201,
        )
        package = ok(p["alpha"].get(f"/api/v1/assignments/{assignment['id']}/"))
        assert [line["text"] for line in package["incident"]["narrative"]] == [
            seed.NARRATIVE,
            seed.FURTHER_ENTRY,
        ]
        assert package["incident"]["domestic_abuse"] is True
        assert package["incident"]["risk_flags"]
        assert package["incident"]["response_due_at"] == graded["response_due_at"]
        # The rest of the incident, under the unit's own role: scheme history, intelligence.
        seen_by_unit = ok(p["alpha"].get(f"/api/v1/incidents/{incident['id']}/"))
        assert [s["status"] for s in seen_by_unit["schemes"]] == ["ended"]
        assert len(seen_by_unit["intelligence"]["hits"]) == 7
    with at(CALL, 45):
        ok(p["alpha"].post(f"/api/v1/assignments/{assignment['id']}/acknowledge/"))
        ok(p["alpha"].post("/api/v1/units/ALPHA1/status/", {"status": "en_route"}, format="json"))

    # 6. A knife call; the dispatcher diverts ALPHA1 to it.
    with at(CALL, 50):
        other = ok(
            p["handler"].post(
                "/api/v1/incidents/",
                seed.call_999(
                    caller_phone="07700 900999",
                    caller_name="Mr K",
                    address="Station Approach",
                    postcode="SW1A 2JR",
                    area="rural",
                    narrative=seed.OTHER_CALL,
                    opening_code="concern_for_safety",
                    persons=[],
                ),
                format="json",
            ),
            201,
        )
        ok(
            p["handler"].post(
                f"/api/v1/incidents/{other['id']}/grade/",
                {"grade": "IMMEDIATE", "domestic_abuse": False, "da_rationale": "Stranger"}
                if other["da_prompt"]
                else {"grade": "IMMEDIATE"},
                format="json",
            )
        )
    with at(CALL, 55):
        divert = ok(
            p["dispatcher"].post(
                "/api/v1/units/ALPHA1/divert/",
                {"to_incident": other["id"], "reason": "Knife, people running"},
                format="json",
            ),
            201,
        )
        assert divert["status"] == "awaiting_review"
        a = ok(p["supervisor"].get(f"/api/v1/incidents/{incident['id']}/"))
        assert "DIVERT" in a["tags"] and a["resourced"] is False
        board = ok(p["supervisor"].get("/api/v1/boards/overdue/"))
        row = next((r for r in board if r["incident"] == incident["id"]), None)
        assert row is not None, f"the diverted incident is not on the overdue board: {board}"
        assert "DIVERT" in row["tags"]
        assert row["state"] == "unresourced" and row["resourced"] is False

    # The controller approves; the inspector sends BRAVO2.
    with at(CALL, 60):
        reviewed = ok(
            p["controller"].post(
                f"/api/v1/diverts/{divert['id']}/review/",
                {"decision": "approve", "rationale": "Knife in a crowd outweighs; replace A."},
                format="json",
            )
        )
        assert reviewed["status"] == "awaiting_replacement"
    with at(CALL, 65):
        replaced = ok(
            p["inspector"].post(
                f"/api/v1/diverts/{divert['id']}/replacement/", {"unit": "BRAVO2"}, format="json"
            )
        )
        assert replaced["status"] == "replaced" and replaced["replacement_unit"] == "BRAVO2"
        a = ok(p["supervisor"].get(f"/api/v1/incidents/{incident['id']}/"))
        assert a["resourced"] is True
        (replacement,) = [x for x in a["assignments"] if x["unit"] == "BRAVO2"]
        package = ok(p["bravo"].get(f"/api/v1/assignments/{replacement['id']}/"))
        assert len(package["incident"]["narrative"]) == 2
        ok(p["bravo"].post(f"/api/v1/assignments/{replacement['id']}/acknowledge/"))
        ok(p["bravo"].post("/api/v1/units/BRAVO2/status/", {"status": "en_route"}, format="json"))

    # 7. The sweeps, run as beat would, twice at each moment: each level written once.
    warning_at = received + timedelta(seconds=TARGET_SECONDS * 0.75)
    for moment in (received + timedelta(seconds=66), warning_at, warning_at, due, due):
        with time_machine.travel(moment, tick=False):
            dispatch_tasks.clock_sweep()
    with at(CALL, 100):
        ok(p["bravo"].post("/api/v1/units/BRAVO2/status/", {"status": "at_scene"}, format="json"))
    with at(CALL, 100 + 15 * 60):
        dispatch_tasks.clock_sweep()
    stopped = ok(p["supervisor"].get(f"/api/v1/incidents/{incident['id']}/"))
    assert stopped["clock_state"] == "stopped"
    levels = list(
        Escalation.objects.filter(incident_id=incident["id"]).values_list("level", flat=True)
    )
    assert sorted(levels) == ["clock_breached", "clock_warning"]
    for kind in ("incident.clock.warning", "incident.clock.breached"):
        events = Event.objects.filter(kind=kind, incident_id=incident["id"])
        assert events.count() == 1, kind
    warned = Event.objects.get(kind="incident.clock.warning", incident_id=incident["id"])
    assert warned.at == warning_at
    breached = Event.objects.get(kind="incident.clock.breached", incident_id=incident["id"])
    assert breached.at == due
    assert not Event.objects.filter(
        kind="incident.clock.reescalated", incident_id=incident["id"]
    ).exists()
    assert Unit.objects.get(callsign="BRAVO2").status == "at_scene"

    # 8. QART: the DIVERT tag list, the divert's timeline, a finding; the report counts it.
    with at(CALL, 3600 * 10):
        tags = ok(p["qart"].get("/api/v1/diverts/"))
        assert [d["id"] for d in tags] == [divert["id"]]
        listed = tags[0]
        assert listed["status"] == "replaced" and listed["decision"] == "approve"
        assert listed["original_attended_within_target"] is False
        assert (listed["unit"], listed["replacement_unit"]) == ("ALPHA1", "BRAVO2")
        assert listed["time_to_review_seconds"] == 5.0
        assert listed["time_to_replacement_seconds"] == 10.0
        assert listed["qart_status"] == "unreviewed"
        timeline = ok(p["qart"].get(f"/api/v1/diverts/{divert['id']}/timeline/"))
        kinds = [e["kind"] for e in timeline["events"]]
        for kind in seed.DIVERT_TIMELINE_KINDS:
            assert kind in kinds, kind
        finding = ok(
            p["qart"].post(
                f"/api/v1/diverts/{divert['id']}/qart-review/",
                {
                    "finding": "inappropriate",
                    "notes": "A DA victim's only unit taken; replacement arrived after breach.",
                },
                format="json",
            ),
            201,
        )
        assert finding["finding"] == "inappropriate"
        assert ok(p["qart"].get("/api/v1/diverts/"))[0]["qart_status"] == "inappropriate"
        day = CALL.date().isoformat()
        report = ok(p["qart"].get("/api/v1/reports/diverts/", {"from": day, "to": day}))
    total = report["tables"][0]["total"]
    assert (total["diverts"], total["approved"], total["replaced"]) == (1, 1, 1)
    assert total["original_missed_target"] == 1
    safeguards.assert_all_fired()
