"""The participants' questionnaire: four pillars, two questions each, answered on a 1–4 scale,
by role. The pillars follow the structure of the DémoMètre (représentation, transparence,
participation, coopération); the questions are Fabrique's own (the DémoMètre's grid carries no
licence, so none of its wording is reused)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Habitant·e")
    ELECTED = "elected", _("Élu·e")
    AGENT = "agent", _("Agent·e")
    ASSOCIATION = "association", _("Association")


class Pillar(models.TextChoices):
    REPRESENTATION = "representation", _("Représentation")
    TRANSPARENCY = "transparency", _("Transparence")
    PARTICIPATION = "participation", _("Participation")
    COOPERATION = "cooperation", _("Coopération")


SCALE_MIN, SCALE_MAX = 1, 4
SCALE = {
    1: _("Pas du tout d'accord"),
    2: _("Plutôt pas d'accord"),
    3: _("Plutôt d'accord"),
    4: _("Tout à fait d'accord"),
}


@dataclass(frozen=True)
class Question:
    code: str
    pillar: str
    text: Any


QUESTIONS: tuple[Question, ...] = (
    Question(
        "diversity",
        Pillar.REPRESENTATION,
        _("Les personnes concernées par le projet ont pu prendre part à la concertation."),
    ),
    Question(
        "voice",
        Pillar.REPRESENTATION,
        _("Mon point de vue, ou celui des personnes que je représente, a été entendu."),
    ),
    Question(
        "clear_stakes",
        Pillar.TRANSPARENCY,
        _("Ce qui était décidé, par qui et quand, a été dit clairement dès le départ."),
    ),
    Question(
        "follow_up",
        Pillar.TRANSPARENCY,
        _("On sait ce que sont devenues les contributions, retenues ou non, et pourquoi."),
    ),
    Question(
        "easy",
        Pillar.PARTICIPATION,
        _("Participer était simple : informations claires, délais suffisants, lieux accessibles."),
    ),
    Question(
        "influence",
        Pillar.PARTICIPATION,
        _("La participation a réellement fait évoluer le projet."),
    ),
    Question(
        "dialogue",
        Pillar.COOPERATION,
        _("Habitant·es, élu·es, agent·es et associations ont travaillé ensemble avec respect."),
    ),
    Question(
        "again",
        Pillar.COOPERATION,
        _("Je suis prêt·e à participer de nouveau à une démarche de ce type."),
    ),
)

QUESTION_CODES = tuple(q.code for q in QUESTIONS)
