import os
import sys

# One process serves hundreds of screens on its event loop (CPU-bound fan-outs) and the
# API's requests in threads (a few dozen short queries each). At Python's default 5 ms
# switch interval a request waits up to that long for the interpreter after every query
# while the loop is busy; at 0.5 ms the two take turns finely.
sys.setswitchinterval(float(os.environ.get("CAD_SWITCH_INTERVAL_S", "0.0005")))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

from cad.http_handler import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from cad import risk_language  # noqa: E402

# The tokenizer and lemma tables load once per process, beside the server's start-up.
risk_language.load_in_background()

from cad.routing import websocket_urlpatterns  # noqa: E402
from cad.ws_auth import ScreenAuthMiddleware, ScreenOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": ScreenOriginValidator(ScreenAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
