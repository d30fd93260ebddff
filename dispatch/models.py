"""State of the dispatch app: units, assignments, diverts and escalations.

Only `dispatch.services` writes these rows. The response clock itself lives on
`cad.Incident` (response_due_at, warning_at, clock_state, next_alert_at, ...);
its history and escalations live here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cad.models import AppendOnlyModel, Area, Grade


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
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Last known position (WGS84 degrees), from the terminal or the AVL feed.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    speed = models.FloatField(null=True, blank=True)  # metres a second
    heading = models.FloatField(null=True, blank=True)  # degrees from north
    # The last position kept in the history: the next is kept a while or a distance on.
    sampled_at = models.DateTimeField(null=True, blank=True)
    sampled_lat = models.FloatField(null=True, blank=True)
    sampled_lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["callsign"]
        indexes = [
            # Available units near a point: a box on latitude and longitude, then the
            # exact distance (the predicted-breach sweep probes it once per incident).
            models.Index(
                fields=["lat", "lon"],
                name="unit_available_position",
                condition=Q(status="available", lat__isnull=False),
            )
        ]

    def __str__(self):
        return self.callsign


class UnitPosition(AppendOnlyModel):
    """A unit's sampled position history, kept for QART: one row a while or a distance
    apart (not one per ping), a late report that arrived out of order, and the position
    known when the unit was diverted or its incident's clock breached."""

    class Reason(models.TextChoices):
        SAMPLE = "sample", "Sampled"
        LATE = "late", "Older than the last known: history only"
        DIVERT = "divert", "When the unit was diverted"
        BREACH = "breach", "When the incident's clock breached"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions")
    lat = models.FloatField()
    lon = models.FloatField()
    at = models.DateTimeField()
    speed = models.FloatField(null=True, blank=True)
    heading = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=8, choices=Reason.choices, default=Reason.SAMPLE)
    incident = models.ForeignKey(
        "cad.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["unit", "at"], name="unit_position_unit_at")]


class PositionFeed(models.Model):
    """Where the maps' feed of kept positions has got to: one row. The publisher locks it,
    sends every position kept since in one event, and moves it on."""

    last_position_id = models.BigIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)


class BreachWatch(models.Model):
    """The predicted-breach sweep's memory: an available unit last found able to reach an
    unresourced incident in time. While that unit stays available and in reach, the sweep
    checks only it (one join), not every unit around the incident."""

    incident = models.OneToOneField(
        "cad.Incident", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    checked_at = models.DateTimeField()


# Statuses in which a unit is committed to its incident.
COMMITTED_STATUSES = (Unit.Status.ASSIGNED, Unit.Status.EN_ROUTE, Unit.Status.AT_SCENE)


class UnitStatusChange(AppendOnlyModel):
    """Status history of a unit: every change, who made it and on which incident."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="status_history")
    status = models.CharField(max_length=16, choices=Unit.Status.choices)
    incident = models.ForeignKey(
        "cad.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["unit", "at"], name="unit_status_change_unit_at")]


class Assignment(models.Model):
    """A unit sent to an incident. Ended assignments are kept: they are the history."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        EN_ROUTE = "en_route", "En route"
        AT_SCENE = "at_scene", "At scene"
        DIVERTED = "diverted", "Diverted"
        RECALLED = "recalled", "Recalled"
        CLEARED = "cleared", "Cleared"

    ACTIVE = (Status.ASSIGNED, Status.EN_ROUTE, Status.AT_SCENE)

    incident = models.ForeignKey(
        "cad.Incident", on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    # Why the unit was sent: a plain assignment, a divert, an override or a replacement.
    reason = models.CharField(max_length=16, default="assign")
    # The whole incident was circulated to the unit: which narrative lines, and when.
    circulated_at = models.DateTimeField()
    circulated_entry_ids = models.JSONField(default=list)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Sweep due column: set while an acknowledgement is awaited and not yet alerted.
    ack_due_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        indexes = [
            models.Index(
                fields=["ack_due_at"],
                name="assignment_ack_due",
                condition=Q(ack_due_at__isnull=False),
            ),
            models.Index(fields=["incident", "status"], name="assignment_incident_status"),
        ]
        constraints = [
            # A unit is on at most one incident at a time.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status__in=["assigned", "en_route", "at_scene"]),
                name="assignment_one_active_per_unit",
            )
        ]

    def __str__(self):
        return f"{self.unit_id} → {self.incident_id} ({self.status})"


class Divert(models.Model):
    """A unit moved from incident A (from_incident) to B, and the procedure that follows.

    Standard operating procedure: A is tagged DIVERT; the controller reviews the
    comparative risk and overrides (unit sent back to A; a challenge is referred to
    the dispatch duty officer) or approves (A goes to the ops-room inspector, who has
    another unit assigned to A). Every step is recorded here and as events.
    """

    class Status(models.TextChoices):
        AWAITING_REVIEW = "awaiting_review", "Awaiting controller review"
        AWAITING_REPLACEMENT = "awaiting_replacement", "Awaiting replacement unit"
        OVERRIDDEN = "overridden", "Overridden: unit sent back"
        REPLACED = "replaced", "Replaced"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        OVERRIDE = "override", "Override"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="diverts")
    from_incident = models.ForeignKey(
        "cad.Incident", on_delete=models.PROTECT, related_name="diverts_from"
    )
    to_incident = models.ForeignKey(
        "cad.Incident", on_delete=models.PROTECT, related_name="diverts_to"
    )
    from_assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="diverted_by"
    )
    to_assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    # Grades at the moment of the divert: the comparative risk the controller judged.
    from_grade = models.CharField(max_length=32, choices=Grade.choices, blank=True, default="")
    to_grade = models.CharField(max_length=32, choices=Grade.choices, blank=True, default="")
    dispatcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.AWAITING_REVIEW)

    review_due_at = models.DateTimeField()
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True, default="")
    rationale = models.TextField(blank=True, default="")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Override: the unit's new assignment back on A.
    return_assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    replacement_due_at = models.DateTimeField(null=True, blank=True)
    replacement_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replacement_assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)

    # A challenge to an override, referred to the dispatch duty officer.
    challenge_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    challenge_reason = models.TextField(blank=True, default="")
    challenge_referred_to = models.CharField(max_length=200, blank=True, default="")
    challenge_referred_at = models.DateTimeField(null=True, blank=True)
    challenge_outcome = models.TextField(blank=True, default="")
    challenge_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    challenge_resolved_at = models.DateTimeField(null=True, blank=True)

    # Sweep due column: the review or replacement deadline not yet escalated.
    next_alert_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_alert_at"],
                name="divert_next_alert_due",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(fields=["status", "created_at"], name="divert_status_created"),
            models.Index(fields=["created_at"], name="divert_created_at"),
        ]

    def __str__(self):
        return f"divert {self.pk}: {self.unit_id} {self.from_incident_id}→{self.to_incident_id}"


class Escalation(AppendOnlyModel):
    """One alert raised by a sweep. Unique per object, level and cycle: written once.

    Clock levels are keyed by the deadline they were computed from (`basis`), so a
    re-grade that moves the deadline raises its warning and breach again, while a
    duplicate beat or a re-run raises nothing twice.
    """

    class Level(models.TextChoices):
        CLOCK_WARNING = "clock_warning", "Response clock warning (75 %)"
        CLOCK_BREACHED = "clock_breached", "Response target breached"
        CLOCK_REESCALATED = "clock_reescalated", "Breach re-escalated to supervisor"
        UNRESOURCED = "unresourced", "No unit on the incident"
        UNACKNOWLEDGED = "unacknowledged", "Assignment not acknowledged"
        REVIEW_OVERDUE = "review_overdue", "Divert review overdue"
        REPLACEMENT_OVERDUE = "replacement_overdue", "Divert replacement overdue"
        PREDICTED_BREACH = (
            "predicted_breach",
            "Predicted breach: no available unit can arrive in time",
        )

    CLOCK_LEVELS = (
        Level.CLOCK_WARNING,
        Level.CLOCK_BREACHED,
        Level.CLOCK_REESCALATED,
        Level.UNRESOURCED,
    )

    incident = models.ForeignKey(
        "cad.Incident", on_delete=models.PROTECT, related_name="escalations"
    )
    level = models.CharField(max_length=24, choices=Level.choices)
    cycle = models.PositiveIntegerField(default=0)
    basis = models.DateTimeField()
    due_at = models.DateTimeField()
    raised_at = models.DateTimeField()
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )
    divert = models.ForeignKey(
        Divert, null=True, blank=True, on_delete=models.PROTECT, related_name="escalations"
    )

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "level", "cycle", "basis"],
                condition=Q(assignment__isnull=True, divert__isnull=True),
                name="escalation_once_per_clock_level",
            ),
            models.UniqueConstraint(
                fields=["assignment", "level"],
                condition=Q(assignment__isnull=False),
                name="escalation_once_per_assignment_level",
            ),
            models.UniqueConstraint(
                fields=["divert", "level"],
                condition=Q(divert__isnull=False),
                name="escalation_once_per_divert_level",
            ),
        ]
        indexes = [models.Index(fields=["level", "raised_at"], name="escalation_level_raised")]


class DeadlineChange(AppendOnlyModel):
    """Every (re)computation of an incident's response deadline: grade, deadline, when."""

    incident = models.ForeignKey(
        "cad.Incident", on_delete=models.PROTECT, related_name="deadline_changes"
    )
    grade = models.CharField(max_length=32, choices=Grade.choices, blank=True, default="")
    response_due_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField()
    # The new grade is less urgent than the one before it (shown to supervisors).
    downgrade = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["incident", "at"], name="deadline_change_incident_at"),
            models.Index(
                fields=["incident"], name="deadline_change_downgrades", condition=Q(downgrade=True)
            ),
        ]


from dispatch.models_qart import *  # noqa: E402,F401,F403


class VictimCallback(models.Model):
    """A task to call the victim of a domestic abuse incident back: tell her where help is
    and re-check the risk. Raised when the incident has no unit at scene and loses its
    unit, warns or breaches; one open task per incident at a time; escalates to the
    supervisor when it is not done in time, as a follow-up does."""

    class Status(models.TextChoices):
        OPEN = "open", "To call back"
        ESCALATED = "escalated", "Overdue: with the supervisor"
        DONE = "done", "Called back"

    OPEN_STATUSES = (Status.OPEN, Status.ESCALATED)

    incident = models.ForeignKey(
        "cad.Incident", on_delete=models.PROTECT, related_name="victim_callbacks"
    )
    reason = models.CharField(max_length=32)  # the escalation level that raised it
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField()
    due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(status__in=["open", "escalated"]),
                name="one_open_victim_callback",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="victim_callback_due")]

    # Why the victim is to be called back, by the escalation level that raised the task:
    # the words the boards and the alert both use.
    REASON_WORDS = {
        "unresourced": "her incident lost its unit",
        "clock_warning": "75 % of the response time is gone with no unit at scene",
        "clock_breached": "the response target has passed with no unit at scene",
    }

    @property
    def reason_words(self) -> str:
        return self.REASON_WORDS.get(self.reason, self.reason)
