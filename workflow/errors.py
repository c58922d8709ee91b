"""Domain errors of the workflow app (transitions and attestations)."""

from typing import Any

from rest_framework import status

from config.api import ConflictError, DomainError, ForbiddenError


class WorkflowError(DomainError):
    pass


class TransitionNotAllowed(ForbiddenError, WorkflowError):
    """The actor's role may not run this transition on this sheet."""

    code = "transition_forbidden"


class TransitionInvalid(ConflictError, WorkflowError):
    """The transition does not exist from the sheet's current stage."""

    code = "transition_unavailable"


class TransitionNoteRequired(TransitionInvalid):
    """abandon and step_back must say why, publicly."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "note_required"


class UnknownTransition(WorkflowError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "unknown_transition"


class TransitionGated(ConflictError, WorkflowError):
    """The checklist of the stage being left is incomplete; `missing` lists exactly what."""

    code = "checklist_incomplete"

    def __init__(self, message: str, *, missing: list[dict[str, Any]]) -> None:
        super().__init__(message, missing=missing)
        self.missing = missing


class AttestationNotAllowed(ForbiddenError, WorkflowError):
    code = "attestation_forbidden"


class UnknownChecklistItem(WorkflowError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "unknown_item"


class NotAttestable(WorkflowError):
    code = "not_attestable"


class AttestationExists(ConflictError, WorkflowError):
    code = "already_attested"


class AttestationMissing(ConflictError, WorkflowError):
    code = "not_attested"
