"""The one write of the evaluation: a participant's answer to the questionnaire."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from events.services import event_record
from projects.models import ProjectSheet
from projects.permissions import SHEET_POLICY

from .errors import (
    EvaluationAlreadyAnswered,
    EvaluationClosed,
    EvaluationForbidden,
)
from .models import Answer
from .questionnaire import QUESTION_CODES, SCALE_MAX, SCALE_MIN, Role
from .selectors import evaluation_participant


def _clean_scores(scores: Any) -> dict[str, int]:
    if not isinstance(scores, dict):
        raise ValidationError({"scores": [_("Les réponses sont attendues par question.")]})
    missing = [code for code in QUESTION_CODES if code not in scores]
    unknown = [str(code) for code in scores if code not in QUESTION_CODES]
    if missing or unknown:
        raise ValidationError(
            {"scores": [_("Répondez à chaque question du questionnaire, et seulement à elles.")]}
        )
    clean = {}
    for code in QUESTION_CODES:
        value = scores[code]
        if isinstance(value, str) and value.isdigit() and len(value) == 1:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            value = None
        if value is None or not SCALE_MIN <= value <= SCALE_MAX:
            raise ValidationError(
                {"scores": [_("Chaque réponse va de 1 (pas du tout) à 4 (tout à fait).")]}
            )
        clean[code] = value
    return clean


@transaction.atomic
def answer_submit(*, actor: User, sheet: ProjectSheet, role: str, scores: Any) -> Answer:
    """One answer per account and sheet, only while the sheet is in evaluation, only by the
    people who took part (evaluation.selectors.evaluation_participant)."""
    if not SHEET_POLICY.check(actor, sheet, "answer_evaluation"):
        raise EvaluationForbidden(_("Connectez-vous pour répondre au questionnaire."))
    sheet = ProjectSheet.objects.select_for_update(no_key=True).get(pk=sheet.pk)
    if sheet.stage != "evaluation":
        raise EvaluationClosed(_("Le questionnaire n'est ouvert que pendant l'évaluation."))
    if not evaluation_participant(user=actor, sheet=sheet):
        raise EvaluationForbidden(
            _("Seules les personnes qui ont pris part à la concertation peuvent répondre.")
        )
    if role not in Role.values:
        raise ValidationError({"role": [_("Choisissez à quel titre vous répondez.")]})
    answer = Answer(sheet=sheet, user=actor, role=role, scores=_clean_scores(scores))
    already = _("Vous avez déjà répondu au questionnaire de cette fiche.")
    if Answer.objects.filter(sheet=sheet, user=actor).exists():
        raise EvaluationAlreadyAnswered(already)
    answer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError as error:
        raise EvaluationAlreadyAnswered(already) from error
    event_record(
        actor=actor,
        verb="evaluation.answered",
        target=sheet,
        workspace=sheet.workspace,
        private=True,
    )
    return answer
