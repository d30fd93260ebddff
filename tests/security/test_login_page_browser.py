"""Browser: the sign-in page is quiet: no live connection before signing in (it would be
refused), no error in the console, and an icon where browsers look for one."""

import pytest

pytestmark = pytest.mark.browser


def test_the_login_page_opens_no_live_connection_and_logs_no_error(chromium, live_asgi):
    context = chromium.new_context()
    page = context.new_page()
    sockets, errors, missing = [], [], []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on(
        "response",
        lambda response: missing.append(response.url) if response.status >= 400 else None,
    )
    page.goto(f"{live_asgi}/login/")
    page.wait_for_load_state("networkidle")
    assert sockets == [] and errors == [] and missing == []
    icon = page.request.get(f"{live_asgi}/favicon.ico")
    assert icon.status == 200 and "svg" in icon.headers["content-type"]
    context.close()
