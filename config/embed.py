"""The widget the communes' websites frame (portal/widget/): which origins may frame it, and the
guarantee that nothing under /widget/ ever sets a cookie.

`widget_origins` checks `FABRIQUE_WIDGET_ORIGINS` when the settings load: each entry must be an
origin, `scheme://host[:port]` with scheme http or https, a host name (ASCII: an internationalised
name in its xn-- form), an IPv4 address or a bracketed IPv6 address, and nothing else — no path,
no query, no wildcard (each commune declares its own site: a `*.example.fr` would let every
subdomain of someone else's hosting frame the widget). A default port is dropped, so that the
entry reads as browsers write `event.origin`. Anything else stops the start with the entry named:
the value goes into a response header, where a quote, a `;` or a space would change its meaning.

`WidgetCookielessMiddleware` sits outside the session, CSRF, messages and language middleware and
drops any cookie a response under /widget/ would set: the widget is read inside another site's
page, where a cookie of ours would be a third-party cookie (and a session one, or a stale
session's deletion, would say who read it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # the settings import this module: nothing of Django's request machinery here
    from django.http import HttpRequest, HttpResponseBase

WIDGET_PREFIX = "/widget/"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_ORIGIN = re.compile(
    rf"^(?P<scheme>https?)://(?P<host>{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?/?$"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def widget_origin(value: str) -> str:
    """One entry, normalised (lower case, no trailing slash, no default port), or
    ImproperlyConfigured saying why."""
    text = value.strip().lower()
    match = _ORIGIN.match(text)
    if match is None:
        raise ImproperlyConfigured(
            f"FABRIQUE_WIDGET_ORIGINS: {value!r} is not an origin "
            "(scheme://host[:port], http or https, no path, no wildcard)."
        )
    scheme, host, port = match["scheme"], match["host"], match["port"]
    if port is not None:
        number = int(port)
        if not 0 < number < 65536:
            raise ImproperlyConfigured(f"FABRIQUE_WIDGET_ORIGINS: {value!r} has no valid port.")
        port = None if number == _DEFAULT_PORTS[scheme] else str(number)
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def widget_origins(values: Iterable[str]) -> list[str]:
    """Every entry checked, duplicates dropped, in the given order."""
    found: list[str] = []
    for value in values:
        origin = widget_origin(value)
        if origin not in found:
            found.append(origin)
    return found


def is_widget_path(path: str) -> bool:
    return path.startswith(WIDGET_PREFIX)


class WidgetCookielessMiddleware:
    """No Set-Cookie on any answer under /widget/, whatever the request carried."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if is_widget_path(request.path_info) and response.cookies:
            response.cookies = SimpleCookie()
        return response
