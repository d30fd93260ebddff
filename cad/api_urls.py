"""API v1 routes of the cad app (mounted under /api/v1/)."""

urlpatterns: list = []
