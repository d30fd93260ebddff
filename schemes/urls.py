"""Page routes of the schemes app."""

from django.urls import path

from schemes import views

app_name = "schemes"
urlpatterns = [
    path("", views.my_schemes, name="mine"),
    path("new/", views.scheme_request, name="request"),
    path("queue/", views.manager_queue, name="queue"),
    path("policy/", views.policy, name="policy"),
    path("<int:scheme_id>/", views.scheme_detail, name="detail"),
]
