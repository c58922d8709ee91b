"""The one write of the footprint: a day's served bytes, added to."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from portal.models import ServedBytes


def served_bytes_add(*, day: date, nbytes: int, responses: int) -> None:
    """Adds to the day's row (created on the day's first flush). Concurrent processes add with
    one UPDATE each; two creating the same day at once, the loser adds to the winner's row."""
    if nbytes <= 0 and responses <= 0:
        return
    changes = {"bytes": F("bytes") + nbytes, "responses": F("responses") + responses}
    if ServedBytes.objects.filter(day=day).update(**changes):
        return
    try:
        with transaction.atomic():
            ServedBytes.objects.create(day=day, bytes=nbytes, responses=responses)
    except IntegrityError:
        ServedBytes.objects.filter(day=day).update(**changes)
