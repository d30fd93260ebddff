"""Domain errors raised by services, and their mapping to API.md's status codes."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cad.kernel.roles import has_role


class DomainError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST


class InvalidInput(DomainError):
    """Bad input: 400 with {"field": ["message", ...]}; nothing is written."""

    def __init__(self, errors: dict[str, list[str] | str]):
        self.errors = {
            field: [messages] if isinstance(messages, str) else list(messages)
            for field, messages in errors.items()
        }
        super().__init__(self.errors)


class Conflict(DomainError):
    """The state does not allow the action: 409 with {"detail": ...}."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


class RoleRefused(DomainError):
    """The actor's role does not allow the action: 403."""

    status_code = status.HTTP_403_FORBIDDEN

    def __init__(self, detail: str = "Your role does not allow this action."):
        self.detail = detail
        super().__init__(detail)


def require_role(actor, *roles: str) -> None:
    """Services call this first; the API layer checks too, this is the last line."""

    if not has_role(actor, *roles):
        raise RoleRefused(f"Needs one of the roles: {', '.join(sorted(roles))}.")


def api_exception_handler(exc, context):
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=exc.status_code)
    if isinstance(exc, Conflict | RoleRefused):
        return Response({"detail": exc.detail}, status=exc.status_code)
    if isinstance(exc, ObjectDoesNotExist):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return exception_handler(exc, context)
