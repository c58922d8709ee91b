"""What the territory services refuse, each with its kind (the kind gives the HTTP status)."""

from errors import DomainError, ForbiddenError


class TerritoryError(DomainError):
    """A territory change refused."""


class TerritoryPermissionDenied(TerritoryError, ForbiddenError):
    """Only staff manage quartiers."""
