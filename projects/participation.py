"""Plain-language explanations of the participation levels an official's framing promises."""

from django.utils.translation import gettext_lazy as _

from .models import ParticipationLevel

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


def participation_levels() -> list[dict]:
    return [
        {"value": level.value, "label": level.label, "explanation": LEVEL_EXPLANATIONS[level]}
        for level in ParticipationLevel
    ]
