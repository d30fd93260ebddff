"""The supervisor's overdue board renders the other apps' items whatever keys they carry.

Call handling's downgrade item has a title and no summary; the board once looked up
`summary` as a filter argument, which raises, so one downgrade made the whole board
(and every live refresh of it) a 500.
"""

import pytest

from cad.calls import selectors as cad_selectors
from tests.factories import incident_factory, role_user

pytestmark = pytest.mark.django_db


def test_a_downgrade_item_without_a_summary_is_on_the_board(client):
    incident = incident_factory(
        grade="PRIORITY",
        narrative="someone is banging on my door, I think it's my ex-husband",
        da_rationale="Caller unsure who it is",
    )
    items = cad_selectors.supervisor_board_items()
    assert [item["kind"] for item in items] == ["downgrade"]
    assert "summary" not in items[0]
    client.force_login(role_user("supervisor"))
    for url in ("/dispatch/overdue/", "/dispatch/overdue/?partial=1"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f"{incident.reference} graded PRIORITY, recommended IMMEDIATE" in html
