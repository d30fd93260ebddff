"""Page routes of the call-handling app."""

urlpatterns: list = []
