"""State of the intelligence app.

Subjects (phones, addresses, persons) are stored with their normalised keys from
`cad.kernel.normalise` in indexed columns; a check is a handful of exact index lookups.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from cad.models import AppendOnlyModel
from intelligence.rules import DEFAULT_HANDLING_CODE, HANDLING_CODES, KIND_CHOICES


class IntelligenceLog(models.Model):
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    # The one line call handlers and dispatchers may see; `details` needs a role and a reason.
    summary = models.CharField(max_length=300)
    details = models.TextField(blank=True, default="")
    occurred_at = models.DateTimeField()
    handling_code = models.CharField(
        max_length=32,
        choices=[(code, code) for code in HANDLING_CODES],
        default=DEFAULT_HANDLING_CODE,
    )
    source = models.CharField(max_length=100, blank=True, default="")
    # The reference in the system a log was imported from; unique so imports never duplicate.
    source_ref = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "occurred_at"], name="intel_log_kind_occurred")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class LogPhone(models.Model):
    log = models.ForeignKey(IntelligenceLog, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=64)
    phone_key = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["phone_key"], name="intel_phone_key")]


class LogAddress(models.Model):
    log = models.ForeignKey(IntelligenceLog, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=16, blank=True, default="")
    address_key = models.CharField(max_length=200)
    premises_key = models.CharField(max_length=64, blank=True, default="")
    street_key = models.CharField(max_length=200, blank=True, default="")
    postcode_key = models.CharField(max_length=8, blank=True, default="")
    # The gazetteer's address point, given or found when the address was recorded: a log on
    # a UPRN is found however the address is typed.
    uprn = models.BigIntegerField(null=True, blank=True)
    # The building whatever the flat (cad.kernel.normalise.building_keys): "same building".
    building_premises_key = models.CharField(max_length=64, blank=True, default="", db_default="")
    building_street_key = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        indexes = [
            models.Index(fields=["address_key"], name="intel_address_key"),
            models.Index(
                fields=["uprn"], name="intel_address_uprn", condition=Q(uprn__isnull=False)
            ),
            models.Index(
                fields=["building_premises_key"],
                name="intel_building_premises",
                condition=~Q(building_premises_key=""),
            ),
            models.Index(
                fields=["building_street_key", "postcode_key"],
                name="intel_building_street",
                condition=~Q(building_street_key=""),
            ),
            models.Index(
                fields=["premises_key"],
                name="intel_premises_key",
                condition=~Q(premises_key=""),
            ),
            models.Index(
                fields=["street_key", "postcode_key"],
                name="intel_street_key",
                condition=~Q(street_key=""),
            ),
        ]


class LogPerson(models.Model):
    log = models.ForeignKey(IntelligenceLog, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(max_length=200)
    dob = models.DateField(null=True, blank=True)
    name_key = models.CharField(max_length=64)
    # e.g. victim, suspect, child, associate: free text, shown with the full log only.
    role = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["name_key", "dob"], name="intel_person_key")]


class IntelligenceCheck(models.Model):
    """One run of the check against an incident or a contact, with the keys it used."""

    class Trigger(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic"
        MANUAL = "manual", "Manual re-check"

    incident = models.ForeignKey(
        "cad.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intelligence_checks",
    )
    contact = models.ForeignKey(
        "cad.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intelligence_checks",
    )
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    checked_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone_key = models.CharField(max_length=32, blank=True, default="")
    address_key = models.CharField(max_length=200, blank=True, default="")
    premises_key = models.CharField(max_length=64, blank=True, default="")
    uprn = models.BigIntegerField(null=True, blank=True)
    # [{"name_key": ..., "dob": ...}]: the person keys searched, never the names.
    person_keys = models.JSONField(default=list, blank=True)
    hit_count = models.PositiveIntegerField(default=0)
    risk_kinds = ArrayField(models.CharField(max_length=32), default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False, contact__isnull=True)
                | Q(incident__isnull=True, contact__isnull=False),
                name="intel_check_one_subject",
            )
        ]
        indexes = [
            models.Index(
                fields=["incident", "-checked_at", "-id"],
                name="intel_check_incident",
                condition=Q(incident__isnull=False),
            ),
            models.Index(
                fields=["contact", "-checked_at", "-id"],
                name="intel_check_contact",
                condition=Q(contact__isnull=False),
            ),
        ]


class CheckHit(models.Model):
    check_run = models.ForeignKey(IntelligenceCheck, on_delete=models.CASCADE, related_name="hits")
    log = models.ForeignKey(IntelligenceLog, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    matched_on = ArrayField(models.CharField(max_length=16))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["check_run", "log"], name="intel_hit_once_per_check")
        ]


class LogAccess(AppendOnlyModel):
    """Every view of a full log: who, when, why (DPA 2018 s.62 logging)."""

    log = models.ForeignKey(IntelligenceLog, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()
    # Where the view came from: "api" or "page".
    channel = models.CharField(max_length=8, default="api")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["log", "-at"], name="intel_access_log"),
            models.Index(fields=["at"], name="intel_access_at"),
            models.Index(fields=["user", "-at"], name="intel_access_user"),
        ]


class CheckRequest(models.Model):
    """A call handler asks the intelligence/support desk for a deeper check."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLAIMED = "claimed", "Being checked"
        ANSWERED = "answered", "Answered"

    incident = models.ForeignKey(
        "cad.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "cad.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Written for the requester: summaries only, never log details.
    answer = models.TextField(blank=True, default="")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False, contact__isnull=True)
                | Q(incident__isnull=True, contact__isnull=False),
                name="intel_request_one_subject",
            )
        ]
        indexes = [
            # The sweep's due column: unanswered, not yet escalated.
            models.Index(
                fields=["due_at"],
                name="intel_request_due",
                condition=Q(escalated_at__isnull=True) & ~Q(status="answered"),
            ),
            models.Index(
                fields=["escalated_at"],
                name="intel_request_escalated",
                condition=Q(escalated_at__isnull=False) & ~Q(status="answered"),
            ),
            models.Index(fields=["status", "requested_at"], name="intel_request_status"),
        ]


class CheckRequestEscalation(models.Model):
    """Written once per request and level; the unique constraint makes the sweep idempotent."""

    request = models.ForeignKey(CheckRequest, on_delete=models.PROTECT, related_name="escalations")
    level = models.CharField(max_length=16, default="supervisor")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "level"], name="intel_escalation_once")
        ]
