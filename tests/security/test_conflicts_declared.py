"""409 is declared where it can happen, and only there.

A view's `conflicts = True` says its writes can meet a state that refuses them. Held
against the code: from each write handler, every function of the project it calls (and
those they call) is read for a `Conflict(`; a view is declared exactly when one is found.
The schema then carries 409 on those operations and on no other."""

import inspect
import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from cad.kernel.schema import WRITES

PROJECT = ("cad", "dispatch", "schemes", "intelligence", "reports")
CALLED = re.compile(r"([A-Za-z_][\w.]*)\s*\(")


def resolve(dotted: str, namespace: dict):
    first, *rest = dotted.split(".")
    found = namespace.get(first)
    for part in rest:
        found = getattr(found, part, None)
    return found


def can_raise_conflict(function, seen: set) -> bool:
    function = inspect.unwrap(function)
    if function in seen or not inspect.isfunction(function):
        return False
    if function.__module__.split(".")[0] not in PROJECT:
        return False
    seen.add(function)
    source = inspect.getsource(function)
    if re.search(r"\bConflict\(", source):
        return True
    return any(
        can_raise_conflict(resolve(name, function.__globals__), seen)
        for name in set(CALLED.findall(source))
    )


def write_endpoints():
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    return [
        (path, method, view.cls)
        for path, _pattern, method, view in generator.endpoints
        if method.lower() in WRITES
    ]


def test_the_walk_finds_a_conflict_through_a_helper_and_none_where_there_is_none():
    from cad.calls import services as calls
    from dispatch import services as dispatch

    assert can_raise_conflict(dispatch.unit_divert, set())
    # incident_add_entry raises nothing itself; its lock helper refuses a closed incident.
    assert "Conflict(" not in inspect.getsource(calls.incident_add_entry)
    assert can_raise_conflict(calls.incident_add_entry, set())
    assert not can_raise_conflict(calls.contact_create, set())


@pytest.mark.parametrize("path, method, view", write_endpoints(), ids=lambda v: str(v))
def test_a_view_declares_409_exactly_when_its_services_can_refuse(path, method, view):
    handler = getattr(view, method.lower())
    reachable = can_raise_conflict(handler, set())
    declared = getattr(view, "conflicts", False)
    assert declared == reachable, (
        f"{method} {path}: {view.__name__} declares conflicts={declared}, "
        f"but a Conflict is {'' if reachable else 'not '}reachable from it"
    )


def test_the_schema_carries_409_only_on_declared_writes():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    with_409 = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "409" in operation["responses"]
    }
    assert ("/api/v1/incidents/{id}/grade/", "post") in with_409
    assert ("/api/v1/units/{callsign}/divert/", "post") in with_409
    assert ("/api/v1/auth/logout/", "post") not in with_409
    assert ("/api/v1/incidents/", "post") not in with_409
    assert all(method in WRITES for _, method in with_409)
    declared = sum(1 for _, _, view in write_endpoints() if getattr(view, "conflicts", False))
    assert len(with_409) == declared
