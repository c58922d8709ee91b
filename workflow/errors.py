"""Domain errors of the workflow app (transitions and attestations)."""

from typing import Any

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError


class WorkflowError(DomainError):
    pass


class TransitionNotAllowed(ForbiddenError, WorkflowError):
    """The actor's role may not run this transition on this sheet."""

    code = "transition_forbidden"


class TransitionInvalid(ConflictError, WorkflowError):
    """The transition does not exist from the sheet's current stage."""

    code = "transition_unavailable"


class TransitionNoteRequired(WorkflowError):
    """abandon and step_back must say why, publicly."""

    code = "note_required"


class UnknownTransition(NotFoundError, WorkflowError):
    code = "unknown_transition"


class TransitionGated(ConflictError, WorkflowError):
    """The checklist of the stage being left is incomplete; `missing` lists exactly what."""

    code = "checklist_incomplete"

    def __init__(self, message: str, *, missing: list[dict[str, Any]]) -> None:
        super().__init__(message, missing=missing)
        self.missing = missing


class AttestationNotAllowed(ForbiddenError, WorkflowError):
    code = "attestation_forbidden"


class UnknownChecklistItem(NotFoundError, WorkflowError):
    code = "unknown_item"


class NotAttestable(WorkflowError):
    code = "not_attestable"


class StageNotReached(ConflictError, WorkflowError):
    """An agent vouches only for what a stage the project has begun asks for."""

    code = "stage_not_reached"


class AttestationExists(ConflictError, WorkflowError):
    code = "already_attested"


class AttestationMissing(ConflictError, WorkflowError):
    code = "not_attested"
