"""How many registrations without an account one client may make. They hold no seat until
confirmed, but each sends an e-mail and makes a row: without a cap one visitor could flood a
meeting's list and other people's mailboxes. Counted per client address (`accounts.throttling.client_ip`, which knows the trusted proxies),
before the registration is made, over every meeting."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

from accounts.throttling import Limit, attempts_check, client_ip


def anonymous_registration_allowed(request: HttpRequest) -> bool:
    """Count one registration without an account from this client; False past the hour's cap
    (`FABRIQUE_MEETING_REGISTRATIONS_PER_CLIENT_PER_HOUR`, 20 by default)."""
    cap = int(getattr(settings, "FABRIQUE_MEETING_REGISTRATIONS_PER_CLIENT_PER_HOUR", 20))
    limit = Limit("meeting-register", cap, timedelta(hours=1))
    return attempts_check([(limit, client_ip(request))]) is None
