"""The accounts app's periodic job in the worker: forget expired sign-in failures."""

from __future__ import annotations

from background.periodic import periodic_job

from .throttling import attempts_purge_expired


@periodic_job(every=600, name="login_attempts_purge_expired")
def _attempts_purge_job() -> int:
    return attempts_purge_expired()
