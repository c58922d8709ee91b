"""The sheet's stage machine, declared once: the only place that says which transitions exist,
from where to where, who may run them, what gates them, which need a note and how they read.

Everything else is derived from `SHEET_STAGES` (see `machines`): the django-fsm-2 methods
on `ProjectSheet` (attached in `WorkflowConfig.ready`, since projects sits below this app), the
permission check, the gates, the options offered on the page and the API, the activity verbs,
and the run itself (`workflow.services.sheet_transition`).

    initiative → consultation → realisation → evaluation → archived
    abandon: from any active stage; step_back: one place back along the forward path.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from machines import Machine, Refusal, Refusals, Step, Transition
from projects.models import STAGE_ORDER, ProjectSheet, Stage

from .checklist import StageGate, checklist_state, checklist_summary
from .errors import (
    TransitionGated,
    TransitionInvalid,
    TransitionNotAllowed,
    TransitionNoteRequired,
    UnknownTransition,
)
from .models import TransitionLog
from .permissions import may_guard, may_steer

ACTIVE: tuple[str, ...] = tuple(STAGE_ORDER)


def _previous_stage(stage: str) -> str:
    return STAGE_ORDER[STAGE_ORDER.index(Stage(stage)) - 1]


def _keep_reason(sheet: ProjectSheet, *, note: str, **kwargs: Any) -> None:
    sheet.abandon_reason = note


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "open_consultation",
        source=(Stage.INITIATIVE,),
        target=Stage.CONSULTATION,
        label=_("Ouvrir la concertation"),
        verb=_("a ouvert la concertation"),
        may=may_steer,
        # A consultation opens only once an official has published its framing: the item
        # belongs to the consultation stage's standard but must hold before the stage starts.
        gate=StageGate(Stage.INITIATIVE, also=("framing_published",)),
        note_offered=True,
    ),
    Transition(
        "start_realisation",
        source=(Stage.CONSULTATION,),
        target=Stage.REALISATION,
        label=_("Passer à la réalisation"),
        verb=_("a fait passer le projet en réalisation"),
        may=may_steer,
        gate=StageGate(Stage.CONSULTATION),
    ),
    Transition(
        "start_evaluation",
        source=(Stage.REALISATION,),
        target=Stage.EVALUATION,
        label=_("Passer à l'évaluation"),
        verb=_("a fait passer le projet en évaluation"),
        may=may_steer,
        gate=StageGate(Stage.REALISATION),
    ),
    Transition(
        "archive",
        source=(Stage.EVALUATION,),
        target=Stage.ARCHIVED,
        label=_("Archiver le projet"),
        verb=_("a archivé le projet"),
        may=may_guard,
        gate=StageGate(Stage.EVALUATION),
        note_offered=True,
    ),
    Transition(
        "abandon",
        source=ACTIVE,
        target=Stage.ABANDONED,
        label=_("Abandonner le projet"),
        verb=_("a abandonné le projet"),
        may=may_guard,
        note_required=True,
        writes=("abandon_reason",),
        effect=_keep_reason,
    ),
    Transition(
        "step_back",
        source=ACTIVE[1:],
        target=_previous_stage,
        label=_("Revenir à l'étape « %(target)s »"),
        verb=_("a ramené le projet à l'étape précédente"),
        may=may_guard,
        note_required=True,
    ),
)


def _stage_label(stage: str) -> Any:
    return Stage(stage).label


def _lock(queryset: QuerySet[Any]) -> QuerySet[Any]:
    # The workspace only: on PostgreSQL a row re-read after waiting for the lock comes back with
    # the old snapshot's joined rows, so the current version is read after the lock.
    return queryset.select_for_update(of=("self",)).select_related("workspace")


def _stamp(sheet: ProjectSheet) -> None:
    sheet.stage_changed_at = timezone.now()


def _log(step: Step) -> None:
    """The append-only stage log, with the checklist as it was judged."""
    sheet = step.obj
    version = sheet.current_version
    TransitionLog.objects.create(
        sheet=sheet,
        actor=step.actor,
        name=step.transition.name,
        from_stage=step.source,
        to_stage=step.target,
        note=step.note,
        version=version,
        version_number=version.number if version else None,
        checklist_snapshot=checklist_summary(sheet, state=step.context),
    )


def _event_data(step: Step) -> dict[str, Any]:
    version = step.obj.current_version
    return {"version": version.number if version else None}


SHEET_STAGES = Machine(
    name="sheet",
    model=ProjectSheet,
    state_field="stage",
    transitions=TRANSITIONS,
    refusals=Refusals(
        unknown=Refusal(UnknownTransition, _("Transition inconnue : %(name)s.")),
        forbidden=Refusal(
            TransitionNotAllowed,
            _("Votre rôle ne permet pas d'effectuer cette transition sur cette fiche."),
        ),
        note_required=Refusal(
            TransitionNoteRequired, _("Cette transition demande un motif, rendu public.")
        ),
        unavailable=Refusal(
            TransitionInvalid,
            _("Cette transition n'est pas possible depuis l'étape « %(stage)s »."),
        ),
        gated=Refusal(
            TransitionGated,
            _("La fiche ne remplit pas encore la démarche qualité de l'étape « %(stage)s »."),
        ),
        stale=Refusal(
            TransitionInvalid,
            _("La fiche a changé d'étape entre-temps (elle est maintenant « %(stage)s »)."),
        ),
        concurrent=Refusal(TransitionInvalid, _("La fiche a changé d'étape entre-temps.")),
    ),
    state_label=_stage_label,
    lock=_lock,
    # The checklist is read once, on the locked row: the gates judge it, the log keeps it.
    context=checklist_state,
    effect=_stamp,
    writes=("stage_changed_at",),
    log=_log,
    event_data=_event_data,
)

# Derived enumerations, for readers that want names rather than the table.
TRANSITION_NAMES: tuple[str, ...] = SHEET_STAGES.names
GATED_TRANSITIONS = frozenset(t.name for t in TRANSITIONS if t.gate is not None)
NOTE_REQUIRED_TRANSITIONS = frozenset(t.name for t in TRANSITIONS if t.note_required)
