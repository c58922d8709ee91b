"""Domain errors of the evaluation questionnaire."""

from errors import ConflictError, DomainError, ForbiddenError


class EvaluationError(DomainError):
    code = "invalid_evaluation"


class EvaluationForbidden(ForbiddenError, EvaluationError):
    """The account took no part in the consultation."""

    code = "evaluation_forbidden"


class EvaluationClosed(ConflictError, EvaluationError):
    """The sheet is not in its evaluation stage."""

    code = "evaluation_closed"


class EvaluationAlreadyAnswered(ConflictError, EvaluationError):
    code = "already_answered"
