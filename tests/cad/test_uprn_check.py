"""One check for a UPRN however it arrives: a positive whole number the database can hold,
written in ASCII digits when it comes as text."""

import pytest

from cad.kernel.gazetteer import LARGEST_UPRN, UPRN_REFUSED, uprn_value


@pytest.mark.parametrize(
    ("sent", "expected"),
    [(1, 1), ("100023336956", 100023336956), (" 42 ", 42), (LARGEST_UPRN, LARGEST_UPRN)],
)
def test_a_uprn_is_a_positive_whole_number(sent, expected):
    assert uprn_value(sent) == (expected, None)


@pytest.mark.parametrize(
    "sent", [0, -5, "0", "", "abc", "12a", "²", "١٢٣", "1.5", 1.0, True, None, [1]]
)
def test_anything_else_is_refused(sent):
    assert uprn_value(sent) == (None, UPRN_REFUSED)


def test_a_uprn_beyond_the_column_is_too_large():
    assert uprn_value(LARGEST_UPRN + 1) == (None, "The UPRN is too large.")
    assert uprn_value(str(LARGEST_UPRN + 1)) == (None, "The UPRN is too large.")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/schemes/lookup/", "/api/v1/calls/lookup/"])
@pytest.mark.parametrize("sent", ["²", "0", "99999999999999999999"])
def test_the_look_ups_refuse_a_bad_uprn_with_400(api_for, path, sent):
    response = api_for("call_handler").get(path, {"uprn": sent, "address": "1 High Street"})
    assert response.status_code == 400
    assert list(response.json()) == ["uprn"]
