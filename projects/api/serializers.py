"""The shapes of sheets, versions and framing notes in the API, and the hook by which the apps
built on projects add read-only fields to the sheet detail."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework import serializers
from rest_framework.exceptions import ValidationError as APIValidationError

from accounts.api import PublicUserSerializer
from territories.models import Territory, Theme

from ..models import FramingNote, ParticipationLevel, ProjectSheet, SheetVersion
from ..participation import LOWERING_NOTE_MAX
from ..sections import FIELDS
from ..selectors import (
    framing_note_list_visible,
)

# Read-only summaries that the apps built on projects add to the sheet detail (the workflow
# app's "checklist"), registered from their AppConfig.ready(): projects never imports them.
SHEET_DETAIL_FIELDS: dict[str, Callable[[], serializers.Field]] = {}


def sheet_detail_field_register(name: str, field: Callable[[], serializers.Field]) -> None:
    """`field` makes a read-only serializer field whose source is the sheet itself."""
    SHEET_DETAIL_FIELDS[name] = field


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
            *FramingNote.CONTENT_FIELDS,
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
        fields = list(FramingNote.CONTENT_FIELDS)
        extra_kwargs = {f: {"required": False} for f in fields}


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
            "participation_level",
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
            "participation_decided",
            "participation_changeable",
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
    participation_level = serializers.ChoiceField(
        choices=ParticipationLevel.choices, required=False
    )
    participation_decided = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    participation_changeable = serializers.CharField(
        required=False, allow_blank=True, max_length=2000
    )
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
    # Required to lower the promised level once the consultation has started (published).
    participation_note = serializers.CharField(
        required=False, allow_blank=True, max_length=LOWERING_NOTE_MAX
    )

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if name != "base_version":
                field.required = False
        return fields


# Read-only fields upper apps add to a version in the history (amendments: what it merged).
VERSION_FIELDS: dict[str, Callable[[], serializers.Field]] = {}


def sheet_version_field_register(name: str, field: Callable[[], serializers.Field]) -> None:
    """`field` makes a read-only serializer field whose source is the version itself; pair it
    with `projects.selectors.sheet_version_prefetch_register` so the list stays one query each."""
    VERSION_FIELDS[name] = field


class _WithRegisteredFields:
    def get_fields(self):
        fields = super().get_fields()  # type: ignore[misc]
        fields.update({name: make() for name, make in VERSION_FIELDS.items()})
        return fields


class VersionListSerializer(_WithRegisteredFields, serializers.ModelSerializer):
    author = PublicUserSerializer(read_only=True)

    class Meta:
        model = SheetVersion
        fields = ["number", "title", "author", "created", "change_note", "restored_from"]
        read_only_fields = fields


class VersionDetailSerializer(_WithRegisteredFields, serializers.ModelSerializer):
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
