"""Sobriety on the wire: pages and API answers compressed, anonymous pages shareable by caches.

Decisions and the BREACH discussion: docs/decisions.md ("Compression and cacheable anonymous
pages").
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import cc_delim_re

# Text the server writes itself. Stored files (downloads) are left as they are: they stream,
# may be answered by ranges, and an archive or a PDF would only cost CPU to recompress.
COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/problem+json",
        "application/vnd.oai.openapi",
        "application/vnd.oai.openapi+json",
        "image/svg+xml",
    }
)


def _media_type(response: HttpResponseBase) -> str:
    return response.get("Content-Type", "").split(";", 1)[0].strip().lower()


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip, with its random-length padding against BREACH, for the text the server
    writes; never for a streamed body nor an attachment (a user's stored file)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or response.has_header("Content-Disposition"):
            return response
        if _media_type(response) not in COMPRESSIBLE_TYPES:
            return response
        return super().process_response(request, response)


# The cookies a page's content depends on: who is signed in, the chosen language, messages
# waiting to be shown. The CSRF cookie is not one of them: a page that puts a token in a form
# renews the cookie (Set-Cookie), and a response that sets a cookie keeps `Vary: Cookie`.
def _content_cookies() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, "messages")


class AnonymousPagesVaryMiddleware:
    """Drops `Cookie` from `Vary` on an answer to a visitor who sent none of the cookies the
    content depends on, when the answer sets no cookie either.

    The session middleware adds `Vary: Cookie` as soon as the header asks who is signed in, on
    every page: a shared cache would then keep one copy per visitor's cookie jar. The answer to
    a cookie-less visitor is the same for every cookie-less visitor, so it may be shared; a
    signed-in visitor's answer keeps `Vary: Cookie` (and a cache in front bypasses requests that
    carry the session cookie, see docs/decisions.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.cookies or any(name in request.COOKIES for name in _content_cookies()):
            return response
        if response.has_header("Vary"):
            kept = [v for v in cc_delim_re.split(response["Vary"]) if v and v.lower() != "cookie"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
