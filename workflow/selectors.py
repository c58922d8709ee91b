"""Reads of the workflow: visible sheets, available transitions, history, the staff board."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from events.models import Activity
from projects import selectors as projects_selectors
from projects.models import STAGE_ORDER, FramingNote, ProjectSheet, SheetVersion, Stage
from projects.permissions import SHEET_POLICY

from .checklist import (
    ITEMS_BY_CODE,
    checklist_states,
    completeness_filter_q,
    stage_completeness,
)
from .machine import SHEET_STAGES
from .models import Attestation, TransitionLog
from .permissions import can_view_board

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def sheet_queryset() -> QuerySet[ProjectSheet]:
    """What the workflow reads with a sheet (views hand it to the sheet policy's loader): its
    workspace for the rules, its current version for the checklist and the log."""
    return ProjectSheet.objects.select_related("workspace", "current_version")


def transition_options(
    *, user: User | AnonymousUser, sheet: ProjectSheet, state: dict[str, bool] | None = None
) -> list[dict[str, Any]]:
    """The transitions available from the sheet's stage, each with whether `user` may run it now
    (`SHEET_STAGES.available`: name, label, target, allowed, permitted, note_required, missing).

    `missing` lists the checklist codes that still gate a forward transition, whoever asks, so
    that everyone sees what the project lacks.
    """
    return SHEET_STAGES.available(user, sheet, context=state)


def transition_log_list(*, sheet: ProjectSheet) -> QuerySet[TransitionLog]:
    return (
        TransitionLog.objects.filter(sheet=sheet)
        .select_related("actor")
        .order_by("-created", "-id")
    )


def sheet_ending(*, sheet: ProjectSheet) -> TransitionLog | None:
    """For an abandoned or archived sheet, the transition that ended it (its date, its public
    reason, and the stage it ended at); None for a sheet still under way."""
    if sheet.stage not in (Stage.ABANDONED, Stage.ARCHIVED):
        return None
    return (
        TransitionLog.objects.filter(sheet=sheet, to_stage=sheet.stage)
        .order_by("-created", "-id")
        .first()
    )


def stage_reached(*, sheet: ProjectSheet, stage: str) -> bool:
    """Whether the sheet has reached `stage` (current or past): only those items are offered
    for attestation, an agent does not vouch for a stage the project has not begun. A sheet
    outside the ordered stages (abandoned) keeps every item, as before."""
    if sheet.stage not in STAGE_ORDER or stage not in STAGE_ORDER:
        return True
    return STAGE_ORDER.index(Stage(stage)) <= STAGE_ORDER.index(Stage(sheet.stage))


def attestation_active_map(*, sheet: ProjectSheet) -> dict[str, Attestation]:
    rows = Attestation.objects.filter(sheet=sheet, withdrawn_at__isnull=True).select_related(
        "attested_by"
    )
    return {row.code: row for row in rows if row.code in ITEMS_BY_CODE}


def sheet_activity_list(*, sheet: ProjectSheet, limit: int = 200) -> list[Activity]:
    """Public activity of the sheet: on the sheet itself, its versions, its published framing."""
    types = ContentType.objects.get_for_models(ProjectSheet, SheetVersion, FramingNote)
    versions = SheetVersion.objects.filter(sheet=sheet).values("pk")
    notes = FramingNote.objects.filter(sheet=sheet, status=FramingNote.Status.PUBLISHED).values(
        "pk"
    )
    return list(
        Activity.objects.filter(
            Q(target_type=types[ProjectSheet], target_id=sheet.pk)
            | Q(target_type=types[SheetVersion], target_id__in=versions)
            | Q(target_type=types[FramingNote], target_id__in=notes)
        )
        .filter(private=False)
        .select_related("actor")
        .order_by("-created", "-id")[:limit]
    )


# --- the staff board ---

BOARD_STAGES = [*STAGE_ORDER, Stage.ARCHIVED, Stage.ABANDONED]


def board_sheet_list(
    *,
    user: User | AnonymousUser,
    territory: str | None = None,
    theme: str | None = None,
    workspace: str | None = None,
    stage: str | None = None,
    completeness_below: int | None = None,
    completeness_at_least: int | None = None,
    stalled_days: int | None = None,
) -> QuerySet[ProjectSheet]:
    """Sheets for the staff board, filtered and in board order.

    A completeness bound is a condition computed by the database over the matching sheets
    (see checklist); the completeness shown is computed for the displayed page only
    (`board_page_completeness`), so a page costs the same queries for ten sheets or ten thousand.
    """
    qs = projects_selectors.sheet_list_filter(
        ProjectSheet.objects.filter(projects_selectors.sheet_visibility_q(user)).select_related(
            "workspace", "territory"
        ),
        workspace=workspace,
        stage=stage,
        territory=territory,
        theme=theme,
    )
    if stalled_days is not None:
        qs = qs.filter(
            stage__in=STAGE_ORDER,
            stage_changed_at__lt=timezone.now() - datetime.timedelta(days=stalled_days),
        )
    if completeness_below is not None or completeness_at_least is not None:
        qs = qs.filter(
            completeness_filter_q(below=completeness_below, at_least=completeness_at_least)
        )
    # Grouped by stage in workflow order, the longest-waiting first inside a stage.
    rank = Case(
        *[When(stage=stage, then=Value(i)) for i, stage in enumerate(BOARD_STAGES)],
        output_field=IntegerField(),
    )
    return qs.annotate(stage_rank=rank).order_by("stage_rank", "stage_changed_at", "pk")


def board_page_completeness(sheets: list[ProjectSheet]) -> list[ProjectSheet]:
    """Set `completeness` (current stage, None once closed) on a page of sheets, in one query."""
    states = checklist_states(sheet.pk for sheet in sheets)
    for sheet in sheets:
        state = states.get(sheet.pk)
        sheet.completeness = stage_completeness(sheet.stage, state) if state else None
    return sheets


def board_stage_counts(queryset: QuerySet[ProjectSheet]) -> dict[str, int]:
    rows = queryset.order_by().values("stage").annotate(n=Count("pk", distinct=True))
    counts = {str(stage): 0 for stage in BOARD_STAGES}
    counts.update({row["stage"]: row["n"] for row in rows})
    return counts


# A running sheet whose stage has not changed for longer than this is stalled: the number the
# staff's home shows, and the board filter its link opens.
STALLED_AFTER_DAYS = 90


def board_stalled_count(*, user: User | AnonymousUser, days: int = STALLED_AFTER_DAYS) -> int:
    """How many sheets the board lists as stalled for `user` (0 for whoever has no board)."""
    if not can_view_board(user):
        return 0
    return board_sheet_list(user=user, stalled_days=days).order_by().count()


# --- the home page's lists that depend on the checklist ---


RECENT_RESULTS_DAYS = 365


def sheet_list_recent_results(*, user: User | AnonymousUser) -> QuerySet[ProjectSheet]:
    """Visible sheets that reached evaluation or the archive in the last year with their
    restitution published (the checklist's item: a public document since the realisation, or
    staff's attestation), the latest arrival first. Older ones are in the archives, not news."""
    restitution = ITEMS_BY_CODE["restitution_document"].satisfied_q()
    since = timezone.now() - datetime.timedelta(days=RECENT_RESULTS_DAYS)
    return (
        ProjectSheet.objects.filter(
            projects_selectors.sheet_visibility_q(user),
            stage__in=[Stage.EVALUATION, Stage.ARCHIVED],
            stage_changed_at__gte=since,
        )
        .filter(restitution)
        .select_related("workspace", "territory__parent")
        .order_by("-stage_changed_at", "-pk")
    )


def sheet_list_awaiting_framing(*, user: User | AnonymousUser) -> QuerySet[ProjectSheet]:
    """Sheets an official may frame (seen by them, still before the realisation) that the
    checklist's item still finds without a framing note published by an official, the longest
    waiting first; `has_my_draft` tells whether this official has started one."""
    if not getattr(user, "is_authenticated", False):
        return ProjectSheet.objects.none()
    framed = ITEMS_BY_CODE["framing_published"].satisfied_q()
    my_draft = FramingNote.objects.filter(
        sheet=OuterRef("pk"), status=FramingNote.Status.DRAFT, author_id=user.pk
    )
    return (
        ProjectSheet.objects.filter(
            SHEET_POLICY.q(user, "frame"), stage__in=[Stage.INITIATIVE, Stage.CONSULTATION]
        )
        .exclude(framed)
        .select_related("workspace", "territory__parent")
        .annotate(has_my_draft=Exists(my_draft))
        .order_by("stage_changed_at", "pk")
    )
