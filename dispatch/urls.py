"""Page routes of the dispatch app."""

app_name = "dispatch"
urlpatterns: list = []
