"""intel_check_run: matching, the recorded check, roles, and the event it publishes."""

import json

import pytest
from django.db import transaction

from cad.kernel.errors import InvalidInput, RoleRefused
from cad.models import Event
from intelligence.models import CheckHit, IntelligenceCheck
from intelligence.selectors import check_risk_kinds, check_summary
from intelligence.services import intel_check_run
from tests.intelligence.conftest import NOW

VICTIM_PHONE = "07700 900123"
ADDRESS = "14 Acacia Avenue"
POSTCODE = "SW1A 1AA"


def kinds(summary):
    return sorted(hit["kind"] for hit in summary["hits"])


def test_incident_check_matches_phone_address_and_person(make_log, make_incident, handler):
    by_phone = make_log(kind="domestic_abuse", summary="DA report", phones=["+44 7700 900123"])
    by_address = make_log(
        kind="marac",
        summary="MARAC high risk",
        addresses=[{"address": "14 acacia ave", "postcode": "sw1a1aa"}],
    )
    by_person = make_log(
        kind="safeguarding_children",
        summary="Child referral",
        persons=[{"name": "John Smith", "dob": "1982-11-02"}],
    )
    make_log(kind="other", summary="Someone else", phones=["07700 900999"])
    incident = make_incident(
        phone=VICTIM_PHONE,
        address=ADDRESS,
        postcode=POSTCODE,
        persons=[("Jon Smyth", "1982-11-02")],
    )

    check = intel_check_run(actor=handler, incident=incident, now=NOW)

    assert check.trigger == "automatic"
    assert check.checked_at == NOW
    assert check.hit_count == 3
    assert check.phone_key == "+447700900123"
    assert check.address_key == "SW1A1AA|14|ACACIA AVE"
    matched = {row.log_id: row.matched_on for row in CheckHit.objects.filter(check_run=check)}
    assert matched == {by_phone.pk: ["phone"], by_address.pk: ["address"], by_person.pk: ["person"]}
    summary = check_summary(incident=incident)
    assert summary["checked_at"] == NOW.isoformat()
    # Risk kinds first.
    assert [hit["kind"] for hit in summary["hits"]][:2] == ["domestic_abuse", "marac"]
    assert {"id", "kind", "summary", "matched_on"} <= set(summary["hits"][0])
    assert check_risk_kinds(incident=incident) == {"domestic_abuse", "marac"}
    assert sorted(check.risk_kinds) == ["domestic_abuse", "marac"]


def test_person_needs_the_same_date_of_birth(make_log, make_incident, handler):
    make_log(persons=[{"name": "John Smith", "dob": "1982-11-02"}])
    other_day = make_incident(persons=[("John Smith", "1982-11-03")])
    no_dob = make_incident(persons=[("John Smith", None)])

    assert intel_check_run(actor=handler, incident=other_day, now=NOW).hit_count == 0
    assert intel_check_run(actor=handler, incident=no_dob, now=NOW).hit_count == 0


def test_a_name_without_dob_corroborates_a_log_found_another_way(make_log, make_incident, handler):
    log = make_log(
        kind="domestic_abuse",
        phones=[VICTIM_PHONE],
        persons=[{"name": "Daniel Brookes", "dob": "1982-11-02"}],
    )
    incident = make_incident(phone=VICTIM_PHONE, persons=[("Danny Brooks", None)])
    intel_check_run(actor=handler, incident=incident, now=NOW)
    hit = check_summary(incident=incident)["hits"][0]
    assert hit["id"] == log.pk
    # Metaphone of "Danny Brooks" differs from "Daniel Brookes": phone only.
    assert hit["matched_on"] == ["phone"]

    incident = make_incident(phone=VICTIM_PHONE, persons=[("Daniel Brooks", None)])
    intel_check_run(actor=handler, incident=incident, now=NOW)
    assert check_summary(incident=incident)["hits"][0]["matched_on"] == ["phone", "person"]


def test_address_matches_on_premises_when_the_street_is_spelt_differently(
    make_log, make_incident, handler
):
    log = make_log(addresses=[{"address": "14 Acacia Av, Westminster", "postcode": "SW1A 1AA"}])
    make_log(addresses=[{"address": "16 Acacia Avenue", "postcode": "SW1A 1AA"}])
    flat = make_log(addresses=[{"address": "Flat 2, 14 Acacia Avenue", "postcode": "SW1A 1AA"}])
    incident = make_incident(address="14 Accacia Avnue", postcode="SW1A1AA")
    intel_check_run(actor=handler, incident=incident, now=NOW)
    # A flat of number 14 is the same building: found, after the address itself.
    hits = check_summary(incident=incident)["hits"]
    assert [(hit["id"], hit["matched_on"]) for hit in hits] == [
        (log.pk, ["address"]),
        (flat.pk, ["same_building"]),
    ]


def test_address_without_postcode_matches_on_number_and_street(make_log, make_incident, handler):
    with_postcode = make_log(addresses=[{"address": "14 Acacia Avenue", "postcode": "SW1A 1AA"}])
    without = make_log(addresses=[{"address": "14 Acacia Ave"}])
    # A caller who gives no postcode still finds both.
    incident = make_incident(address="14 Acacia Avenue")
    intel_check_run(actor=handler, incident=incident, now=NOW)
    assert {hit["id"] for hit in check_summary(incident=incident)["hits"]} == {
        with_postcode.pk,
        without.pk,
    }
    # With a postcode, another postcode's 14 Acacia Avenue is not the same place.
    make_log(addresses=[{"address": "14 Acacia Avenue", "postcode": "M1 1AE"}])
    incident = make_incident(address="14 Acacia Avenue", postcode="SW1A 1AA")
    intel_check_run(actor=handler, incident=incident, now=NOW)
    assert {hit["id"] for hit in check_summary(incident=incident)["hits"]} == {
        with_postcode.pk,
        without.pk,
    }


def test_contact_check(make_log, make_contact, handler):
    log = make_log(kind="dvds", summary="DVDS request", phones=[VICTIM_PHONE])
    contact = make_contact(phone="447700900123")
    check = intel_check_run(actor=handler, contact=contact, now=NOW)
    assert check.contact == contact and check.incident is None
    assert check_summary(contact=contact)["hits"][0]["id"] == log.pk


def test_no_subject_keys_records_an_empty_check(make_incident, handler):
    incident = make_incident(phone="withheld")
    check = intel_check_run(actor=handler, incident=incident, now=NOW)
    assert check.hit_count == 0
    assert check_summary(incident=incident) == {
        "checked_at": NOW.isoformat(),
        "check": check.pk,
        "manual": False,
        "hits": [],
        "risk_kinds": [],
    }


def test_never_checked(make_incident):
    assert check_summary(incident=make_incident()) == {
        "checked_at": None,
        "hits": [],
        "risk_kinds": [],
    }


def test_latest_check_wins(make_log, make_incident, handler):
    incident = make_incident(phone=VICTIM_PHONE)
    intel_check_run(actor=handler, incident=incident, now=NOW)
    assert check_summary(incident=incident)["hits"] == []
    make_log(kind="marac", phones=[VICTIM_PHONE])
    intel_check_run(actor=handler, incident=incident, manual=True)
    summary = check_summary(incident=incident)
    assert kinds(summary) == ["marac"] and summary["manual"] is True
    assert IntelligenceCheck.objects.filter(incident=incident).count() == 2


@pytest.mark.parametrize("role", ["call_handler", "dispatcher", "supervisor"])
def test_automatic_check_runs_under_any_control_room_role(make_user, make_incident, role):
    check = intel_check_run(actor=make_user(role), incident=make_incident(), now=NOW)
    assert check.trigger == "automatic"


@pytest.mark.parametrize("role", ["call_handler", "intelligence"])
def test_manual_recheck_roles(make_user, make_incident, role):
    check = intel_check_run(actor=make_user(role), incident=make_incident(), manual=True)
    assert check.trigger == "manual"


@pytest.mark.parametrize("role", ["dispatcher", "unit", None])
def test_manual_recheck_refused_for_other_roles(make_user, make_incident, role):
    incident = make_incident()
    with pytest.raises(RoleRefused):
        intel_check_run(actor=make_user(role), incident=incident, manual=True)
    assert not IntelligenceCheck.objects.exists()


def test_automatic_check_refused_without_any_role(make_user, make_incident):
    with pytest.raises(RoleRefused):
        intel_check_run(actor=make_user(None), incident=make_incident())


def test_exactly_one_subject(make_incident, make_contact, handler):
    with pytest.raises(InvalidInput) as error:
        intel_check_run(actor=handler)
    assert "subject" in error.value.errors
    with pytest.raises(InvalidInput):
        intel_check_run(actor=handler, incident=make_incident(), contact=make_contact())
    assert not IntelligenceCheck.objects.exists()


def test_event_carries_counts_and_kinds_never_summaries(
    make_log, make_incident, handler, django_capture_on_commit_callbacks
):
    make_log(kind="domestic_abuse", summary="SECRET-SUMMARY-TEXT", phones=[VICTIM_PHONE])
    incident = make_incident(phone=VICTIM_PHONE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        check = intel_check_run(actor=handler, incident=incident, now=NOW)
    assert len(callbacks) == 1
    event = Event.objects.get(kind="intelligence.checked")
    assert event.incident == incident
    assert sorted(event.audience) == ["role.call_handler", "role.dispatcher", "role.supervisor"]
    assert event.data == {
        "check": check.pk,
        "incident": incident.pk,
        "contact": None,
        "manual": False,
        "hit_count": 1,
        "counts": {"domestic_abuse": 1},
        "risk_kinds": ["domestic_abuse"],
    }
    assert "SECRET-SUMMARY-TEXT" not in json.dumps(event.data)


def test_runs_inside_the_callers_transaction(make_log, make_incident, handler):
    make_log(phones=[VICTIM_PHONE])
    with pytest.raises(RuntimeError), transaction.atomic():
        incident = make_incident(phone=VICTIM_PHONE)
        intel_check_run(actor=handler, incident=incident, now=NOW)
        assert IntelligenceCheck.objects.filter(incident=incident).count() == 1
        raise RuntimeError("incident_create failed after the check")
    assert not IntelligenceCheck.objects.exists()
    assert not Event.objects.filter(kind="intelligence.checked").exists()


def test_refresh_checks_again_only_when_the_subject_changed(make_log, make_incident, handler):
    from cad.kernel.normalise import address_key
    from cad.models import Person
    from intelligence.services import intel_check_refresh

    incident = make_incident(phone=VICTIM_PHONE)
    first = intel_check_refresh(actor=handler, incident=incident, now=NOW)
    assert first is not None  # never checked before
    assert intel_check_refresh(actor=handler, incident=incident) is None

    log = make_log(kind="marac", addresses=[{"address": ADDRESS, "postcode": POSTCODE}])
    incident.address, incident.postcode = ADDRESS, POSTCODE
    incident.address_key = address_key(ADDRESS, POSTCODE)
    incident.save()
    second = intel_check_refresh(actor=handler, incident=incident)
    assert second is not None and second.trigger == "automatic"
    assert [hit["id"] for hit in check_summary(incident=incident)["hits"]] == [log.pk]
    assert intel_check_refresh(actor=handler, incident=incident) is None

    Person.objects.create(incident=incident, name="John Smith", name_key="JN SM0", role="other")
    assert intel_check_refresh(actor=handler, incident=incident) is not None
    assert IntelligenceCheck.objects.filter(incident=incident).count() == 3
