"""API v1 routes of the cad app (mounted under /api/v1/)."""

from django.urls import path

from cad.calls import api, geocode_api

urlpatterns: list = [
    path("contacts/", api.ContactListCreateView.as_view(), name="api-contacts"),
    path("contacts/<int:pk>/", api.ContactDetailView.as_view(), name="api-contact"),
    path(
        "contacts/<int:pk>/domestic-abuse/",
        api.ContactDomesticAbuseView.as_view(),
        name="api-contact-domestic-abuse",
    ),
    path(
        "contacts/<int:pk>/acknowledge/",
        api.ContactAcknowledgeView.as_view(),
        name="api-contact-acknowledge",
    ),
    path(
        "contacts/<int:pk>/complete/",
        api.ContactCompleteView.as_view(),
        name="api-contact-complete",
    ),
    path(
        "contacts/<int:pk>/reassign/",
        api.ContactReassignView.as_view(),
        name="api-contact-reassign",
    ),
    path("follow-ups/", api.FollowUpListView.as_view(), name="api-follow-ups"),
    path("incidents/", api.IncidentListCreateView.as_view(), name="api-incidents"),
    path("incidents/<int:pk>/", api.IncidentDetailView.as_view(), name="api-incident"),
    path("incidents/<int:pk>/grade/", api.IncidentGradeView.as_view(), name="api-incident-grade"),
    path(
        "incidents/<int:pk>/entries/", api.IncidentEntryView.as_view(), name="api-incident-entries"
    ),
    path("incidents/<int:pk>/close/", api.IncidentCloseView.as_view(), name="api-incident-close"),
    path(
        "incidents/<int:pk>/downgrade-review/",
        api.IncidentDowngradeReviewView.as_view(),
        name="api-incident-downgrade-review",
    ),
    path("calls/lookup/", api.CallLookupView.as_view(), name="api-call-lookup"),
    path("geocode/", geocode_api.GeocodeView.as_view(), name="api-geocode"),
    path("opening-codes/", api.OpeningCodeListView.as_view(), name="api-opening-codes"),
    path("absences/", api.AbsenceListView.as_view(), name="api-absences"),
    path("response-targets/", api.ResponseTargetView.as_view(), name="api-response-targets"),
    path("users/<str:username>/absence/", api.UserAbsenceView.as_view(), name="api-user-absence"),
]
