"""State of the call-handling app, plus the event log and the access audit.

Only services write these rows. The event log (`Event`) is the audit trail, the
source of the reports and the replay source for screens.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    EMERGENCY = "999", "999"
    NON_EMERGENCY = "101", "101"
    SWITCHBOARD = "switchboard", "Switchboard"
    ONLINE = "online", "Online"
    OTHER = "other", "Other"


class Area(models.TextChoices):
    URBAN = "urban", "Urban"
    RURAL = "rural", "Rural"


class LocationSource(models.TextChoices):
    GAZETTEER = "gazetteer", "Gazetteer"
    CALLER = "caller", "Caller's location"
    MANUAL = "manual", "Placed on the map"


class AddressPoint(models.Model):
    """One addressable place of the gazetteer (an AddressBase-style UPRN and its point).

    Loaded by `load_gazetteer`; searched by cad.kernel.geocode on plain indexed columns
    (no PostGIS or trigram extension): the postcode, the building number and the street
    with its suffix written out, all from cad.kernel.normalise.parse_address.
    """

    uprn = models.BigIntegerField(primary_key=True)
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=16, blank=True, default="")
    lat = models.FloatField()
    lon = models.FloatField()
    # Byte order ("C"): one plain btree serves both a prefix (LIKE 'ACACIA AV%') and the
    # order the candidates are read in, whatever the database's own collation.
    postcode_key = models.CharField(max_length=8, blank=True, default="", db_collation="C")
    number = models.CharField(max_length=16, blank=True, default="", db_collation="C")
    flat = models.CharField(max_length=32, blank=True, default="", db_collation="C")
    street = models.CharField(max_length=120, blank=True, default="", db_collation="C")
    building = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["number", "street"], name="address_point_number_street"),
            models.Index(fields=["street", "number"], name="address_point_street"),
            models.Index(fields=["postcode_key", "number"], name="address_point_postcode"),
        ]

    def __str__(self) -> str:
        return f"{self.uprn} {self.address}"


class Grade(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", "Immediate"
    PRIORITY = "PRIORITY", "Priority"
    SCHEDULED = "SCHEDULED", "Scheduled"
    RESOLVED_WITHOUT_DEPLOYMENT = "RESOLVED_WITHOUT_DEPLOYMENT", "Resolved without deployment"


# Most urgent first; a floor forbids anything later in this list without a rationale.
GRADE_ORDER = [g.value for g in Grade]


class ClockState(models.TextChoices):
    NONE = "none", "No clock"
    RUNNING = "running", "Running"
    WARNING = "warning", "Warning"
    BREACHED = "breached", "Breached"
    STOPPED = "stopped", "Stopped"


class AuditRowQuerySet(models.QuerySet):
    """Audit rows are append-only: bulk update and delete are refused."""

    def update(self, **kwargs):
        raise PermissionError("audit rows cannot be changed")

    def delete(self):
        raise PermissionError("audit rows cannot be deleted")


class AppendOnlyModel(models.Model):
    objects = AuditRowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows cannot be deleted")


class Event(AppendOnlyModel):
    """One row per action. Ids are handed out in commit order (see cad.kernel.events.publish)."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=64)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "cad.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    unit_callsign = models.CharField(max_length=32, blank=True, default="")
    scheme_id = models.BigIntegerField(null=True, blank=True)
    divert_id = models.BigIntegerField(null=True, blank=True)
    # Who may see it on screens: "role.<name>", "user.<id>" tokens (see cad.kernel.events).
    audience = ArrayField(models.CharField(max_length=64), default=list)
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [
            GinIndex(fields=["audience"], name="event_audience_gin"),
            models.Index(fields=["kind", "at"], name="event_kind_at"),
            models.Index(fields=["incident", "id"], name="event_incident_id"),
            models.Index(fields=["divert_id", "id"], name="event_divert_id"),
            models.Index(fields=["scheme_id", "id"], name="event_scheme_id"),
        ]

    def __str__(self):
        return f"#{self.id} {self.kind}"

    @classmethod
    def latest_id(cls) -> int:
        """Pages render state as of this id; their live connection resumes from it."""
        return cls.objects.order_by("-id").values_list("id", flat=True).first() or 0


class AccessRefusal(AppendOnlyModel):
    """A request refused for the user's role (403) — kept for the security audit."""

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=500)
    method = models.CharField(max_length=10)
    required_roles = ArrayField(models.CharField(max_length=32), default=list)


class ResponseTarget(models.Model):
    """Attendance targets by grade and area, editable by admins and set_response_target."""

    grade = models.CharField(max_length=32, choices=Grade.choices)
    area = models.CharField(max_length=8, choices=Area.choices)
    seconds = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grade", "area"], name="response_target_grade_area")
        ]

    def __str__(self):
        return f"{self.grade}/{self.area}: {self.seconds}s"


class Contact(models.Model):
    """Every contact with the public, whether or not an incident follows."""

    reference = models.CharField(max_length=32, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField()
    caller_phone = models.CharField(max_length=64, blank=True, default="")
    caller_phone_key = models.CharField(max_length=32, blank=True, default="", db_index=True)
    caller_name = models.CharField(max_length=200, blank=True, default="")
    caller_name_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    address = models.CharField(max_length=300, blank=True, default="")
    postcode = models.CharField(max_length=16, blank=True, default="")
    address_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    # The gazetteer's address point chosen for the address, when one was.
    uprn = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.TextField(blank=True, default="")
    # Possible domestic abuse (the summary's words or the intelligence check): it must be
    # answered on the contact too, whether or not an incident follows.
    da_prompt = models.BooleanField(default=False)
    risk_flags = models.JSONField(default=list, blank=True)
    domestic_abuse = models.BooleanField(null=True, blank=True)
    da_rationale = models.TextField(blank=True, default="")
    da_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    da_answered_at = models.DateTimeField(null=True, blank=True)
    incident = models.ForeignKey(
        "cad.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["received_at"], name="contact_received_at")]

    def __str__(self):
        return self.reference


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField()
    caller_phone = models.CharField(max_length=64, blank=True, default="")
    caller_phone_key = models.CharField(max_length=32, blank=True, default="", db_index=True)
    caller_name = models.CharField(max_length=200, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")
    postcode = models.CharField(max_length=16, blank=True, default="")
    address_key = models.CharField(max_length=200, blank=True, default="", db_index=True)
    uprn = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Where the incident is (WGS84 degrees) and how that was learnt.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    location_source = models.CharField(
        max_length=16, choices=LocationSource.choices, blank=True, default=""
    )
    area = models.CharField(max_length=8, choices=Area.choices, default=Area.URBAN)
    opening_code = models.CharField(max_length=64)

    grade = models.CharField(max_length=32, choices=Grade.choices, null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    recommended_grade = models.CharField(max_length=32, choices=Grade.choices, blank=True)
    grade_floor = models.CharField(max_length=32, choices=Grade.choices, null=True, blank=True)
    grade_rationale = models.TextField(blank=True, default="")
    below_recommendation = models.BooleanField(default=False)
    domestic_abuse = models.BooleanField(null=True, blank=True)
    da_prompt = models.BooleanField(default=False)
    da_rationale = models.TextField(blank=True, default="")
    thrive = models.JSONField(default=dict, blank=True)
    # [{"code": ..., "reason": ...}] from the grading engine.
    risk_flags = models.JSONField(default=list, blank=True)
    tags = ArrayField(models.CharField(max_length=32), default=list, blank=True)

    # Response clock (owned by dispatch services): runs from received_at.
    response_due_at = models.DateTimeField(null=True, blank=True)
    warning_at = models.DateTimeField(null=True, blank=True)
    clock_state = models.CharField(
        max_length=16, choices=ClockState.choices, default=ClockState.NONE
    )
    # The next moment a sweep must look at this incident; null when nothing is pending.
    next_alert_at = models.DateTimeField(null=True, blank=True)
    first_arrival_at = models.DateTimeField(null=True, blank=True)
    resourced = models.BooleanField(default=False)
    unresourced_since = models.DateTimeField(null=True, blank=True)

    # The agreed appointment of a SCHEDULED incident: its clock runs to this time.
    appointment_at = models.DateTimeField(null=True, blank=True)
    # A grade below the engine's recommendation waits here for a supervisor's review.
    downgrade_flagged_at = models.DateTimeField(null=True, blank=True)
    downgrade_reviewed_at = models.DateTimeField(null=True, blank=True)
    downgrade_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    closing_code = models.CharField(max_length=64, blank=True, default="")
    closing_summary = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["received_at"], name="incident_received_at"),
            models.Index(
                fields=["next_alert_at"],
                name="incident_next_alert_due",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(
                fields=["status", "response_due_at"],
                name="incident_open_due",
                condition=Q(status="open"),
            ),
        ]

    def __str__(self):
        return self.reference


class Person(models.Model):
    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        SUSPECT = "suspect", "Suspect"
        CALLER = "caller", "Caller"
        OTHER = "other", "Other"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    dob = models.DateField(null=True, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OTHER)


class NarrativeEntry(AppendOnlyModel):
    """The narrative is append-only: nothing is edited or deleted."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="narrative")
    at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]


class ClosingCode(models.TextChoices):
    ATTENDED_RESOLVED = "attended_resolved", "Attended, resolved"
    CRIME_RECORDED = "crime_recorded", "Crime recorded"
    DOMESTIC_RECORDED = "domestic_recorded", "Domestic abuse incident recorded"
    NO_TRACE = "no_trace", "No trace"
    ADVICE_GIVEN = "advice_given", "Advice given"
    RESOLVED_BY_PHONE = "resolved_by_phone", "Resolved by phone"
    DUPLICATE = "duplicate", "Duplicate of another incident"
    TRANSFERRED = "transferred", "Transferred to another agency"
    OTHER = "other", "Other"


class OpeningCode(models.Model):
    """The seeded list of opening codes; forces may add, relabel or retire them."""

    code = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=120)
    # The grade this kind of call starts from before any risk cue is weighed.
    base_grade = models.CharField(max_length=32, choices=Grade.choices)
    # Codes that are themselves a domestic abuse indicator raise the DA prompt.
    domestic = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self):
        return self.label

    @classmethod
    def label_of_incident(cls):
        """The label of an incident's opening code, for `.annotate()` on incidents."""
        return models.Subquery(
            cls.objects.filter(code=models.OuterRef("opening_code")).values("label")[:1]
        )

    @classmethod
    def label_for(cls, code: str) -> str:
        """What people read for a code: "Suspicious circumstances", not the slug."""
        return cls.objects.filter(code=code).values_list("label", flat=True).first() or code


class ReferenceCounter(models.Model):
    """Per-day counters behind references like CAD-20261122-0042 (see cad.calls.services)."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="reference_counter_prefix_day")
        ]


class FollowUp(models.Model):
    """A contact handed to a named owner, who must acknowledge it by the due time."""

    class Status(models.TextChoices):
        AWAITING = "awaiting_ack", "Awaiting acknowledgement"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        OVERDUE = "overdue", "Overdue: with the supervisor"
        REROUTED = "rerouted", "Owner absent: with the supervisor"
        DONE = "done", "Done"

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="follow_up")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AWAITING)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the follow-up reached the supervisor (overdue or owner absent).
    escalated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, default="")
    # Incremented when a supervisor hands it to a new owner: escalations are once per cycle.
    cycle = models.PositiveSmallIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                name="follow_up_awaiting_due",
                condition=Q(status="awaiting_ack"),
            ),
            models.Index(fields=["owner", "status"], name="follow_up_owner_status"),
        ]


class FollowUpEscalation(AppendOnlyModel):
    """One row per follow-up and reason: a second sweep or beat writes nothing twice."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", "Not acknowledged by the due time"
        OWNER_ABSENT = "owner_absent", "Owner marked absent"

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="escalations")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    cycle = models.PositiveSmallIntegerField(default=1)
    at = models.DateTimeField()
    # The owner at the time, kept because the follow-up's owner may change later.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "reason", "cycle"], name="follow_up_escalation_once"
            )
        ]


class UserAvailability(models.Model):
    """A period when a user is absent (leave, sickness); no end means until further notice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absences"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, default="")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "starts_at"], name="availability_user_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="availability_ends_after_start",
            )
        ]

    @classmethod
    def current(cls, now):
        """Absences in force at `now`: an absent officer is not offered or accepted as OIC."""
        return cls.objects.filter(starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class GradeChange(AppendOnlyModel):
    """Every grading decision with what the engine advised at the time, for supervisors."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="grade_changes")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    before = models.CharField(max_length=32, blank=True, default="")
    after = models.CharField(max_length=32, choices=Grade.choices)
    recommended_grade = models.CharField(max_length=32, blank=True, default="")
    grade_floor = models.CharField(max_length=32, blank=True, default="")
    below_floor = models.BooleanField(default=False)
    below_recommendation = models.BooleanField(default=False)
    rationale = models.TextField(blank=True, default="")
    domestic_abuse = models.BooleanField(null=True, blank=True)
    da_rationale = models.TextField(blank=True, default="")
    thrive = models.JSONField(default=dict, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
