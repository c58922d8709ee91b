"""Domain errors of debates and comments."""

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError, RateLimitedError


class DebateError(DomainError):
    code = "invalid_debate"


class DebateForbidden(ForbiddenError, DebateError):
    code = "debate_forbidden"


class DebateNotFound(NotFoundError, DebateError):
    code = "not_found"


class DebateConflict(ConflictError, DebateError):
    """The debate's state (closed, archived, past its closing date) refuses the action."""

    code = "debate_closed"


class CommentInvalid(DebateError):
    code = "invalid_comment"


class CommentConflict(ConflictError, DebateError):
    """The comment's state (hidden, deleted) refuses the action."""

    code = "comment_unavailable"


class CommentForbidden(ForbiddenError, DebateError):
    code = "comment_forbidden"


class CommentRateLimited(RateLimitedError, DebateError):
    code = "comment_throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
