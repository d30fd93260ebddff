"""Page routes of the schemes app."""

app_name = "schemes"
urlpatterns: list = []
