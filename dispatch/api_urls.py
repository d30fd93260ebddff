"""API v1 routes of the dispatch app (mounted under /api/v1/)."""

urlpatterns: list = []
