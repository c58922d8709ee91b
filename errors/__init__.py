"""The kinds of domain error. Each app declares its own small hierarchy on top of these kinds;
`config.api` maps a kind to its HTTP status in one table, so an error never carries a status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An illegal action, never a silent no-op: a message for the user and a stable `code`.

    Keyword arguments become extra fields of the API's error body (`missing`, `current_version`…).
    """

    code = "invalid"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class ConflictError(DomainError):
    """The action does not fit the object's current state (stage, version, lock)."""

    code = "conflict"


class ForbiddenError(DomainError):
    """The actor may see the object but not do this to it."""

    code = "permission_denied"


class NotFoundError(DomainError):
    """Something named by the request does not exist (or no longer does)."""

    code = "not_found"


class TooLargeError(DomainError):
    """A size or quota limit was reached; nothing was stored."""

    code = "too_large"


class UnsupportedError(DomainError):
    """The content's type is not accepted."""

    code = "unsupported"


class RateLimitedError(DomainError):
    """Too many attempts: nothing is tried until `retry_after` seconds have passed."""

    code = "throttled"
    retry_after: int | None = None
