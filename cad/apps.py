from django.apps import AppConfig


class CadConfig(AppConfig):
    name = "cad"
    verbose_name = "Call handling"
    default_auto_field = "django.db.models.BigAutoField"
