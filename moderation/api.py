"""API of moderation: reports, the moderators' queue and decisions, appeals, the register, the
charter (../shared/API.md, "Debates, comments and moderation")."""

from __future__ import annotations

import datetime
import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from debates.api import CommentSerializer
from debates.permissions import COMMENT_POLICY
from interface.api import PolicyAPIView
from policies import active
from workspace.models import Workspace
from workspace.permissions import WORKSPACE_POLICY

from .models import (
    APPEAL_MAX_CHARS,
    REASON_MAX_CHARS,
    REPORT_DETAILS_MAX_CHARS,
    CharterVersion,
    ModerationCase,
    ReportReason,
)
from .permissions import CASE_POLICY
from .selectors import case_queue, charter_versions, moderators, notice_list, register_month
from .services import appeal_create, appeal_decide, case_decide, report_create


class ReportWriteSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = serializers.CharField(
        required=False, allow_blank=True, max_length=REPORT_DETAILS_MAX_CHARS, default=""
    )


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    details = serializers.CharField()
    created = serializers.DateTimeField()


class CaseReportSerializer(serializers.Serializer):
    """A report as moderators see it: never who made it."""

    reason = serializers.CharField()
    details = serializers.CharField()
    created = serializers.DateTimeField()


class CaseCommentSerializer(CommentSerializer):
    """The reported message as moderators see it: its text even when hidden (not once its
    author deleted it: the text is gone)."""

    text = serializers.CharField(source="body", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(CommentSerializer.Meta):
        fields = [*CommentSerializer.Meta.fields, "text", "url"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    comment = CaseCommentSerializer(read_only=True)
    reports = CaseReportSerializer(many=True, read_only=True)
    opened = serializers.DateTimeField(source="opened_at")
    due = serializers.DateTimeField(source="due_at")
    due_date = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    appeal = serializers.SerializerMethodField()

    class Meta:
        model = ModerationCase
        fields = [
            "id",
            "comment",
            "reports",
            "state",
            "opened",
            "due",
            "due_date",
            "overdue",
            "decision",
            "appeal",
        ]
        read_only_fields = fields

    def get_due_date(self, obj: ModerationCase) -> str:
        from django.utils import timezone

        return timezone.localtime(obj.due_at).date().isoformat()

    def get_overdue(self, obj: ModerationCase) -> bool:
        from django.utils import timezone

        return obj.is_open and timezone.now() > obj.due_at

    def get_decision(self, obj: ModerationCase) -> dict[str, Any] | None:
        if obj.decided_at is None:
            return None
        return {
            "reason": obj.decision_reason,
            "rule": obj.decision_rule or None,
            "decided": serializers.DateTimeField().to_representation(obj.decided_at),
            "moderator": obj.decided_by.display_name if obj.decided_by else None,
        }

    def get_appeal(self, obj: ModerationCase) -> dict[str, Any] | None:
        if obj.appealed_at is None:
            return None
        field = serializers.DateTimeField()
        return {
            "text": obj.appeal_text,
            "appealed": field.to_representation(obj.appealed_at),
            "reason": obj.appeal_reason or None,
            "decided": field.to_representation(obj.appeal_decided_at)
            if obj.appeal_decided_at
            else None,
        }


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["hide", "dismiss"])
    reason = serializers.CharField(max_length=REASON_MAX_CHARS)
    rule = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class AppealDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["uphold", "reverse"])
    reason = serializers.CharField(max_length=REASON_MAX_CHARS)


class AppealSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=APPEAL_MAX_CHARS)


class CommentReports(PolicyAPIView):
    """Report a message (signed in, once, not one's own)."""

    policy = COMMENT_POLICY
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "report"}

    @extend_schema(request=ReportWriteSerializer, responses={201: ReportSerializer})
    def post(self, request, pk: int):
        comment = self.get_object()
        data = ReportWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_create(actor=request.user, comment=comment, **data.validated_data)
        return Response(
            ReportSerializer(
                {
                    "id": report.pk,
                    "reason": report.reason,
                    "details": report.details,
                    "created": report.created,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


class CommentAppeal(PolicyAPIView):
    """The author of a hidden message appeals, once, within the deadline."""

    policy = COMMENT_POLICY
    permission_classes = [IsAuthenticated]
    method_actions = {"POST": "appeal"}

    @extend_schema(request=AppealSerializer, responses={201: CaseSerializer})
    def post(self, request, pk: int):
        comment = self.get_object()
        data = AppealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = appeal_create(actor=request.user, comment=comment, text=data.validated_data["text"])
        return Response(
            {
                "case": case.pk,
                "state": case.state,
                "appealed": serializers.DateTimeField().to_representation(case.appealed_at),
            },
            status=status.HTTP_201_CREATED,
        )


def _moderators_only(request: Any) -> None:
    if not active(request.user):
        raise NotAuthenticated()
    if not CASE_POLICY.rule("view").test(request.user, None, CASE_POLICY):
        raise PermissionDenied()


@extend_schema(parameters=[OpenApiParameter("state", str, enum=ModerationCase.State.values)])
class CaseList(generics.ListAPIView):
    """The moderators' queue: open cases first, the one due soonest first."""

    serializer_class = CaseSerializer

    def get_queryset(self):
        _moderators_only(self.request)
        state = self.request.query_params.get("state") or None
        if state and state not in ModerationCase.State.values:
            raise serializers.ValidationError({"state": ["État inconnu."]})
        return case_queue(user=self.request.user, state=state)


class CaseAPIView(PolicyAPIView):
    policy = CASE_POLICY
    permission_classes = [IsAuthenticated]

    def get_object_queryset(self):
        return ModerationCase.objects.select_related(
            "comment__debate", "comment__author", "decided_by"
        ).prefetch_related("reports")


class CaseDetail(CaseAPIView):
    @extend_schema(responses=CaseSerializer)
    def get(self, request, pk: int):
        return Response(CaseSerializer(self.get_object()).data)


class CaseDecision(CaseAPIView):
    method_actions = {"POST": "decide"}

    @extend_schema(request=DecisionSerializer, responses=CaseSerializer)
    def post(self, request, pk: int):
        case = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_decide(actor=request.user, case=case, **data.validated_data)
        return Response(CaseSerializer(self.get_object()).data)


class CaseAppealDecision(CaseAPIView):
    method_actions = {"POST": "decide"}

    @extend_schema(request=AppealDecisionSerializer, responses=CaseSerializer)
    def post(self, request, pk: int):
        case = self.get_object()
        data = AppealDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal_decide(actor=request.user, case=case, **data.validated_data)
        return Response(CaseSerializer(self.get_object()).data)


MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value: str | None) -> datetime.date:
    """`YYYY-MM` → the month's first day; the current month when absent."""
    from django.utils import timezone

    if not value:
        today = timezone.localdate()
        return today.replace(day=1)
    match = MONTH.match(value)
    if match is None or not (2000 <= int(match.group(1)) <= 9999):
        raise serializers.ValidationError({"month": ["Mois attendu sous la forme AAAA-MM."]})
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class RegisterView(APIView):
    """The public monthly register, platform-wide or for one workspace (`?workspace=`)."""

    permission_classes: list[Any] = []

    @extend_schema(
        parameters=[OpenApiParameter("month", str), OpenApiParameter("workspace", str)],
        responses={200: dict},
    )
    def get(self, request):
        month = parse_month(request.query_params.get("month"))
        workspace = None
        slug = request.query_params.get("workspace")
        if slug:
            workspace = Workspace.objects.filter(slug=slug).first()
            if workspace is None or not WORKSPACE_POLICY.check(request.user, workspace):
                from rest_framework.exceptions import NotFound

                raise NotFound()
        return Response(register_month(user=request.user, month=month, workspace=workspace))


class CharterView(APIView):
    """The charter in force, its earlier versions' numbers, and the moderators' names."""

    permission_classes: list[Any] = []

    @extend_schema(responses={200: dict})
    def get(self, request):
        versions = list(charter_versions())
        current: CharterVersion | None = versions[0] if versions else None
        return Response(
            {
                "version": current.number if current else None,
                "published": serializers.DateTimeField().to_representation(current.published_at)
                if current
                else None,
                "introduction": current.introduction if current else "",
                "articles": current.articles if current else [],
                "versions": [
                    {
                        "version": v.number,
                        "published": serializers.DateTimeField().to_representation(v.published_at),
                        "change_note": v.change_note,
                    }
                    for v in versions
                ],
                "moderators": [{"display_name": u.display_name} for u in moderators()],
            }
        )


class NoticeList(generics.ListAPIView):
    """What moderation told the caller about their messages and reports."""

    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return notice_list(user=self.request.user)

    def get_serializer_class(self):
        return NoticeSerializer


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    case = serializers.IntegerField(source="case_id")
    comment = serializers.IntegerField(source="case.comment_id")
    created = serializers.DateTimeField()
    read = serializers.DateTimeField(source="read_at", allow_null=True)
