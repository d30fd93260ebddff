"""Page routes of the intelligence app."""

from django.urls import path

from intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("", views.search, name="search"),
    path("logs/<int:log_id>/", views.log_detail, name="log"),
    path("requests/", views.request_queue, name="request-queue"),
    path("access/", views.access_report, name="access-report"),
]
