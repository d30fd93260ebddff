"""Browser: the API's docs are served from the project's own static files, under the CSP,
and list the contract's paths (a control room is often offline)."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "ready"),
    [("/api/v1/docs/", ".opblock-summary-path"), ("/api/v1/redoc/", "[data-section-id]")],
)
def test_the_api_docs_render_offline_under_the_csp(chromium, live_asgi, path, ready):
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    elsewhere, refused = [], []
    page.on(
        "requestfinished",
        lambda request: (
            None
            if request.url.startswith((live_asgi, "data:", "blob:"))
            else elsewhere.append(request.url)
        ),
    )
    # Redoc's own code asks for its maker's logo from a CDN: the CSP refuses the image,
    # which is what it is for. Any other refusal (a script, a style) would break the page.
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text and "img-src" not in message.text
            else None
        ),
    )
    page.goto(f"{live_asgi}{path}")
    page.wait_for_selector(ready, timeout=20_000)
    assert "/api/v1/incidents/" in page.inner_text("body")
    assert elsewhere == [], "the docs fetched something from outside the site"
    assert refused == [], refused
    context.close()
