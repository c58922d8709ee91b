"""The API's body parsers: bounded in size and depth, and refusing what no database can store.

DRF's JSON parser let a deeply nested document blow the recursion limit (RecursionError: a
500) and, like the form parsers, handed NUL characters and lone surrogates to the serializers,
where a slug or an e-mail lookup sent them to the database (500 on PostgreSQL, and a lone
surrogate also broke the JSON renderer of the error message that quoted it). These subclasses
close both holes for every API view at once (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

Size: DRF (3.16+) reads JSON and form bodies through request.body, so Django's
DATA_UPLOAD_MAX_MEMORY_SIZE already bounds them; config.api turns its refusal into a 413 with a
message. read_bounded() keeps the same bound should a parser be handed the raw stream.
"""

from __future__ import annotations

import json
import math
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status
from rest_framework.utils import json as strict_json

from .bad_input import close_uploads, first_forbidden, forbidden_message

# Our payloads nest three levels at most (a sheet's sections); 32 leaves room for any client.
MAX_JSON_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def too_large() -> RequestTooLarge:
    return RequestTooLarge(
        _("La requête est trop volumineuse (%(max)s octets au plus).")
        % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    )


def too_many_fields() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("Le formulaire a trop de champs (%(max)s au plus).")
        % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
        code="too_many_fields",
    )


def read_bounded(stream: Any) -> bytes:
    """The body, or 413 past DATA_UPLOAD_MAX_MEMORY_SIZE, without reading more than that."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if stream is None:
        return b""
    data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise too_large()
    return data


def too_deep() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("Les données sont imbriquées trop profondément (%(max)s niveaux au plus).")
        % {"max": MAX_JSON_DEPTH},
        code="too_deep",
    )


def out_of_range() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("JSON invalide : nombre hors limites (NaN, Infinity ou trop de chiffres)."),
        code="parse_error",
    )


def check_parsed(data: Any) -> None:
    """Refuse nesting past MAX_JSON_DEPTH and forbidden characters in any key or string.

    Iterative, so that the check itself cannot run out of stack on what it guards against.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            message = forbidden_message(value)
            if message:
                raise exceptions.ParseError(message, code="invalid_characters")
        elif isinstance(value, float) and not math.isfinite(value):
            raise out_of_range()  # 1e400 parses to inf without asking parse_constant
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise too_deep()
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_bounded(stream)
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(
                _("Le corps de la requête n'est pas du texte en %(encoding)s.")
                % {"encoding": encoding},
                code="parse_error",
            ) from None
        try:
            data = strict_json.loads(text)  # NaN and Infinity refused
        except RecursionError:
            raise too_deep() from None
        except json.JSONDecodeError as error:
            raise exceptions.ParseError(
                _("JSON invalide (ligne %(line)s, colonne %(column)s).")
                % {"line": error.lineno, "column": error.colno},
                code="parse_error",
            ) from None
        except ValueError:  # NaN, Infinity, an integer of thousands of digits
            raise out_of_range() from None
        check_parsed(data)
        return data


def _check_form(data: Any, files: Any = None) -> None:
    # File names need no check: Django's multipart parser drops their non-printable characters.
    texts = [text for key, values in data.lists() for text in [key, *values]]
    if files is not None:
        texts += list(files.keys())
    message = first_forbidden(texts)
    if message:
        raise exceptions.ParseError(message, code="invalid_characters")


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(BytesIO(read_bounded(stream)), media_type, parser_context)
        except TooManyFieldsSent:
            raise too_many_fields() from None
        _check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Django's multipart parser already bounds the form fields (DATA_UPLOAD_MAX_MEMORY_SIZE,
    DATA_UPLOAD_MAX_NUMBER_FIELDS); the files stream to the upload handlers."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            result = super().parse(stream, media_type, parser_context)
        except TooManyFieldsSent:
            raise too_many_fields() from None
        except RequestDataTooBig:
            raise too_large() from None
        except SuspiciousOperation:
            raise exceptions.ParseError(
                _("Le formulaire envoyé est mal formé."), code="parse_error"
            ) from None
        try:
            _check_form(result.data, result.files)
        except exceptions.ParseError:
            close_uploads(result.files)
            raise
        return result
