"""The dispatch fixtures (incidents graded through the services, units) for these tests."""

from tests.dispatch.conftest import make_incident, make_unit  # noqa: F401
