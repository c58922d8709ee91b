"""Domain errors of the documents app (their kinds map to HTTP statuses in config.api)."""

from accounts.throttling import retry_message
from errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    TooLargeError,
    UnsupportedError,
)


class DocumentError(DomainError):
    pass


class DocumentPermissionDenied(ForbiddenError, DocumentError):
    pass


class UploadRefused(DocumentError):
    """The file was refused; nothing was stored."""

    code = "upload_refused"


class FileTooLarge(TooLargeError, UploadRefused):
    code = "file_too_large"


class QuotaExceeded(TooLargeError, UploadRefused):
    code = "quota_exceeded"


class UnsupportedFileType(UnsupportedError, UploadRefused):
    code = "unsupported_type"


class ExtensionMismatch(UnsupportedFileType):
    code = "extension_mismatch"


class EmptyFile(UploadRefused):
    code = "empty_file"


class DocumentStateError(ConflictError, DocumentError):
    code = "invalid_state"


class ShareLinkLocked(RateLimitedError, DocumentError):
    """Too many password tries on a link or from an address: nothing is checked until retry_at."""

    code = "throttled"

    def __init__(self, *, retry_at) -> None:
        super().__init__(retry_message(retry_at, what="share_link"))
        self.retry_at = retry_at


class RevisionFileMissing(NotFoundError, DocumentError):
    """The revision's row exists but its file is gone from storage (lost disk, a bad repair):
    a 404 that says so, never a 500; documents_check reports these revisions."""

    code = "file_missing"
