"""Static files through WhiteNoise, in a middleware that can also run on the event loop.

WhiteNoise's own middleware is synchronous only. Under ASGI one synchronous middleware
splits Django's chain: every request then crosses from the event loop to a thread, back
to the loop for the asynchronous middleware after it, and to a thread again for the view,
each crossing waiting for a loop that may be busy with hundreds of screens. Here the file
lookup (a dictionary) runs where the chain runs, and only a static file's response is
built in a thread, so an API request crosses once, to its view.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.whitenoise = WhiteNoiseMiddleware(get_response)
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def static_file(self, path: str):
        if self.whitenoise.autorefresh:  # DEBUG: files may appear while running
            return self.whitenoise.find_file(path)
        return self.whitenoise.files.get(path)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        static_file = self.static_file(request.path_info)
        if static_file is not None:
            return self.whitenoise.serve(static_file, request)
        return self.get_response(request)

    async def __acall__(self, request):
        static_file = self.static_file(request.path_info)
        if static_file is not None:
            return await sync_to_async(self.whitenoise.serve, thread_sensitive=False)(
                static_file, request
            )
        return await self.get_response(request)
