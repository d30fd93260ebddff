"""Page routes of the dispatch app (mounted under /dispatch/)."""

from django.urls import path

from dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("diverts/review/", views.review_queue, name="review-queue"),
    path("diverts/replacements/", views.replacement_queue, name="replacement-queue"),
    path("overdue/", views.overdue_board, name="overdue"),
    path("terminal/", views.terminal, name="terminal"),
]
