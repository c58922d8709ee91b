"""The attempt counters' clock held still for each test of this folder.

The counters count in fixed windows (`accounts.throttling.attempt_count`: a minute for a rate,
a quarter of an hour for a share link's passwords). A test whose tries straddled the end of a
window saw its count start again half-way and its last try let through (CI, 2026-12-01 04:15
UTC: `test_share_link_attempts_limited_per_link` got 302 instead of 429). Each test now counts
in the window of the moment it started; a test about a window's end moves the stored windows
itself.
"""

from __future__ import annotations

from typing import Any

import pytest


class _HeldClock:
    """`django.utils.timezone` with `now()` held at one moment."""

    def __init__(self, module: Any, moment: Any) -> None:
        self._module = module
        self._moment = moment

    def now(self) -> Any:
        return self._moment

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


@pytest.fixture(autouse=True)
def one_counting_window(monkeypatch):
    """`attempt_count` reads the time of the test's start (the rest of the module, the sign-in
    lockout's retry times among it, reads the real clock)."""
    from django.utils import timezone

    import accounts.throttling as throttling

    held = _HeldClock(timezone, timezone.now())
    counted = throttling.attempt_count

    def attempt_count(*, limit, ident):
        throttling.timezone = held
        try:
            return counted(limit=limit, ident=ident)
        finally:
            throttling.timezone = timezone

    monkeypatch.setattr(throttling, "attempt_count", attempt_count)
