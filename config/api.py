"""API-wide behaviour: error bodies shaped as {"detail", "code"} and domain errors mapped to statuses."""

from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .bad_input import ForbiddenCharacters
from .parsers import too_large, too_many_fields


class DomainError(Exception):
    """Base of every app's domain errors: an illegal action, never a silent no-op.

    Subclasses set ``status_code`` and ``code`` so the API maps them without a table.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class ConflictError(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class ForbiddenError(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


def _suspicious_to_api(exc: SuspiciousOperation) -> exceptions.APIException:
    """Django's request-level refusals (a body too big, too many fields, a malformed form) are
    the caller's fault: a 4xx with a message, never a bare HTML page inside the JSON API."""
    if isinstance(exc, RequestDataTooBig):
        return too_large()
    if isinstance(exc, TooManyFieldsSent):
        return too_many_fields()
    if isinstance(exc, ForbiddenCharacters):
        return exceptions.ParseError(str(exc), code="invalid_characters")
    return exceptions.ParseError(_("La requête est mal formée."))


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        response = Response(
            {"detail": exc.message, "code": exc.code, **exc.extra}, status=exc.status_code
        )
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = _suspicious_to_api(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data.setdefault("code", codes if isinstance(codes, str) else "error")
    return response
