"""API v1 routes of the DIVERT tag list, QART reviews and standard reports."""

from django.urls import path

from reports import api as report_api
from reports.selectors import REPORTS

urlpatterns: list = [
    path("diverts/", report_api.DivertListView.as_view(), name="api-diverts"),
    path(
        "diverts/<int:pk>/timeline/",
        report_api.DivertTimelineView.as_view(),
        name="api-divert-timeline",
    ),
    path(
        "diverts/<int:pk>/qart-review/",
        report_api.QartReviewView.as_view(),
        name="api-divert-qart-review",
    ),
    path(
        "qart/urgent-reviews/",
        report_api.UrgentReviewListView.as_view(),
        name="api-urgent-reviews",
    ),
] + [
    path(f"reports/{key}/", report_api.report_view(key).as_view(), name=f"api-report-{key}")
    for key in REPORTS
]
