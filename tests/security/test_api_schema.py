"""The published OpenAPI schema types every answer and declares every error.

A client generated from the schema must know the fields of each answer: no operation may
answer with an untyped object, and a map whose keys vary (an event's own fields, a report
row keyed by its columns) is allowed only where the schema says so in words. Every
operation declares its error responses with the one Error body, and drf-spectacular's own
validation passes without a warning.
"""

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats

from cad.kernel.schema import OPEN

WRITES = {"post", "put", "patch", "delete"}


def resolve(schema: dict, components: dict) -> tuple[dict, str | None]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return components[name], name
    return schema, None


def is_bare_object(schema: dict) -> bool:
    """An object the schema says nothing about: no properties, no typed values."""
    if schema.get("type") != "object" or schema.get("properties"):
        return False
    values = schema.get("additionalProperties", True)
    return not (isinstance(values, dict) and values)


def untyped_places(schema: dict, components: dict, where: str, documented=False, seen=()):
    """Where below `schema` an object is untyped and not described as a free-form map."""
    schema, name = resolve(schema, components)
    if name in seen:
        return []
    seen = (*seen, name) if name else seen
    found = []
    if is_bare_object(schema) and not documented:
        found.append(where)
    for key, value in (schema.get("properties") or {}).items():
        found += untyped_places(value, components, f"{where}.{key}", "description" in value, seen)
    if isinstance(schema.get("items"), dict):
        found += untyped_places(schema["items"], components, f"{where}[]", documented, seen)
    if isinstance(schema.get("additionalProperties"), dict):
        values = schema["additionalProperties"]
        found += untyped_places(values, components, f"{where}{{}}", documented, seen)
    for combined in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(combined, []):
            found += untyped_places(part, components, where, documented, seen)
    return found


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


@pytest.fixture
def api_schema_json(anon_api, db) -> dict:
    response = anon_api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_check_finds_an_untyped_object_and_accepts_a_described_map():
    components = {"Loose": {"type": "object", "additionalProperties": {}}}
    loose = {"$ref": "#/components/schemas/Loose"}
    assert untyped_places(loose, components, "top") == ["top"]
    listed = {"type": "array", "items": {"type": "object"}}
    assert untyped_places(listed, {}, "top") == ["top[]"]
    nested = {"type": "object", "properties": {"data": {"type": "object"}}}
    assert untyped_places(nested, {}, "top") == ["top.data"]
    described = {
        "type": "object",
        "properties": {
            "data": {"type": "object", "description": "The event's own fields."},
            "rows": {"type": "array", "description": "Keyed by column.", "items": loose},
            "thrive": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    assert untyped_places(described, components, "top") == []


def test_no_answer_is_an_untyped_object(api_schema_json):
    components = api_schema_json["components"]["schemas"]
    untyped = []
    bodiless = []
    for path, method, operation in operations(api_schema_json):
        for code, response in operation["responses"].items():
            content = response.get("content") or {}
            if code.startswith("2") and code != "204" and not content:
                bodiless.append(f"{method.upper()} {path} {code}")
            for media_type, body in content.items():
                where = f"{method.upper()} {path} {code} {media_type}"
                untyped += untyped_places(body.get("schema", {}), components, where)
    assert len(list(operations(api_schema_json))) > 40
    assert bodiless == [], "answers with a body the schema does not describe"
    assert untyped == [], "untyped objects (describe a free-form map in words)"


def test_every_operation_declares_its_errors_with_the_error_body(api_schema_json):
    error = {"$ref": "#/components/schemas/Error"}
    missing = []
    for path, method, operation in operations(api_schema_json):
        expected = {"400"}
        if path not in OPEN:
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        # 409 where a view declares it: tests/security/test_conflicts_declared.py
        if "409" in operation["responses"]:
            expected.add("409")
        responses = operation["responses"]
        for code in sorted(expected):
            body = (responses.get(code) or {}).get("content", {}).get("application/json", {})
            if body.get("schema") != error:
                missing.append(f"{method.upper()} {path} {code}")
    assert missing == []
    assert set(api_schema_json["components"]["schemas"]["Error"]["properties"]) == {"detail"}


def test_the_schema_generates_and_validates_without_a_warning(tmp_path):
    reset_generator_stats()
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/incidents/{id}/" in target.read_text()


@pytest.mark.parametrize(
    "path", ["/api/v1/intelligence/access-report/", "/api/v1/reports/grading/"]
)
def test_refusals_are_json_also_when_csv_is_asked_for(path, anon_api, api_for):
    refused = [anon_api.get(path, {"format": "csv"}), api_for("unit").get(path, {"format": "csv"})]
    assert [response.status_code for response in refused] == [401, 403]
    for response in refused:
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]
    allowed = api_for("supervisor").get(path, {"format": "csv"})
    assert allowed.status_code == 200
    assert allowed["Content-Type"].startswith("text/csv")
