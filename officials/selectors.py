"""Reads of officials and requests (through the policy where they depend on who asks), and
the response statistics, computed by the database in a constant number of queries.

The rates, honestly (the methodology page says the same):
- over the requests sent in the last 12 months;
- "settled": admissible requests whose due date has passed, or that are answered (a recent
  request still within its delay is left out until it is due or answered);
- answered on time / settled, an answer flagged by a moderator as boilerplate not counting as
  answered; hidden (null) below FABRIQUE_STATS_MIN_REQUESTS settled requests;
- inadmissible requests counted apart, never in a rate;
- the median time to answer in working days, pauses for a clarification left out.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from territories.models import Territory

from .machine import OPEN
from .models import OfficialProfile, Request
from .permissions import REQUEST_POLICY

STATS_MIN_REQUESTS = 5
# The states an inbox lists by default.
TO_ANSWER = ("acknowledged", "redirected", "clarification_requested")
STATS_WINDOW = datetime.timedelta(days=365)
State = Request.State


def official_list(
    *, territory: Territory | None = None, theme: Any = None
) -> QuerySet[OfficialProfile]:
    """Verified officials whose account is active, filtered by territory (a quartier finds its
    commune's officials and the Eurométropole's) and theme."""
    qs = OfficialProfile.objects.filter(user__is_active=True, user__platform_role="official")
    if territory is not None:
        scope = [territory.pk]
        parent = territory.parent
        while parent is not None:
            scope.append(parent.pk)
            parent = parent.parent
        qs = qs.filter(
            Exists(
                OfficialProfile.territories.through.objects.filter(
                    officialprofile_id=OuterRef("pk"), territory_id__in=scope
                )
            )
        )
    if theme is not None:
        qs = qs.filter(
            Exists(
                OfficialProfile.themes.through.objects.filter(
                    officialprofile_id=OuterRef("pk"), theme_id=theme.pk
                )
            )
        )
    return (
        qs.select_related("user")
        .prefetch_related("themes", "territories", "mandates__commune")
        .order_by("user__display_name", "pk")
    )


def official_get(*, user_id: Any) -> OfficialProfile:
    from django.http import Http404

    profile = official_list().filter(user_id=user_id).first()
    if profile is None:
        raise Http404("No such official.")
    return profile


def _median_from_histogram(counts: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many), sorted by value."""
    total = sum(n for _v, n in counts)
    if not total:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen, lower, upper = 0, None, None
    for value, n in counts:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            upper = value
            break
        seen += n
    assert lower is not None and upper is not None
    return (lower + upper) / 2


def official_stats(profile_ids: list[int], now: datetime.datetime | None = None) -> dict[int, dict]:
    """Per official: received, answered, answered_on_time_rate, median_days, open, overdue,
    very_overdue, inadmissible, settled. Two queries whatever the number of officials and
    requests (one GROUP BY with conditional counts; one histogram of answer times)."""
    now = now or timezone.now()
    since = now - STATS_WINDOW
    answered = Q(state=State.ANSWERED, boilerplate=False)
    admissible = ~Q(state=State.CLOSED_INADMISSIBLE)
    running = Q(state__in=OPEN, paused_at__isnull=True)
    rows = (
        Request.objects.filter(official_id__in=profile_ids, created__gte=since)
        .values("official_id")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=answered & Q(on_time=True)),
            settled=Count("id", filter=admissible & (Q(due_at__lt=now) | Q(state=State.ANSWERED))),
            open=Count("id", filter=Q(state__in=[*OPEN, State.CLARIFICATION_REQUESTED])),
            overdue=Count("id", filter=running & Q(due_at__lt=now)),
            very_overdue=Count("id", filter=running & Q(very_due_at__lt=now)),
            inadmissible=Count("id", filter=Q(state=State.CLOSED_INADMISSIBLE)),
        )
        .order_by()
    )
    stats = {pid: _empty_stats() for pid in profile_ids}
    for row in rows:
        entry = stats[row.pop("official_id")]
        entry.update(row)
        if entry["settled"] >= STATS_MIN_REQUESTS:
            entry["answered_on_time_rate"] = round(entry["on_time"] / entry["settled"], 3)
    histogram: dict[int, list[tuple[int, int]]] = {}
    for row in (
        Request.objects.filter(official_id__in=profile_ids, created__gte=since)
        .filter(answered, answer_days__isnull=False)
        .values("official_id", "answer_days")
        .annotate(n=Count("id"))
        .order_by("official_id", "answer_days")
    ):
        histogram.setdefault(row["official_id"], []).append((row["answer_days"], row["n"]))
    for pid, counts in histogram.items():
        if stats[pid]["answered"] >= STATS_MIN_REQUESTS:
            stats[pid]["median_days"] = _median_from_histogram(counts)
    return stats


def _empty_stats() -> dict[str, Any]:
    return {
        "received": 0,
        "answered": 0,
        "on_time": 0,
        "settled": 0,
        "answered_on_time_rate": None,
        "median_days": None,
        "open": 0,
        "overdue": 0,
        "very_overdue": 0,
        "inadmissible": 0,
    }


def request_queryset() -> QuerySet[Request]:
    return Request.objects.select_related(
        "official__user", "first_official__user", "sender", "sheet", "answered_by"
    )


def request_rows() -> QuerySet[Request]:
    """What a list of requests shows (the inbox, my requests): the columns of its rows only."""
    return Request.objects.select_related("official__user").only(
        "id",
        "reference",
        "subject",
        "state",
        "created",
        "due_at",
        "very_due_at",
        "paused_at",
        "closed_at",
        "official__id",
        "official__user__id",
        "official__user__display_name",
    )


def request_get_visible(*, user: Any, reference: str) -> Request:
    return REQUEST_POLICY.get_visible(user, request_queryset(), reference=reference)


def request_get_visible_pk(*, user: Any, pk: Any) -> Request:
    return REQUEST_POLICY.get_visible(user, request_queryset(), pk=pk)


def requests_sent(*, user: Any, whole: bool = False) -> QuerySet[Request]:
    """The caller's own requests, newest first (`whole`: every column, for the API)."""
    if not getattr(user, "is_authenticated", False):
        return Request.objects.none()
    base = request_queryset() if whole else request_rows()
    return base.filter(sender=user).order_by("-created", "-id")


def requests_inbox(*, user: Any, flag: str = "", whole: bool = False) -> QuerySet[Request]:
    """What the official (or a delegate, in their name) has to answer, by due date: the overdue
    ones come first (theirs is the earliest). `flag`: "" (to answer: open or waiting for a
    clarification), "overdue", "very_overdue", "closed" (newest first), "all" (newest first)."""
    if not getattr(user, "is_authenticated", False):
        return Request.objects.none()
    now = timezone.now()
    # The requests the policy lets this person answer are those addressed to a profile they are
    # the official or a delegate of (tests/officials/test_policy_matrix.py checks the two agree):
    # naming those profiles lets the database walk its inbox index, not every request.
    mine = list(
        OfficialProfile.objects.filter(Q(user=user.pk) | Q(delegates=user.pk))
        .values_list("pk", flat=True)
        .distinct()
    )
    qs = (request_queryset() if whole else request_rows()).filter(official_id__in=mine)
    running = Q(state__in=OPEN, paused_at__isnull=True)
    if flag == "overdue":
        return qs.filter(running, due_at__lt=now).order_by("due_at", "id")
    if flag == "very_overdue":
        return qs.filter(running, very_due_at__lt=now).order_by("due_at", "id")
    if flag == "closed":
        qs = qs.filter(state__in=[State.ANSWERED, State.CLOSED_INADMISSIBLE])
        return qs.order_by("-closed_at", "-id")
    if flag == "all":
        return qs.order_by("-created", "-id")
    return qs.filter(state__in=TO_ANSWER).order_by("due_at", "id")


def public_answers(*, profile: OfficialProfile) -> QuerySet[Request]:
    """The official's answered public requests whose question a moderator approved."""
    return (
        # "approved" implies public (a database constraint), so the filter stays on the index.
        Request.objects.filter(
            official=profile, state=State.ANSWERED, publication=Request.Publication.APPROVED
        )
        .select_related("sheet")
        .order_by("-answered_at", "-id")
    )


def sheet_public_answers(*, sheet: Any) -> QuerySet[Request]:
    return (
        Request.objects.filter(
            sheet=sheet, state=State.ANSWERED, publication=Request.Publication.APPROVED
        )
        .select_related("official__user")
        .order_by("-answered_at", "-id")
    )


def request_flags(request: Request, now: datetime.datetime | None = None) -> dict[str, bool]:
    """Overdue (past the due date, the clock running) and very overdue (twice the delay)."""
    now = now or timezone.now()
    running = request.state in OPEN and request.paused_at is None
    return {
        "overdue": running and now > request.due_at,
        "very_overdue": running and now > request.very_due_at,
    }


def requests_awaiting_publication() -> QuerySet[Request]:
    """Public requests whose question a moderator has not read yet (the moderators' queue)."""
    return (
        request_queryset()
        .filter(public=True, publication=Request.Publication.PENDING)
        .order_by("created", "id")
    )


def request_notices(*, user: Any, limit: int = 20) -> list[Any]:
    """The person's latest notices about requests, unread first (their own, never others')."""
    from .models import RequestNotice

    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        RequestNotice.objects.filter(recipient=user)
        .select_related("request")
        .order_by(F("read_at").asc(nulls_first=True), "-created", "-id")[:limit]
    )
