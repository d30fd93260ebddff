"""Root URLs. Each app contributes `urlpatterns` (pages) and `api_urlpatterns` (API v1)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from cad.calls import api, views
from cad.kernel import tokens

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
    path("docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
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
