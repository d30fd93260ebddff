"""API v1 routes of the DIVERT tag list, QART reviews and standard reports."""

urlpatterns: list = []
