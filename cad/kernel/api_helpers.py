"""Small pieces every app's API views share."""

from django.shortcuts import get_object_or_404
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

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


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` through content negotiation; the views answer CSV themselves
    (an `HttpResponse` with a file name), so nothing is left here to render."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else b""


class JSONOrCSVView(APIView):
    """A view that answers JSON, or CSV when asked; its refusals are JSON either way."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    def handle_exception(self, exc):
        # Errors (400, 401, 403) are JSON bodies, also when CSV was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
