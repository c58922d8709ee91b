"""Security headers every response carries: Content-Security-Policy and Permissions-Policy.

Nosniff, X-Frame-Options and Referrer-Policy come from Django's own middleware (settings
SECURE_CONTENT_TYPE_NOSNIFF, X_FRAME_OPTIONS, SECURE_REFERRER_POLICY); this adds the two
Django 5.2 lacks. The policy allows no inline script or style at all: a stored-XSS that slips
past the Markdown sanitiser still cannot run, nor restyle the page. Pages keep their scripts
and styles in static files (tests/security/test_headers.py keeps templates that way).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Swagger UI and the admin draw a few icons as data: URIs.
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
DEFAULT_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def site_policy() -> dict[str, list[str]]:
    return getattr(settings, "FABRIQUE_CONTENT_SECURITY_POLICY", None) or DEFAULT_POLICY


def framable_policy(origins: list[str]) -> str:
    """The site's policy with `frame-ancestors` opened to `origins` (checked at start-up by
    config.embed.widget_origins), for the widget's answers only; no origin keeps 'none'."""
    policy = dict(site_policy())
    policy["frame-ancestors"] = list(origins) or ["'none'"]
    return policy_header(policy)


class SecurityHeadersMiddleware:
    """Adds the headers unless the view set its own (a download's sandbox policy stays)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = policy_header(site_policy())
        self.permissions = getattr(
            settings, "FABRIQUE_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        return response
