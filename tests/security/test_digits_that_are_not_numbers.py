"""Characters Python calls digits but int() refuses ("²", "③"): read as text, never a 500.

A call's narrative may hold them (a pasted text message), and so may any query string."""

import pytest

from tests.cad.risk_corpus import assess_words
from tests.factories import SEED_CASE_CALL, ensure_opening_codes

SUPERSCRIPT = "²"


@pytest.mark.parametrize(
    "narrative", ["aged ², she's alone", "he said he'll be back in ² mins", "flat ², ring ²"]
)
def test_a_narrative_with_them_is_assessed(narrative):
    assert assess_words(narrative).recommended_grade


@pytest.mark.django_db
def test_a_call_with_them_in_its_narrative_is_saved(api_for):
    ensure_opening_codes()
    call = {**SEED_CASE_CALL, "narrative": f"Text from her: he's back, flat {SUPERSCRIPT}"}
    response = api_for("call_handler").post("/api/v1/incidents/", call, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/follow-ups/", "/api/v1/events/", "/start/"])
def test_a_query_string_with_them_is_not_a_server_error(api_for, path):
    response = api_for("call_handler").get(path, {"since": SUPERSCRIPT, "page": "③"})
    assert response.status_code < 500
