"""Plain-language explanations of the participation levels: what each means, what is decided and
by whom, and what participants can change (a sheet's promise, and an official's framing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from .models import LEVEL_ORDER, ParticipationLevel, Stage

if TYPE_CHECKING:
    from .models import ProjectSheet

LEVEL_EXPLANATIONS = {
    ParticipationLevel.INFORM: _(
        "Informer : la décision est prise ; on vous explique ce qui va se faire et pourquoi."
    ),
    ParticipationLevel.CONSULT: _(
        "Consulter : on recueille votre avis avant de décider ; la collectivité décide seule."
    ),
    ParticipationLevel.CONCERT: _(
        "Concerter : on discute du projet avec vous tout au long ; vos propositions sont "
        "examinées et on vous dit ce qui est retenu."
    ),
    ParticipationLevel.CO_CONSTRUCT: _(
        "Co-construire : le projet est élaboré avec vous ; la collectivité garde la décision "
        "finale mais s'engage sur ce qui a été construit ensemble."
    ),
    ParticipationLevel.CO_DECIDE: _(
        "Co-décider : la décision est partagée ; le choix des participant·es s'applique."
    ),
}

LEVEL_DECIDED = {
    ParticipationLevel.INFORM: _(
        "La décision est déjà prise par la collectivité ou le porteur du projet."
    ),
    ParticipationLevel.CONSULT: _(
        "La collectivité ou le porteur du projet décide seul, après avoir lu les avis."
    ),
    ParticipationLevel.CONCERT: _(
        "La collectivité ou le porteur du projet décide, après avoir discuté des propositions "
        "et expliqué publiquement ce qui est retenu ou non."
    ),
    ParticipationLevel.CO_CONSTRUCT: _(
        "Le projet est écrit avec les participant·es ; la collectivité prend la décision finale "
        "et s'engage à respecter ce qui a été construit ensemble, ou à expliquer pourquoi."
    ),
    ParticipationLevel.CO_DECIDE: _(
        "La décision revient aux participant·es, selon la règle annoncée (vote, jugement "
        "majoritaire) ; la collectivité applique leur choix."
    ),
}

LEVEL_CHANGEABLE = {
    ParticipationLevel.INFORM: _(
        "Rien dans la décision ; vous pouvez poser des questions et obtenir des réponses."
    ),
    ParticipationLevel.CONSULT: _(
        "Vos avis peuvent faire évoluer le projet, sans garantie qu'ils soient retenus."
    ),
    ParticipationLevel.CONCERT: _(
        "Vos propositions peuvent modifier le projet ; chacune reçoit une réponse motivée."
    ),
    ParticipationLevel.CO_CONSTRUCT: _(
        "Le contenu du projet : vous pouvez proposer et amender le texte de la fiche."
    ),
    ParticipationLevel.CO_DECIDE: _(
        "Le choix lui-même, dans le cadre (budget, règles) fixé au départ."
    ),
}

# From this stage on, the public has been asked: a lower promise needs a public note.
CONSULTATION_STARTED = frozenset({Stage.CONSULTATION, Stage.REALISATION, Stage.EVALUATION})

# The public note that goes with a lowered promise.
LOWERING_NOTE_MAX = 1000


def level_is_lower(new: str, old: str) -> bool:
    """Whether `new` gives participants less power than `old`."""
    return LEVEL_ORDER.index(new) < LEVEL_ORDER.index(old)


def participation_levels() -> list[dict]:
    return [
        {"value": level.value, "label": level.label, "explanation": LEVEL_EXPLANATIONS[level]}
        for level in ParticipationLevel
    ]


def sheet_participation(sheet: ProjectSheet) -> dict:
    """What a sheet's page says of its promise: the level, its generic explanation, and this
    project's own texts when its editors wrote them."""
    level = ParticipationLevel(sheet.participation_level)
    return {
        "value": level.value,
        "label": level.label,
        "explanation": LEVEL_EXPLANATIONS[level],
        "decided": LEVEL_DECIDED[level],
        "changeable": LEVEL_CHANGEABLE[level],
        "sheet_decided": sheet.participation_decided,
        "sheet_changeable": sheet.participation_changeable,
    }
