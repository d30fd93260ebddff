"""Integration API of dispatch's geography: unit positions, the nearest available units and
the live map's data. Serializers check shapes; the rules are in `dispatch.geo_services`."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.kernel.api_helpers import parsed, run_service
from cad.kernel.errors import InvalidInput
from cad.kernel.policy import allows
from cad.kernel.policy import roles as policy_roles
from cad.models import Incident
from dispatch import geo_selectors, geo_services
from dispatch.models import Unit


class PositionSerializer(serializers.Serializer):
    # Numbers are checked by the service (text, NaN and out of range: 400, nothing written).
    lat = serializers.JSONField()
    lon = serializers.JSONField()
    at = serializers.DateTimeField(required=False, allow_null=True)
    speed = serializers.JSONField(required=False, allow_null=True)
    heading = serializers.JSONField(required=False, allow_null=True)


class PositionAccepted(serializers.Serializer):
    callsign = serializers.CharField()
    accepted = serializers.ChoiceField(choices=["current", "history"])
    sampled = serializers.BooleanField()


class UnitPositionView(APIView):
    """Where a unit is: its own terminal, or the AVL feed (or an admin) for any unit. A
    position older than the unit's last known one goes to its history only."""

    roles = policy_roles("unit.position")

    @extend_schema(request=PositionSerializer, responses={202: PositionAccepted})
    def post(self, request, callsign):
        data = parsed(PositionSerializer, request)
        try:
            result = run_service(
                request,
                lambda: geo_services.unit_position_report(
                    actor=request.user,
                    unit=callsign,
                    lat=data["lat"],
                    lon=data["lon"],
                    at=data.get("at"),
                    speed=data.get("speed"),
                    heading=data.get("heading"),
                ),
            )
        except Unit.DoesNotExist:
            raise Http404(f"No unit with callsign {callsign.upper()}.") from None
        return Response(result, status=status.HTTP_202_ACCEPTED)


class BatchPositionSerializer(PositionSerializer):
    callsign = serializers.CharField(max_length=32)


class PositionBatchSerializer(serializers.Serializer):
    positions = BatchPositionSerializer(
        many=True, allow_empty=False, max_length=geo_services.BATCH_MAX
    )


class BatchPositionAccepted(serializers.Serializer):
    callsign = serializers.CharField()
    accepted = serializers.ChoiceField(
        choices=["current", "history", "unknown"],
        help_text="unknown: no unit has this callsign; nothing written for it",
    )
    sampled = serializers.BooleanField()


class PositionBatchAccepted(serializers.Serializer):
    positions = BatchPositionAccepted(many=True, help_text="in the batch's order")


class UnitPositionBatchView(APIView):
    """Positions of many units at once, as vehicle AVL feeds deliver them: the AVL feed or
    an admin. One position a unit a batch; one bad item refuses the whole batch (400,
    nothing written); the rules are those of one unit's position."""

    roles = policy_roles("unit.position_any")

    @extend_schema(request=PositionBatchSerializer, responses={202: PositionBatchAccepted})
    def post(self, request):
        data = parsed(PositionBatchSerializer, request)
        results = run_service(
            request,
            lambda: geo_services.unit_positions_report(
                actor=request.user, positions=data["positions"]
            ),
        )
        return Response({"positions": results}, status=status.HTTP_202_ACCEPTED)


class RecommendationRow(serializers.Serializer):
    unit = serializers.CharField()
    status = serializers.CharField()
    distance_m = serializers.IntegerField(allow_null=True, help_text="straight line")
    eta_s = serializers.IntegerField(allow_null=True, help_text="estimate")
    position_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()


class IncidentRecommendationsView(APIView):
    """Available units, nearest first: great-circle distance ("straight line") and an ETA
    estimate at the speed of the incident's area."""

    roles = policy_roles("incident.recommendations")

    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="at most 200; 20 by default")],
        responses=RecommendationRow(many=True),
    )
    def get(self, request, pk):
        # The incident's place and area are all the ranking needs (not its 40-odd columns).
        incident = get_object_or_404(Incident.objects.only("lat", "lon", "area"), pk=pk)
        raw = request.query_params.get("limit", "20")
        if not raw.isdecimal() or not 1 <= int(raw) <= geo_selectors.RECOMMENDATIONS_MAX:
            raise InvalidInput(
                {"limit": [f"A whole number from 1 to {geo_selectors.RECOMMENDATIONS_MAX}."]}
            )
        return Response(geo_selectors.recommendations(incident, limit=int(raw)))


class MapIncident(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    grade = serializers.CharField(allow_null=True)
    clock_state = serializers.CharField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    resourced = serializers.BooleanField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    address = serializers.CharField()
    domestic_abuse = serializers.BooleanField(allow_null=True)


class MapUnit(serializers.Serializer):
    callsign = serializers.CharField()
    status = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    position_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()
    incident = serializers.CharField(allow_null=True, help_text="the unit's incident reference")


class MapScheme(serializers.Serializer):
    id = serializers.IntegerField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class MapConfig(serializers.Serializer):
    tile_url = serializers.CharField(help_text="empty: no basemap")
    attribution = serializers.CharField()
    centre = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)


class MapOut(serializers.Serializer):
    incidents = MapIncident(many=True)
    units = MapUnit(many=True)
    schemes = MapScheme(many=True, allow_null=True, help_text="null for roles without schemes")
    config = MapConfig()
    server_time = serializers.DateTimeField()


class MapView(APIView):
    """What the live map draws: open incidents with a place (grade, clock state) and units
    with a position (status, staleness), and the basemap settings (none by default)."""

    roles = policy_roles("map.read")

    @extend_schema(responses=MapOut)
    def get(self, request):
        state = {**geo_selectors.map_state(), "config": geo_selectors.map_config()}
        # Special-scheme addresses only for those who may read schemes.
        state["schemes"] = (
            geo_selectors.map_schemes() if allows(request.user, "scheme.read") else None
        )
        return Response(state)
