"""Reads of moderation: the queue, a case, a person's notices, and the public register."""

from __future__ import annotations

import datetime
import statistics
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone

from debates.permissions import DEBATE_POLICY

from .models import CharterVersion, ModerationAction, ModerationCase, Notice, Report, ReportReason
from .permissions import CASE_POLICY

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from workspace.models import Workspace

    Actor = User | AnonymousUser | None
else:
    Actor = Any

OPEN_STATES = (ModerationCase.State.PENDING, ModerationCase.State.APPEALED)
DECISION_KINDS = ("hide", "dismiss", "uphold", "reverse")


def case_queue(*, user: Actor, state: str | None = None) -> QuerySet[ModerationCase]:
    """Open cases first (pending and appealed), oldest first; then the decided ones, latest
    first. Moderators and staff only (the policy's filter is empty for anyone else)."""
    qs = CASE_POLICY.visible(user, ModerationCase.objects.all())
    if state:
        qs = qs.filter(state=state)
    return (
        qs.select_related("comment__debate", "comment__author", "decided_by")
        .prefetch_related("reports")
        .annotate(
            closed=Case(
                When(state__in=OPEN_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "due_at", "id")
    )


def case_get(*, user: Actor, pk: Any) -> ModerationCase:
    queryset = ModerationCase.objects.select_related(
        "comment__debate", "comment__author", "decided_by", "appeal_decided_by", "charter_version"
    )
    return CASE_POLICY.get_visible(user, queryset, pk=pk)


def case_of_comment(comment: Any) -> ModerationCase | None:
    return ModerationCase.objects.filter(comment=comment).first()


def notice_list(*, user: Actor) -> QuerySet[Notice]:
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    return Notice.objects.filter(recipient_id=getattr(user, "pk", None)).select_related(
        "case__comment__debate"
    )


def charter_versions() -> QuerySet[CharterVersion]:
    return CharterVersion.objects.order_by("-number")


def moderators() -> QuerySet[Any]:
    """The public list of moderators (display names only)."""
    return (
        get_user_model()
        .objects.filter(platform_role="moderator", is_active=True)
        .order_by("display_name", "pk")
    )


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first and next month's first instants, in the platform's time zone."""
    start = datetime.datetime(month.year, month.month, 1)
    following = datetime.datetime(month.year + month.month // 12, month.month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(following, zone)


def register_month(
    *, user: Actor, month: datetime.date, workspace: Workspace | None = None
) -> dict[str, Any]:
    """The public figures of one month: reports by reason, decisions by kind, the median
    working hours from a case's opening to its decision, appeals and reversals.

    Counted over the debates `user` may see (a private workspace's moderation shows in its
    members' register only): the register never tells, even as a number, what is hidden from
    its reader. No reporter, no moderator, no text."""
    start, end = month_bounds(month)
    cases = ModerationCase.objects.filter(DEBATE_POLICY.visible_q(user, prefix="comment__debate__"))
    if workspace is not None:
        cases = cases.filter(comment__debate__workspace=workspace)
    case_ids = cases.values("pk")
    reports = dict(
        Report.objects.filter(case__in=case_ids, created__gte=start, created__lt=end)
        .values_list("reason")
        .annotate(n=Count("id"))
        .values_list("reason", "n")
    )
    actions = ModerationAction.objects.filter(
        case__in=case_ids, created__gte=start, created__lt=end
    )
    by_kind = dict(actions.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    hours = list(
        actions.filter(kind__in=("hide", "dismiss"), hours_to_decision__isnull=False).values_list(
            "hours_to_decision", flat=True
        )
    )
    known = [h for h in hours if h is not None]
    return {
        "month": f"{month.year:04d}-{month.month:02d}",
        "workspace": workspace.slug if workspace is not None else None,
        "reports": {reason: reports.get(reason, 0) for reason in ReportReason.values},
        "reports_total": sum(reports.values()),
        "decisions": {kind: by_kind.get(kind, 0) for kind in DECISION_KINDS},
        "hidden_pending_review": by_kind.get("auto_hidden", 0),
        "median_hours_to_decision": round(statistics.median(known), 1) if known else None,
        "appeals": by_kind.get("appeal", 0),
        "reversals": by_kind.get("reverse", 0),
    }


def charter_current() -> CharterVersion | None:
    return CharterVersion.objects.order_by("-number").first()
