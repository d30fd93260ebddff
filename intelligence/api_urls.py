"""API v1 routes of the intelligence app (mounted under /api/v1/)."""

urlpatterns: list = []
