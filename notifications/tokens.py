"""Signed unsubscribe links: they work without signing in, say exactly what they stop, and
expire (FABRIQUE_UNSUBSCRIBE_LINK_DAYS, 60 days by default: an e-mail's link keeps working
for a while after it arrived)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "fabrique.notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    # Empty: every e-mail; otherwise the one followed object ("sheet", 12).
    target_type: str = ""
    target_id: int = 0


def unsubscribe_token(what: Unsubscribe) -> str:
    payload = {"u": what.user_id}
    if what.target_type:
        payload.update(t=what.target_type, i=what.target_id)
    return signing.dumps(payload, salt=SALT, compress=True)


def unsubscribe_read(token: str) -> Unsubscribe | None:
    """What the token asks, or None when it is forged, altered or expired."""
    if not isinstance(token, str) or len(token) > 400:
        return None
    try:
        payload = signing.loads(
            token, salt=SALT, max_age=settings.FABRIQUE_UNSUBSCRIBE_LINK_DAYS * 86400
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None
    try:
        user_id = int(payload["u"])
        target_type = str(payload.get("t", ""))
        target_id = int(payload.get("i", 0))
    except (KeyError, TypeError, ValueError):
        return None
    return Unsubscribe(user_id, target_type, target_id)


def unsubscribe_url(what: Unsubscribe) -> str:
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(what)])
    return settings.SITE_URL.rstrip("/") + path
