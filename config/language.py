"""The header's language switch: a form any page can carry without a CSRF token.

Django's `set_language` wants a CSRF token, and a token in the header of every page puts a
cookie and `Vary: Cookie` on every anonymous page (nothing a cache could share). What the switch
changes is only the language cookie, and the browser already says where a POST comes from:
`Sec-Fetch-Site` (every current browser) or `Origin`. A switch posted from another site is
refused; the rest is Django's view (checked `next`, the cookie set only on an explicit switch).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


def _from_elsewhere(request: HttpRequest) -> bool:
    """True when the browser tells us the form was posted by another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc != request.get_host()


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    if _from_elsewhere(request):
        raise PermissionDenied
    return django_set_language(request)
