"""Reads of debates and comments that depend on who asks (through the policies)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Comment, Debate
from .permissions import DEBATE_POLICY

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    Actor = User | AnonymousUser | None
else:
    Actor = Any

# Top-level messages per page of a debate (each with all its replies).
THREADS_PER_PAGE = 30

_LISTED_STATES = [Comment.State.VISIBLE, Comment.State.HIDDEN]


def _comments_count() -> Coalesce:
    """Listed messages of the debate, counted by a subquery per debate of the page (through the
    comments' (debate, …) index) rather than by joining every comment of every debate before
    grouping: the list costs the same whatever the size of its debates."""
    counted = (
        Comment.objects.filter(debate=OuterRef("pk"), state__in=_LISTED_STATES)
        .order_by()
        .values("debate")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def debate_list_visible(
    *,
    user: Actor,
    sheet: int | None = None,
    workspace: str | None = None,
    territory: str | None = None,
    theme: str | None = None,
    state: str | None = None,
) -> QuerySet[Debate]:
    """The debates `user` may see, newest first, with their number of messages (hidden ones
    count: their place shows; deleted ones do not). A commune's filter takes its quartiers."""
    qs = DEBATE_POLICY.visible(user, Debate.objects.all())
    if sheet is not None:
        qs = qs.filter(sheet_id=sheet)
    if workspace:
        qs = qs.filter(workspace__slug=workspace)
    if territory:
        qs = qs.filter(Q(territory__slug=territory) | Q(territory__parent__slug=territory))
    if theme:
        qs = qs.filter(themes__slug=theme)
    if state:
        qs = qs.filter(state=state)
    return (
        qs.select_related("sheet", "workspace", "territory", "author")
        .prefetch_related("themes")
        .annotate(comments_count=_comments_count())
        .order_by("-created", "-id")
    )


def debate_get_visible(*, user: Actor, pk: Any) -> Debate:
    """The debate, or 404 when `user` may not see it (or it does not exist)."""
    queryset = Debate.objects.select_related("sheet__workspace", "workspace", "territory", "author")
    return DEBATE_POLICY.get_visible(user, queryset, pk=pk)


def _shown(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    """Deleted messages stay only as placeholders of their replies (a correlated EXISTS on the
    replies' parent index, looked at for deleted messages only)."""
    return queryset.filter(
        ~Q(state=Comment.State.DELETED) | Exists(Comment.objects.filter(parent=OuterRef("pk")))
    )


def comment_threads(debate: Debate) -> QuerySet[Comment]:
    """Top-level messages, oldest first, each with its replies and their authors prefetched:
    a page of threads costs the same few queries whatever the debate's size."""
    replies = _shown(Comment.objects.filter(debate=debate, parent__isnull=False)).select_related(
        "author"
    )
    return (
        _shown(Comment.objects.filter(debate=debate, parent__isnull=True))
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies.order_by("created", "id")))
        .order_by("created", "id")
    )


def comment_list(debate: Debate) -> QuerySet[Comment]:
    """Every message shown in the debate, flat and in order (the API's list)."""
    return (
        _shown(Comment.objects.filter(debate=debate))
        .select_related("author")
        .order_by("created", "id")
    )


def stance_counts(debate: Debate) -> dict[str, int]:
    """Visible messages per stance (a hidden or deleted message's stance is not counted)."""
    rows = (
        Comment.objects.filter(debate=debate, state=Comment.State.VISIBLE)
        .exclude(stance="")
        .values("stance")
        .annotate(n=Count("id"))
    )
    counts = {stance: 0 for stance in Comment.Stance.values}
    counts.update({row["stance"]: row["n"] for row in rows})
    return counts


def debate_participants(debate: Debate) -> set[int]:
    """Accounts that took part: the debate's author and everyone who wrote in it (a moderator
    among them may not moderate it)."""
    ids = set(
        Comment.objects.filter(debate=debate, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    if debate.author_id:
        ids.add(debate.author_id)
    return ids


def comments_open(debate: Debate) -> bool:
    """Comments are taken while the debate is open and its closing day has not passed."""
    if debate.state != Debate.State.OPEN:
        return False
    return debate.closes_on is None or timezone.localdate() <= debate.closes_on


def comment_queryset() -> QuerySet[Comment]:
    """What a page about one message reads with it: its debate's place (for the policy and the
    way back), its author and its parent."""
    return Comment.objects.select_related(
        "debate__sheet__workspace", "debate__workspace", "debate__territory", "author", "parent"
    )
