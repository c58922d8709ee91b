"""The one place where domain errors map to HTTP: the table from each kind of domain error to its
status (the API's handler and the pages' helpers use it), and the API's error bodies shaped as
{"detail", "code"}."""

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    TooLargeError,
    UnsupportedError,
)

from .bad_input import ForbiddenCharacters
from .parsers import too_large, too_many_fields

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
            {"detail": exc.message, "code": exc.code, **exc.extra}, status=status_for(exc)
        )
        if isinstance(exc, RateLimitedError) and exc.retry_after:
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
