"""Small pieces every app's API views share."""

from django.shortcuts import get_object_or_404

from cad.kernel.errors import RoleRefused
from cad.kernel.roles import record_refusal


def run_service(request, call):
    """Call a service; a refusal the service itself makes is logged like any other 403."""
    try:
        return call()
    except RoleRefused:
        record_refusal(
            user=request.user, path=request.path, method=request.method, required=("owner",)
        )
        raise


def parsed(serializer_class, request) -> dict:
    """The request body validated by `serializer_class` (400 with field errors otherwise)."""
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def run_service_on(request, model, pk, call):
    """`run_service` for a service given only `pk`, which reads (and locks) the row itself:
    the view's own read before it is saved, and a missing row is still a 404, whatever else
    is wrong with the request."""
    try:
        return run_service(request, call)
    except Exception:  # the service's own DoesNotExist among them
        get_object_or_404(model, pk=pk)
        raise
