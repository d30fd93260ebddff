"""Reads behind the DIVERT tag list, divert timelines, the urgent-review queue and the
standard (DARIS) reports.

Every figure is computed in PostgreSQL with aggregate queries (counts with FILTER,
`percentile_cont`, grouping sets, window functions) over the rows the services wrote
alongside their events; timelines read the event log itself. Nothing loops over rows in
Python. Each report returns raw values in `figures.Table`s, which pages, CSV and JSON
format alike.
"""

from __future__ import annotations

import operator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce, wraps

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cad.models import (
    GRADE_ORDER,
    Area,
    Channel,
    Contact,
    Event,
    FollowUp,
    FollowUpEscalation,
    GradeChange,
    Incident,
)
from dispatch.models import Divert, Escalation
from dispatch.models_qart import QartFinding, QartReview, UrgentReview
from reports import figures
from reports.figures import INT, MINUTES, MOMENT, PCT, Column, Period, Report, Series, Table
from schemes import rules as scheme_rules
from schemes.models import (
    DecisionKind,
    Informed,
    Scheme,
    SchemeDecision,
    SchemeStatus,
    SchemeTask,
)

# Grades with an attendance clock.
CLOCK_GRADES = ("IMMEDIATE", "PRIORITY", "SCHEDULED")
UNREVIEWED = "unreviewed"
QART_STATUSES = (UNREVIEWED, *QartFinding.values)
PENDING = "pending"
# The not-DA answers listed in full (most recent first); the summary counts them all.
NOT_DA_LIMIT = 1000


# --- SQL helpers --------------------------------------------------------------------------


class Percentile(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression), as a float."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class Seconds(Func):
    """Seconds from the second moment to the first (end - start), as a float."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))::double precision"
    arg_joiner = " - "
    output_field = FloatField()


def _now_value(now: datetime) -> Value:
    return Value(now, output_field=DateTimeField())


def _in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _below(grade_field: str, floor_field: str) -> Q:
    """The grade is less urgent than the floor (both columns hold grade codes)."""
    parts = [
        Q(**{floor_field: floor, f"{grade_field}__in": GRADE_ORDER[index + 1 :]})
        for index, floor in enumerate(GRADE_ORDER[:-1])
    ]
    return reduce(operator.or_, parts)


def _within_target(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}first_arrival_at__isnull": False,
            f"{prefix}first_arrival_at__lte": F(f"{prefix}response_due_at"),
        }
    )


def _missed_target(now: datetime, prefix: str = "") -> Q:
    """Attended late, or not attended and the deadline passed while it was open."""
    return Q(**{f"{prefix}first_arrival_at__gt": F(f"{prefix}response_due_at")}) | Q(
        **{
            f"{prefix}first_arrival_at__isnull": True,
            f"{prefix}response_due_at__lt": Coalesce(
                F(f"{prefix}closed_at"), _now_value(now), output_field=DateTimeField()
            ),
        }
    )


def _ratio(part, whole):
    return figures.percent(part, whole)


# --- the DIVERT tag list ------------------------------------------------------------------

DIVERT_ORDERINGS = {
    "created_at": ("created_at",),
    "unit": ("unit__callsign",),
    "status": ("status",),
    "decision": ("decision",),
    "from_grade": ("from_grade_rank",),
    "to_grade": ("to_grade_rank",),
    "dispatcher": ("dispatcher__username",),
    "controller": ("controller__username",),
    "time_to_review": ("time_to_review",),
    "time_to_replacement": ("time_to_replacement",),
    "qart_status": ("qart_status",),
    "original_within_target": ("original_within_target",),
}
DEFAULT_DIVERT_ORDERING = "-created_at"


def _grade_rank(field: str) -> Case:
    return Case(
        *[When(**{field: grade}, then=Value(index)) for index, grade in enumerate(GRADE_ORDER)],
        default=Value(len(GRADE_ORDER)),
        output_field=IntegerField(),
    )


def divert_rows(*, now: datetime) -> QuerySet:
    """Every divert with what the tag list shows, computed in SQL."""
    latest = QartReview.objects.filter(divert=OuterRef("pk")).order_by("-at", "-id")
    original = "from_incident__"
    return Divert.objects.select_related(
        "unit",
        "from_incident",
        "to_incident",
        "dispatcher",
        "controller",
        "replacement_unit",
        "replaced_by",
    ).annotate(
        time_to_review=ExpressionWrapper(
            F("reviewed_at") - F("created_at"), output_field=DurationField()
        ),
        time_to_replacement=ExpressionWrapper(
            F("replaced_at") - F("created_at"), output_field=DurationField()
        ),
        original_within_target=Case(
            When(_within_target(original), then=Value(True)),
            When(_missed_target(now, original), then=Value(False)),
            default=Value(None),
            output_field=BooleanField(null=True),
        ),
        qart_status=Coalesce(
            Subquery(latest.values("finding")[:1]), Value(UNREVIEWED), output_field=CharField()
        ),
        qart_reviewed_at=Subquery(latest.values("at")[:1]),
        qart_reviewer=Subquery(latest.values("reviewer__username")[:1]),
        review_minutes=ExpressionWrapper(
            Seconds(F("reviewed_at"), F("created_at")) / 60.0, output_field=FloatField()
        ),
        replacement_minutes=ExpressionWrapper(
            Seconds(F("replaced_at"), F("created_at")) / 60.0, output_field=FloatField()
        ),
        from_grade_rank=_grade_rank("from_grade"),
        to_grade_rank=_grade_rank("to_grade"),
    )


@dataclass(frozen=True)
class DivertFilters:
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    qart_statuses: tuple[str, ...] = ()
    unit: str = ""
    user: str = ""
    incident: str = ""
    ordering: str = DEFAULT_DIVERT_ORDERING


def _values(raw: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())


def divert_filters_from(params, *, tz) -> DivertFilters:
    """Read the list's query parameters; InvalidInput-style errors as PeriodError."""
    errors: dict[str, list[str]] = {}
    try:
        start, end = figures.parse_range(params.get("from"), params.get("to"), tz=tz)
    except figures.PeriodError as error:
        errors.update(error.errors)
        start = end = None
    statuses = _values(params.get("status"))
    bad = sorted(set(statuses) - set(Divert.Status.values))
    if bad:
        errors["status"] = [f"Status must be among: {', '.join(Divert.Status.values)}."]
    decisions = _values(params.get("decision"))
    if set(decisions) - {*Divert.Decision.values, PENDING}:
        errors["decision"] = [f"Decision must be among: approve, override, {PENDING}."]
    qart_statuses = _values(params.get("qart_status"))
    if set(qart_statuses) - set(QART_STATUSES):
        errors["qart_status"] = [f"QART status must be among: {', '.join(QART_STATUSES)}."]
    ordering = (params.get("ordering") or DEFAULT_DIVERT_ORDERING).strip()
    if ordering.lstrip("-") not in DIVERT_ORDERINGS:
        errors["ordering"] = [
            f"Sort by one of: {', '.join(sorted(DIVERT_ORDERINGS))} (prefix - for descending)."
        ]
    if errors:
        raise figures.PeriodError(errors)
    return DivertFilters(
        start=start,
        end=end,
        statuses=statuses,
        decisions=decisions,
        qart_statuses=qart_statuses,
        unit=(params.get("unit") or "").strip(),
        user=(params.get("user") or "").strip(),
        incident=(params.get("incident") or "").strip(),
        ordering=ordering,
    )


def divert_list(filters: DivertFilters, *, now: datetime) -> QuerySet:
    rows = divert_rows(now=now)
    if filters.start is not None:
        rows = rows.filter(created_at__gte=filters.start)
    if filters.end is not None:
        rows = rows.filter(created_at__lt=filters.end)
    if filters.statuses:
        rows = rows.filter(status__in=filters.statuses)
    if filters.decisions:
        decided = [d for d in filters.decisions if d != PENDING]
        condition = Q(decision__in=decided)
        if PENDING in filters.decisions:
            condition |= Q(decision="")
        rows = rows.filter(condition)
    if filters.qart_statuses:
        rows = rows.filter(qart_status__in=filters.qart_statuses)
    if filters.unit:
        rows = rows.filter(
            Q(unit__callsign__iexact=filters.unit)
            | Q(replacement_unit__callsign__iexact=filters.unit)
        )
    if filters.user:
        rows = rows.filter(
            Q(dispatcher__username__iexact=filters.user)
            | Q(controller__username__iexact=filters.user)
            | Q(replaced_by__username__iexact=filters.user)
        )
    if filters.incident:
        rows = rows.filter(
            Q(from_incident__reference__iexact=filters.incident)
            | Q(to_incident__reference__iexact=filters.incident)
        )
    descending = filters.ordering.startswith("-")
    keys = DIVERT_ORDERINGS[filters.ordering.lstrip("-")]
    order = [
        F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True) for key in keys
    ]
    order.append(F("id").desc() if descending else F("id").asc())
    return rows.order_by(*order)


def divert_get(divert_id: int, *, now: datetime) -> Divert:
    return divert_rows(now=now).get(pk=divert_id)


def divert_timeline(divert: Divert) -> QuerySet:
    """Every event about the divert and both of its incidents, in the order they happened."""
    return (
        Event.objects.filter(
            Q(divert_id=divert.pk)
            | Q(incident_id__in=[divert.from_incident_id, divert.to_incident_id])
        )
        .select_related("actor", "incident")
        .order_by("at", "id")
    )


def divert_qart_reviews(divert: Divert) -> QuerySet:
    return QartReview.objects.filter(divert=divert).select_related("reviewer").order_by("at", "id")


def urgent_review_queue() -> QuerySet:
    """Open urgent reviews, oldest first, with the divert they are about."""
    return (
        UrgentReview.objects.filter(closed_at__isnull=True)
        .select_related(
            "divert__unit",
            "divert__from_incident",
            "divert__to_incident",
            "divert__dispatcher",
            "divert__controller",
            "opened_by",
            "opening_review",
        )
        .order_by("opened_at", "id")
    )


# --- response times -----------------------------------------------------------------------

# Compliance by grade and area, and in total (GROUPING SETS), in one pass over the
# incidents and one over their assignments. Unresourced: each clock window (the call to
# the first arrival, or the close, or now) minus the union of the incident's assignments
# clipped to it; the union is measured by walking each incident's assignments in start
# order and counting only what reaches past the furthest end seen so far.
RESPONSE_SQL = """
WITH clock AS (
    SELECT i.id, i.grade, i.area, i.received_at AS start, i.response_due_at AS due,
           i.first_arrival_at AS arrival, i.closed_at,
           LEAST(COALESCE(i.first_arrival_at, i.closed_at, %(now)s), %(now)s) AS stop
    FROM cad_incident i
    WHERE i.received_at >= %(start)s AND i.received_at < %(end)s
      AND i.grade = ANY(%(grades)s) AND i.response_due_at IS NOT NULL
), spans AS (
    SELECT c.id, GREATEST(a.assigned_at, c.start) AS span_start,
           LEAST(COALESCE(a.ended_at, c.stop), c.stop) AS span_end
    FROM clock c JOIN dispatch_assignment a ON a.incident_id = c.id
), reach AS (
    SELECT id, span_start, span_end,
           MAX(span_end) OVER (
               PARTITION BY id ORDER BY span_start, span_end
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS reached
    FROM spans WHERE span_start < span_end
), covered AS (
    SELECT id, SUM(GREATEST(0, EXTRACT(EPOCH FROM
               span_end - GREATEST(span_start, COALESCE(reached, span_start))))) AS seconds
    FROM reach GROUP BY id
)
SELECT c.grade, c.area, GROUPING(c.grade, c.area) AS rollup,
       COUNT(*) AS incidents,
       COUNT(c.arrival) AS attended,
       COUNT(*) FILTER (WHERE c.arrival <= c.due) AS within_target,
       COUNT(*) FILTER (
           WHERE c.arrival > c.due
              OR (c.arrival IS NULL AND c.due < COALESCE(c.closed_at, %(now)s))
       ) AS breaches,
       COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM dispatch_escalation e
           WHERE e.incident_id = c.id AND e.level = %(predicted)s
       )) AS predicted_breaches,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM c.arrival - c.start))
           FILTER (WHERE c.arrival IS NOT NULL) AS median_seconds,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM c.arrival - c.start))
           FILTER (WHERE c.arrival IS NOT NULL) AS p90_seconds,
       SUM(GREATEST(0, EXTRACT(EPOCH FROM c.stop - c.start) - COALESCE(v.seconds, 0)))
           AS unresourced_seconds
FROM clock c LEFT JOIN covered v ON v.id = c.id
GROUP BY GROUPING SETS ((c.grade, c.area), ())
"""
RESPONSE_FIELDS = (
    "grade",
    "area",
    "rollup",
    "incidents",
    "attended",
    "within_target",
    "breaches",
    "predicted_breaches",
    "median_seconds",
    "p90_seconds",
    "unresourced_seconds",
)


def response_time_figures(period: Period, *, now: datetime) -> tuple[dict, dict]:
    """({(grade, area): figures}, total figures) for incidents received in the period."""
    params = {
        "now": now,
        "start": period.start,
        "end": period.end,
        "grades": list(CLOCK_GRADES),
        "predicted": Escalation.Level.PREDICTED_BREACH,
    }
    with connection.cursor() as cursor:
        cursor.execute(RESPONSE_SQL, params)
        rows = [dict(zip(RESPONSE_FIELDS, values)) for values in cursor.fetchall()]
    for row in rows:
        for key in ("median_seconds", "p90_seconds", "unresourced_seconds"):
            row[key] = float(row[key]) if row[key] is not None else None
    grouped = {(row["grade"], row["area"]): row for row in rows if not row["rollup"]}
    total = next(
        (row for row in rows if row["rollup"]),
        dict.fromkeys(RESPONSE_FIELDS, 0) | {"median_seconds": None, "p90_seconds": None},
    )
    return grouped, total


@contextmanager
def no_jit():
    """Report queries are short: compiling them (PostgreSQL's JIT) costs more than it
    saves; and their sorts and hashes should fit in memory rather than spill to disk."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '32MB'")
        yield


def analytic(function):
    @wraps(function)
    def wrapper(*args, **kwargs):
        with no_jit():
            return function(*args, **kwargs)

    return wrapper


RESPONSE_COLUMNS = [
    Column("grade", "Grade"),
    Column("area", "Area"),
    Column("incidents", "Incidents", INT),
    Column("attended", "Attended", INT),
    Column("within_target", "Within target", INT),
    Column("breaches", "Breaches", INT),
    # Alerted ahead: no available unit could reach the incident before its deadline.
    Column("predicted_breaches", "Breaches predicted", INT),
    Column("percent_within_target", "% within target", PCT),
    Column("median_minutes", "Median to arrival (min)", MINUTES),
    Column("p90_minutes", "90th percentile to arrival (min)", MINUTES),
    Column("unresourced_minutes", "Unresourced (min)", MINUTES),
]


def _response_row(values: dict) -> dict:
    row = dict(values)
    row["percent_within_target"] = _ratio(
        row["within_target"], row["within_target"] + row["breaches"]
    )
    row["median_minutes"] = figures.minutes(row["median_seconds"])
    row["p90_minutes"] = figures.minutes(row["p90_seconds"])
    row["unresourced_minutes"] = figures.minutes(row.get("unresourced_seconds") or 0.0)
    return row


@analytic
def response_time_report(period: Period, *, now: datetime) -> Report:
    """Compliance by grade and area for incidents received in the period.

    Within target: first arrival by the deadline. Breach: arrival after it, or no arrival
    and the deadline passed while the incident was open. % within target is over the
    incidents whose outcome is known (within + breaches). Times run from the call.
    """
    grouped, total_values = response_time_figures(period, now=now)
    area_labels = dict(Area.choices)
    rows = []
    for grade in CLOCK_GRADES:
        for area in Area.values:
            values = grouped.get((grade, area))
            if values is None:
                continue
            row = _response_row(values)
            row["area"] = area_labels[area]
            rows.append(row)
    total = _response_row(total_values)
    total.update(grade="All", area="All")
    table = Table(
        key="response_times",
        title="Response-time compliance by grade and area",
        columns=RESPONSE_COLUMNS,
        rows=rows,
        total=total,
        note=(
            "Times run from the call. % within target is over incidents attended or past "
            "their deadline. Unresourced: minutes with no unit before the first arrival."
        ),
    )
    chart = figures.bar_chart(
        title="% within target",
        categories=[f"{row['grade']} {row['area']}" for row in rows] + ["All"],
        series=[
            Series(
                "% within target",
                [row["percent_within_target"] for row in rows] + [total["percent_within_target"]],
            )
        ],
        unit="%",
        max_value=100,
        chart_id="response-times-chart",
    )
    return Report(
        key="response-times",
        title="Response times",
        description="Response-time compliance by grade and area.",
        period=period,
        tables=[table],
        chart=chart,
    )


# --- diverts ------------------------------------------------------------------------------

DIVERT_COLUMNS = [
    Column("from_grade", "Original grade"),
    Column("diverts", "Diverts", INT),
    Column("approved", "Approved", INT),
    Column("overridden", "Overridden", INT),
    Column("awaiting_review", "Awaiting review", INT),
    Column("percent_overridden", "% overridden", PCT),
    Column("median_review_minutes", "Median to review (min)", MINUTES),
    Column("replaced", "Replaced", INT),
    Column("median_replacement_minutes", "Median to replacement (min)", MINUTES),
    Column("original_within_target", "Original attended within target", INT),
    Column("original_missed_target", "Original missed target", INT),
    Column("percent_original_within_target", "% original within target", PCT),
]


def _divert_aggregates(now: datetime) -> dict:
    reviewed = Q(reviewed_at__isnull=False)
    replaced = Q(replaced_at__isnull=False)
    return {
        "diverts": Count("id"),
        "approved": Count("id", filter=Q(decision=Divert.Decision.APPROVE)),
        "overridden": Count("id", filter=Q(decision=Divert.Decision.OVERRIDE)),
        "awaiting_review": Count("id", filter=Q(reviewed_at__isnull=True)),
        "median_review_seconds": Percentile(
            Seconds(F("reviewed_at"), F("created_at")), 0.5, filter=reviewed
        ),
        "replaced": Count("id", filter=replaced),
        "median_replacement_seconds": Percentile(
            Seconds(F("replaced_at"), F("created_at")), 0.5, filter=replaced
        ),
        "original_within_target": Count("id", filter=_within_target("from_incident__")),
        "original_missed_target": Count("id", filter=_missed_target(now, "from_incident__")),
    }


def _divert_row(values: dict) -> dict:
    row = dict(values)
    row["percent_overridden"] = _ratio(row["overridden"], row["approved"] + row["overridden"])
    row["median_review_minutes"] = figures.minutes(row["median_review_seconds"])
    row["median_replacement_minutes"] = figures.minutes(row["median_replacement_seconds"])
    row["percent_original_within_target"] = _ratio(
        row["original_within_target"],
        row["original_within_target"] + row["original_missed_target"],
    )
    return row


@analytic
def divert_report(period: Period, *, now: datetime) -> Report:
    """Diverts made in the period, by the original incident's grade at the divert.

    Times to review and to replacement run from the divert.
    """
    diverts = Divert.objects.filter(_in_period("created_at", period))
    grouped = {
        row["from_grade"]: row
        for row in diverts.values("from_grade").annotate(**_divert_aggregates(now)).order_by()
    }
    rows = []
    for grade in [*GRADE_ORDER, ""]:
        if grade in grouped:
            row = _divert_row(grouped[grade])
            row["from_grade"] = grade or "Ungraded"
            rows.append(row)
    total = _divert_row(diverts.aggregate(**_divert_aggregates(now)))
    total["from_grade"] = "All"
    table = Table(
        key="diverts",
        title="Diverts by the original incident's grade",
        columns=DIVERT_COLUMNS,
        rows=rows,
        total=total,
        note=(
            "Times run from the divert. % overridden is over reviewed diverts; "
            "% original within target over originals attended or past their deadline."
        ),
    )
    categories = [row["from_grade"] for row in rows] + ["All"]
    chart = figures.bar_chart(
        title="Controller decisions",
        categories=categories,
        series=[
            Series("Approved", [row["approved"] for row in rows] + [total["approved"]]),
            Series(
                "Overridden",
                [row["overridden"] for row in rows] + [total["overridden"]],
                figures.SERIES_FILLS[1],
            ),
        ],
        chart_id="diverts-chart",
    )
    return Report(
        key="diverts",
        title="Diverts",
        description="Diverts, controller decisions, times to review and to replacement.",
        period=period,
        tables=[table],
        chart=chart,
    )


# --- contacts and follow-ups --------------------------------------------------------------

CONTACT_COLUMNS = [
    Column("channel", "Channel"),
    Column("contacts", "Contacts", INT),
    Column("incidents", "Became incidents", INT),
    Column("follow_ups", "Follow-ups", INT),
    Column("acknowledged", "Acknowledged", INT),
    Column("acknowledged_on_time", "Acknowledged on time", INT),
    Column("percent_on_time", "% acknowledged on time", PCT),
    Column("escalated_overdue", "Escalated: not acknowledged in time", INT),
    Column("escalated_owner_absent", "Escalated: owner absent", INT),
    Column("median_ack_minutes", "Median to acknowledge (min)", MINUTES),
]


def _contact_aggregates(now: datetime) -> dict:
    acknowledged = Q(follow_up__acknowledged_at__isnull=False)
    return {
        "contacts": Count("id"),
        "incidents": Count("id", filter=Q(incident__isnull=False)),
        "follow_ups": Count("follow_up"),
        "acknowledged": Count("follow_up", filter=acknowledged),
        "acknowledged_on_time": Count(
            "follow_up", filter=Q(follow_up__acknowledged_at__lte=F("follow_up__due_at"))
        ),
        # Follow-ups whose outcome is known: acknowledged, or their due time has passed.
        "decided": Count("follow_up", filter=acknowledged | Q(follow_up__due_at__lte=now)),
        "median_ack_seconds": Percentile(
            Seconds(F("follow_up__acknowledged_at"), F("follow_up__assigned_at")),
            0.5,
            filter=acknowledged,
        ),
    }


def _escalations_by_channel(period: Period) -> dict[str, dict]:
    """Follow-ups escalated (once per follow-up and reason), by their contact's channel."""
    reason = FollowUpEscalation.Reason
    return {
        row.pop("follow_up__contact__channel"): row
        for row in FollowUpEscalation.objects.filter(
            _in_period("follow_up__contact__received_at", period)
        )
        .values("follow_up__contact__channel")
        .annotate(
            escalated_overdue=Count("follow_up", distinct=True, filter=Q(reason=reason.OVERDUE)),
            escalated_owner_absent=Count(
                "follow_up", distinct=True, filter=Q(reason=reason.OWNER_ABSENT)
            ),
        )
        .order_by()
    }


NO_ESCALATIONS = {"escalated_overdue": 0, "escalated_owner_absent": 0}


def _contact_row(values: dict) -> dict:
    row = dict(values)
    row["percent_on_time"] = _ratio(row["acknowledged_on_time"], row["decided"])
    row["median_ack_minutes"] = figures.minutes(row["median_ack_seconds"])
    return row


@analytic
def contact_report(period: Period, *, now: datetime) -> Report:
    """Contacts received in the period by channel, and how their follow-ups were handled.

    On time: acknowledged by the due time; the % is over follow-ups acknowledged or due.
    """
    contacts = Contact.objects.filter(_in_period("received_at", period))
    escalations = _escalations_by_channel(period)
    grouped = {
        row["channel"]: {**row, **escalations.get(row["channel"], NO_ESCALATIONS)}
        for row in contacts.values("channel").annotate(**_contact_aggregates(now)).order_by()
    }
    labels = dict(Channel.choices)
    rows = []
    for channel in Channel.values:
        if channel in grouped:
            row = _contact_row(grouped[channel])
            row["channel"] = labels[channel]
            rows.append(row)
    # Every contact is in exactly one channel: the total's counts are the rows' sums; only
    # the median needs its own pass (over the acknowledged follow-ups).
    counts = [*_contact_aggregates(now), *NO_ESCALATIONS]
    counts.remove("median_ack_seconds")
    total = _contact_row(
        {
            **{key: sum(row[key] for row in grouped.values()) for key in counts},
            **FollowUp.objects.filter(
                _in_period("contact__received_at", period), acknowledged_at__isnull=False
            ).aggregate(
                median_ack_seconds=Percentile(Seconds(F("acknowledged_at"), F("assigned_at")), 0.5)
            ),
        }
    )
    total["channel"] = "All"
    table = Table(
        key="contacts",
        title="Contacts and follow-ups by channel",
        columns=CONTACT_COLUMNS,
        rows=rows,
        total=total,
        note="% acknowledged on time is over follow-ups acknowledged or past their due time.",
    )
    chart = figures.bar_chart(
        title="% follow-ups acknowledged on time",
        categories=[row["channel"] for row in rows] + ["All"],
        series=[
            Series(
                "% acknowledged on time",
                [row["percent_on_time"] for row in rows] + [total["percent_on_time"]],
            )
        ],
        unit="%",
        max_value=100,
        chart_id="contacts-chart",
    )
    return Report(
        key="contacts",
        title="Contacts and follow-ups",
        description="Contact-handling demand by channel and follow-up acknowledgement.",
        period=period,
        tables=[table],
        chart=chart,
    )


# --- schemes ------------------------------------------------------------------------------

SCHEME_COLUMNS = [
    Column("measure", "Measure"),
    Column("count", "Count", INT),
    Column("out_of", "Out of", INT),
    Column("percent", "%", PCT),
]


def _measure(measure: str, count: int, out_of: int | None = None) -> dict:
    return {
        "measure": measure,
        "count": count,
        "out_of": out_of,
        "percent": _ratio(count, out_of) if out_of is not None else None,
    }


@analytic
def scheme_report(period: Period, *, now: datetime) -> Report:
    """Special schemes: telling victims, reviews on time, escalations, overdue decisions.

    Victims informed: of schemes started in the period. A first-stage review falling due
    in the period is on time when its cycle's decision (extend, withdraw or let it end)
    came before any second-stage escalation; the % is over reviews decided or escalated.
    """
    inform_days = getattr(settings, "CAD_SCHEME_INFORM_DAYS", 7)
    started = Scheme.objects.filter(_in_period("starts_at", period)).aggregate(
        started=Count("id"),
        told=Count("id", filter=Q(informed=Informed.INFORMED)),
        told_in_time=Count(
            "id",
            filter=Q(
                informed=Informed.INFORMED,
                informed_at__lte=F("starts_at") + timedelta(days=inform_days),
            ),
        ),
        unsafe=Count("id", filter=Q(informed=Informed.UNSAFE)),
        not_told=Count("id", filter=Q(informed=Informed.NOT_YET)),
    )
    same_cycle = {"scheme": OuterRef("scheme"), "cycle": OuterRef("cycle")}
    decided = Exists(
        SchemeDecision.objects.filter(
            **same_cycle,
            kind__in=[DecisionKind.EXTEND, DecisionKind.WITHDRAW, DecisionKind.EXPIRE],
        )
    )
    escalated = Exists(SchemeTask.objects.filter(**same_cycle, stage=scheme_rules.STAGE_SECOND))
    reviews = SchemeTask.objects.filter(
        _in_period("due_at", period), stage=scheme_rules.STAGE_FIRST
    ).aggregate(
        due=Count("id"),
        on_time=Count("id", filter=Q(decided) & ~Q(escalated)),
        escalated=Count("id", filter=Q(escalated)),
    )
    tasks = SchemeTask.objects.filter(_in_period("created_at", period)).aggregate(
        second_stage=Count("id", filter=Q(stage=scheme_rules.STAGE_SECOND)),
        overdue_schemes=Count("scheme", filter=Q(stage=scheme_rules.STAGE_OVERDUE), distinct=True),
    )
    overdue_now = Scheme.objects.filter(
        ~Q(status=SchemeStatus.ENDED), ends_at__lte=now, expiry_decided_at__isnull=True
    ).count()
    rows = [
        _measure("Schemes started", started["started"]),
        _measure("Victim informed", started["told"], started["started"]),
        _measure(
            f"Victim informed within {inform_days} days",
            started["told_in_time"],
            started["started"],
        ),
        _measure("Unsafe to contact (recorded)", started["unsafe"], started["started"]),
        _measure("Victim not yet informed", started["not_told"], started["started"]),
        _measure("First-stage reviews due", reviews["due"]),
        _measure(
            "Reviews decided on time",
            reviews["on_time"],
            reviews["on_time"] + reviews["escalated"],
        ),
        _measure("Second-stage escalations", tasks["second_stage"]),
        _measure("Overdue decisions (schemes past their planned end)", tasks["overdue_schemes"]),
        _measure("Past their planned end without a decision now", overdue_now),
    ]
    table = Table(
        key="schemes",
        title="Special schemes",
        columns=SCHEME_COLUMNS,
        rows=rows,
        note=(
            "Victims: schemes started in the period. Reviews: first-stage reviews due in the "
            "period, on time when decided before the second stage. Escalations and overdue "
            "decisions: written in the period."
        ),
    )
    with_percent = [row for row in rows if row["percent"] is not None]
    chart = figures.bar_chart(
        title="Special schemes (%)",
        categories=[row["measure"] for row in with_percent],
        series=[Series("%", [row["percent"] for row in with_percent])],
        unit="%",
        max_value=100,
        chart_id="schemes-chart",
    )
    return Report(
        key="schemes",
        title="Special schemes",
        description="Victims informed, reviews on time, second-stage escalations, overdue "
        "decisions.",
        period=period,
        tables=[table],
        chart=chart,
    )


# --- grading ------------------------------------------------------------------------------

GRADING_COLUMNS = [
    Column("recommended_grade", "Recommended grade"),
    Column("graded", "Incidents graded", INT),
    Column("below_recommendation", "Graded below recommendation", INT),
    Column("percent_below_recommendation", "% below recommendation", PCT),
    Column("below_floor", "Below the floor (with rationale)", INT),
    Column("da_prompts", "DA prompts", INT),
    Column("answered_da", "Answered DA", INT),
    Column("answered_not_da", "Answered not DA", INT),
    Column("unanswered", "DA prompt unanswered", INT),
]
NOT_DA_COLUMNS = [
    Column("reference", "Incident"),
    Column("received_at", "Received", MOMENT),
    Column("grade", "Grade"),
    Column("recommended_grade", "Recommended"),
    Column("answered_by", "Answered by"),
    Column("answered_at", "Answered", MOMENT),
    Column("reason", "Reason given: not domestic abuse"),
]
NOT_DA = Q(da_prompt=True) & ~Q(domestic_abuse=True) & ~Q(da_rationale="")


def _grading_aggregates() -> dict:
    prompted = Q(da_prompt=True)
    return {
        "graded": Count("id"),
        "below_recommendation": Count("id", filter=Q(below_recommendation=True)),
        "below_floor": Count("id", filter=_below("grade", "grade_floor")),
        "da_prompts": Count("id", filter=prompted),
        "answered_da": Count("id", filter=prompted & Q(domestic_abuse=True)),
        "answered_not_da": Count("id", filter=NOT_DA),
        "unanswered": Count("id", filter=prompted & ~Q(domestic_abuse=True) & Q(da_rationale="")),
    }


def _grading_row(values: dict) -> dict:
    row = dict(values)
    row["percent_below_recommendation"] = _ratio(row["below_recommendation"], row["graded"])
    return row


@analytic
def grading_report(period: Period, *, now: datetime) -> Report:
    """Incidents received in the period and graded: grades below the engine's
    recommendation and below the floor, and how DA prompts were answered (with the
    reasons given for "not domestic abuse")."""
    graded = Incident.objects.filter(_in_period("received_at", period), grade__isnull=False)
    grouped = {
        row["recommended_grade"]: row
        for row in graded.values("recommended_grade").annotate(**_grading_aggregates()).order_by()
    }
    rows = []
    for grade in [*GRADE_ORDER, ""]:
        if grade in grouped:
            row = _grading_row(grouped[grade])
            row["recommended_grade"] = grade or "None"
            rows.append(row)
    # Each incident has one recommended grade: the total is the sum of the rows.
    total = _grading_row(
        {key: sum(row[key] for row in grouped.values()) for key in _grading_aggregates()}
    )
    total["recommended_grade"] = "All"
    summary = Table(
        key="grading",
        title="Grading against the recommendation, and DA prompts",
        columns=GRADING_COLUMNS,
        rows=rows,
        total=total,
        note="Current grades of incidents received in the period and graded.",
    )
    answer = GradeChange.objects.filter(incident=OuterRef("pk")).exclude(da_rationale="")
    answer = answer.order_by("-at", "-id")
    answers = list(
        graded.filter(NOT_DA)
        .annotate(
            answered_by=Subquery(answer.values("actor__username")[:1]),
            answered_at=Subquery(answer.values("at")[:1]),
            reason=F("da_rationale"),
        )
        .order_by("-received_at", "-id")
        .values(
            "reference",
            "received_at",
            "grade",
            "recommended_grade",
            "answered_by",
            "answered_at",
            "reason",
        )[:NOT_DA_LIMIT]
    )
    shown = len(answers)
    not_da = Table(
        key="not_da",
        title="DA prompts answered not domestic abuse, with the reasons given",
        columns=NOT_DA_COLUMNS,
        rows=answers,
        note=(
            f"The {shown} most recent of {total['answered_not_da']}."
            if total["answered_not_da"] > shown
            else ""
        ),
    )
    chart = figures.bar_chart(
        title="Graded below the recommendation, and DA prompts answered not DA",
        categories=[row["recommended_grade"] for row in rows] + ["All"],
        series=[
            Series(
                "Below recommendation",
                [row["below_recommendation"] for row in rows] + [total["below_recommendation"]],
            ),
            Series(
                "Answered not DA",
                [row["answered_not_da"] for row in rows] + [total["answered_not_da"]],
                figures.SERIES_FILLS[1],
            ),
        ],
        chart_id="grading-chart",
    )
    return Report(
        key="grading",
        title="Grading",
        description="Downgrades below the recommendation and DA prompts answered not DA.",
        period=period,
        tables=[summary, not_da],
        chart=chart,
    )


REPORTS = {
    "response-times": response_time_report,
    "diverts": divert_report,
    "contacts": contact_report,
    "schemes": scheme_report,
    "grading": grading_report,
}
REPORT_TITLES = {
    "response-times": "Response times",
    "diverts": "Diverts",
    "contacts": "Contacts and follow-ups",
    "schemes": "Special schemes",
    "grading": "Grading",
}


def report(key: str, period: Period, *, now: datetime) -> Report:
    return REPORTS[key](period, now=now)
