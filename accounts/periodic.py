"""The accounts app's periodic jobs in the worker: forget expired sign-in failures and expired
sessions."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.utils import timezone

from background.periodic import periodic_job

from .throttling import attempts_purge_expired


@periodic_job(every=600, name="login_attempts_purge_expired")
def _attempts_purge_job() -> int:
    return attempts_purge_expired()


@periodic_job(every=3600, name="sessions_purge_expired")
def _sessions_purge_job() -> int:
    """Expired sessions are useless and name their account: the privacy page promises they go."""
    count, _detail = Session.objects.filter(expire_date__lte=timezone.now()).delete()
    return count
