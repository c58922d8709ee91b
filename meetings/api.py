"""API of meetings (../shared/API.md, "Meetings and printable materials")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory

from .errors import MeetingForbidden
from .ical import meeting_ical
from .models import DESCRIPTION_MAX, TITLE_MAX, Meeting, Registration, https_only
from .permissions import can_organise
from .selectors import meeting_get_visible, meeting_list_visible, seats_taken
from .services import meeting_create, meeting_update, registration_create
from .throttle import anonymous_registration_allowed


class AccessibilitySerializer(serializers.Serializer):
    step_free = serializers.BooleanField()
    hearing_loop = serializers.BooleanField()
    sign_language = serializers.BooleanField(help_text="Interpretation on request.")
    accessible_toilets = serializers.BooleanField()
    notes = serializers.CharField(allow_blank=True)


class MeetingSerializer(serializers.ModelSerializer):
    accessibility = serializers.SerializerMethodField()
    registered = serializers.SerializerMethodField(
        help_text="Seats taken (a number only: names are the organisers' alone)."
    )
    sheet = serializers.IntegerField(source="sheet_id", allow_null=True, read_only=True)
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "state",
            "starts",
            "ends",
            "place",
            "address",
            "accessibility",
            "online_url",
            "capacity",
            "registered",
            "sheet",
            "territory",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(AccessibilitySerializer)
    def get_accessibility(self, obj: Meeting) -> dict[str, Any]:
        return obj.accessibility()

    def get_registered(self, obj: Meeting) -> int:
        return seats_taken(obj)

    def get_url(self, obj: Meeting) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class MeetingWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default=""
    )
    starts = serializers.DateTimeField()
    ends = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    accessibility = AccessibilitySerializer(required=False)
    online_url = serializers.URLField(
        max_length=500, required=False, allow_blank=True, default="", validators=[https_only]
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=100_000, required=False, allow_null=True, default=None
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A change (partial) is checked against the meeting's other date.
        meeting = self.context.get("meeting")
        starts = attrs.get("starts", getattr(meeting, "starts", None))
        ends = attrs.get("ends", getattr(meeting, "ends", None))
        if starts is not None and ends is not None and ends <= starts:
            raise serializers.ValidationError({"ends": [_("La fin doit suivre le début.")]})
        if self.partial and not attrs:
            raise serializers.ValidationError(
                {"detail": [_("Rien à modifier : indiquez au moins un champ de la réunion.")]}
            )
        return attrs

    def fields_for_service(self) -> dict[str, Any]:
        """The service's field names; on a change, only what was sent (an accessibility flag
        left out keeps its value)."""
        values = dict(self.validated_data)
        sent = "accessibility" in values
        access = values.pop("accessibility", None) or {}
        for name in ("step_free", "hearing_loop", "sign_language", "accessible_toilets"):
            if not self.partial or name in access:
                values[name] = bool(access.get(name, False))
        if not self.partial or (sent and "notes" in access):
            values["accessibility_notes"] = access.get("notes", "")
        return values


class RegistrationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class RegistrationStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["registered", "waiting"],
        help_text=(
            "registered: a seat; waiting: on the waiting list (full). A registration made "
            "without an account is confirmed by following the e-mailed link within 48 h "
            "(confirmed false until then) and holds no seat before: its state says what "
            "confirming would give now (a seat if one is free, else the waiting list), and "
            "holds_seat is false."
        ),
    )
    confirmed = serializers.BooleanField(
        help_text="False until the e-mail link is followed (a registration without an account)."
    )
    holds_seat = serializers.BooleanField(help_text="True only when state is registered.")


def _flag(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true", "yes", "oui"}


@extend_schema(
    parameters=[
        OpenApiParameter("sheet", int),
        OpenApiParameter("territory", str, description="A slug; a commune includes its quartiers."),
        OpenApiParameter("upcoming", bool),
    ]
)
class MeetingList(generics.ListAPIView):
    """The meetings the caller may see."""

    serializer_class = MeetingSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        params = self.request.query_params
        sheet = params.get("sheet") or None
        if sheet is not None and not (sheet.isascii() and sheet.isdigit() and len(sheet) < 12):
            raise serializers.ValidationError({"sheet": ["Identifiant de fiche attendu."]})
        territory = None
        if params.get("territory"):
            territory = Territory.objects.filter(slug=params["territory"][:140]).first()
            if territory is None:
                raise serializers.ValidationError({"territory": ["Territoire inconnu."]})
        return meeting_list_visible(
            user=self.request.user,
            sheet=int(sheet) if sheet else None,
            territory=territory,
            upcoming=_flag(params.get("upcoming")),
        )


class SheetMeetingCreate(APIView):
    """Schedule a meeting of a sheet: staff, an official, or the sheet's workspace editors."""

    @extend_schema(request=MeetingWriteSerializer, responses={201: MeetingSerializer})
    def post(self, request, pk: int):
        sheet = SHEET_POLICY.get_visible(
            request.user, ProjectSheet.objects.select_related("workspace"), pk=pk
        )
        data = MeetingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meeting_create(actor=request.user, sheet=sheet, **data.fields_for_service())
        meeting = meeting_get_visible(user=request.user, pk=meeting.pk)
        body = MeetingSerializer(meeting, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MeetingDetail(APIView):
    """One meeting as the list gives it; an organiser changes it (PATCH, only the fields sent),
    exactly as the page `/reunions/<id>/modifier/` does: staff, officials, the sheet's workspace
    editors; a meeting the caller may not see is a 404, one they see but do not organise a 403,
    a cancelled or held one a 409."""

    @extend_schema(responses={200: MeetingSerializer})
    def get(self, request, pk: int):
        meeting = meeting_get_visible(user=request.user, pk=pk)
        return Response(MeetingSerializer(meeting, context={"request": request}).data)

    @extend_schema(
        request=MeetingWriteSerializer,
        responses={
            200: MeetingSerializer,
            400: OpenApiResponse(description="Invalid fields (French messages, by field)."),
            403: OpenApiResponse(description="Not an organiser of this meeting."),
            404: OpenApiResponse(description="No such meeting, or not visible to the caller."),
            409: OpenApiResponse(description="The meeting is cancelled or held."),
        },
    )
    def patch(self, request, pk: int):
        meeting = meeting_get_visible(user=request.user, pk=pk)
        if not can_organise(request.user, meeting):
            raise MeetingForbidden(_("Vous ne pouvez pas modifier cette réunion."))
        data = MeetingWriteSerializer(data=request.data, partial=True, context={"meeting": meeting})
        data.is_valid(raise_exception=True)
        meeting_update(actor=request.user, meeting=meeting, **data.fields_for_service())
        meeting = meeting_get_visible(user=request.user, pk=pk)
        return Response(MeetingSerializer(meeting, context={"request": request}).data)


class MeetingRegistrations(APIView):
    """Register: signed in, nothing to send; otherwise a name and an e-mail (a link confirms)."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=RegistrationWriteSerializer,
        responses={
            201: RegistrationStateSerializer,
            409: OpenApiResponse(description="Already registered, or registrations closed."),
        },
    )
    def post(self, request, pk: int):
        meeting = meeting_get_visible(user=request.user, pk=pk)
        data = RegistrationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not request.user.is_authenticated:
            missing = {
                name: ["Ce champ est obligatoire."]
                for name in ("name", "email")
                if not values[name]
            }
            if missing:
                raise serializers.ValidationError(missing)
            if not anonymous_registration_allowed(request):
                return Response(
                    {
                        "detail": _(
                            "Trop d'inscriptions depuis cette connexion : réessayez dans une heure."
                        )
                    },
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
        registration = registration_create(
            actor=request.user, meeting=meeting, name=values["name"], email=values["email"]
        )
        state = registration.state
        if state == Registration.State.PENDING:
            # The contract's two states: what following the link would give now.
            free = meeting.capacity is None or seats_taken(meeting) < meeting.capacity
            state = Registration.State.REGISTERED if free else Registration.State.WAITING
        return Response(
            {
                "state": state,
                "confirmed": registration.confirmed_at is not None,
                "holds_seat": registration.state == Registration.State.REGISTERED,
            },
            status=status.HTTP_201_CREATED,
        )


class MeetingIcal(APIView):
    """The meeting as an iCalendar file (RFC 5545)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            (200, "text/calendar"): OpenApiResponse(
                response=OpenApiTypes.STR, description="A VCALENDAR with one VEVENT."
            )
        }
    )
    def get(self, request, pk: int):
        meeting = meeting_get_visible(user=request.user, pk=pk)
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "fabrique"
        url = request.build_absolute_uri(reverse("meetings:detail", args=[meeting.pk]))
        response = HttpResponse(
            meeting_ical(meeting, url=url, host=host), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
        return response
