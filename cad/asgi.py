"""The web process: Django's own WSGI application for HTTP and Channels for /ws/, on one
origin.

HTTP requests run Django's stock WSGI handler on a fixed pool of threads (a2wsgi), so each
thread keeps its database connection between requests (`CONN_MAX_AGE`), as under any WSGI
server. The event loop serves the screens' websockets. More capacity is more processes
(`uvicorn --workers`), not more threads: the threads share one interpreter lock.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

django_wsgi_app = get_wsgi_application()

from cad.calls import risk_language  # noqa: E402
from cad.kernel.ws_auth import ScreenAuthMiddleware, ScreenOriginValidator  # noqa: E402
from cad.routing import websocket_urlpatterns  # noqa: E402

# The tokenizer and lemma tables load once per process, beside the server's start-up.
risk_language.load_in_background()

REQUEST_THREADS = int(os.environ.get("CAD_REQUEST_THREADS", "4"))

application = ProtocolTypeRouter(
    {
        "http": WSGIMiddleware(django_wsgi_app, workers=REQUEST_THREADS),
        "websocket": ScreenOriginValidator(ScreenAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
