"""Domain errors of meetings and their registrations."""

from errors import ConflictError, DomainError, ForbiddenError, NotFoundError


class MeetingError(DomainError):
    code = "invalid_meeting"


class MeetingForbidden(ForbiddenError, MeetingError):
    code = "meeting_forbidden"


class MeetingNotFound(NotFoundError, MeetingError):
    code = "not_found"


class MeetingConflict(ConflictError, MeetingError):
    """The meeting's state refuses the action (cancelled, already held, already registered)."""

    code = "meeting_conflict"


class AlreadyRegistered(MeetingConflict):
    code = "already_registered"


class BadToken(MeetingError):
    """A confirmation or cancellation link that was tampered with, or has expired."""

    code = "bad_token"
