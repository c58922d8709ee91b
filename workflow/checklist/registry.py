"""The checklist registry: what each stage must satisfy, computed or attested by staff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Q,
)
from django.utils.translation import gettext_lazy as _

from projects.models import Stage

from .conditions import (
    attested_exists,
    consultation_dates,
    decisions_and_budget,
    participation_level_declared,
    public_documents_attached,
    published_framing_by_official,
    restitution_published,
    section_filled,
    summary_long_enough,
    territory_and_theme,
)

COMPUTED = "computed"
ATTESTED = "attested"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    stage: str
    label: Any
    kind: str  # COMPUTED or ATTESTED
    # Builds the Q (relative to ProjectSheet) that holds when the item is met; None for attested.
    condition: Callable[[], Q] | None = None
    required: bool = True
    # A computed item staff may also attest, when the evidence lives outside Fabrique.
    attestable: bool = False
    help_text: Any = ""

    @property
    def can_be_attested(self) -> bool:
        return self.kind == ATTESTED or self.attestable

    @property
    def computed_now(self) -> bool:
        """Computed by its own condition or by one an upper app registered."""
        return self.kind == COMPUTED or self.code in _REGISTERED

    def satisfied_q(self) -> Q:
        attested = Q(attested_exists(self.code))
        registered = _REGISTERED.get(self.code)
        if self.kind == ATTESTED:
            return attested if registered is None else registered() | attested
        assert self.condition is not None
        own = self.condition() if registered is None else self.condition() | registered()
        return own | attested if self.attestable else own


# Conditions upper apps add to items (see checklist_condition_register).
_REGISTERED: dict[str, Callable[[], Q]] = {}


def checklist_condition_register(code: str, condition: Callable[[], Q]) -> None:
    """An upper app (evaluation) makes an item met by a condition of its own, relative to
    ProjectSheet, besides the item's own condition and any staff attestation. Called from the
    app's `ready()`, before the checklist's SQL is first compiled (workflow.checklist.sql)."""
    if code not in {item.code for item in ITEMS}:
        raise KeyError(code)
    _REGISTERED[code] = condition


# --- the registry ---

ITEMS: tuple[ChecklistItem, ...] = (
    # initiative
    ChecklistItem(
        "summary_length",
        Stage.INITIATIVE,
        _("Un résumé clair d'au moins 300 caractères"),
        COMPUTED,
        summary_long_enough,
    ),
    ChecklistItem(
        "territory_theme",
        Stage.INITIATIVE,
        _("Le territoire et au moins un thème sont renseignés"),
        COMPUTED,
        territory_and_theme,
    ),
    ChecklistItem(
        "initiators_contact",
        Stage.INITIATIVE,
        _("Les initiateur·rices et un contact sont indiqués"),
        COMPUTED,
        lambda: section_filled("initiators_contact"),
    ),
    ChecklistItem(
        "objectives",
        Stage.INITIATIVE,
        _("Les objectifs sont décrits"),
        COMPUTED,
        lambda: section_filled("objectives"),
    ),
    ChecklistItem(
        "context",
        Stage.INITIATIVE,
        _("Le contexte est expliqué"),
        COMPUTED,
        lambda: section_filled("context"),
        required=False,
    ),
    ChecklistItem(
        "plain_language",
        Stage.INITIATIVE,
        _("La fiche est rédigée en langage clair et compréhensible"),
        ATTESTED,
    ),
    # consultation
    ChecklistItem(
        "framing_published",
        Stage.CONSULTATION,
        _("Une note de cadrage d'un·e élu·e est publiée"),
        COMPUTED,
        published_framing_by_official,
    ),
    ChecklistItem(
        "participation_level",
        Stage.CONSULTATION,
        _("Le niveau de participation attendu est annoncé"),
        COMPUTED,
        participation_level_declared,
    ),
    ChecklistItem(
        "consultation_dates",
        Stage.CONSULTATION,
        _("Les dates de début et de fin de la concertation sont fixées"),
        COMPUTED,
        consultation_dates,
    ),
    ChecklistItem(
        "modalities_places",
        Stage.CONSULTATION,
        _("Les modalités et les lieux de la concertation sont décrits"),
        COMPUTED,
        lambda: section_filled("modalities_places"),
    ),
    ChecklistItem(
        "questions",
        Stage.CONSULTATION,
        _("Les questions posées aux citoyen·nes sont formulées"),
        COMPUTED,
        lambda: section_filled("questions"),
    ),
    ChecklistItem(
        "public_documents",
        Stage.CONSULTATION,
        _("Des documents publics sont joints à la fiche"),
        COMPUTED,
        public_documents_attached,
    ),
    # realisation
    ChecklistItem(
        "restitution_document",
        Stage.REALISATION,
        _("Un document de restitution est publié"),
        COMPUTED,
        restitution_published,
        attestable=True,
        help_text=_(
            "Un document public joint à la fiche depuis le début de la réalisation, "
            "ou une restitution publiée ailleurs et attestée par un·e agent."
        ),
    ),
    ChecklistItem(
        "response_to_contributions",
        Stage.REALISATION,
        _("La réponse aux contributions est rédigée"),
        COMPUTED,
        lambda: section_filled("response_to_contributions"),
    ),
    ChecklistItem(
        "decisions_budget",
        Stage.REALISATION,
        _("Les décisions prises et le budget sont indiqués"),
        COMPUTED,
        decisions_and_budget,
    ),
    ChecklistItem(
        "milestones",
        Stage.REALISATION,
        _("Le calendrier et les jalons sont publiés"),
        COMPUTED,
        lambda: section_filled("milestones"),
    ),
    ChecklistItem(
        "accessible_restitution",
        Stage.REALISATION,
        _("La restitution est accessible à toutes et tous"),
        ATTESTED,
    ),
    # evaluation
    ChecklistItem(
        "outcomes",
        Stage.EVALUATION,
        _("Les résultats sont comparés aux objectifs"),
        COMPUTED,
        lambda: section_filled("outcomes"),
    ),
    ChecklistItem(
        "indicators",
        Stage.EVALUATION,
        _("Des indicateurs sont renseignés"),
        COMPUTED,
        lambda: section_filled("indicators"),
    ),
    ChecklistItem(
        "participants_evaluation",
        Stage.EVALUATION,
        _("L'évaluation par les participant·es a été recueillie"),
        ATTESTED,
    ),
    ChecklistItem(
        "promised_vs_delivered",
        Stage.EVALUATION,
        _("Le niveau de participation promis et celui tenu sont indiqués"),
        COMPUTED,
        lambda: section_filled("promised_vs_delivered_level"),
    ),
    ChecklistItem(
        "lessons",
        Stage.EVALUATION,
        _("Les enseignements sont tirés"),
        COMPUTED,
        lambda: section_filled("lessons"),
    ),
)

ITEMS_BY_CODE: dict[str, ChecklistItem] = {item.code: item for item in ITEMS}
assert len(ITEMS_BY_CODE) == len(ITEMS), "checklist codes must be unique"


def items_for_stage(stage: str) -> list[ChecklistItem]:
    return [item for item in ITEMS if item.stage == stage]
