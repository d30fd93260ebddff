"""Root URLs. Each app contributes `urlpatterns` (pages) and `api_urlpatterns` (API v1)."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from cad.calls import api, views
from cad.kernel import tokens

# Redoc also runs its search in a blob: worker.
DOCS_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}


def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever a page says: the static icon."""
    return redirect(static("img/favicon.svg"), permanent=True)


cad_api_urlpatterns = [
    path("auth/token/", tokens.TokenView.as_view(), name="api-token"),
    path("auth/logout/", tokens.LogoutView.as_view(), name="api-logout"),
    path("events/", api.EventListView.as_view(), name="api-events"),
]

api_v1 = [
    path("", include(cad_api_urlpatterns)),
    path("", include("cad.calls.api_urls")),
    path("", include("intelligence.api_urls")),
    path("", include("schemes.api_urls")),
    path("", include("dispatch.api_urls")),
    path("", include("reports.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its script served apart, so scripts stay under the strict CSP; both
    # docs style themselves with inline <style>, allowed on these two pages only.
    path(
        "docs/",
        csp_update(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_update(DOCS_CSP)(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("", include("cad.calls.page_urls")),
    path("intelligence/", include("intelligence.urls")),
    path("schemes/", include("schemes.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("reports/", include("reports.urls")),
]

handler400 = "cad.kernel.bad_input.bad_request"
handler403 = "cad.kernel.bad_input.permission_denied"
handler404 = "cad.kernel.bad_input.page_not_found"
handler500 = "cad.kernel.bad_input.server_error"
