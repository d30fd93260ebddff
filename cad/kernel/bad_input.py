"""Bad input refused in one place, before any view runs: a 400 naming the field, with
nothing written, as JSON on the API and as a short page elsewhere.

- NUL characters in a query parameter or form field (PostgreSQL cannot store or compare
  them); JSON bodies are checked by the parser (`cad.kernel.parsers`);
- whole numbers beyond what the database holds (an id, a page number);
- bodies beyond `DATA_UPLOAD_MAX_MEMORY_SIZE`, and any other request Django itself refuses
  (`bad_request`, the project's `handler400`), and the API's 403, 404 and 500 as JSON.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.views import defaults

NUL = "\x00"
LARGEST_NUMBER = 2**63 - 1
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def refused(request, errors: dict[str, list[str]], status: int = 400) -> HttpResponse:
    if is_api(request):
        return JsonResponse(errors, status=status)
    lines = "".join(
        f"<li>{escape(field)}: {escape(' '.join(messages))}</li>"
        for field, messages in errors.items()
    )
    return HttpResponse(
        f"<!doctype html><title>Bad request</title><h1>Bad request</h1><ul>{lines}</ul>",
        status=status,
    )


def field_errors(fields) -> dict[str, list[str]]:
    """Errors for the (name, values) pairs of a QueryDict no view could use."""
    errors: dict[str, list[str]] = {}
    for name, values in fields:
        label = name.replace(NUL, "\\0")
        if NUL in name or any(NUL in value for value in values):
            errors[label] = ["NUL characters are not allowed."]
        elif any(value.strip().isdecimal() and int(value) > LARGEST_NUMBER for value in values):
            errors[label] = ["The number is too large."]
    return errors


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = field_errors(request.GET.lists())
        if request.method == "POST" and request.content_type in FORM_TYPES:
            errors |= field_errors(request.POST.lists())
        if errors:
            return refused(request, errors)
        return self.get_response(request)


def bad_request(request, exception=None):
    if is_api(request):
        return JsonResponse(
            {"detail": "Bad request: the body is too large or malformed."}, status=400
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request)
