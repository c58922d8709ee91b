"""Domain errors of the documents app (mapped to HTTP statuses by config.api)."""

from rest_framework import status

from accounts.throttling import retry_message
from config.api import ConflictError, DomainError, ForbiddenError


class DocumentError(DomainError):
    pass


class DocumentPermissionDenied(ForbiddenError, DocumentError):
    pass


class UploadRefused(DocumentError):
    """The file was refused; nothing was stored."""

    code = "upload_refused"


class FileTooLarge(UploadRefused):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "file_too_large"


class QuotaExceeded(UploadRefused):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "quota_exceeded"


class UnsupportedFileType(UploadRefused):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    code = "unsupported_type"


class ExtensionMismatch(UnsupportedFileType):
    code = "extension_mismatch"


class EmptyFile(UploadRefused):
    code = "empty_file"


class DocumentStateError(ConflictError, DocumentError):
    code = "invalid_state"


class ShareLinkLocked(DocumentError):
    """Too many password tries on a link or from an address: nothing is checked until retry_at."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "throttled"

    def __init__(self, *, retry_at) -> None:
        super().__init__(retry_message(retry_at, what="share_link"))
        self.retry_at = retry_at


class RevisionFileMissing(DocumentError):
    """The revision's row exists but its file is gone from storage (lost disk, a bad repair):
    a 404 that says so, never a 500; documents_check reports these revisions."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "file_missing"
