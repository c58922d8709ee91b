"""Reads of meetings, filtered by who asks (MEETING_POLICY) — never a leak of a private
workspace's meeting, not even as a count."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from territories.models import Territory

from .models import Meeting, Registration, seat_holders_q
from .permissions import MEETING_POLICY, REGISTRATION_POLICY, can_organise


def _with_counts(qs: QuerySet[Meeting], now: datetime.datetime) -> QuerySet[Meeting]:
    return qs.annotate(
        registered_count=Count("registrations", filter=seat_holders_q(now, "registrations__"))
    )


def territory_with_descendants(territory: Territory) -> list[int]:
    """A territory and everything below it (a commune includes its quartiers)."""
    ids, frontier = [territory.pk], [territory.pk]
    while frontier:
        frontier = list(Territory.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in ids]
        ids.extend(frontier)
    return ids


def meeting_list_visible(
    *,
    user: Any,
    sheet: int | None = None,
    territory: Territory | None = None,
    territory_ids: list[int] | None = None,
    upcoming: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[Meeting]:
    now = now or timezone.now()
    qs = MEETING_POLICY.visible(user).select_related("sheet", "territory")
    if sheet is not None:
        qs = qs.filter(sheet_id=sheet)
    if territory is not None or territory_ids is not None:
        ids = territory_ids if territory_ids is not None else []
        if territory is not None:
            ids = territory_with_descendants(territory)
        qs = qs.filter(Q(territory_id__in=ids) | Q(sheet__territory_id__in=ids))
    if upcoming:
        qs = qs.filter(ends__gt=now).exclude(state=Meeting.State.CANCELLED)
    return _with_counts(qs, now).order_by("starts", "pk")


def meeting_get_visible(*, user: Any, pk: int) -> Meeting:
    """The meeting, or 404 when the user may not see it."""
    qs = _with_counts(
        Meeting.objects.select_related("sheet__workspace", "territory"), timezone.now()
    )
    return MEETING_POLICY.get_visible(user, qs, pk=pk)


def seats_taken(meeting: Meeting, now: datetime.datetime | None = None) -> int:
    count = getattr(meeting, "registered_count", None)
    if count is None:
        count = meeting.registrations.filter(seat_holders_q(now or timezone.now())).count()
    return int(count)


def registrants_for_organiser(*, user: Any, meeting: Meeting) -> QuerySet[Registration]:
    """Names and e-mails: the organisers only (an empty list for anyone else)."""
    if not can_organise(user, meeting):
        return Registration.objects.none()
    return REGISTRATION_POLICY.visible(user, meeting.registrations.exclude(state="cancelled"))


def registration_of(*, user: Any, meeting: Meeting) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        meeting.registrations.filter(user=user).exclude(state=Registration.State.CANCELLED).first()
    )


def restitutions_for_sheet(*, user: Any, sheet_id: int) -> QuerySet[Meeting]:
    """The evaluation's accessor: the sheet's held meetings with a published restitution
    (attendance, minutes, documents), as visible to `user`."""
    return (
        MEETING_POLICY.visible(user)
        .filter(sheet_id=sheet_id, restitution_published_at__isnull=False)
        .prefetch_related("documents")
        .order_by("starts", "pk")
    )
