"""A sheet in consultation with an open round, built through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import PlatformRole
from amendments.models import AmendmentRound
from amendments.services import round_open
from projects.models import Stage

from ..factories import SheetFactory, UserFactory


def staff():
    return UserFactory(platform_role=PlatformRole.STAFF)


def open_round(sheet=None, *, actor=None, min_grade=3, quorum=1, days=(7, 14)):
    sheet = sheet or SheetFactory(stage=Stage.CONSULTATION, summary="Un résumé de départ.")
    now = timezone.now()
    return round_open(
        actor=actor or staff(),
        sheet=sheet,
        submission_ends=now + datetime.timedelta(days=days[0]),
        judgment_ends=now + datetime.timedelta(days=days[1]),
        min_grade=min_grade,
        quorum=quorum,
    )


def to_judgment(round_):
    """Move the submission window's end into the past (the clock, not a decision)."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    AmendmentRound.objects.filter(pk=round_.pk).update(submission_ends=past)
    round_.refresh_from_db()
    return round_
