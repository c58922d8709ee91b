"""Domain errors of amendment rounds, amendments and ballots."""

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError


class AmendmentError(DomainError):
    code = "invalid_amendment"


class AmendmentForbidden(ForbiddenError, AmendmentError):
    code = "amendment_forbidden"


class AmendmentNotFound(NotFoundError, AmendmentError):
    code = "not_found"


class AmendmentConflict(ConflictError, AmendmentError):
    """The round's window or the amendment's state refuses the action."""

    code = "amendment_conflict"


class BallotIncomplete(AmendmentError):
    code = "ballot_incomplete"


class AmendmentMergeConflict(ConflictError, AmendmentError):
    """The amendment changes passages changed since its base: `conflicts` lists them."""

    code = "merge_conflict"

    def __init__(self, message: str, *, conflicts: list[dict]) -> None:
        super().__init__(message, conflicts=conflicts)


class PaperBallotMismatch(ConflictError, AmendmentError):
    """A second entry of a paper ballot disagrees with the first: `differences` names the
    candidates (and fields) that differ; nothing was stored."""

    code = "paper_ballot_mismatch"

    def __init__(self, message: str, *, differences: list[str]) -> None:
        super().__init__(message, differences=differences)
