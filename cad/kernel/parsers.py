"""JSON parsing that refuses hostile bodies with a 400 instead of failing with a 500."""

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from cad.kernel.bad_input import NUL


def _first_nul(value, path: str = "") -> str | None:
    """The field holding a NUL character (PostgreSQL cannot store one), if any."""
    if isinstance(value, str):
        return path or "body" if NUL in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and NUL in key:
            return path or "body"
        found = _first_nul(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        field = _first_nul(data)
        if field:
            raise ValidationError({field: ["NUL characters are not allowed."]})
        return data
