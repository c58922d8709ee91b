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
    code = "rate_limited"
