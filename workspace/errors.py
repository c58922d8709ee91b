"""Domain errors of the workspace app."""

from django.utils.translation import gettext_lazy as _

from errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
)


class WorkspaceError(DomainError):
    pass


class WorkspacePermissionDenied(ForbiddenError, WorkspaceError):
    pass


class LastOwnerError(ConflictError, WorkspaceError):
    code = "last_owner"

    def __init__(self) -> None:
        super().__init__(str(_("Un espace de travail garde toujours au moins un·e propriétaire.")))


class MembershipExists(ConflictError, WorkspaceError):
    code = "already_member"


class UnknownUser(WorkspaceError):
    code = "unknown_user"


class WorkspaceLimitReached(ForbiddenError, WorkspaceError):
    code = "workspace_limit"


class InvitationInvalid(WorkspaceError):
    code = "invitation_invalid"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(_("Cette invitation est invalide ou a expiré.")))


class MemberGone(NotFoundError, WorkspaceError):
    """The membership was removed by someone else between the page and the action."""

    code = "not_found"

    def __init__(self) -> None:
        super().__init__(str(_("Cette personne ne fait plus partie de l'espace.")))


class InvitationsExhausted(RateLimitedError, WorkspaceError):
    """An account sent its daily share of invitations: each one is an e-mail to anyone."""

    code = "throttled"

    def __init__(self, *, retry_at) -> None:
        from accounts.throttling import retry_message, seconds_until

        super().__init__(retry_message(retry_at, what="invitations"))
        self.retry_after = seconds_until(retry_at)
