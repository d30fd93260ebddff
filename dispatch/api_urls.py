"""API v1 routes of the dispatch app (mounted under /api/v1/)."""

from django.urls import path

from dispatch import api, geo_api

urlpatterns = [
    path("units/", api.UnitListCreateView.as_view(), name="api-units"),
    path("units/<str:callsign>/status/", api.UnitStatusView.as_view(), name="api-unit-status"),
    path("units/<str:callsign>/divert/", api.UnitDivertView.as_view(), name="api-unit-divert"),
    path("units/<str:callsign>/messages/", api.UnitMessageView.as_view(), name="api-unit-messages"),
    path(
        "units/positions/",
        geo_api.UnitPositionBatchView.as_view(),
        name="api-unit-positions",
    ),
    path(
        "units/<str:callsign>/position/",
        geo_api.UnitPositionView.as_view(),
        name="api-unit-position",
    ),
    path("incidents/<int:pk>/assign/", api.IncidentAssignView.as_view(), name="api-assign"),
    path(
        "incidents/<int:pk>/recommendations/",
        geo_api.IncidentRecommendationsView.as_view(),
        name="api-incident-recommendations",
    ),
    path("map/", geo_api.MapView.as_view(), name="api-map"),
    path("assignments/<int:pk>/", api.AssignmentDetailView.as_view(), name="api-assignment"),
    path(
        "assignments/<int:pk>/acknowledge/",
        api.AssignmentAcknowledgeView.as_view(),
        name="api-assignment-acknowledge",
    ),
    path("diverts/<int:pk>/review/", api.DivertReviewView.as_view(), name="api-divert-review"),
    path(
        "diverts/<int:pk>/replacement/",
        api.DivertReplacementView.as_view(),
        name="api-divert-replacement",
    ),
    path(
        "diverts/<int:pk>/challenge/",
        api.DivertChallengeView.as_view(),
        name="api-divert-challenge",
    ),
    path(
        "diverts/<int:pk>/challenge/outcome/",
        api.DivertChallengeOutcomeView.as_view(),
        name="api-divert-challenge-outcome",
    ),
    path("boards/overdue/", api.OverdueBoardView.as_view(), name="api-board-overdue"),
    path("victim-callbacks/", api.VictimCallbackListView.as_view(), name="api-victim-callbacks"),
    path(
        "victim-callbacks/<int:pk>/",
        api.VictimCallbackRecordView.as_view(),
        name="api-victim-callback",
    ),
]
