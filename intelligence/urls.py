"""Page routes of the intelligence app."""

app_name = "intelligence"
urlpatterns: list = []
