"""State of the dispatch app: units (more in later migrations)."""

from django.conf import settings
from django.db import models

from cad.models import Area


class Unit(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        ASSIGNED = "assigned", "Assigned"
        EN_ROUTE = "en_route", "En route"
        AT_SCENE = "at_scene", "At scene"
        UNAVAILABLE = "unavailable", "Unavailable"

    callsign = models.CharField(max_length=32, unique=True)
    area = models.CharField(max_length=8, choices=Area.choices, default=Area.URBAN)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    incident = models.ForeignKey(
        "cad.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The login used by this unit's mobile data terminal.
    terminal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="unit",
    )

    def __str__(self):
        return self.callsign
