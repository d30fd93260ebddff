"""The gazetteer's API: address points for what a call handler has typed (API.md, Geography)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.kernel.errors import InvalidInput
from cad.kernel.geocode import LIMIT, geocode
from cad.kernel.policy import roles as policy_roles

Q_MAX = 300
POSTCODE_MAX = 16
LIMIT_MAX = 25


class AddressPointOut(serializers.Serializer):
    uprn = serializers.IntegerField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    score = serializers.FloatField(help_text="0..1, how well the point fits what was typed")


def geocode_params(params) -> dict:
    """q, postcode and limit from the query string, or InvalidInput (400, by field)."""
    errors: dict[str, list[str]] = {}
    q = params.get("q", "").strip()
    postcode = params.get("postcode", "").strip()
    if len(q) > Q_MAX:
        errors["q"] = [f"At most {Q_MAX} characters."]
    if len(postcode) > POSTCODE_MAX:
        errors["postcode"] = [f"At most {POSTCODE_MAX} characters."]
    if not q and not postcode:
        errors["q"] = ["Type an address (q) or a postcode."]
    limit = LIMIT
    raw_limit = params.get("limit", "")
    if raw_limit:
        if not raw_limit.isdecimal() or not 1 <= int(raw_limit) <= LIMIT_MAX:
            errors["limit"] = [f"A whole number from 1 to {LIMIT_MAX}."]
        else:
            limit = int(raw_limit)
    if errors:
        raise InvalidInput(errors)
    return {"q": q, "postcode": postcode, "limit": limit}


class GeocodeView(APIView):
    """Address points for an address as typed so far, best first (nothing is recorded)."""

    roles = policy_roles("geocode")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=False, description="the address as typed"),
            OpenApiParameter("postcode", str, required=False),
            OpenApiParameter("limit", int, required=False, description=f"1..{LIMIT_MAX}"),
        ],
        responses=AddressPointOut(many=True),
    )
    def get(self, request):
        return Response(geocode(**geocode_params(request.query_params)))
