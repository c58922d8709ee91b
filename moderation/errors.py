"""Domain errors of moderation: reports, decisions, appeals."""

from typing import Any

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError, RateLimitedError


class ModerationError(DomainError):
    code = "invalid_moderation"


class ModerationForbidden(ForbiddenError, ModerationError):
    code = "moderation_forbidden"


class ModerationNotFound(NotFoundError, ModerationError):
    code = "not_found"


class ModerationConflict(ConflictError, ModerationError):
    code = "moderation_conflict"


class ReportTwice(ConflictError, ModerationError):
    code = "already_reported"


class AppealClosed(ConflictError, ModerationError):
    """Past the appeal's deadline: `missing` names it, like every gate."""

    code = "appeal_closed"

    def __init__(self, message: str, *, missing: list[dict[str, Any]]) -> None:
        super().__init__(message, missing=missing)


class ReportRateLimited(RateLimitedError, ModerationError):
    code = "report_throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
