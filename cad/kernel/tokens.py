"""API tokens (django-rest-knox): one per device and login, stored hashed, expiring.

`POST /api/v1/auth/token/` issues one, `POST /api/v1/auth/logout/` revokes the one presented.
Deactivating a user or changing their password revokes all of their tokens and closes their
open screens (`revoke_everything`); a screen also re-checks its user, token or session on
every heartbeat (`cad.kernel.consumers`).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.kernel.events import user as user_group
from cad.kernel.policy import roles as policy_roles

log = logging.getLogger("cad.security")
User = get_user_model()


def issue_token(user) -> tuple[AuthToken, str]:
    """A new token for one device: (its row, the key to give the client once)."""
    return AuthToken.objects.create(user)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for a new API token (lockout applies)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    roles = ()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            )
        },
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
        row, key = issue_token(user)
        return Response({"token": key, "expires_at": row.expiry})


class LogoutView(APIView):
    """Revoke the token presented: it gets 401 from now on."""

    roles = policy_roles("auth.logout")

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- revocation --------------------------------------------------------------------------

CLOSE_REVOKED = {"type": "screen.revoked"}


def revoke_everything(user_id: int) -> None:
    """Delete every token of the user and close their open screens."""
    deleted, _ = AuthToken.objects.filter(user_id=user_id).delete()
    log.warning("revoked %d tokens of user %s and closed their screens", deleted, user_id)

    def close_screens() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(user_group(user_id), CLOSE_REVOKED)
        except Exception:  # Redis away: the next heartbeat's check closes them
            log.warning("could not close the screens of user %s at once", user_id)

    transaction.on_commit(close_screens)


def _remember_credentials(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        instance._revoke_after_save = False
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._revoke_after_save = before is not None and (
        before["password"] != instance.password or (before["is_active"] and not instance.is_active)
    )


def _revoke_if_changed(sender, instance, created, **kwargs) -> None:
    if getattr(instance, "_revoke_after_save", False):
        revoke_everything(instance.pk)


def connect_signals() -> None:
    pre_save.connect(_remember_credentials, sender=User, dispatch_uid="cad-token-revoke-pre")
    post_save.connect(_revoke_if_changed, sender=User, dispatch_uid="cad-token-revoke-post")
