"""Who may do what is written once, in cad/kernel/policy.py: no page, view, service or
event audience names roles of its own."""

import ast
from pathlib import Path

import pytest

from cad.kernel import policy
from cad.kernel.roles import ALL_ROLES, ANY_ROLE

ROOT = Path(__file__).resolve().parent.parent.parent
ROLE_NAMES = set(ALL_ROLES) | {ANY_ROLE}
ROLE_CALLS = {"require_role", "has_role", "role_required"}
ROLE_ATTRIBUTES = {"roles", "roles_by_method"}


def role_literals(node: ast.AST) -> list[str]:
    return [
        child.value
        for child in ast.walk(node)
        if isinstance(child, ast.Constant) and child.value in ROLE_NAMES
    ]


def role_lists_outside_the_table() -> list[str]:
    found = []
    for package in ("cad", "dispatch", "schemes", "intelligence", "reports"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative.name in {"policy.py", "roles.py"}:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                checked = []
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    if name in ROLE_CALLS:
                        checked = node.args
                    checked += [kw.value for kw in node.keywords if kw.arg == "roles"]
                elif isinstance(node, ast.Assign):
                    names = {getattr(target, "id", "") for target in node.targets}
                    if names & ROLE_ATTRIBUTES or any(
                        n.endswith(("_ROLES", "_AUDIENCE")) for n in names
                    ):
                        checked = [node.value]
                for value in checked:
                    if literals := role_literals(value):
                        found.append(f"{relative}:{node.lineno} names {literals}")
    return found


def test_no_role_list_is_written_outside_the_policy_table():
    assert role_lists_outside_the_table() == []


@pytest.mark.parametrize("action", sorted(policy.POLICY))
def test_every_action_names_known_roles(action):
    assert policy.roles(action)
    assert set(policy.roles(action)) <= ROLE_NAMES


def test_an_unknown_action_is_an_error_not_an_open_door():
    with pytest.raises(KeyError, match="no such action"):
        policy.roles("incident.delete")


def test_every_action_in_the_table_is_used():
    used = set()
    for package in ("cad", "dispatch", "schemes", "intelligence", "reports"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "policy.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and node.args:
                    first = node.args[-1] if len(node.args) > 1 else node.args[0]
                    if isinstance(first, ast.Constant) and first.value in policy.POLICY:
                        used.add(first.value)
    assert set(policy.POLICY) - used == set()
