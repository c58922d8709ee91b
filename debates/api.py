"""API of debates and comments (../shared/API.md, "Debates, comments and moderation")."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from accounts.api import PublicUserSerializer
from interface.api import PolicyAPIView
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory, Theme
from workspace.models import Workspace
from workspace.permissions import WORKSPACE_POLICY

from .models import COMMENT_BODY_MAX_CHARS, DEBATE_BODY_MAX_CHARS, Comment, Debate
from .permissions import COMMENT_POLICY, DEBATE_POLICY, author_badge
from .selectors import (
    comment_list,
    comments_open,
    debate_get_visible,
    debate_list_visible,
    stance_counts,
)
from .services import (
    comment_create,
    comment_delete,
    comment_update,
    debate_close,
    debate_create,
)


class AuthorSerializer(PublicUserSerializer):
    badge = serializers.SerializerMethodField(
        help_text='"official" (élu·e) or "staff" (agent): shown beside the name; else null.'
    )

    class Meta(PublicUserSerializer.Meta):
        fields = [*PublicUserSerializer.Meta.fields, "badge"]
        read_only_fields = fields

    def get_badge(self, user: Any) -> str | None:
        return author_badge(user)


class DebateSerializer(serializers.ModelSerializer):
    sheet = serializers.IntegerField(source="sheet_id", allow_null=True, read_only=True)
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    territory = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes = serializers.SerializerMethodField()
    comments_count = serializers.SerializerMethodField()
    opened = serializers.DateTimeField(source="created", read_only=True)
    closes = serializers.DateField(source="closes_on", allow_null=True, read_only=True)
    author = AuthorSerializer(read_only=True, allow_null=True)
    private = serializers.BooleanField(source="is_private", read_only=True)
    accepts_comments = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Debate
        fields = [
            "id",
            "title",
            "state",
            "sheet",
            "workspace",
            "territory",
            "themes",
            "comments_count",
            "opened",
            "closes",
            "author",
            "private",
            "accepts_comments",
            "url",
        ]
        read_only_fields = fields

    def get_themes(self, obj: Debate) -> list[str]:
        return sorted(t.slug for t in obj.themes.all())

    def get_comments_count(self, obj: Debate) -> int:
        count = getattr(obj, "comments_count", None)
        if count is None:
            count = obj.comments.filter(state__in=["visible", "hidden"]).count()
        return int(count)

    def get_accepts_comments(self, obj: Debate) -> bool:
        return comments_open(obj)

    def get_url(self, obj: Debate) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class DebateDetailSerializer(DebateSerializer):
    synthesis = serializers.SerializerMethodField(
        help_text="The public synthesis, once the debate is closed; else null."
    )
    stances = serializers.SerializerMethodField(
        help_text="Visible messages per stance: for, against, nuanced."
    )
    closed = serializers.DateTimeField(source="closed_at", allow_null=True, read_only=True)

    class Meta(DebateSerializer.Meta):
        fields = [*DebateSerializer.Meta.fields, "body", "synthesis", "closed", "stances"]
        read_only_fields = fields

    def get_synthesis(self, obj: Debate) -> str | None:
        return obj.synthesis or None

    def get_stances(self, obj: Debate) -> dict[str, int]:
        return stance_counts(obj)


class DebateWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=DEBATE_BODY_MAX_CHARS, default=""
    )
    sheet = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    workspace = serializers.SlugField(required=False, allow_null=True, allow_blank=True)
    territory = serializers.SlugRelatedField(
        slug_field="slug", queryset=Territory.objects.all(), required=False, allow_null=True
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
    )
    closes = serializers.DateField(required=False, allow_null=True)


class CloseSerializer(serializers.Serializer):
    synthesis = serializers.CharField(max_length=10_000, trim_whitespace=True)


class ModerationNoticeSerializer(serializers.Serializer):
    pending_review = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
    rule = serializers.CharField(allow_null=True)
    decided = serializers.DateTimeField(allow_null=True)
    appealable_until = serializers.DateTimeField(allow_null=True)


class AssistedSerializer(serializers.Serializer):
    pseudonym = serializers.CharField(source="assisted_label")
    place = serializers.CharField(source="assisted_place")
    date = serializers.DateField(source="assisted_on")
    note = serializers.CharField(source="assisted_note")


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(
        help_text="Markdown source; null once hidden by moderation or deleted by its author."
    )
    edited = serializers.DateTimeField(source="edited_at", allow_null=True, read_only=True)
    moderation = serializers.SerializerMethodField()
    reinstated = serializers.DateTimeField(source="reinstated_at", allow_null=True, read_only=True)
    debate = serializers.IntegerField(source="debate_id", read_only=True)
    assisted = serializers.SerializerMethodField(
        help_text="Recorded by a mediator for a person without an account: their pseudonym or "
        "initials, the place and date of collection, and the marking shown with it; else null."
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "debate",
            "author",
            "body",
            "stance",
            "parent",
            "created",
            "edited",
            "state",
            "moderation",
            "reinstated",
            "assisted",
        ]
        read_only_fields = fields

    def get_author(self, obj: Comment) -> dict[str, Any] | None:
        if obj.state == Comment.State.DELETED or obj.author is None:
            return None
        return AuthorSerializer(obj.author).data

    @extend_schema_field(AssistedSerializer(allow_null=True))
    def get_assisted(self, obj: Comment) -> dict[str, Any] | None:
        if not obj.is_assisted or obj.state == Comment.State.DELETED:
            return None
        return AssistedSerializer(obj).data

    def get_body(self, obj: Comment) -> str | None:
        return obj.public_body

    @extend_schema(responses=ModerationNoticeSerializer(allow_null=True))
    def get_moderation(self, obj: Comment) -> dict[str, Any] | None:
        notice = obj.moderation_notice()
        return ModerationNoticeSerializer(notice).data if notice is not None else None


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_BODY_MAX_CHARS)
    stance = serializers.ChoiceField(
        choices=Comment.Stance.choices, required=False, allow_blank=True, default=""
    )
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CommentUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_BODY_MAX_CHARS)
    stance = serializers.ChoiceField(
        choices=Comment.Stance.choices, required=False, allow_blank=True
    )


def _visible_sheet(request: Any, pk: int) -> ProjectSheet:
    sheet = ProjectSheet.objects.select_related("workspace", "territory").filter(pk=pk).first()
    if sheet is None or not SHEET_POLICY.check(request.user, sheet):
        raise serializers.ValidationError({"sheet": ["Fiche introuvable."]})
    return sheet


def _visible_workspace(request: Any, slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None or not WORKSPACE_POLICY.check(request.user, workspace):
        raise serializers.ValidationError({"workspace": ["Espace introuvable."]})
    return workspace


@extend_schema(
    parameters=[
        OpenApiParameter("sheet", int),
        OpenApiParameter("workspace", str),
        OpenApiParameter("territory", str),
        OpenApiParameter("theme", str),
        OpenApiParameter("state", str, enum=Debate.State.values),
    ]
)
class DebateListCreate(generics.ListAPIView):
    """GET: the debates the caller may see; POST: open one (signed in)."""

    serializer_class = DebateSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        params = self.request.query_params
        sheet = params.get("sheet")
        state = params.get("state") or None
        if state and state not in Debate.State.values:
            raise serializers.ValidationError({"state": ["État inconnu : open, closed, archived."]})
        if sheet and not sheet.isdigit():
            raise serializers.ValidationError({"sheet": ["Identifiant de fiche attendu."]})
        return debate_list_visible(
            user=self.request.user,
            sheet=int(sheet) if sheet else None,
            workspace=params.get("workspace") or None,
            territory=params.get("territory") or None,
            theme=params.get("theme") or None,
            state=state,
        )

    @extend_schema(request=DebateWriteSerializer, responses={201: DebateDetailSerializer})
    def post(self, request):
        data = DebateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sheet = _visible_sheet(request, values["sheet"]) if values.get("sheet") else None
        workspace = (
            _visible_workspace(request, values["workspace"]) if values.get("workspace") else None
        )
        debate = debate_create(
            actor=request.user,
            title=values["title"],
            body=values.get("body", ""),
            sheet=sheet,
            workspace=workspace,
            territory=values.get("territory"),
            themes=values.get("themes") or (),
            closes_on=values.get("closes"),
        )
        debate = debate_get_visible(user=request.user, pk=debate.pk)
        return Response(
            DebateDetailSerializer(debate, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class DebateAPIView(PolicyAPIView):
    policy = DEBATE_POLICY

    def get_object_queryset(self):
        return Debate.objects.select_related("sheet__workspace", "workspace", "territory", "author")


class DebateDetail(DebateAPIView):
    @extend_schema(responses=DebateDetailSerializer)
    def get(self, request, pk: int):
        debate = self.get_object()
        return Response(DebateDetailSerializer(debate, context={"request": request}).data)


class DebateClose(DebateAPIView):
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "close"}

    @extend_schema(request=CloseSerializer, responses=DebateDetailSerializer)
    def post(self, request, pk: int):
        debate = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        debate = debate_close(
            actor=request.user, debate=debate, synthesis=data.validated_data["synthesis"]
        )
        debate = debate_get_visible(user=request.user, pk=debate.pk)
        return Response(DebateDetailSerializer(debate, context={"request": request}).data)


class DebateComments(DebateAPIView):
    """GET: the messages, thread by thread (each top-level message followed by its replies);
    POST: write one (signed in, who sees the debate)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "comment"}

    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, pk: int):
        debate = self.get_object()
        queryset = comment_list(debate).order_by(Coalesce(F("parent_id"), F("id")), "created", "id")
        paginator = generics.GenericAPIView.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(request=CommentWriteSerializer, responses={201: CommentSerializer})
    def post(self, request, pk: int):
        debate = self.get_object()
        data = CommentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values.get("parent"):
            parent = Comment.objects.filter(pk=values["parent"], debate=debate).first()
            if parent is None:
                raise serializers.ValidationError(
                    {"parent": ["Ce message n'existe pas dans ce débat."]}
                )
        comment = comment_create(
            actor=request.user,
            debate=debate,
            body=values["body"],
            stance=values.get("stance", ""),
            parent=parent,
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentAPIView(PolicyAPIView):
    policy = COMMENT_POLICY

    def get_object_queryset(self):
        return Comment.objects.select_related("debate__sheet__workspace", "debate__workspace")


class CommentDetail(CommentAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"PATCH": "change", "DELETE": "delete"}

    @extend_schema(responses=CommentSerializer)
    def get(self, request, pk: int):
        comment = self.get_object()
        if comment.state == Comment.State.DELETED and not comment.replies.exists():
            raise NotFound()
        return Response(CommentSerializer(comment).data)

    @extend_schema(request=CommentUpdateSerializer, responses=CommentSerializer)
    def patch(self, request, pk: int):
        comment = self.get_object()
        data = CommentUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comment_update(
            actor=request.user,
            comment=comment,
            body=data.validated_data["body"],
            stance=data.validated_data.get("stance"),
        )
        return Response(CommentSerializer(comment).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        comment = self.get_object()
        comment_delete(actor=request.user, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)
