"""The OpenAPI schema: the error responses every operation can give, and the shapes of
answers that more than one app returns.

`declare_error_responses` is a drf-spectacular post-processing hook (SPECTACULAR_SETTINGS).
Bad input is a 400 before any view runs (`cad.kernel.bad_input`), every operation but the
token exchange needs a token (401) and a role (403), an id in the path may name nothing
(404), and the writes of a view that declares `conflicts = True` may find the state does
not allow them (409; tests/security/test_conflicts_declared.py holds every view to what
its services can raise).
"""

from __future__ import annotations

import re

from rest_framework import serializers

from cad.models import Grade

# --- shapes shared by the call-handling and dispatch answers ------------------------------
# They document the dicts the selectors build; they do not serialise.


class NarrativeEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    author = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class PersonOut(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    dob = serializers.DateField(allow_null=True)
    role = serializers.CharField(allow_blank=True)


class RiskFlagOut(serializers.Serializer):
    """A flag the grading rules raised on a contact or incident (`Flag.as_dict`)."""

    code = serializers.CharField()
    label = serializers.CharField()
    reason = serializers.CharField(help_text="The words or the log that raised it.")
    severity = serializers.CharField()
    recommend = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    floor = serializers.ChoiceField(choices=Grade.choices, allow_null=True)


# --- error responses ------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": '{"detail": "..."} or {"field": ["message", ...]}',
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

MEANINGS = {
    "400": "Bad input: the fields named, and nothing written.",
    "401": "No valid token or session.",
    "403": "The role does not allow this (the refusal is logged).",
    "404": "No such object, or not one this user may read.",
    "409": "The state does not allow this action now.",
    "429": "Too many failed logins: locked for a while.",
}
OPEN = {"/api/v1/auth/token/", "/api/v1/schema/"}


WRITES = frozenset({"post", "put", "patch", "delete"})


def error_statuses(path: str, method: str, conflicts: bool = False) -> list[str]:
    statuses = ["400"]
    if path not in OPEN:
        statuses += ["401", "403"]
    if "{" in path:
        statuses.append("404")
    if conflicts and method in WRITES:
        statuses.append("409")
    if path == "/api/v1/auth/token/":
        statuses.append("429")
    return statuses


def _shape(path: str) -> str:
    # The URL pattern names a parameter "pk" where the schema says "id": compare without.
    return re.sub(r"\{[^}]*\}", "{}", path)


def declare_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    conflicting = {
        (_shape(path), method.lower())
        for path, _pattern, method, view in generator.endpoints
        if getattr(view.cls, "conflicts", False)
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            conflicts = (_shape(path), method) in conflicting
            for code in error_statuses(path, method, conflicts):
                responses.setdefault(
                    code,
                    {
                        "description": MEANINGS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
