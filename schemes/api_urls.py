"""API v1 routes of the schemes app (mounted under /api/v1/)."""

urlpatterns: list = []
