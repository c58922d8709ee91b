"""Reads that depend on who asks: visible sheets, their versions, diffs and framing notes."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import NullIf
from django.http import Http404
from django.utils import timezone

from territories.models import Territory
from workspace.models import Workspace

from .diff import FieldDiff, version_diff
from .models import ACTIVE_STAGES, ENDED_STAGES, FramingNote, ProjectSheet, SheetVersion, Stage
from .permissions import SHEET_POLICY, can_view_sheet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def sheet_visibility_q(user: User | AnonymousUser, prefix: str = "") -> Q:
    """Q for "the sheet at `prefix` is visible to `user`": the sheet policy's list filter
    (public sheets of public workspaces, plus every sheet of the user's workspaces; one subquery
    on the membership index, never a per-sheet check). Search and other apps reuse it."""
    return SHEET_POLICY.visible_q(user, prefix=prefix)


def sheet_list_visible(*, user: User | AnonymousUser) -> QuerySet[ProjectSheet]:
    return (
        ProjectSheet.objects.filter(sheet_visibility_q(user))
        .select_related("workspace", "territory", "current_version")
        .defer("current_version__body", "current_version__sections", "current_version__meta")
        .prefetch_related("themes")
    )


def sheet_list_filter(
    qs: QuerySet[ProjectSheet],
    *,
    workspace: str | None = None,
    stage: str | None = None,
    territory: str | None = None,
    theme: str | None = None,
    q: str | None = None,
    participation_level: str | None = None,
    archived: bool | None = None,
) -> QuerySet[ProjectSheet]:
    """The list filters shared by pages and API (slugs for workspace, territory and theme; the
    promised participation level by its value, checked by the caller).

    `archived`: True keeps the ended sheets (archived and abandoned), False the ones under way,
    None every stage (the default lists pass `ended_default(...)`)."""
    if workspace:
        qs = qs.filter(workspace__slug=workspace)
    if archived:
        qs = qs.filter(stage__in=ENDED_STAGES)
    elif archived is False:
        qs = qs.filter(stage__in=ACTIVE_STAGES)
    if stage:
        qs = qs.filter(stage=stage)
    if participation_level:
        qs = qs.filter(participation_level=participation_level)
    if territory:
        qs = qs.filter(territory__slug=territory)
    if theme:
        qs = qs.filter(themes__slug=theme)
    if q:
        # A narrowing filter on the list; full-text search in French is the search app's job.
        qs = qs.filter(Q(title__icontains=q) | Q(current_version__summary__icontains=q))
    # Slugs are unique, so the theme join matches at most one row per sheet: no DISTINCT.
    return qs


def ended_default(archived: bool | None, stage: str | None) -> bool | None:
    """The "en cours" rule of the public lists: without `archived`, the sheets under way only,
    unless a stage is named (asking for the archived stage lists the archived sheets)."""
    if archived is None and not stage:
        return False
    return archived


def sheet_list_for_workspace(
    *, user: User | AnonymousUser, workspace: Workspace
) -> QuerySet[ProjectSheet]:
    return sheet_list_visible(user=user).filter(workspace=workspace)


def sheet_queryset(*, for_detail: bool = True) -> QuerySet[ProjectSheet]:
    """What a page about one sheet reads with it (views hand it to the sheet policy's loader);
    `for_detail` adds the themes, which only the sheet's own page and API detail show."""
    qs = ProjectSheet.objects.select_related(
        "workspace", "territory", "current_version", "current_version__author", "created_by"
    )
    return qs.prefetch_related("themes") if for_detail else qs


def sheet_get_visible(
    *, user: User | AnonymousUser, pk: int, for_detail: bool = True
) -> ProjectSheet:
    """The sheet if the user may see it; 404 otherwise, so private sheets stay unknown."""
    sheet = sheet_queryset(for_detail=for_detail).filter(pk=pk).first()
    if sheet is None or not can_view_sheet(user, sheet):
        raise Http404("No such sheet.")
    return sheet


# Relations of a version that upper apps show in its history (the amendments it merged), read
# with the list in one query each: registered from their AppConfig.ready().
VERSION_PREFETCHES: list[Any] = []


def sheet_version_prefetch_register(lookup: Any) -> None:
    if lookup not in VERSION_PREFETCHES:
        VERSION_PREFETCHES.append(lookup)


def sheet_version_list(*, sheet: ProjectSheet) -> QuerySet[SheetVersion]:
    """Versions of a sheet already checked visible, newest first, without their content."""
    return (
        SheetVersion.objects.filter(sheet=sheet)
        .prefetch_related(*VERSION_PREFETCHES)
        .select_related("author")
        .only(
            "id",
            "sheet_id",
            "number",
            "title",
            "created",
            "change_note",
            "restored_from",
            "author__id",
            "author__display_name",
            "author__email",
            "author__platform_role",
        )
        .order_by("-number")
    )


def sheet_version_get(*, sheet: ProjectSheet, number: int) -> SheetVersion:
    version = (
        SheetVersion.objects.select_related("author").filter(sheet=sheet, number=number).first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


MAX_DB_INT = 2**63 - 1


def sheet_version_diff(
    *, sheet: ProjectSheet, from_number: int, to_number: int
) -> tuple[SheetVersion, SheetVersion, list[FieldDiff]]:
    if not all(0 < n <= MAX_DB_INT for n in (from_number, to_number)):
        raise Http404("No such version.")  # a number no column holds: no query at all
    versions = {
        v.number: v
        for v in SheetVersion.objects.select_related("author").filter(
            sheet=sheet, number__in=[from_number, to_number]
        )
    }
    if from_number not in versions or to_number not in versions:
        raise Http404("No such version.")
    old, new = versions[from_number], versions[to_number]
    return old, new, version_diff(old, new)


def framing_note_list_visible(
    *, user: User | AnonymousUser, sheet: ProjectSheet
) -> list[FramingNote]:
    """Published notes newest first (the first is current, the others superseded), then the
    caller's own drafts."""
    mine = Q()
    if getattr(user, "is_authenticated", False):
        mine = Q(status=FramingNote.Status.DRAFT, author_id=user.pk)
    cond = Q(status=FramingNote.Status.PUBLISHED)
    if mine:
        cond |= mine
    notes = list(
        FramingNote.objects.filter(cond, sheet=sheet)
        .select_related("author")
        .order_by("-published_at", "-created")
    )
    published = [n for n in notes if n.status == FramingNote.Status.PUBLISHED]
    for index, note in enumerate(published):
        note.is_current = index == 0
        note.superseded_by = published[index - 1] if index else None
    drafts = [n for n in notes if n.status == FramingNote.Status.DRAFT]
    for note in drafts:
        note.is_current, note.superseded_by = False, None
    return published + drafts


def framing_note_get_visible(
    *, user: User | AnonymousUser, sheet: ProjectSheet, pk: int
) -> FramingNote:
    from .permissions import can_view_framing_note

    note = FramingNote.objects.select_related("author", "sheet").filter(sheet=sheet, pk=pk).first()
    if note is None or not can_view_framing_note(user, note):
        raise Http404("No such framing note.")
    note.sheet = sheet
    return note


def framing_note_current(*, sheet: ProjectSheet) -> FramingNote | None:
    """The latest published note: the framing in force (workflow's gate reads it too)."""
    return (
        FramingNote.objects.filter(sheet=sheet, status=FramingNote.Status.PUBLISHED)
        .select_related("author")
        .order_by("-published_at", "-pk")
        .first()
    )


def _section_date(code: str) -> NullIf:
    """A date section of the current version as its ISO text, NULL when absent or blank (ISO
    dates compare correctly as text, on every database)."""
    return NullIf(
        KeyTextTransform(code, "current_version__sections"), Value(""), output_field=TextField()
    )


def sheet_list_open_consultations(
    *,
    user: User | AnonymousUser,
    commune: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[ProjectSheet]:
    """Visible sheets whose consultation is open now: at the consultation stage and not past
    their end date, the soonest closing first and the undated ones after them.

    Each row carries `opens_on` and `closes_on` (ISO text or None), read in the same query, and
    its own promised `participation_level`. `commune` (a slug) keeps the
    sheets of that commune, of its quartiers and of the whole Eurométropole.
    """
    today_iso = (today or timezone.localdate()).isoformat()
    qs = (
        ProjectSheet.objects.filter(sheet_visibility_q(user), stage=Stage.CONSULTATION)
        .select_related("workspace", "territory__parent")
        .annotate(
            opens_on=_section_date("calendar_start"),
            closes_on=_section_date("calendar_end"),
        )
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today_iso))
    )
    if commune:
        # What the whole Eurométropole is asked concerns every commune too: it stays listed.
        qs = qs.filter(
            Q(territory__slug=commune)
            | Q(territory__parent__slug=commune)
            | Q(territory__kind=Territory.Kind.METROPOLE)
        )
    return qs.order_by(F("closes_on").asc(nulls_last=True), "title", "pk")


def sheet_list_for_member(*, user: User | AnonymousUser) -> QuerySet[ProjectSheet]:
    """Sheets of the workspaces the user belongs to, the most recently updated first."""
    if not getattr(user, "is_authenticated", False):
        return ProjectSheet.objects.none()
    return (
        ProjectSheet.objects.filter(sheet_visibility_q(user), workspace__memberships__user=user)
        .select_related("workspace", "territory")
        .order_by("-updated", "-pk")
    )


__all__ = [
    "framing_note_current",
    "framing_note_get_visible",
    "framing_note_list_visible",
    "ended_default",
    "sheet_get_visible",
    "sheet_list_filter",
    "sheet_list_for_member",
    "sheet_list_for_workspace",
    "sheet_list_open_consultations",
    "sheet_list_visible",
    "sheet_queryset",
    "sheet_version_diff",
    "sheet_version_get",
    "sheet_version_list",
    "sheet_visibility_q",
]
