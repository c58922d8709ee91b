"""API of the officials' directory and of requests (../shared/API.md, "Officials and
requests")."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from interface.api import PolicyAPIView
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY
from territories.models import Territory, Theme

from .models import ANSWER_MAX_CHARS, BODY_MAX_CHARS, NOTE_MAX_CHARS, SUBJECT_MAX_CHARS, Request
from .permissions import REQUEST_POLICY
from .selectors import (
    official_get,
    official_list,
    official_stats,
    public_answers,
    request_flags,
    request_queryset,
    requests_inbox,
    requests_sent,
)
from .services import (
    request_answer,
    request_clarify,
    request_flag_boilerplate,
    request_inadmissible,
    request_publication_decide,
    request_redirect,
    request_reply,
    request_send,
)

STAT_FIELDS = (
    "received",
    "answered",
    "answered_on_time_rate",
    "median_days",
    "open",
    "overdue",
    "very_overdue",
    "inadmissible",
    "settled",
)


def _day(moment: Any) -> str | None:
    return timezone.localtime(moment).date().isoformat() if moment else None


class MandateSerializer(serializers.Serializer):
    title = serializers.CharField()
    commune = serializers.SerializerMethodField()
    starts = serializers.DateField()
    ends = serializers.DateField(allow_null=True)

    def get_commune(self, obj: Any) -> str | None:
        return obj.commune.slug if obj.commune_id else None


class OfficialSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id")
    display_name = serializers.CharField(source="user.display_name")
    presentation = serializers.CharField()
    mandates = MandateSerializer(many=True, source="mandates.all")
    territories = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    commitment_days = serializers.IntegerField()
    stats = serializers.SerializerMethodField(
        help_text="Over the last 12 months; rates null below 5 settled requests "
        "(see /elus/methode/)."
    )

    def get_territories(self, obj: Any) -> list[str]:
        return sorted(t.slug for t in obj.territories.all())

    def get_themes(self, obj: Any) -> list[str]:
        return sorted(t.slug for t in obj.themes.all())

    def get_stats(self, obj: Any) -> dict[str, Any]:
        stats = self.context["stats"][obj.pk]
        return {k: stats[k] for k in STAT_FIELDS}


class PublicAnswerSerializer(serializers.Serializer):
    reference = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    answer = serializers.CharField(source="answer_text")
    sent = serializers.SerializerMethodField()
    answered = serializers.SerializerMethodField()
    sheet = serializers.SerializerMethodField()

    def get_sent(self, obj: Request) -> str | None:
        return _day(obj.created)

    def get_answered(self, obj: Request) -> str | None:
        return _day(obj.answered_at)

    def get_sheet(self, obj: Request) -> int | None:
        return obj.sheet_id


class OfficialDetailSerializer(OfficialSerializer):
    questions = serializers.SerializerMethodField()

    def get_questions(self, obj: Any) -> list[dict[str, Any]]:
        return PublicAnswerSerializer(public_answers(profile=obj)[:50], many=True).data


def _filters(request: Any) -> tuple[Territory | None, Theme | None]:
    params = request.query_params
    territory = theme = None
    if params.get("territory"):
        territory = (
            Territory.objects.filter(slug=params["territory"])
            .select_related("parent__parent")
            .first()
        )
        if territory is None:
            raise serializers.ValidationError({"territory": ["Territoire inconnu."]})
    if params.get("theme"):
        theme = Theme.objects.filter(slug=params["theme"]).first()
        if theme is None:
            raise serializers.ValidationError({"theme": ["Thème inconnu."]})
    return territory, theme


@extend_schema(parameters=[OpenApiParameter("territory", str), OpenApiParameter("theme", str)])
class OfficialList(APIView):
    """The directory: verified officials, filterable by territory (a quartier finds its commune's
    and the Eurométropole's officials) and theme, with their public statistics."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OfficialSerializer(many=True))
    def get(self, request):
        territory, theme = _filters(request)
        paginator = generics.GenericAPIView.pagination_class()
        page = paginator.paginate_queryset(official_list(territory=territory, theme=theme), request)
        stats = official_stats([p.pk for p in page])
        data = OfficialSerializer(page, many=True, context={"stats": stats}).data
        return paginator.get_paginated_response(data)


class OfficialDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OfficialDetailSerializer)
    def get(self, request, pk: int):
        profile = official_get(user_id=pk)
        stats = official_stats([profile.pk])
        return Response(OfficialDetailSerializer(profile, context={"stats": stats}).data)


class StatisticsExport(APIView):
    """Open data: every official's statistics over the last 12 months, without personal data
    beyond the official's public name; the same as CSV at `officials/statistics.csv`."""

    permission_classes = [AllowAny]
    as_csv = False

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        profiles = list(official_list())
        stats = official_stats([p.pk for p in profiles])
        rows = [
            {
                "official": p.user_id,
                "display_name": p.user.display_name,
                "commitment_days": p.commitment_days,
                **{k: stats[p.pk][k] for k in STAT_FIELDS},
            }
            for p in profiles
        ]
        if self.as_csv:
            out = io.StringIO()
            fields = ["official", "display_name", "commitment_days", *STAT_FIELDS]
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                # A name is data, never a formula in the reader's spreadsheet.
                name = row["display_name"]
                if name[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    row["display_name"] = "'" + name
                writer.writerow(row)
            response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="elus-statistiques.csv"'
            return response
        return Response(
            {
                "generated": timezone.now().isoformat(),
                "window_days": 365,
                "method": "/elus/methode/",
                "officials": rows,
            }
        )


class RequestWriteSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=SUBJECT_MAX_CHARS)
    body = serializers.CharField(max_length=BODY_MAX_CHARS)
    public = serializers.BooleanField(default=False)
    sheet = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )


class RequestCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.CharField()
    due = serializers.SerializerMethodField()

    def get_due(self, obj: Request) -> str | None:
        return _day(obj.due_at)


class OfficialRequests(APIView):
    """POST: write to an official (signed in): a reference and the due date at once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RequestWriteSerializer, responses={201: RequestCreatedSerializer})
    def post(self, request, pk: int):
        profile = official_get(user_id=pk)
        data = RequestWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sheet = None
        if values.get("sheet"):
            sheet = (
                ProjectSheet.objects.filter(pk=values["sheet"]).select_related("workspace").first()
            )
            if sheet is None or not SHEET_POLICY.check(request.user, sheet):
                raise serializers.ValidationError({"sheet": ["Fiche introuvable."]})
        created = request_send(
            actor=request.user,
            official=profile,
            subject=values["subject"],
            body=values["body"],
            public=values["public"],
            sheet=sheet,
        )
        return Response(RequestCreatedSerializer(created).data, status=status.HTTP_201_CREATED)


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    state = serializers.CharField()
    public = serializers.BooleanField()
    official = serializers.IntegerField(source="official.user_id")
    first_official = serializers.IntegerField(source="first_official.user_id")
    sheet = serializers.IntegerField(source="sheet_id", allow_null=True)
    sent = serializers.DateTimeField(source="created")
    due = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    very_overdue = serializers.SerializerMethodField()
    answer = serializers.CharField(source="answer_text")
    answered = serializers.DateTimeField(source="answered_at", allow_null=True)

    def get_due(self, obj: Request) -> str | None:
        return _day(obj.due_at)

    def get_overdue(self, obj: Request) -> bool:
        return request_flags(obj)["overdue"]

    def get_very_overdue(self, obj: Request) -> bool:
        return request_flags(obj)["very_overdue"]


class RequestDetailSerializer(RequestSerializer):
    history = serializers.SerializerMethodField()
    publication = serializers.SerializerMethodField()
    inadmissible_reason = serializers.CharField()
    boilerplate = serializers.BooleanField()

    def _party(self, obj: Request) -> bool:
        user = self.context["request"].user
        return any(
            REQUEST_POLICY.check(user, obj, action)
            for action in ("answer", "reply", "inadmissible", "moderate")
        )

    def get_publication(self, obj: Request) -> str | None:
        return obj.publication if self._party(obj) else None

    def get_history(self, obj: Request) -> list[dict[str, Any]]:
        """Its parties read every step; the public reads the sending, redirections and the
        answer (what the citizen wrote besides the question is not published)."""
        party = self._party(obj)
        entries = []
        for entry in obj.entries.select_related("author").all():
            if not party and entry.kind not in {"sent", "redirect", "answer"}:
                continue
            author = entry.author
            shown = author is not None and (party or author.pk != obj.sender_id)
            entries.append(
                {
                    "at": entry.created.isoformat(),
                    "kind": entry.kind,
                    "by": author.display_name if shown else None,
                    "text": entry.text,
                }
            )
        return entries


class RequestList(APIView):
    """The caller's own requests; `?box=inbox`: the requests the caller answers (as the official
    or a delegate): those to answer by due date (the overdue first); `flag` ∈ overdue,
    very_overdue, closed, all."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, enum=["sent", "inbox"]),
            OpenApiParameter("flag", str, enum=["overdue", "very_overdue", "closed", "all"]),
        ],
        responses=RequestSerializer(many=True),
    )
    def get(self, request):
        box = request.query_params.get("box") or "sent"
        flag = request.query_params.get("flag") or ""
        if box not in {"sent", "inbox"}:
            raise serializers.ValidationError({"box": ["sent ou inbox."]})
        if flag not in {"", "overdue", "very_overdue", "closed", "all"}:
            raise serializers.ValidationError({"flag": ["overdue, very_overdue, closed ou all."]})
        if box == "inbox":
            qs = requests_inbox(user=request.user, flag=flag, whole=True)
        else:
            qs = requests_sent(user=request.user, whole=True)
        paginator = generics.GenericAPIView.pagination_class()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(RequestSerializer(page, many=True).data)


class RequestAPIView(PolicyAPIView):
    policy = REQUEST_POLICY

    def get_object_queryset(self):
        return request_queryset()

    def answer(self, request: Any, obj: Request) -> Response:
        fresh = request_queryset().get(pk=obj.pk)
        return Response(RequestDetailSerializer(fresh, context={"request": request}).data)


class RequestDetail(RequestAPIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=RequestDetailSerializer)
    def get(self, request, pk: int):
        return self.answer(request, self.get_object())


class TextSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=ANSWER_MAX_CHARS)


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=NOTE_MAX_CHARS)


class RedirectSerializer(serializers.Serializer):
    official = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    note = serializers.CharField(
        max_length=NOTE_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class InadmissibleSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Request.Inadmissible.choices)
    note = serializers.CharField(
        max_length=NOTE_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class PublicationSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class BoilerplateSerializer(serializers.Serializer):
    boilerplate = serializers.BooleanField()


def _action_view(
    action: str, serializer: type[serializers.Serializer], run: Any, doc: str, name: str = ""
):
    class View(RequestAPIView):
        permission_classes = [IsAuthenticated]
        method_actions = {"POST": action}
        __doc__ = doc

        @extend_schema(request=serializer, responses=RequestDetailSerializer)
        def post(self, request, pk: int):
            obj = self.get_object()
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            run(request.user, obj, data.validated_data)
            return self.answer(request, obj)

    View.__name__ = View.__qualname__ = name or f"Request{action.title().replace('_', '')}"
    return View


def _redirect(user: Any, obj: Request, values: dict) -> Any:
    from .models import OfficialProfile

    target = (
        OfficialProfile.objects.select_related("user").filter(user_id=values["official"]).first()
    )
    return request_redirect(actor=user, request=obj, official=target, note=values["note"])


RequestAnswer = _action_view(
    "answer",
    TextSerializer,
    lambda user, obj, v: request_answer(actor=user, request=obj, body=v["body"]),
    "The official or a delegate answers: the request is answered (and published if public and "
    "its question approved).",
)
RequestClarify = _action_view(
    "clarify",
    QuestionSerializer,
    lambda user, obj, v: request_clarify(actor=user, request=obj, question=v["question"]),
    "The official asks the sender a question: the clock stops until the reply.",
)
RequestReply = _action_view(
    "reply",
    TextSerializer,
    lambda user, obj, v: request_reply(actor=user, request=obj, body=v["body"]),
    "The sender replies to the question: the clock runs again, the due date moved by the pause.",
)
RequestRedirect = _action_view(
    "redirect",
    RedirectSerializer,
    _redirect,
    "The official hands the request to another official; the due date is kept.",
)
RequestInadmissible = _action_view(
    "inadmissible",
    InadmissibleSerializer,
    lambda user, obj, v: request_inadmissible(
        actor=user, request=obj, reason=v["reason"], note=v["note"]
    ),
    "The official or staff closes the request as inadmissible (counted apart).",
)
RequestPublication = _action_view(
    "moderate",
    PublicationSerializer,
    lambda user, obj, v: request_publication_decide(actor=user, request=obj, approve=v["approve"]),
    "A moderator approves a public request's question for publication (or keeps it unpublished).",
    name="RequestPublication",
)
RequestBoilerplate = _action_view(
    "moderate",
    BoilerplateSerializer,
    lambda user, obj, v: request_flag_boilerplate(
        actor=user, request=obj, boilerplate=v["boilerplate"]
    ),
    "A moderator flags an answer that says nothing of the question: not counted as answered.",
    name="RequestBoilerplate",
)
