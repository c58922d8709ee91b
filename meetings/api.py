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

from .ical import meeting_ical
from .models import DESCRIPTION_MAX, TITLE_MAX, Meeting, Registration, https_only
from .selectors import meeting_get_visible, meeting_list_visible, seats_taken
from .services import meeting_create, registration_create
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
        if attrs["ends"] <= attrs["starts"]:
            raise serializers.ValidationError({"ends": ["La fin doit suivre le début."]})
        return attrs

    def fields_for_service(self) -> dict[str, Any]:
        values = dict(self.validated_data)
        access = values.pop("accessibility", None) or {}
        for name in ("step_free", "hearing_loop", "sign_language", "accessible_toilets"):
            values[name] = bool(access.get(name, False))
        values["accessibility_notes"] = access.get("notes", "")
        return values


class RegistrationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class RegistrationStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["registered", "waiting", "pending"],
        help_text=(
            "registered: a seat; waiting: on the waiting list (full); pending: made without an "
            "account and holding no seat until the e-mail link is followed (within 48 h), which "
            "then gives a seat if one is free, else a place on the waiting list."
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
        return Response(
            {
                "state": registration.state,
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
