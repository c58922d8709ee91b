"""API for project sheets, their versions and diffs, and officials' framing notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import PublicUserSerializer
from territories.models import Territory, Theme
from workspace.selectors import workspace_get_visible

from .models import FramingNote, ProjectSheet, SheetVersion, Stage
from .permissions import (
    can_change_framing_note,
    can_create_sheet,
    can_write_framing_note,
    has_sheet_editor_role,
)
from .sections import FIELDS
from .selectors import (
    framing_note_get_visible,
    framing_note_list_visible,
    sheet_get_visible,
    sheet_list_filter,
    sheet_list_visible,
    sheet_version_diff,
    sheet_version_get,
    sheet_version_list,
)
from .services import (
    framing_note_create,
    framing_note_publish,
    framing_note_update,
    sheet_create,
    sheet_update,
    sheet_version_restore,
)

# Read-only summaries that the apps built on projects add to the sheet detail (the workflow
# app's "checklist"), registered from their AppConfig.ready(): projects never imports them.
SHEET_DETAIL_FIELDS: dict[str, Callable[[], serializers.Field]] = {}


def sheet_detail_field_register(name: str, field: Callable[[], serializers.Field]) -> None:
    """`field` makes a read-only serializer field whose source is the sheet itself."""
    SHEET_DETAIL_FIELDS[name] = field


# --- framing notes ---


class FramingNoteSerializer(serializers.ModelSerializer):
    author = PublicUserSerializer(read_only=True)
    is_current = serializers.SerializerMethodField()
    superseded = serializers.SerializerMethodField()
    publish = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = FramingNote
        fields = [
            "id",
            "author",
            "political_intent",
            "participation_level",
            "legal_constraints",
            "budget_constraints",
            "budget_amount",
            "use_of_contributions",
            "status",
            "created",
            "published_at",
            "is_current",
            "superseded",
            "publish",
        ]
        read_only_fields = ["id", "author", "status", "created", "published_at"]

    def get_is_current(self, obj: FramingNote) -> bool:
        return bool(getattr(obj, "is_current", False))

    def get_superseded(self, obj: FramingNote) -> bool:
        return obj.status == FramingNote.Status.PUBLISHED and not getattr(obj, "is_current", False)


class FramingNoteUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FramingNote
        fields = [
            "political_intent",
            "participation_level",
            "legal_constraints",
            "budget_constraints",
            "budget_amount",
            "use_of_contributions",
        ]
        extra_kwargs = {f: {"required": False} for f in fields}


# --- sheets ---


class SheetListSerializer(serializers.ModelSerializer):
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProjectSheet
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "stage",
            "workspace",
            "territory",
            "themes",
            "is_public",
            "version",
            "stage_changed_at",
            "updated",
            "url",
        ]
        read_only_fields = fields

    def get_themes(self, obj: ProjectSheet) -> list[str]:
        return sorted(t.slug for t in obj.themes.all())

    def get_summary(self, obj: ProjectSheet) -> str:
        return obj.current_version.summary if obj.current_version_id else ""

    def get_version(self, obj: ProjectSheet) -> int | None:
        return obj.current_version.number if obj.current_version_id else None

    def get_url(self, obj: ProjectSheet) -> str:
        return obj.get_absolute_url()


class SheetDetailSerializer(SheetListSerializer):
    body = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()
    framing_notes = serializers.SerializerMethodField()
    abandon_reason = serializers.CharField(read_only=True)

    class Meta(SheetListSerializer.Meta):
        fields = SheetListSerializer.Meta.fields + [
            "body",
            "sections",
            "abandon_reason",
            "framing_notes",
            "created",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        created = fields.pop("created")
        fields.update({name: make() for name, make in SHEET_DETAIL_FIELDS.items()})
        fields["created"] = created
        return fields

    def get_body(self, obj: ProjectSheet) -> str:
        return obj.current_version.body if obj.current_version_id else ""

    def get_sections(self, obj: ProjectSheet) -> dict:
        return dict(obj.current_version.sections) if obj.current_version_id else {}

    def get_framing_notes(self, obj: ProjectSheet) -> list[dict]:
        user = self.context["request"].user
        notes = framing_note_list_visible(user=user, sheet=obj)
        return FramingNoteSerializer(notes, many=True).data


def _section_fields() -> dict[str, serializers.Field]:
    return {
        code: serializers.CharField(
            required=False, allow_blank=True, allow_null=True, trim_whitespace=False
        )
        for code in FIELDS
    }


class SheetWriteSerializer(serializers.Serializer):
    """Create/update input: the sheet fields, and stage sections either nested or top-level."""

    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=5000, trim_whitespace=False)
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=100_000, trim_whitespace=False
    )
    territory = serializers.SlugRelatedField(
        slug_field="slug", queryset=Territory.objects.all(), required=False, allow_null=True
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
    )
    is_public = serializers.BooleanField(required=False)
    sections = serializers.DictField(required=False, allow_empty=True)
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def get_fields(self):
        fields = super().get_fields()
        fields.update(_section_fields())
        return fields

    def validate(self, attrs: dict) -> dict:
        sections = dict(attrs.pop("sections", {}) or {})
        for code in FIELDS:
            if code in attrs:
                sections[code] = attrs.pop(code)
        unknown = set(sections) - set(FIELDS)
        if unknown:
            raise APIValidationError(
                {"sections": [f"Unknown section: {', '.join(sorted(unknown))}"]}
            )
        if sections:
            attrs["sections"] = sections
        return attrs


class SheetUpdateSerializer(SheetWriteSerializer):
    base_version = serializers.IntegerField(min_value=1)

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if name != "base_version":
                field.required = False
        return fields


class VersionListSerializer(serializers.ModelSerializer):
    author = PublicUserSerializer(read_only=True)

    class Meta:
        model = SheetVersion
        fields = ["number", "title", "author", "created", "change_note", "restored_from"]
        read_only_fields = fields


class VersionDetailSerializer(serializers.ModelSerializer):
    author = PublicUserSerializer(read_only=True)

    class Meta:
        model = SheetVersion
        fields = [
            "number",
            "title",
            "summary",
            "body",
            "sections",
            "meta",
            "author",
            "created",
            "change_note",
            "restored_from",
        ]
        read_only_fields = fields


class RestoreSerializer(serializers.Serializer):
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=500)


def _detail(request, sheet: ProjectSheet, status_code: int = 200) -> Response:
    sheet = sheet_get_visible(user=request.user, pk=sheet.pk)
    return Response(
        SheetDetailSerializer(sheet, context={"request": request}).data, status=status_code
    )


@extend_schema(
    parameters=[
        OpenApiParameter("workspace", str),
        OpenApiParameter("stage", str, enum=Stage.values),
        OpenApiParameter("territory", str),
        OpenApiParameter("theme", str),
        OpenApiParameter("q", str),
    ]
)
class SheetList(generics.ListAPIView):
    serializer_class = SheetListSerializer

    def get_queryset(self):
        params = self.request.query_params
        qs = sheet_list_visible(user=self.request.user).order_by("-updated", "-pk")
        return sheet_list_filter(
            qs,
            workspace=params.get("workspace"),
            stage=params.get("stage"),
            territory=params.get("territory"),
            theme=params.get("theme"),
            q=(params.get("q") or "").strip() or None,
        )


class WorkspaceSheetCreate(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=SheetWriteSerializer, responses={201: SheetDetailSerializer})
    def post(self, request, slug: str):
        workspace = workspace_get_visible(user=request.user, slug=slug)
        if not can_create_sheet(request.user, workspace):
            raise PermissionDenied()
        data = SheetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_create(actor=request.user, workspace=workspace, **data.validated_data)
        return _detail(request, sheet, status.HTTP_201_CREATED)


class SheetDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=SheetDetailSerializer)
    def get(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk)
        return Response(SheetDetailSerializer(sheet, context={"request": request}).data)

    @extend_schema(request=SheetUpdateSerializer, responses=SheetDetailSerializer)
    def patch(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk)
        if not has_sheet_editor_role(request.user, sheet):
            raise PermissionDenied()
        data = SheetUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(data.validated_data)
        sheet = sheet_update(actor=request.user, sheet=sheet, **fields)
        return _detail(request, sheet)


class SheetVersionList(generics.ListAPIView):
    serializer_class = VersionListSerializer

    def get_queryset(self):
        sheet = sheet_get_visible(user=self.request.user, pk=self.kwargs["pk"], for_detail=False)
        return sheet_version_list(sheet=sheet)


class SheetVersionDetail(APIView):
    @extend_schema(responses=VersionDetailSerializer)
    def get(self, request, pk: int, number: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        version = sheet_version_get(sheet=sheet, number=number)
        return Response(VersionDetailSerializer(version).data)


class SheetVersionRestore(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=RestoreSerializer, responses={201: SheetDetailSerializer})
    def post(self, request, pk: int, number: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        sheet_version_get(sheet=sheet, number=number)
        if not has_sheet_editor_role(request.user, sheet):
            raise PermissionDenied()
        data = RestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = sheet_version_restore(
            actor=request.user, sheet=sheet, number=number, **data.validated_data
        )
        return _detail(request, sheet, status.HTTP_201_CREATED)


class SheetDiff(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("from", int), OpenApiParameter("to", int)],
        responses=dict,
    )
    def get(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        current = sheet.current_version.number
        try:
            to_number = int(request.query_params.get("to") or current)
            from_number = int(request.query_params.get("from") or max(to_number - 1, 1))
        except ValueError:
            raise APIValidationError({"from": ["Version numbers are integers."]}) from None
        old, new, fields = sheet_version_diff(
            sheet=sheet, from_number=from_number, to_number=to_number
        )
        return Response(
            {
                "from": old.number,
                "to": new.number,
                "fields": [f.as_dict() for f in fields],
                # Some field hit the diff's work cap and is shown deleted and inserted whole.
                "truncated": any(f.truncated for f in fields),
            }
        )


class FramingNoteListCreate(generics.ListAPIView):
    """Published notes newest first (the first is current), then the caller's drafts; paginated
    like every list."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = FramingNoteSerializer

    def get_queryset(self):
        sheet = sheet_get_visible(user=self.request.user, pk=self.kwargs["pk"], for_detail=False)
        return framing_note_list_visible(user=self.request.user, sheet=sheet)

    @extend_schema(request=FramingNoteSerializer, responses={201: FramingNoteSerializer})
    def post(self, request, pk: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        if not can_write_framing_note(request.user, sheet):
            raise PermissionDenied()
        data = FramingNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = framing_note_create(actor=request.user, sheet=sheet, **data.validated_data)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data, status=201)


def _annotated(request, sheet: ProjectSheet, note: FramingNote) -> FramingNote:
    for candidate in framing_note_list_visible(user=request.user, sheet=sheet):
        if candidate.pk == note.pk:
            return candidate
    return note


class FramingNoteDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(responses=FramingNoteSerializer)
    def get(self, request, pk: int, note_id: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data)

    @extend_schema(request=FramingNoteUpdateSerializer, responses=FramingNoteSerializer)
    def patch(self, request, pk: int, note_id: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
        if note.status == FramingNote.Status.DRAFT and not can_change_framing_note(
            request.user, note
        ):
            raise PermissionDenied()
        data = FramingNoteUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        note = framing_note_update(actor=request.user, note=note, **data.validated_data)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data)


class FramingNotePublish(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(request=None, responses=FramingNoteSerializer)
    def post(self, request, pk: int, note_id: int):
        sheet = sheet_get_visible(user=request.user, pk=pk, for_detail=False)
        note = framing_note_get_visible(user=request.user, sheet=sheet, pk=note_id)
        if note.status == FramingNote.Status.DRAFT and not can_change_framing_note(
            request.user, note
        ):
            raise PermissionDenied()
        note = framing_note_publish(actor=request.user, note=note)
        return Response(FramingNoteSerializer(_annotated(request, sheet, note)).data)
