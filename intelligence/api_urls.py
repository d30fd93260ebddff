"""API v1 routes of the intelligence app (mounted under /api/v1/)."""

from django.urls import path

from intelligence import api

urlpatterns = [
    path("intelligence/check/", api.CheckLookupView.as_view(), name="api-intel-check"),
    path("intelligence/checks/", api.CheckView.as_view(), name="api-intel-checks"),
    path("intelligence/logs/", api.LogListView.as_view(), name="api-intel-logs"),
    path("intelligence/logs/<int:log_id>/", api.LogDetailView.as_view(), name="api-intel-log"),
    path(
        "intelligence/logs/<int:log_id>/accesses/",
        api.LogAccessListView.as_view(),
        name="api-intel-log-accesses",
    ),
    path("intelligence/access-report/", api.AccessReportView.as_view(), name="api-intel-access"),
    path("intelligence/requests/", api.RequestListView.as_view(), name="api-intel-requests"),
    path(
        "intelligence/requests/<int:request_id>/claim/",
        api.RequestClaimView.as_view(),
        name="api-intel-request-claim",
    ),
    path(
        "intelligence/requests/<int:request_id>/answer/",
        api.RequestAnswerView.as_view(),
        name="api-intel-request-answer",
    ),
]
