"""Page routes of the DIVERT tag list, QART reviews and standard reports."""

from django.urls import path

from reports import views
from reports.selectors import REPORTS

app_name = "reports"
urlpatterns: list = [
    path("", views.report_index, name="index"),
    path("divert-tags/", views.divert_tags, name="divert-tags"),
    path("divert-tags/<int:pk>/", views.divert_timeline, name="divert-timeline"),
    path("urgent-reviews/", views.urgent_reviews, name="urgent-reviews"),
] + [path(f"{key}/", views.report_page, {"key": key}, name=key) for key in REPORTS]
