"""Officials and requests for the tests, built through the services; a fixed clock."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import PlatformRole
from officials.services import official_profile_set, request_send

from ..factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def staff():
    return UserFactory(platform_role=PlatformRole.STAFF)


def official(*, days: int = 10, delegates=(), **fields):
    """A verified official (by staff) committed to `days` working days."""
    user = UserFactory(platform_role=PlatformRole.OFFICIAL, **fields)
    return official_profile_set(
        actor=staff(), user=user, commitment_days=days, delegates=list(delegates)
    )


def send(profile, sender=None, *, public=False, subject="Une question", body="Le texte."):
    return request_send(
        actor=sender or UserFactory(),
        official=profile,
        subject=subject,
        body=body,
        public=public,
    )


class Clock:
    """`timezone.now()` set by the test (services, machine and auto_now_add all read it)."""

    def __init__(self, monkeypatch, start: datetime.datetime) -> None:
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, moment: datetime.datetime) -> None:
        self.now = moment


def page(user, path, method="get", data=None):
    """A page as a person reads it (signed in with a session), entities decoded."""
    import html

    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(path, data or {})
    if not response.streaming:  # a file is read by its own test, not as text
        response.text = html.unescape(response.content.decode())
    return response
