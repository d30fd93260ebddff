from django.urls import path

from cad.kernel.consumers import ScreenConsumer

websocket_urlpatterns = [path("ws/screens/", ScreenConsumer.as_asgi())]
