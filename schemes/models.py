"""State of the schemes app: special schemes, their phones, contacts with the victim and
the review tasks the sweeps write. Only `schemes.services` writes these rows; nothing
here is ever deleted (an ended scheme stays as history for call handlers)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from cad.models import AppendOnlyModel
from schemes.rules import STAGE_LABELS


class SchemeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REVIEW_DUE = "review_due", "Review due"
    SECOND_STAGE = "second_stage", "Second-stage review"
    ENDED = "ended", "Ended"


IN_FORCE = (SchemeStatus.ACTIVE, SchemeStatus.REVIEW_DUE, SchemeStatus.SECOND_STAGE)


class Ending(models.TextChoices):
    NONE = "", "Not ended"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED_BY_DECISION = "expired_by_decision", "Expired by decision"


class Informed(models.TextChoices):
    NOT_YET = "not_informed", "Victim not yet informed"
    INFORMED = "informed", "Victim informed"
    UNSAFE = "unsafe_to_contact", "Unsafe to contact (recorded)"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class NoDeleteQuerySet(models.QuerySet):
    """Schemes change state but are never deleted: an ended scheme is history."""

    def delete(self):
        raise PermissionError("schemes are never deleted; end them with a recorded decision")


class Scheme(models.Model):
    # The person at risk and how the OIC should reach them (Form 4564).
    victim_name = models.CharField(max_length=200)
    victim_dob = models.DateField(null=True, blank=True)
    preferred_contact = models.CharField(max_length=200, blank=True, default="")
    safe_contact_notes = models.TextField(blank=True, default="")
    # Where the marker sits.
    address = models.CharField(max_length=300, blank=True, default="")
    postcode = models.CharField(max_length=16, blank=True, default="")
    address_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    premises_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The address key without its postcode, for callers who do not give one.
    street_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    # The gazetteer's address point: a marker on a UPRN matches however the address is typed.
    uprn = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The building whatever the flat (cad.kernel.normalise.building_keys): "same building".
    building_premises_key = models.CharField(
        max_length=64, blank=True, default="", db_default="", db_index=True
    )
    building_street_key = models.CharField(
        max_length=200, blank=True, default="", db_default="", db_index=True
    )
    # Why, and what the control room needs to know when a call comes in.
    reason = models.TextField()
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices, blank=True, default="")
    crime_reference = models.CharField(max_length=64, blank=True, default="")
    suspect_name = models.CharField(max_length=200, blank=True, default="")
    instructions = models.TextField(blank=True, default="")

    oic = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # One cycle per planned end: an extension starts the next one.
    cycle = models.PositiveIntegerField(default=1)
    cycle_started_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.ACTIVE
    )
    informed = models.CharField(max_length=20, choices=Informed.choices, default=Informed.NOT_YET)
    informed_at = models.DateTimeField(null=True, blank=True)

    # A decision to let the scheme end at its planned end (ends as expired_by_decision).
    expiry_decided_at = models.DateTimeField(null=True, blank=True)
    expiry_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ending = models.CharField(max_length=24, choices=Ending.choices, blank=True, default="")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_rationale = models.TextField(blank=True, default="")

    # The next moment the sweep must look at this scheme; null when nothing is pending.
    next_action_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["next_action_at"],
                name="scheme_next_action_due",
                condition=Q(next_action_at__isnull=False),
            ),
            models.Index(fields=["status", "ends_at"], name="scheme_status_ends"),
            models.Index(fields=["oic", "status"], name="scheme_oic_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="ended", ended_at__isnull=False) & ~Q(ending=""))
                | (~Q(status="ended") & Q(ending="")),
                name="scheme_ended_consistent",
            )
        ]

    def __str__(self):
        return f"Scheme #{self.pk}"

    def delete(self, *args, **kwargs):
        raise PermissionError("schemes are never deleted; end them with a recorded decision")

    @property
    def in_force(self) -> bool:
        return self.status != SchemeStatus.ENDED

    def overdue(self, now) -> bool:
        """Past its planned end with no decision: still in force, and escalating."""
        return self.in_force and self.expiry_decided_at is None and self.ends_at <= now


class SchemePhone(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="phones")
    number = models.CharField(max_length=64)
    phone_key = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "phone_key"], name="scheme_phone_unique")
        ]


class ContactPurpose(models.TextChoices):
    EXPLAIN = "explain", "Explain the scheme"
    REVIEW = "review", "Review"
    EXTENSION = "extension", "Extension"
    WITHDRAWAL = "withdrawal", "Withdrawal"


class ContactOutcome(models.TextChoices):
    INFORMED = "informed", "Informed"
    NO_ANSWER = "no_answer", "No answer"
    MESSAGE_LEFT = "message_left", "Message left"
    UNSAFE = "unsafe_to_contact", "Unsafe to contact"
    OTHER = "other", "Other"


class SchemeContact(AppendOnlyModel):
    """Every contact and attempted contact with the victim; never edited or deleted."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="contacts")
    cycle = models.PositiveIntegerField()
    at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=16, choices=ContactPurpose.choices)
    method = models.CharField(max_length=100)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    notes = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["scheme", "cycle", "purpose"], name="scheme_contact_cp")]


class SchemeTask(models.Model):
    """A review or reminder written by the sweep: one per scheme, stage, cycle and sequence.

    Inform reminders belong to the scheme, not to a planned end: they use cycle 0.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="tasks")
    cycle = models.PositiveIntegerField()
    stage = models.CharField(max_length=24)
    sequence = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    assigned_role = models.CharField(max_length=32)
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emailed_to = ArrayField(models.CharField(max_length=254), default=list, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "stage", "cycle", "sequence"], name="scheme_task_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["assigned_role", "created_at"],
                name="scheme_task_open",
                condition=Q(resolved_at__isnull=True),
            )
        ]

    @property
    def label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)


class DecisionKind(models.TextChoices):
    EXTEND = "extend", "Extended"
    WITHDRAW = "withdraw", "Withdrawn"
    EXPIRE = "expire", "To end at the planned end"
    REASSIGN = "reassign", "OIC changed"


class SchemeDecision(AppendOnlyModel):
    """A recorded decision with its rationale; the event log points here by id."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="decisions")
    cycle = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    previous_ends_at = models.DateTimeField(null=True, blank=True)
    new_ends_at = models.DateTimeField(null=True, blank=True)
    previous_oic = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_oic = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
