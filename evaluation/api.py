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


class SheetEvaluation(PolicyAPIView):
    """GET: the indicators, the promise kept or not and the questionnaire's results, for whoever
    sees the sheet; POST: the caller's answer (signed-in participants, while in evaluation)."""

    policy = SHEET_POLICY
    permission_classes = [IsAuthenticatedOrReadOnly]
    method_actions = {"POST": "answer_evaluation"}

    def get_object_queryset(self):
        return sheet_queryset()

    @extend_schema(responses={200: dict})
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
