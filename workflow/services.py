"""Writes of the workflow: the single stage-transition service and checklist attestations."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import User
from events.services import event_record
from projects.models import STAGE_ORDER, ProjectSheet, Stage

from .checklist import (
    ITEMS_BY_CODE,
    ChecklistItem,
    checklist_state,
    checklist_summary,
    transition_missing,
)
from .errors import (
    AttestationExists,
    AttestationMissing,
    AttestationNotAllowed,
    NotAttestable,
    TransitionGated,
    TransitionInvalid,
    TransitionNotAllowed,
    TransitionNoteRequired,
    UnknownChecklistItem,
    UnknownTransition,
)
from .models import Attestation, TransitionLog
from .permissions import (
    GATED_TRANSITIONS,
    NOTE_REQUIRED_TRANSITIONS,
    TRANSITIONS,
    can_attest,
    can_run_transition,
)

logger = logging.getLogger(__name__)


def transition_target(sheet: ProjectSheet, name: str) -> str | None:
    """Where `name` would take the sheet from its current stage; None if not available."""
    if name not in TRANSITIONS or not can_proceed(getattr(sheet, name)):
        return None
    if name == "step_back":
        return STAGE_ORDER[STAGE_ORDER.index(Stage(sheet.stage)) - 1]
    return {
        "open_consultation": Stage.CONSULTATION,
        "start_realisation": Stage.REALISATION,
        "start_evaluation": Stage.EVALUATION,
        "archive": Stage.ARCHIVED,
        "abandon": Stage.ABANDONED,
    }[name]


@transaction.atomic
def sheet_transition(
    *,
    actor: User,
    sheet: ProjectSheet,
    name: str,
    note: str = "",
    expected_stage: str | None = None,
) -> ProjectSheet:
    """Run transition `name` on `sheet` for `actor`, or raise the domain error that says why.

    The sheet row is locked and re-read, so the rules and the checklist are judged on the state
    that the transition will actually change; a concurrent transition waits for the lock, then
    finds the stage moved and fails (ConcurrentTransitionMixin guards the UPDATE as well).
    `expected_stage` (default: the stage of the caller's `sheet`) is the stage the decision was
    taken on, e.g. the one shown on the page the button was pressed on.
    """
    if name not in TRANSITIONS:
        raise UnknownTransition(_("Transition inconnue : %(name)s.") % {"name": name})
    locked = (
        ProjectSheet.objects.select_for_update(of=("self",))
        .select_related("workspace")
        .get(pk=sheet.pk)
    )
    if locked.stage != (expected_stage or sheet.stage):
        # The caller decided on a stage that another transition has since left: running the
        # request on the new stage would do something nobody asked for.
        raise TransitionInvalid(
            _("La fiche a changé d'étape entre-temps (elle est maintenant « %(stage)s »).")
            % {"stage": Stage(locked.stage).label},
        )
    if not can_run_transition(actor, locked, name):
        raise TransitionNotAllowed(
            _("Votre rôle ne permet pas d'effectuer cette transition sur cette fiche.")
        )
    note = (note or "").strip()
    if name in NOTE_REQUIRED_TRANSITIONS and not note:
        raise TransitionNoteRequired(_("Cette transition demande un motif, rendu public."))
    target = transition_target(locked, name)
    if target is None:
        raise TransitionInvalid(
            _("Cette transition n'est pas possible depuis l'étape « %(stage)s ».")
            % {"stage": Stage(locked.stage).label}
        )
    from_stage = locked.stage
    state = checklist_state(locked)
    if name in GATED_TRANSITIONS:
        missing = transition_missing(locked, name, state=state)
        if missing:
            raise TransitionGated(
                _("La fiche ne remplit pas encore la démarche qualité de l'étape « %(stage)s ».")
                % {"stage": Stage(from_stage).label},
                missing=[{"code": item.code, "label": str(item.label)} for item in missing],
            )
    if name == "abandon":
        locked.abandon(reason=note)
    else:
        getattr(locked, name)()
    # Validate what the transition wrote; the rest of the row is the projects app's business.
    written = {"stage_changed_at", "abandon_reason"}
    locked.full_clean(
        exclude=[f.name for f in ProjectSheet._meta.fields if f.name not in written],
        validate_unique=False,
    )
    try:
        locked.save(update_fields=["stage", *written, "updated"])
    except ConcurrentTransition as error:  # another process moved it despite the lock
        raise TransitionInvalid(_("La fiche a changé d'étape entre-temps.")) from error
    version = locked.current_version
    TransitionLog.objects.create(
        sheet=locked,
        actor=actor,
        name=name,
        from_stage=from_stage,
        to_stage=locked.stage,
        note=note,
        version=version,
        version_number=version.number if version else None,
        checklist_snapshot=checklist_summary(locked, state=state),
    )
    event_record(
        actor=actor,
        verb=f"sheet.{name}",
        target=locked,
        data={
            "from": from_stage,
            "to": locked.stage,
            "note": note,
            "version": version.number if version else None,
        },
    )
    return locked


def _item_for_attestation(code: str) -> ChecklistItem:
    item = ITEMS_BY_CODE.get(code)
    if item is None:
        raise UnknownChecklistItem(_("Élément de la démarche qualité inconnu."))
    if not item.can_be_attested:
        raise NotAttestable(_("Cet élément se vérifie automatiquement à partir de la fiche."))
    return item


@transaction.atomic
def attestation_create(*, actor: User, sheet: ProjectSheet, code: str) -> Attestation:
    if not can_attest(actor, sheet):
        raise AttestationNotAllowed(_("Seul·es les agents attestent la démarche qualité."))
    item = _item_for_attestation(code)
    # Lock the sheet so two agents attesting at once get one attestation and one clear error.
    ProjectSheet.objects.select_for_update().filter(pk=sheet.pk).first()
    if Attestation.objects.filter(sheet=sheet, code=code, withdrawn_at__isnull=True).exists():
        raise AttestationExists(_("Cet élément est déjà attesté."))
    attestation = Attestation(sheet=sheet, code=item.code, attested_by=actor)
    attestation.full_clean()
    attestation.save()
    event_record(actor=actor, verb="checklist.attested", target=sheet, data={"code": code})
    return attestation


@transaction.atomic
def attestation_withdraw(*, actor: User, sheet: ProjectSheet, code: str) -> Attestation:
    if not can_attest(actor, sheet):
        raise AttestationNotAllowed(_("Seul·es les agents attestent la démarche qualité."))
    _item_for_attestation(code)
    attestation = (
        Attestation.objects.select_for_update()
        .filter(sheet=sheet, code=code, withdrawn_at__isnull=True)
        .first()
    )
    if attestation is None:
        raise AttestationMissing(_("Cet élément n'est pas attesté."))
    attestation.withdrawn_at = timezone.now()
    attestation.withdrawn_by = actor
    attestation.full_clean()
    attestation.save()
    event_record(actor=actor, verb="checklist.withdrawn", target=sheet, data={"code": code})
    return attestation
