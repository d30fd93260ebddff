"""Integration API of the dispatch app (DRF): units, assignments, diverts, boards.

Serializers only check shapes; every rule lives in `dispatch.services`.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.kernel.api_helpers import parsed, run_service
from cad.kernel.errors import RoleRefused
from cad.kernel.policy import allows
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import record_refusal
from cad.kernel.schema import NarrativeEntryOut, PersonOut, RiskFlagOut
from cad.models import Area, Grade, Incident
from dispatch import clocks, selectors, services
from dispatch.models import Assignment, Divert, Unit, VictimCallback


class UnitPositionOut(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    at = serializers.DateTimeField()
    stale = serializers.BooleanField(help_text="No report for longer than the feed allows.")


class UnitRowSerializer(serializers.Serializer):
    callsign = serializers.CharField()
    status = serializers.ChoiceField(choices=Unit.Status.choices)
    incident = serializers.IntegerField(allow_null=True)
    reference = serializers.CharField(allow_null=True)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    area = serializers.ChoiceField(choices=Area.values)
    available = serializers.BooleanField()
    status_changed_at = serializers.DateTimeField(allow_null=True)
    position = UnitPositionOut(allow_null=True, help_text="The last known position, if any.")


UnitRow = UnitRowSerializer()
UnitRows = UnitRowSerializer(many=True)
AssignmentOut = inline_serializer(
    "AssignmentRecord",
    {
        "id": serializers.IntegerField(),
        "unit": serializers.CharField(),
        "incident": serializers.IntegerField(),
        "reference": serializers.CharField(),
        "status": serializers.CharField(),
        "reason": serializers.CharField(),
        "assigned_at": serializers.DateTimeField(),
        "acknowledged_at": serializers.DateTimeField(allow_null=True),
        "ack_due_at": serializers.DateTimeField(allow_null=True),
        "circulated_at": serializers.DateTimeField(),
        "circulated_entries": serializers.IntegerField(
            help_text="How many narrative lines the unit was sent."
        ),
    },
)
CirculatedIncidentOut = inline_serializer(
    "CirculatedIncident",
    {
        "id": serializers.IntegerField(),
        "reference": serializers.CharField(),
        "status": serializers.ChoiceField(choices=Incident.Status.choices),
        "grade": serializers.ChoiceField(choices=Grade.choices, allow_null=True),
        "opening_code": serializers.CharField(allow_blank=True),
        "opening_code_label": serializers.CharField(allow_blank=True),
        "address": serializers.CharField(allow_blank=True),
        "postcode": serializers.CharField(allow_blank=True),
        "caller_name": serializers.CharField(allow_blank=True),
        "caller_phone": serializers.CharField(allow_blank=True),
        "received_at": serializers.DateTimeField(),
        "response_due_at": serializers.DateTimeField(allow_null=True),
        "warning_at": serializers.DateTimeField(allow_null=True),
        "clock_state": serializers.CharField(),
        "domestic_abuse": serializers.BooleanField(allow_null=True),
        "risk_flags": RiskFlagOut(many=True),
        "tags": serializers.ListField(child=serializers.CharField()),
        "narrative": NarrativeEntryOut(many=True),
        "persons": PersonOut(many=True),
    },
)
DivertOut = inline_serializer(
    "DivertRecord",
    {
        "id": serializers.IntegerField(),
        "unit": serializers.CharField(),
        "from_incident": serializers.IntegerField(),
        "from_reference": serializers.CharField(),
        "to_incident": serializers.IntegerField(),
        "to_reference": serializers.CharField(),
        "status": serializers.ChoiceField(choices=Divert.Status.choices),
        "reason": serializers.CharField(allow_blank=True),
        "dispatcher": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "review_due_at": serializers.DateTimeField(),
        "decision": serializers.ChoiceField(choices=Divert.Decision.choices, allow_null=True),
        "rationale": serializers.CharField(allow_blank=True),
        "controller": serializers.CharField(allow_null=True),
        "reviewed_at": serializers.DateTimeField(allow_null=True),
        "replacement_due_at": serializers.DateTimeField(allow_null=True),
        "replacement_unit": serializers.CharField(allow_null=True),
        "replaced_by": serializers.CharField(allow_null=True),
        "replaced_at": serializers.DateTimeField(allow_null=True),
        "challenge_referred_to": serializers.CharField(allow_null=True),
        "challenge_referred_at": serializers.DateTimeField(allow_null=True),
        "challenge_resolved_at": serializers.DateTimeField(allow_null=True),
    },
)


class UnitCreateSerializer(serializers.Serializer):
    callsign = serializers.CharField(max_length=32)
    area = serializers.ChoiceField(choices=Area.values, default=Area.URBAN)


class UnitListCreateView(APIView):
    """Units with their status and current incident; admins add units."""

    roles_by_method = {"GET": policy_roles("unit.list"), "POST": policy_roles("unit.create")}

    @extend_schema(responses=UnitRows)
    def get(self, request):
        return Response(selectors.units_list())

    @extend_schema(request=UnitCreateSerializer, responses={201: UnitRow})
    def post(self, request):
        data = parsed(UnitCreateSerializer, request)
        unit = run_service(
            request,
            lambda: services.unit_create(
                actor=request.user, callsign=data["callsign"], area=data["area"]
            ),
        )
        return Response(selectors.unit_row(unit), status=status.HTTP_201_CREATED)


class UnitStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Unit.Status.choices)


class UnitStatusView(APIView):
    """A unit's terminal (its own unit only) or a dispatcher sets the unit's status."""

    roles = policy_roles("unit.set_status")
    conflicts = True

    @extend_schema(request=UnitStatusSerializer, responses=UnitRow)
    def post(self, request, callsign):
        unit = get_object_or_404(Unit, callsign=callsign.upper())
        data = parsed(UnitStatusSerializer, request)
        unit = run_service(
            request,
            lambda: services.unit_status_set(actor=request.user, unit=unit, status=data["status"]),
        )
        return Response(selectors.unit_row(unit))  # the unit and incident as committed


class UnitMessageSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(services.UNIT_MESSAGES))
    text = serializers.CharField(max_length=services.UNIT_MESSAGE_MAX)


class UnitMessageOut(serializers.Serializer):
    callsign = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()
    incident = serializers.IntegerField(allow_null=True)
    reference = serializers.CharField(allow_null=True)
    assignment = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    at = serializers.DateTimeField()


class UnitMessageView(APIView):
    """The unit's own terminal tells control it cannot attend, or sends a message: the
    dispatchers and supervisors are alerted at once."""

    roles = policy_roles("unit.message")
    conflicts = True

    @extend_schema(request=UnitMessageSerializer, responses={201: UnitMessageOut})
    def post(self, request, callsign):
        unit = get_object_or_404(Unit, callsign=callsign.upper())
        data = parsed(UnitMessageSerializer, request)
        sent = run_service(
            request,
            lambda: services.unit_message(
                actor=request.user, unit=unit, kind=data["kind"], text=data["text"]
            ),
        )
        return Response(sent, status=status.HTTP_201_CREATED)


class VictimCallbackOut(serializers.Serializer):
    id = serializers.IntegerField()
    incident = serializers.IntegerField()
    reference = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    raised_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)


class VictimCallbackRecordSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=services.OUTCOME_MAX)


class VictimCallbackListView(APIView):
    """Victims of domestic abuse to call back (their incident lost its unit, warned or
    breached with no unit at scene), the overdue first."""

    roles = policy_roles("victim_callback.record")

    @extend_schema(responses=VictimCallbackOut(many=True))
    def get(self, request):
        return Response(
            [selectors.victim_callback_representation(c) for c in selectors.open_victim_callbacks()]
        )


class VictimCallbackRecordView(APIView):
    """Record the call back: what she was told and how she is (409 when already recorded)."""

    roles = policy_roles("victim_callback.record")
    conflicts = True

    @extend_schema(request=VictimCallbackRecordSerializer, responses=VictimCallbackOut)
    def post(self, request, pk):
        get_object_or_404(VictimCallback, pk=pk)
        data = parsed(VictimCallbackRecordSerializer, request)
        callback = run_service(
            request,
            lambda: services.victim_callback_record(
                actor=request.user, callback_id=pk, outcome=data["outcome"]
            ),
        )
        return Response(selectors.victim_callback_representation(callback))


class AssignSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=32)


class IncidentAssignView(APIView):
    """Send a unit to an incident; 409 if it is committed to another open incident."""

    roles = policy_roles("unit.assign")
    conflicts = True

    @extend_schema(request=AssignSerializer, responses={201: AssignmentOut})
    def post(self, request, pk):
        incident = get_object_or_404(Incident, pk=pk)
        data = parsed(AssignSerializer, request)
        assignment = run_service(
            request,
            lambda: services.unit_assign(actor=request.user, incident=incident, unit=data["unit"]),
        )
        return Response(
            selectors.assignment_representation(assignment), status=status.HTTP_201_CREATED
        )


class AssignmentDetailView(APIView):
    """What the unit received: the assignment and the whole incident (every narrative line)."""

    roles = policy_roles("assignment.read")

    @extend_schema(
        responses=inline_serializer(
            "AssignmentCirculation",
            {"assignment": AssignmentOut, "incident": CirculatedIncidentOut},
        )
    )
    def get(self, request, pk):
        assignment = get_object_or_404(Assignment.objects.select_related("unit", "incident"), pk=pk)
        own = assignment.unit.terminal_user_id == request.user.pk
        if not own and not allows(request.user, "assignment.read_any"):
            record_refusal(user=request.user, path=request.path, method="GET", required=("owner",))
            raise RoleRefused("A unit terminal sees its own unit's assignments only.")
        return Response(selectors.circulation(assignment))


class AssignmentAcknowledgeView(APIView):
    """The unit confirms it has received the whole incident."""

    roles = policy_roles("assignment.acknowledge")
    conflicts = True

    @extend_schema(request=None, responses=AssignmentOut)
    def post(self, request, pk):
        assignment = get_object_or_404(Assignment, pk=pk)
        assignment = run_service(
            request,
            lambda: services.assignment_acknowledge(actor=request.user, assignment=assignment),
        )
        assignment = Assignment.objects.select_related("unit", "incident").get(pk=assignment.pk)
        return Response(selectors.assignment_representation(assignment))


class DivertSerializer(serializers.Serializer):
    to_incident = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class UnitDivertView(APIView):
    """Move a committed unit to another incident; the one it leaves is tagged DIVERT."""

    roles = policy_roles("unit.divert")
    conflicts = True

    @extend_schema(request=DivertSerializer, responses={201: DivertOut})
    def post(self, request, callsign):
        unit = get_object_or_404(Unit, callsign=callsign.upper())
        data = parsed(DivertSerializer, request)
        divert = run_service(
            request,
            lambda: services.unit_divert(
                actor=request.user,
                unit=unit,
                to_incident=data.get("to_incident"),
                reason=data["reason"],
            ),
        )
        body = selectors.divert_representation(selectors.divert_with_relations(divert.pk))
        return Response(body, status=status.HTTP_201_CREATED)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.CharField(max_length=16, allow_blank=True)
    rationale = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class DivertReviewView(APIView):
    """The controller records the comparative risk and approves or overrides."""

    roles = policy_roles("divert.review")
    conflicts = True

    @extend_schema(request=ReviewSerializer, responses=DivertOut)
    def post(self, request, pk):
        divert = get_object_or_404(Divert, pk=pk)
        data = parsed(ReviewSerializer, request)
        run_service(
            request,
            lambda: services.divert_review(
                actor=request.user,
                divert=divert,
                decision=data["decision"],
                rationale=data["rationale"],
            ),
        )
        return Response(selectors.divert_representation(selectors.divert_with_relations(pk)))


class ReplacementSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=32)


class DivertReplacementView(APIView):
    """The ops-room inspector (or a dispatcher) sends another unit to the diverted-from call."""

    roles = policy_roles("divert.replace")
    conflicts = True

    @extend_schema(request=ReplacementSerializer, responses=DivertOut)
    def post(self, request, pk):
        divert = get_object_or_404(Divert, pk=pk)
        data = parsed(ReplacementSerializer, request)
        run_service(
            request,
            lambda: services.divert_replace(actor=request.user, divert=divert, unit=data["unit"]),
        )
        return Response(selectors.divert_representation(selectors.divert_with_relations(pk)))


class ChallengeSerializer(serializers.Serializer):
    challenge = serializers.CharField(max_length=5000, allow_blank=True)
    referred_to = serializers.CharField(max_length=200, allow_blank=True)


class DivertChallengeView(APIView):
    """A challenge to an override, referred to the dispatch duty officer."""

    roles = policy_roles("divert.challenge")
    conflicts = True

    @extend_schema(request=ChallengeSerializer, responses=DivertOut)
    def post(self, request, pk):
        divert = get_object_or_404(Divert, pk=pk)
        data = parsed(ChallengeSerializer, request)
        run_service(
            request,
            lambda: services.divert_challenge_refer(
                actor=request.user,
                divert=divert,
                challenge=data["challenge"],
                referred_to=data["referred_to"],
            ),
        )
        return Response(selectors.divert_representation(selectors.divert_with_relations(pk)))


class ChallengeOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=5000, allow_blank=True)


class DivertChallengeOutcomeView(APIView):
    """The duty officer's decision on a referred challenge."""

    roles = policy_roles("divert.resolve_challenge")
    conflicts = True

    @extend_schema(request=ChallengeOutcomeSerializer, responses=DivertOut)
    def post(self, request, pk):
        divert = get_object_or_404(Divert, pk=pk)
        data = parsed(ChallengeOutcomeSerializer, request)
        run_service(
            request,
            lambda: services.divert_challenge_resolve(
                actor=request.user, divert=divert, outcome=data["outcome"]
            ),
        )
        return Response(selectors.divert_representation(selectors.divert_with_relations(pk)))


# Most urgent first, as the board sorts them.
OVERDUE_STATES = list(clocks.STATE_RANK)
OverdueRows = inline_serializer(
    "OverdueRow",
    {
        "incident": serializers.IntegerField(),
        "reference": serializers.CharField(),
        "grade": serializers.ChoiceField(choices=Grade.choices),
        "response_due_at": serializers.DateTimeField(allow_null=True),
        "warning_at": serializers.DateTimeField(allow_null=True),
        "state": serializers.ChoiceField(
            choices=OVERDUE_STATES, help_text="The most urgent of `states`."
        ),
        "states": serializers.ListField(child=serializers.ChoiceField(choices=OVERDUE_STATES)),
        "predicted_breach": serializers.BooleanField(
            help_text="No available unit can arrive before the deadline."
        ),
        "clock_state": serializers.CharField(),
        "resourced": serializers.BooleanField(),
        "unresourced_since": serializers.DateTimeField(allow_null=True),
        "tags": serializers.ListField(child=serializers.CharField()),
        "units": serializers.ListField(
            child=serializers.CharField(), help_text="Callsigns of the units assigned now."
        ),
        "area": serializers.ChoiceField(choices=Area.values),
        "domestic_abuse": serializers.BooleanField(allow_null=True),
        "address": serializers.CharField(allow_blank=True),
        "postcode": serializers.CharField(allow_blank=True),
    },
    many=True,
)


class OverdueBoardView(APIView):
    """Incidents in warning, breached, unresourced or unacknowledged; most urgent first."""

    roles = policy_roles("board.overdue")

    @extend_schema(responses=OverdueRows)
    def get(self, request):
        return Response(selectors.overdue_rows())
