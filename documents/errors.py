"""Domain errors of the documents app (mapped to HTTP statuses by config.api)."""

from rest_framework import status

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
