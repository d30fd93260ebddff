"""Small pieces every app's API views share."""

from cad.errors import RoleRefused
from cad.roles import record_refusal


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
