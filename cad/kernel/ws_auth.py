"""Websocket authentication and origin checks for /ws/screens/.

Browsers authenticate with the session cookie and must come from an allowed origin;
other clients (terminals, telephony) send `Authorization: Token <key>` and no Origin.
"""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


@database_sync_to_async
def token_for_key(key: str):
    """The live token with this key (knox: hashed, expiring, its user active), or None."""
    try:
        _user, token = TokenAuthentication().authenticate_credentials(key.encode())
    except AuthenticationFailed:
        return None
    return token


def header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        authorization = header(scope, b"authorization")
        if authorization and authorization.startswith("Token "):
            token = await token_for_key(authorization.removeprefix("Token ").strip())
            if token is not None:
                scope["user"] = token.user
                scope["auth_token_digest"] = token.digest
        return await super().__call__(scope, receive, send)


def ScreenAuthMiddleware(inner):  # noqa: N802 - mirrors channels' AuthMiddlewareStack
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))


class ScreenOriginValidator:
    """Refuse a browser handshake from a foreign origin; allow token clients without one."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not self.allowed(scope):
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": 4403})
            return None
        return await self.application(scope, receive, send)

    @staticmethod
    def allowed(scope) -> bool:
        """A browser's handshake comes from this site's own origin (scheme, host and port
        as the browser reached it) or a configured trusted one; a token client sends none."""
        origin = header(scope, b"origin")
        if origin is None:
            authorization = header(scope, b"authorization") or ""
            return authorization.startswith("Token ")
        if origin in settings.CSRF_TRUSTED_ORIGINS:
            return True
        host = header(scope, b"host") or ""
        scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
        domain, _port = split_domain_port(host)
        return (
            bool(domain)
            and validate_host(domain, settings.ALLOWED_HOSTS)
            and origin == f"{scheme}://{host}"
        )
