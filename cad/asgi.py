import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from cad.routing import websocket_urlpatterns  # noqa: E402
from cad.ws_auth import ScreenAuthMiddleware, ScreenOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": ScreenOriginValidator(ScreenAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
