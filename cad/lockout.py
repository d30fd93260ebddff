"""What a locked-out login sees: JSON for the API, a page for browsers (both 429)."""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "Too many failed attempts: this login is locked for 10 minutes."


def lockout_response(request, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=429)
    return render(request, "registration/locked_out.html", status=429)
