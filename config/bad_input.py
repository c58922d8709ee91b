"""What no request may carry into the application, and the answer it gets instead.

A NUL character (U+0000) cannot be stored by PostgreSQL (psycopg refuses the whole query) and a
lone surrogate (U+D800–U+DFFF, reachable through JSON's "\\ud800" escape) cannot be encoded by
any database driver; both used to surface as 500s wherever a value reached a query. They are
refused once, where requests come in (config.middleware for the URL, headers, cookies and form
bodies; config.parsers for the API's bodies), with a 400 in the caller's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def nul_message() -> str:
    return _(
        "La requête contient un caractère nul (U+0000), refusé partout sur ce site. "
        "Retirez-le puis réessayez."
    )


def surrogate_message() -> str:
    return _(
        "La requête contient un caractère Unicode invalide (demi-paire de substitution "
        "U+D800–U+DFFF). Vérifiez l'encodage du texte envoyé."
    )


def forbidden_message(text: str) -> str | None:
    """The message for the first forbidden character in `text`, or None when it is clean."""
    match = FORBIDDEN_CHARACTERS.search(text)
    if match is None:
        return None
    return nul_message() if match.group() == "\x00" else surrogate_message()


def first_forbidden(texts: Iterable[str]) -> str | None:
    for text in texts:
        if isinstance(text, str):
            message = forbidden_message(text)
            if message:
                return message
    return None


def close_uploads(files: MultiValueDict | None) -> None:
    """Close (and so delete) the temporary files of a refused upload now, not at collection."""
    for _key, items in (files or MultiValueDict()).lists():
        for upload in items:
            upload.close()


def wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") or "application/json" in request.META.get(
        "HTTP_ACCEPT", ""
    )


def bad_input_response(
    request: HttpRequest, message: str, *, code: str = "invalid_characters"
) -> HttpResponse:
    """A 400 that needs nothing from the request: no session, no user, no database.

    The request itself is suspect (its cookie or token may be what carries the NUL), so the
    page is rendered without the request context rather than through the site's layout.
    """
    if wants_json(request):
        return JsonResponse({"detail": message, "code": code}, status=400)
    return HttpResponseBadRequest(render_to_string("bad_request.html", {"message": message}))


class RejectForbiddenCharactersMiddleware:
    """Refuse NUL bytes in the path, the query string, the headers, the cookies and form bodies.

    Sits after LocaleMiddleware (the message is in the caller's language) and before anything
    that reads the session, the user or the body. A urlencoded body is checked on its raw bytes
    (a NUL can only be "%00" or a raw byte there); a multipart body is checked once Django has
    parsed it, when the view asks for it, so the upload views keep installing their streaming
    handlers first. The API's bodies (JSON included) are checked by config.parsers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = self._check_head(request) or self._check_urlencoded_body(request)
        if message:
            return bad_input_response(request, message)
        if request.content_type == "multipart/form-data":
            self._check_multipart_when_parsed(request)
        response = self.get_response(request)
        rejected = getattr(request, "_fabrique_bad_input", None)
        if rejected:
            return bad_input_response(request, rejected)
        return response

    @staticmethod
    def _check_head(request: HttpRequest) -> str | None:
        headers = [
            value
            for key, value in request.META.items()
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
        ]
        return first_forbidden(
            [
                request.path,
                request.path_info,
                *(text for key, values in request.GET.lists() for text in [key, *values]),
                *headers,
                *(text for item in request.COOKIES.items() for text in item),
            ]
        )

    @staticmethod
    def _check_urlencoded_body(request: HttpRequest) -> str | None:
        if request.content_type != "application/x-www-form-urlencoded":
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if not length or (limit is not None and length > limit):
            return None  # too big: Django's own limit answers when the view reads it
        body = request.body
        return nul_message() if b"\x00" in body or b"%00" in body else None

    @staticmethod
    def _check_multipart_when_parsed(request: HttpRequest) -> None:
        parse = request._load_post_and_files

        def parse_then_check() -> None:
            parse()
            post, files = getattr(request, "_post", None), getattr(request, "_files", None)
            texts: list[str] = []
            if post is not None:
                texts += [text for key, values in post.lists() for text in [key, *values]]
            if files is not None:  # their names lose non-printable characters in the parser
                texts += list(files.keys())
            message = first_forbidden(texts)
            if message:
                close_uploads(files)
                request._fabrique_bad_input = message
                request._post = QueryDict(encoding=request.encoding)
                request._files = MultiValueDict()
                raise ForbiddenCharacters(message)

        request._load_post_and_files = parse_then_check


class ForbiddenCharacters(SuspiciousOperation):
    """Raised where a view reads a multipart body carrying a NUL; the middleware answers 400."""
