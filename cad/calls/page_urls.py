"""Page routes of the call-handling app."""

from django.urls import path

from cad.calls import views

app_name = "cad"

urlpatterns: list = [
    path("start/", views.start, name="start"),
    path("calls/new/", views.call_screen, name="call_screen"),
    path("calls/panels/", views.call_panels, name="call_panels"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:pk>/", views.incident_page, name="incident"),
    path("contacts/<int:pk>/", views.contact_page, name="contact"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("availability/", views.availability, name="availability"),
]
