"""Rendered pages and fragments kept for the next request, never for another person.

Two uses, both keyed by the data generation (`events.generation`: it changes with every event a
service records and with the search outbox), the language, the scheme, host and full path, the
day, and bounded by `FABRIQUE_PAGE_CACHE_SECONDS` (time-relative text, and anything changed
outside the services, such as a territory loaded by a migration, is at most that old):

- `AnonymousPageCacheMiddleware`: whole pages of the views named in `FABRIQUE_PAGE_CACHE_VIEWS`,
  for requests that carry no session, no messages and no credentials. Nothing personal can be
  in such a page (the visitor is nobody), and a response that sets a cookie or used a CSRF
  token (a secret tied to one browser) is never kept.
- `fragment_cached`: a view's expensive part for one signed-in person, keyed by their account
  too; the view still checks who may see the page on every request and renders the rest of it
  (their name, their CSRF token) afresh.

Each gunicorn process keeps its own copies (`CACHES["pages"]`, in memory by default): a miss
costs one rendering per process, and nothing needs to be shared to stay correct.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation

from events.generation import data_generation

CACHE_ALIAS = "pages"
# Request cookies a page's content may depend on; any of them and the page is not shared.
# Upper apps add theirs (portal: the remembered territory) with `personal_cookie_register`.
_PERSONAL_COOKIES = ["messages"]
# Vary values the key already covers (language) or that do not change the content the cache
# holds (the cache sits inside the gzip middleware; anonymous visitors send no content cookie).
_VARY_COVERED = frozenset({"cookie", "accept-language", "accept-encoding"})
# Headers kept with a page; the outer middleware (security, CSP, gzip, language) adds theirs.
_COMMAS = re.compile(r"\s*,\s*")
_KEPT_HEADERS = ("Content-Type", "Link", "X-Frame-Options", "Content-Language")


def personal_cookie_register(name: str) -> None:
    """A cookie some kept page's content depends on: a request carrying it is never served a
    kept copy, and its page is never kept."""
    if name not in _PERSONAL_COOKIES:
        _PERSONAL_COOKIES.append(name)


def _seconds() -> int:
    return int(getattr(settings, "FABRIQUE_PAGE_CACHE_SECONDS", 0))


def request_generation(request: HttpRequest) -> str:
    """The data generation, read once per request (before any data the page shows)."""
    generation = getattr(request, "_data_generation", None)
    if generation is None:
        generation = data_generation()
        request._data_generation = generation  # type: ignore[attr-defined]
    return generation


def _key(request: HttpRequest, kind: str, *parts: object) -> str:
    material = "\x1f".join(
        str(p)
        for p in (
            kind,
            request_generation(request),
            translation.get_language(),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            timezone.localdate().isoformat(),
            *parts,
        )
    )
    return f"{kind}:{hashlib.sha256(material.encode('utf-8', 'surrogatepass')).hexdigest()}"


def fragment_cached(request: HttpRequest, name: str, render: Callable[[], str]) -> str:
    """`render()`, or the copy this same account got for this same address and generation.

    The key names the account (or "anonymous"): a fragment is never given to anyone else."""
    seconds = _seconds()
    if seconds <= 0:
        return render()
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"
    key = _key(request, f"fragment-{name}", who)
    cache = caches[CACHE_ALIAS]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, seconds)
    return html


def _anonymous(request: HttpRequest) -> bool:
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = (settings.SESSION_COOKIE_NAME, *_PERSONAL_COOKIES)
    return not any(name in request.COOKIES for name in cookies)


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A page that put a CSRF token in a form holds a secret of this browser's.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    control = response.get("Cache-Control", "").lower()
    if "private" in control or "no-store" in control or "no-cache" in control:
        return False
    vary = {v.strip().lower() for v in _COMMAS.split(response.get("Vary", "")) if v.strip()}
    return vary <= _VARY_COVERED


class AnonymousPageCacheMiddleware:
    """Serves a kept copy of a listed page to a visitor who is nobody; keeps fresh ones.

    The lookup happens once the address is resolved (`process_view`), so only the views named
    in `FABRIQUE_PAGE_CACHE_VIEWS` are ever kept; it sits after the language and bad-input
    middleware and before CSRF, authentication and messages, which a kept page does not need."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key is not None and _storable(request, response):
            assert isinstance(response, HttpResponse)
            headers = [(h, response[h]) for h in _KEPT_HEADERS if response.has_header(h)]
            caches[CACHE_ALIAS].set(key, (response.content, headers), _seconds())
        return response

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if _seconds() <= 0 or not _anonymous(request):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.FABRIQUE_PAGE_CACHE_VIEWS:
            return None
        key = _key(request, "page")
        kept = caches[CACHE_ALIAS].get(key)
        if kept is None:
            request._page_cache_key = key  # type: ignore[attr-defined]
            return None
        content, headers = kept
        response = HttpResponse(content)
        for header, value in headers:
            response[header] = value
        return response
