"""Integration API of the call-handling app (DRF). Each view declares its roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cad import events
from cad.roles import ANY_ROLE


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for an API token (lockout applies)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    roles = ()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(
            request._request,  # axes needs the Django request to count failures
            username=payload.validated_data["username"],
            password=payload.validated_data["password"],
        )
        if user is None:
            return Response(
                {"non_field_errors": ["Unable to log in with the username and password given."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class EventFrameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    server_time = serializers.DateTimeField()
    data = serializers.DictField()


class EventListView(APIView):
    """Events after `since` that the caller's roles may see, oldest first (max 500)."""

    roles = (ANY_ROLE,)

    @extend_schema(
        parameters=[OpenApiParameter("since", int, required=False)],
        responses=EventFrameSerializer(many=True),
    )
    def get(self, request):
        try:
            since = max(0, int(request.query_params.get("since", "0")))
        except ValueError:
            return Response({"since": ["A whole number is required."]}, status=400)
        rows = events.visible_events(request.user, since, settings.CAD_SCREEN_REPLAY_BATCH)
        return Response([events.frame(event) for event in rows])
