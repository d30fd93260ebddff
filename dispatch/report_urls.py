"""Page routes of the DIVERT tag list, QART reviews and standard reports."""

app_name = "reports"
urlpatterns: list = []
