"""Writes of the workflow: the stage-transition service (the stage table run by `machines`)
and checklist attestations."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from events.services import event_record
from machines import machine_run
from projects.models import ProjectSheet, Stage

from .checklist import ITEMS_BY_CODE, ChecklistItem
from .errors import (
    AttestationExists,
    AttestationMissing,
    AttestationNotAllowed,
    NotAttestable,
    StageNotReached,
    UnknownChecklistItem,
)
from .machine import SHEET_STAGES
from .models import Attestation
from .permissions import can_attest
from .selectors import stage_reached

logger = logging.getLogger(__name__)


def transition_target(sheet: ProjectSheet, name: str) -> str | None:
    """Where `name` would take the sheet from its current stage; None if not available."""
    return SHEET_STAGES.target(sheet, name)


def sheet_transition(
    *,
    actor: User,
    sheet: ProjectSheet,
    name: str,
    note: str = "",
    expected_stage: str | None = None,
) -> ProjectSheet:
    """Run transition `name` on `sheet` for `actor`, or raise the workflow error that says why.

    The stage table (`workflow.machine`) says what each transition needs; `machines`
    runs it: the row locked and re-read, a stage that moved since `expected_stage` (default:
    the stage of the caller's `sheet`, e.g. the one shown where the button was pressed)
    refused, then the rule, the note, the stage graph and the checklist gate, the move, the
    `TransitionLog` row and the `sheet.<name>` event, in one transaction.
    """
    moved: ProjectSheet = machine_run(
        SHEET_STAGES,
        actor=actor,
        obj=sheet,
        name=name,
        note=note,
        expected_state=expected_stage,
    )
    return moved


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
    locked = ProjectSheet.objects.select_for_update().filter(pk=sheet.pk).first() or sheet
    if not stage_reached(sheet=locked, stage=item.stage):
        raise StageNotReached(
            _(
                "Cet élément relève de l'étape « %(stage)s », que le projet n'a pas encore "
                "atteinte : il s'atteste une fois l'étape commencée."
            )
            % {"stage": Stage(item.stage).label}
        )
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
