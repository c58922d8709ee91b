"""API for a sheet's checklist, attestations, stage transitions and history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from events.selectors import activity_label
from interface.api import PolicyAPIView
from projects.permissions import SHEET_POLICY

from .checklist import checklist_summary
from .selectors import (
    sheet_activity_list,
    sheet_queryset,
    transition_log_list,
    transition_options,
)
from .services import attestation_create, attestation_withdraw, sheet_transition


@extend_schema_field({"type": "array", "items": {"type": "object", "additionalProperties": {}}})
class SheetChecklistSummaryField(serializers.Field):
    """The per-stage completeness that the sheet detail shows (registered in `apps.py` on the
    projects app's sheet detail, which does not import this app)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> list[dict]:
        return checklist_summary(value)


class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["computed", "attested"])
    required = serializers.BooleanField()
    satisfied = serializers.BooleanField()


class ChecklistStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    completeness = serializers.IntegerField(min_value=0, max_value=100)
    items = ChecklistItemSerializer(many=True)


class AttestationSerializer(serializers.Serializer):
    code = serializers.CharField()
    attested_by = serializers.CharField(source="attested_by.display_name", default=None)
    attested_at = serializers.DateTimeField()
    withdrawn_by = serializers.CharField(source="withdrawn_by.display_name", default=None)
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.CharField()
    allowed = serializers.BooleanField()
    permitted = serializers.BooleanField()
    note_required = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class TransitionRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class TransitionLogSerializer(serializers.Serializer):
    name = serializers.CharField()
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField(source="actor.display_name", default=None)
    version = serializers.IntegerField(source="version_number", allow_null=True)
    checklist_snapshot = serializers.JSONField()
    created = serializers.DateTimeField()


class ActivitySerializer(serializers.Serializer):
    verb = serializers.CharField()
    label = serializers.SerializerMethodField(help_text="The verb as people read it.")
    actor = serializers.CharField(source="actor.display_name", default=None)
    target = serializers.CharField(source="target_repr")
    data = serializers.JSONField()
    created = serializers.DateTimeField()

    def get_label(self, activity) -> str:
        return activity_label(activity.verb)


class SheetWorkflowView(PolicyAPIView):
    """An endpoint about one visible sheet (`pk`; 404 otherwise, 401 for an anonymous write).
    Writes ask no policy action here: the services judge who may attest or run which
    transition, so a refusal keeps its own code (`attestation_forbidden`,
    `transition_forbidden`) and its order (an unknown transition is 404 for everyone)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    policy = SHEET_POLICY
    method_actions = {"POST": "view", "DELETE": "view"}

    def get_object_queryset(self):
        return sheet_queryset()


class SheetChecklist(SheetWorkflowView):
    @extend_schema(responses=ChecklistStageSerializer(many=True))
    def get(self, request, pk: int):
        return Response(
            ChecklistStageSerializer(checklist_summary(self.get_object()), many=True).data
        )


class SheetAttestation(SheetWorkflowView):
    http_method_names = ["post", "delete", "options"]

    @extend_schema(request=None, responses={201: AttestationSerializer})
    def post(self, request, pk: int, code: str):
        attestation = attestation_create(actor=request.user, sheet=self.get_object(), code=code)
        return Response(AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: AttestationSerializer})
    def delete(self, request, pk: int, code: str):
        attestation = attestation_withdraw(actor=request.user, sheet=self.get_object(), code=code)
        return Response(AttestationSerializer(attestation).data)


class SheetTransitionList(SheetWorkflowView):
    @extend_schema(responses=TransitionOptionSerializer(many=True))
    def get(self, request, pk: int):
        options = transition_options(user=request.user, sheet=self.get_object())
        return Response(TransitionOptionSerializer(options, many=True).data)


class SheetTransitionRun(SheetWorkflowView):
    http_method_names = ["post", "options"]

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={200: inline_serializer("TransitionResult", {"stage": serializers.CharField()})},
    )
    def post(self, request, pk: int, name: str):
        sheet = self.get_object()
        data = TransitionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_transition(
            actor=request.user, sheet=sheet, name=name, note=data.validated_data["note"]
        )
        return Response({"stage": sheet.stage})


class SheetHistory(SheetWorkflowView):
    @extend_schema(
        responses=inline_serializer(
            "SheetHistory",
            {
                "transitions": TransitionLogSerializer(many=True),
                "activity": ActivitySerializer(many=True),
            },
        )
    )
    def get(self, request, pk: int):
        sheet = self.get_object()
        return Response(
            {
                "transitions": TransitionLogSerializer(
                    transition_log_list(sheet=sheet), many=True
                ).data,
                "activity": ActivitySerializer(sheet_activity_list(sheet=sheet), many=True).data,
            }
        )
