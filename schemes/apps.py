from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "schemes"
    verbose_name = "Special schemes"
    default_auto_field = "django.db.models.BigAutoField"
