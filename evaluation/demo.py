"""The demo's evaluation: on `velorue-quai-des-bateliers` (in evaluation after the workflow's
demo), a debate "un an après" where residents and an association say how it went and the
service answers, then five participants answer the questionnaire, so that the card shows its
figures and the pillars' means. Idempotent: nothing is written once the debate exists."""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.demo import demo_user
from debates.models import Debate
from debates.services import comment_create, debate_create
from errors import DomainError
from projects.models import ProjectSheet, Stage

from .services import answer_submit

log = logging.getLogger(__name__)

SHEET = "velorue-quai-des-bateliers"
OPENER = "service@demo.fabrique.test"
TITLE = "La vélorue, un an après : qu'en pensez-vous ?"
BODY = "La vélorue est ouverte depuis un an. Dites-nous ce qui marche et ce qui reste à améliorer."
COMMENTS = [
    ("alice@demo.fabrique.test", "Je la prends tous les matins : bien plus sûr qu'avant.", True),
    ("bob@demo.fabrique.test", "Les livraisons bloquent encore la piste le matin.", True),
    (
        "carole@demo.fabrique.test",
        "Notre association aimerait un comptage public des vélos.",
        False,
    ),
    ("dan@demo.fabrique.test", "L'éclairage du quai manque le soir.", False),
]
REPLY = "Merci : nous en tenons compte pour la suite, et le bilan l'indiquera."
# (who, role, a grade per question in questionnaire order)
ANSWERS = [
    ("alice@demo.fabrique.test", "resident", [4, 3, 3, 3, 4, 3, 4, 4]),
    ("bob@demo.fabrique.test", "resident", [3, 3, 2, 2, 3, 2, 3, 4]),
    ("carole@demo.fabrique.test", "association", [2, 3, 3, 2, 3, 2, 3, 3]),
    ("dan@demo.fabrique.test", "resident", [3, 2, 3, 2, 2, 2, 3, 3]),
    ("service@demo.fabrique.test", "agent", [3, 3, 4, 3, 3, 3, 4, 4]),
]


def seed() -> int:
    sheet = ProjectSheet.objects.filter(slug=SHEET, stage=Stage.EVALUATION).first()
    if sheet is None or Debate.objects.filter(sheet=sheet, title=TITLE).exists():
        return 0
    try:
        with transaction.atomic():
            return _write(sheet)
    except DomainError as error:
        log.warning("demo: evaluation of %s refused: %s", SHEET, error.message)
        return 0


def _write(sheet: ProjectSheet) -> int:
    from .questionnaire import QUESTION_CODES

    debate = debate_create(actor=demo_user(OPENER), sheet=sheet, title=TITLE, body=BODY)
    written = 0
    for author, body, answered in COMMENTS:
        parent = comment_create(actor=demo_user(author), debate=debate, body=body)
        if answered:
            comment_create(actor=demo_user(OPENER), debate=debate, body=REPLY, parent=parent)
        written += 1
    for email, role, grades in ANSWERS:
        scores = dict(zip(QUESTION_CODES, grades, strict=True))
        answer_submit(actor=demo_user(email), sheet=sheet, role=role, scores=scores)
        written += 1
    return written
