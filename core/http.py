"""The one table from domain error kinds to HTTP status codes, used by the API's error handler
and by the HTML views' helper."""

from __future__ import annotations

from .errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    TooLargeError,
    UnsupportedError,
)

# Most specific first: an app error may inherit from two kinds only through DomainError.
STATUS_BY_KIND: tuple[tuple[type[DomainError], int], ...] = (
    (NotFoundError, 404),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (TooLargeError, 413),
    (UnsupportedError, 415),
    (RateLimitedError, 429),
    (DomainError, 400),
)


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error: the first kind in the table that it is."""
    for kind, status in STATUS_BY_KIND:
        if isinstance(error, kind):
            return status
    return 400
