"""API v1 routes of the schemes app (mounted under /api/v1/)."""

from django.urls import path

from schemes import api

urlpatterns = [
    path("schemes/", api.SchemeListView.as_view(), name="api-schemes"),
    path("schemes/lookup/", api.SchemeLookupView.as_view(), name="api-scheme-lookup"),
    path("schemes/<int:scheme_id>/", api.SchemeDetailView.as_view(), name="api-scheme"),
    path(
        "schemes/<int:scheme_id>/contacts/",
        api.SchemeContactView.as_view(),
        name="api-scheme-contacts",
    ),
    path(
        "schemes/<int:scheme_id>/extend/", api.SchemeExtendView.as_view(), name="api-scheme-extend"
    ),
    path(
        "schemes/<int:scheme_id>/withdraw/",
        api.SchemeWithdrawView.as_view(),
        name="api-scheme-withdraw",
    ),
    path(
        "schemes/<int:scheme_id>/reassign/",
        api.SchemeReassignView.as_view(),
        name="api-scheme-reassign",
    ),
]
