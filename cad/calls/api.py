"""Integration API of the call-handling app (DRF). Each view declares its roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.calls import selectors, services
from cad.kernel import events
from cad.kernel.api_helpers import parsed, run_service, run_service_on
from cad.kernel.errors import InvalidInput
from cad.kernel.gazetteer import uprn_value
from cad.kernel.moments import iso
from cad.kernel.policy import require
from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ANY_ROLE
from cad.kernel.schema import NarrativeEntryOut, PersonOut, RiskFlagOut
from cad.models import Channel, Contact, Grade, Incident, LocationSource, ResponseTarget
from intelligence.api import HitSerializer
from schemes.api import SchemeMatchOut

# The most recent incidents a list returns; older ones are found by reference.
INCIDENT_LIST_LIMIT = 500


class EventFrameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    server_time = serializers.DateTimeField()
    data = serializers.DictField(
        help_text="The event's own fields, which differ by kind (API.md names the kinds)."
    )


class EventListView(APIView):
    """Events after `since` that the caller's roles may see, oldest first (max 500)."""

    roles = (ANY_ROLE,)

    @extend_schema(
        parameters=[OpenApiParameter("since", int, required=False)],
        responses=EventFrameSerializer(many=True),
    )
    def get(self, request):
        try:
            since = max(0, int(request.query_params.get("since", "0")))
        except ValueError:
            return Response({"since": ["A whole number is required."]}, status=400)
        rows = events.visible_events(request.user, since, settings.CAD_SCREEN_REPLAY_BATCH)
        return Response([events.frame(event) for event in rows])


# --- what the call-handling API returns (typed for the OpenAPI schema) ----------------------
# Each mirrors the selector that builds the body (cad.calls.selectors); they document, they
# do not serialise.


class PreviousContactOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.values)
    at = serializers.DateTimeField()
    summary = serializers.CharField(allow_blank=True)
    matched_on = serializers.ListField(
        child=serializers.ChoiceField(choices=["phone", "address", "person"])
    )
    incident = serializers.IntegerField(allow_null=True)
    incident_reference = serializers.CharField(allow_null=True)
    incident_grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    domestic_abuse = serializers.BooleanField(allow_null=True)


class CallSchemeOut(SchemeMatchOut):
    """A scheme matching the caller, phone or address: in force, or its history."""

    active = serializers.BooleanField()


class IntelligenceOut(serializers.Serializer):
    checked_at = serializers.DateTimeField(allow_null=True)
    hits = HitSerializer(many=True, help_text="Summaries only.")


class FollowUpOut(serializers.Serializer):
    id = serializers.IntegerField()
    contact = serializers.IntegerField()
    reference = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.values)
    received_at = serializers.DateTimeField()
    caller_name = serializers.CharField(allow_blank=True)
    caller_phone = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    owner = serializers.CharField()
    assigned_by = serializers.CharField()
    assigned_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    overdue = serializers.BooleanField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.CharField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)


class ContactOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.values)
    received_at = serializers.DateTimeField()
    caller_phone = serializers.CharField(allow_blank=True)
    caller_name = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    incident = serializers.IntegerField(allow_null=True)
    previous_contacts = PreviousContactOut(many=True)
    schemes = CallSchemeOut(many=True)
    intelligence = IntelligenceOut()
    follow_up = FollowUpOut(allow_null=True)
    created_by = serializers.CharField()
    da_prompt = serializers.BooleanField()
    risk_reasons = RiskFlagOut(many=True)
    recommendation_reason = serializers.CharField(allow_blank=True)
    domestic_abuse = serializers.BooleanField(allow_null=True)
    da_rationale = serializers.CharField(allow_blank=True)
    da_answered_by = serializers.CharField(allow_null=True)
    da_answered_at = serializers.DateTimeField(allow_null=True)


class CallLookupOut(serializers.Serializer):
    phone_key = serializers.CharField(allow_blank=True)
    address_key = serializers.CharField(allow_blank=True)
    previous_contacts = PreviousContactOut(many=True)
    repeat_contact = serializers.BooleanField()
    schemes = CallSchemeOut(many=True)
    grade_floor = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    intelligence = inline_serializer("CallLookupIntelligence", {"hits": HitSerializer(many=True)})


class OpeningCodeOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    base_grade = serializers.ChoiceField(choices=Grade.choices)
    domestic = serializers.BooleanField()


class AbsenceOut(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    set_by = serializers.CharField()
    set_at = serializers.DateTimeField()
    current = serializers.BooleanField()


class AbsenceSetOut(AbsenceOut):
    rerouted_contacts = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Contacts whose open follow-ups went to the supervisor.",
    )


class ResponseTargetOut(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    area = serializers.ChoiceField(choices=["urban", "rural"])
    seconds = serializers.IntegerField()


class IncidentRowOut(serializers.Serializer):
    """An incident as the list gives it."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Incident.Status.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    recommended_grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    opening_code = serializers.CharField(allow_blank=True)
    received_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    clock_state = serializers.CharField()
    domestic_abuse = serializers.BooleanField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())


# --- contacts, incidents, follow-ups and absence --------------------------------------------
# Serializers only check shapes; every rule lives in cad.calls.services.


class FollowUpSerializer(serializers.Serializer):
    owner = serializers.CharField(max_length=150)
    due_at = serializers.DateTimeField()


class ContactCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.values)
    caller_phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    caller_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    follow_up = FollowUpSerializer(required=False, allow_null=True)
    uprn = serializers.IntegerField(
        required=False, allow_null=True, help_text="the gazetteer's address point chosen"
    )


class ContactListCreateView(APIView):
    """Record a contact with the public, whether or not an incident follows."""

    roles = policy_roles("contact.record")

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactOut})
    def post(self, request):
        data = parsed(ContactCreateSerializer, request)
        contact = run_service(
            request,
            lambda: services.contact_create(
                actor=request.user,
                channel=data["channel"],
                caller_phone=data.get("caller_phone", ""),
                caller_name=data.get("caller_name", ""),
                address=data.get("address", ""),
                postcode=data.get("postcode", ""),
                summary=data.get("summary", ""),
                follow_up=dict(data["follow_up"]) if data.get("follow_up") else None,
                uprn=data.get("uprn"),
            ),
        )
        return Response(
            selectors.contact_representation(contact, viewer=request.user),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="contacts_list",
        parameters=[
            OpenApiParameter("phone", str, required=False),
            OpenApiParameter("address", str, required=False),
            OpenApiParameter("postcode", str, required=False),
        ],
        responses=PreviousContactOut(many=True),
    )
    def get(self, request):
        """Previous contacts for a phone or address, most recent first."""
        found = selectors.lookup(
            phone=request.query_params.get("phone", ""),
            address=request.query_params.get("address", ""),
            postcode=request.query_params.get("postcode", ""),
        )
        return Response(found["previous_contacts"])


class ContactDetailView(APIView):
    roles = policy_roles("contact.record")

    @extend_schema(responses=ContactOut)
    def get(self, request, pk):
        contact = get_object_or_404(Contact, pk=pk)
        return Response(selectors.contact_representation(contact, viewer=request.user))


class ContactAcknowledgeView(APIView):
    """The follow-up's owner acknowledges it (a supervisor may take an escalated one)."""

    roles = (ANY_ROLE,)
    conflicts = True

    @extend_schema(request=None, responses=FollowUpOut)
    def post(self, request, pk):
        contact = get_object_or_404(Contact, pk=pk)
        record = run_service(
            request, lambda: services.follow_up_acknowledge(actor=request.user, contact=contact)
        )
        return Response(selectors.follow_up_item(record))


class ContactDomesticAbuseSerializer(serializers.Serializer):
    domestic_abuse = serializers.BooleanField()
    da_rationale = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ContactDomesticAbuseView(APIView):
    """Answer a contact's possible domestic abuse prompt (once)."""

    roles = policy_roles("contact.record")
    conflicts = True

    @extend_schema(request=ContactDomesticAbuseSerializer, responses=ContactOut)
    def post(self, request, pk):
        data = parsed(ContactDomesticAbuseSerializer, request)
        contact = run_service(
            request,
            lambda: services.contact_da_answer(
                actor=request.user,
                contact_id=pk,
                domestic_abuse=data["domestic_abuse"],
                da_rationale=data.get("da_rationale", ""),
            ),
        )
        return Response(selectors.contact_representation(contact, viewer=request.user))


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=5000, allow_blank=True)


class ContactCompleteView(APIView):
    roles = (ANY_ROLE,)
    conflicts = True

    @extend_schema(request=OutcomeSerializer, responses=FollowUpOut)
    def post(self, request, pk):
        contact = get_object_or_404(Contact, pk=pk)
        data = parsed(OutcomeSerializer, request)
        record = run_service(
            request,
            lambda: services.follow_up_complete(
                actor=request.user, contact=contact, outcome=data["outcome"]
            ),
        )
        return Response(selectors.follow_up_item(record))


class ContactReassignView(APIView):
    """A supervisor hands an escalated or re-routed follow-up to someone on duty."""

    roles = policy_roles("follow_up.supervise")
    conflicts = True

    @extend_schema(request=FollowUpSerializer, responses=FollowUpOut)
    def post(self, request, pk):
        contact = get_object_or_404(Contact, pk=pk)
        data = parsed(FollowUpSerializer, request)
        record = run_service(
            request,
            lambda: services.follow_up_reassign(
                actor=request.user, contact=contact, owner=data["owner"], due_at=data["due_at"]
            ),
        )
        return Response(selectors.follow_up_item(record))


class FollowUpListView(APIView):
    """My follow-ups; `?scope=supervisor` lists those that reached the supervisor."""

    roles = (ANY_ROLE,)

    @extend_schema(
        parameters=[OpenApiParameter("scope", str, required=False)],
        responses=FollowUpOut(many=True),
    )
    def get(self, request):
        if request.query_params.get("scope") == "supervisor":
            run_service(
                request,
                lambda: require(request.user, "follow_up.supervise"),
            )
            return Response(selectors.supervisor_follow_ups())
        return Response(selectors.my_follow_ups(request.user))


CHOOSE_A_ROLE = "Choose the person's role: victim, suspect, caller or other."


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    dob = serializers.DateField(required=False, allow_null=True)
    # Required: a default would show a suspect as "(victim)" on the unit's terminal.
    role = serializers.CharField(
        max_length=16, error_messages={"required": CHOOSE_A_ROLE, "blank": CHOOSE_A_ROLE}
    )


# --- the incident as the API gives it (typed for the OpenAPI schema) -------------------


class IncidentAssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(help_text="The unit's callsign.")
    status = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class GradeChangeOut(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    before = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    after = serializers.ChoiceField(choices=Grade.choices)
    recommended_grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    grade_floor = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    below_floor = serializers.BooleanField()
    below_recommendation = serializers.BooleanField()
    rationale = serializers.CharField(allow_blank=True)
    domestic_abuse = serializers.BooleanField(allow_null=True)
    da_rationale = serializers.CharField(allow_blank=True)
    response_due_at = serializers.DateTimeField(allow_null=True)


class IncidentLocationOut(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    uprn = serializers.IntegerField(allow_null=True)
    source = serializers.ChoiceField(choices=LocationSource.choices, allow_null=True)


class IncidentOut(serializers.Serializer):
    """An incident: API.md's fields first, then what the screens and terminals show."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    recommended_grade = serializers.CharField(allow_null=True, help_text="A grade, as `grade`.")
    grade_floor = serializers.CharField(allow_null=True, help_text="A grade, as `grade`.")
    domestic_abuse = serializers.BooleanField(allow_null=True)
    da_prompt = serializers.BooleanField()
    risk_flags = serializers.ListField(child=serializers.CharField(allow_blank=True))
    response_due_at = serializers.DateTimeField(allow_null=True)
    clock_state = serializers.CharField(allow_blank=True)
    resourced = serializers.BooleanField()
    tags = serializers.ListField(child=serializers.CharField())
    narrative = NarrativeEntryOut(many=True)
    intelligence = IntelligenceOut()
    schemes = CallSchemeOut(many=True)
    previous_contacts = PreviousContactOut(many=True)
    assignments = IncidentAssignmentOut(many=True)
    location = IncidentLocationOut(allow_null=True)
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()
    caller_phone = serializers.CharField(allow_blank=True)
    caller_name = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)
    area = serializers.CharField()
    opening_code = serializers.CharField(allow_blank=True)
    opening_code_label = serializers.CharField(allow_blank=True)
    persons = PersonOut(many=True)
    risk_reasons = RiskFlagOut(many=True, help_text="Each flag with what raised it.")
    recommendation_reason = serializers.CharField(allow_blank=True)
    grade_rationale = serializers.CharField(allow_blank=True)
    below_recommendation = serializers.BooleanField()
    da_rationale = serializers.CharField(allow_blank=True)
    thrive = serializers.DictField(child=serializers.CharField(allow_blank=True))
    appointment_at = serializers.DateTimeField(allow_null=True)
    warning_at = serializers.DateTimeField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    first_arrival_at = serializers.DateTimeField(allow_null=True)
    closing_code = serializers.CharField(allow_blank=True, allow_null=True)
    closing_summary = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    repeat_contact = serializers.BooleanField()
    grade_history = GradeChangeOut(many=True)
    url = serializers.CharField()


class IncidentCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.values)
    caller_phone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    caller_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, allow_blank=True)
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True)
    area = serializers.ChoiceField(choices=["urban", "rural"], required=False, default="urban")
    narrative = serializers.CharField(max_length=5000, allow_blank=True)
    opening_code = serializers.CharField(max_length=64, allow_blank=True)
    persons = PersonSerializer(many=True, required=False)
    uprn = serializers.IntegerField(
        required=False, allow_null=True, help_text="the gazetteer's address point chosen"
    )
    # Checked by the service, not coerced here: text or NaN for a coordinate is a 400.
    location = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text='{"lat", "lon", "source"?: "caller" (default) | "manual" (placed on the '
        "map)} in WGS84 degrees; without it the address is geocoded",
    )


class IncidentListCreateView(APIView):
    roles_by_method = {
        "POST": policy_roles("incident.create"),
        "GET": policy_roles("incident.list"),
    }

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentOut})
    def post(self, request):
        data = parsed(IncidentCreateSerializer, request)
        incident = run_service(
            request,
            lambda: services.incident_create(
                actor=request.user,
                channel=data["channel"],
                caller_phone=data.get("caller_phone", ""),
                caller_name=data.get("caller_name", ""),
                address=data["address"],
                postcode=data.get("postcode", ""),
                area=data.get("area", "urban"),
                narrative=data["narrative"],
                opening_code=data["opening_code"],
                persons=[dict(p) for p in data.get("persons", [])],
                uprn=data.get("uprn"),
                location=data.get("location"),
            ),
        )
        return Response(
            selectors.incident_representation(incident, viewer=request.user),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="incidents_list",
        parameters=[OpenApiParameter("status", str, required=False)],
        responses=IncidentRowOut(many=True),
    )
    def get(self, request):
        rows = Incident.objects.order_by("-received_at")
        wanted = request.query_params.get("status", "open")
        if wanted in Incident.Status.values:
            rows = rows.filter(status=wanted)
        rows = rows[:INCIDENT_LIST_LIMIT]
        return Response(
            [
                {
                    "id": i.id,
                    "reference": i.reference,
                    "status": i.status,
                    "grade": i.grade,
                    "recommended_grade": i.recommended_grade or None,
                    "opening_code": i.opening_code,
                    "received_at": i.received_at.isoformat(),
                    "response_due_at": iso(i.response_due_at),
                    "clock_state": i.clock_state,
                    "domestic_abuse": i.domestic_abuse,
                    "tags": list(i.tags),
                }
                for i in rows[:200]
            ]
        )


class IncidentDetailView(APIView):
    roles = policy_roles("incident.read")

    @extend_schema(responses=IncidentOut)
    def get(self, request, pk):
        incident = get_object_or_404(selectors.incidents_readable_by(request.user), pk=pk)
        return Response(selectors.incident_representation(incident, viewer=request.user))


class GradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    rationale = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    domestic_abuse = serializers.BooleanField(required=False, allow_null=True, default=None)
    da_rationale = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    # threat, harm, risk, investigation, vulnerability, engagement (the service names unknowns)
    thrive = serializers.DictField(
        child=serializers.CharField(max_length=2000, allow_blank=True), required=False
    )
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)


class IncidentGradeView(APIView):
    roles = policy_roles("incident.grade")
    conflicts = True

    @extend_schema(request=GradeSerializer, responses=IncidentOut)
    def post(self, request, pk):
        def grade():
            data = parsed(GradeSerializer, request)
            thrive = {k: v for k, v in dict(data.get("thrive") or {}).items() if v}
            return services.incident_grade(
                actor=request.user,
                incident=pk,
                grade=data["grade"],
                rationale=data.get("rationale", ""),
                domestic_abuse=data.get("domestic_abuse"),
                da_rationale=data.get("da_rationale", ""),
                thrive=thrive,
                appointment_at=data.get("appointment_at"),
            )

        incident = run_service_on(request, Incident, pk, grade)
        return Response(selectors.incident_representation(incident, viewer=request.user))


class EntrySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, allow_blank=True)


class IncidentEntryView(APIView):
    roles = policy_roles("incident.add_entry")
    conflicts = True

    @extend_schema(request=EntrySerializer, responses={201: NarrativeEntryOut})
    def post(self, request, pk):
        incident = get_object_or_404(selectors.incidents_readable_by(request.user), pk=pk)
        data = parsed(EntrySerializer, request)
        entry = run_service(
            request,
            lambda: services.incident_add_entry(
                actor=request.user, incident=incident, text=data["text"]
            ),
        )
        return Response(
            {
                "id": entry.id,
                "at": entry.at.isoformat(),
                "author": entry.author.username,
                "text": entry.text,
            },
            status=status.HTTP_201_CREATED,
        )


class CloseSerializer(serializers.Serializer):
    closing_code = serializers.CharField(max_length=64, allow_blank=True)
    summary = serializers.CharField(max_length=5000, allow_blank=True)


class IncidentCloseView(APIView):
    roles = policy_roles("incident.close")
    conflicts = True

    @extend_schema(request=CloseSerializer, responses=IncidentOut)
    def post(self, request, pk):
        def close():
            data = parsed(CloseSerializer, request)
            return services.incident_close(
                actor=request.user,
                incident=pk,
                closing_code=data["closing_code"],
                summary=data["summary"],
            )

        incident = run_service_on(request, Incident, pk, close)
        return Response(selectors.incident_representation(incident, viewer=request.user))


class IncidentDowngradeReviewView(APIView):
    roles = policy_roles("incident.review_downgrade")
    conflicts = True

    @extend_schema(request=None, responses=IncidentOut)
    def post(self, request, pk):
        incident = get_object_or_404(Incident, pk=pk)
        incident = run_service(
            request,
            lambda: services.incident_downgrade_review(actor=request.user, incident=incident),
        )
        return Response(selectors.incident_representation(incident, viewer=request.user))


class CallLookupView(APIView):
    """What the call handler's screen shows while typing: previous contacts, special
    schemes and intelligence hit summaries for a phone, address or name."""

    roles = policy_roles("contact.record")

    @extend_schema(
        parameters=[
            OpenApiParameter("phone", str, required=False),
            OpenApiParameter("address", str, required=False),
            OpenApiParameter("postcode", str, required=False),
            OpenApiParameter("name", str, required=False),
            OpenApiParameter("uprn", int, required=False),
        ],
        responses=CallLookupOut,
    )
    def get(self, request):
        params = request.query_params
        uprn, why = uprn_value(params["uprn"]) if params.get("uprn", "").strip() else (None, None)
        if why:
            raise InvalidInput({"uprn": [why]})
        return Response(
            selectors.lookup(
                phone=params.get("phone", "")[:64],
                address=params.get("address", "")[:300],
                postcode=params.get("postcode", "")[:16],
                name=params.get("name", "")[:200],
                uprn=uprn,
            )
        )


class OpeningCodeListView(APIView):
    roles = (ANY_ROLE,)

    @extend_schema(responses=OpeningCodeOut(many=True))
    def get(self, request):
        return Response(selectors.opening_codes())


class AbsenceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class UserAbsenceView(APIView):
    """Mark a user absent from/to; their open follow-ups go to the supervisor at once."""

    roles = policy_roles("absence.set")

    @extend_schema(request=AbsenceSerializer, responses={201: AbsenceSetOut})
    def post(self, request, username):
        user = get_object_or_404(get_user_model(), username=username)
        data = parsed(AbsenceSerializer, request)
        absence = run_service(
            request,
            lambda: services.user_absence_set(
                actor=request.user,
                user=user,
                starts_at=data["starts_at"],
                ends_at=data.get("ends_at"),
                reason=data.get("reason", ""),
            ),
        )
        item = next(a for a in selectors.absences() if a["id"] == absence.id)
        item["rerouted_contacts"] = absence.rerouted_contacts
        return Response(item, status=status.HTTP_201_CREATED)


class AbsenceListView(APIView):
    roles = policy_roles("absence.set")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "current", str, required=False, description="1: only absences not yet over."
            )
        ],
        responses=AbsenceOut(many=True),
    )
    def get(self, request):
        return Response(selectors.absences(current_only=request.query_params.get("current") == "1"))


class ResponseTargetSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    seconds = serializers.IntegerField()
    area = serializers.ChoiceField(choices=["urban", "rural"], required=False, allow_null=True)


class ResponseTargetView(APIView):
    """Attendance targets by grade and area; administrators change them."""

    roles_by_method = {"GET": (ANY_ROLE,), "POST": policy_roles("response_targets.set")}

    @extend_schema(responses=ResponseTargetOut(many=True))
    def get(self, request):
        return Response(
            [
                {"grade": t.grade, "area": t.area, "seconds": t.seconds}
                for t in ResponseTarget.objects.order_by("grade", "area")
            ]
        )

    @extend_schema(request=ResponseTargetSerializer, responses=ResponseTargetOut(many=True))
    def post(self, request):
        data = parsed(ResponseTargetSerializer, request)
        targets = services.response_target_set(
            grade=data["grade"], seconds=data["seconds"], area=data.get("area")
        )
        return Response([{"grade": t.grade, "area": t.area, "seconds": t.seconds} for t in targets])
