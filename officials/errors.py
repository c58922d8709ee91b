"""Domain errors of officials' requests."""

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError, RateLimitedError


class RequestError(DomainError):
    code = "invalid_request"


class RequestForbidden(ForbiddenError, RequestError):
    code = "request_forbidden"


class RequestNotFound(NotFoundError, RequestError):
    code = "not_found"


class RequestConflict(ConflictError, RequestError):
    """The request's state refuses the action."""

    code = "request_conflict"


class RequestRateLimited(RateLimitedError, RequestError):
    code = "request_throttled"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
