"""API of a sheet's evaluation (../shared/API.md, "Territories, archives, evaluation, widget")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from interface.api import PolicyAPIView
from projects.permissions import SHEET_POLICY
from projects.selectors import sheet_queryset

from .questionnaire import QUESTION_CODES, SCALE_MAX, SCALE_MIN, Role
from .selectors import sheet_evaluation
from .services import answer_submit


class AnswerSerializer(serializers.Serializer):
    # Checked by the service (a French or English 400); a plain string keeps the schema's enum
    # names free of a second "role" choice set.
    role = serializers.CharField(max_length=20, help_text=f"One of: {', '.join(Role.values)}.")
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=SCALE_MIN, max_value=SCALE_MAX),
        help_text=f"One grade (1–4) for each question: {', '.join(QUESTION_CODES)}.",
    )


class EvaluationIndicatorsSerializer(serializers.Serializer):
    """The schema of the computed indicators (documentation: the view answers the selector's
    dict; definitions in docs/evaluation.md)."""

    participants = serializers.IntegerField(
        help_text="People who took part: participants_online + participants_assisted."
    )
    participants_online = serializers.IntegerField(
        help_text="Distinct accounts that, in their own name, wrote a visible comment, submitted "
        "an amendment (not withdrawn) or cast a ballot on the sheet. A comment or amendment a "
        "mediator recorded for someone else does not count the mediator."
    )
    participants_assisted = serializers.IntegerField(
        help_text="Distinct people without an account reached through mediation: the persons of "
        "the visible comments and submitted amendments recorded by a mediator, and of the "
        "counted paper ballots; a person is a (pseudonym or initials, place) pair compared "
        "without case, accents or spaces. They have no commune."
    )
    comments = serializers.IntegerField(help_text="Visible comments in the sheet's debates.")
    comments_answered = serializers.IntegerField()
    comments_answered_by_change = serializers.IntegerField()
    amendments_submitted = serializers.IntegerField(help_text="Withdrawn ones left out.")
    amendments_merged = serializers.IntegerField()
    voters = serializers.IntegerField(help_text="Distinct accounts that cast a ballot.")
    paper_ballots = serializers.IntegerField(help_text="Counted paper ballots (no account).")
    meetings_held = serializers.IntegerField()
    meetings_attendance = serializers.IntegerField()
    contributions = serializers.IntegerField(help_text="comments + amendments_submitted.")
    followed_by_change = serializers.IntegerField()
    followed_by_change_share = serializers.FloatField(allow_null=True)
    response_published = serializers.BooleanField()
    official_response_times = serializers.DictField()
    participants_by_commune = serializers.ListField(
        child=serializers.DictField(),
        help_text="participants_online only, per profile commune (commune, participants, "
        "fewer_than: a group under 5 is not given).",
    )


class SheetEvaluationResponseSerializer(serializers.Serializer):
    sheet = serializers.IntegerField()
    stage = serializers.CharField()
    available = serializers.BooleanField()
    open = serializers.BooleanField()
    indicators = EvaluationIndicatorsSerializer(allow_null=True)
    participation_level = serializers.DictField(allow_null=True)
    questionnaire = serializers.DictField(allow_null=True)


class SheetEvaluation(PolicyAPIView):
    """GET: the indicators, the promise kept or not and the questionnaire's results, for whoever
    sees the sheet; POST: the caller's answer (signed-in participants, while in evaluation)."""

    policy = SHEET_POLICY
    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "answer_evaluation"}

    def get_object_queryset(self):
        return sheet_queryset()

    @extend_schema(responses={200: SheetEvaluationResponseSerializer})
    def get(self, request, pk: int):
        sheet = self.get_object()
        return Response(sheet_evaluation(user=request.user, sheet=sheet))

    @extend_schema(request=AnswerSerializer, responses={201: dict})
    def post(self, request, pk: int):
        sheet = self.get_object()
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = answer_submit(actor=request.user, sheet=sheet, **data.validated_data)
        return Response(
            {"sheet": sheet.pk, "role": answer.role, "scores": answer.scores},
            status=status.HTTP_201_CREATED,
        )
