"""Who may see and do what with project sheets, their versions and framing notes.

The workspace role table (workspace.permissions) gives the base rights; this module combines it
with the sheet's public flag, its stage (archived and abandoned sheets are read-only) and the
platform role (only officials write framing notes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policies import (
    ACTIVE,
    SUPERUSER,
    Policy,
    field_in,
    field_is,
    is_user,
    platform_role,
    policy_register,
    through,
)
from workspace.models import Workspace
from workspace.permissions import IN_PUBLIC_WORKSPACE, WORKSPACE_POLICY, role_perm

from .models import STAGE_ORDER, FramingNote, ProjectSheet, SheetVersion, Stage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

READ_ONLY_STAGES = frozenset({"archived", "abandoned"})
WRITABLE_STAGES = frozenset(stage for stage in Stage.values if stage not in READ_ONLY_STAGES)

PUBLIC_SHEET = field_is("is_public", True) & IN_PUBLIC_WORKSPACE
SHEET_EDITOR = ACTIVE & role_perm("projects.change_projectsheet")

SHEET_POLICY = policy_register(
    Policy(
        ProjectSheet,
        workspace_path="workspace",
        rules={
            "view": PUBLIC_SHEET | role_perm("projects.view_projectsheet"),
            # Editor or owner of the sheet's workspace, whatever the stage (transitions' pages).
            "edit_any_stage": SHEET_EDITOR,
            "change": SHEET_EDITOR & field_in("stage", WRITABLE_STAGES),
            # Officials frame the sheets they can see, while the project is still running.
            "frame": platform_role("is_official") & field_in("stage", STAGE_ORDER),
        },
    )
)
SHEET_VERSION_POLICY = policy_register(
    Policy(
        SheetVersion,
        workspace_path="sheet__workspace",
        rules={"view": through("sheet", SHEET_POLICY)},
    )
)
WORKSPACE_POLICY.extend(add_sheet=ACTIVE & role_perm("projects.add_projectsheet"))

_PUBLISHED = field_is("status", FramingNote.Status.PUBLISHED)
_DRAFT = field_is("status", FramingNote.Status.DRAFT)
_DRAFT_AUTHOR = _DRAFT & is_user("author") & through("sheet", SHEET_POLICY, "frame")
FRAMING_NOTE_POLICY = policy_register(
    Policy(
        FramingNote,
        workspace_path="sheet__workspace",
        rules={
            # Published notes are as visible as their sheet; a draft only to its author.
            "view": (_PUBLISHED & through("sheet", SHEET_POLICY))
            | (_DRAFT & (is_user("author") | SUPERUSER)),
            "change": _DRAFT_AUTHOR,
            # Who may send a change or a publication through the API: a draft's author; for a
            # published note, whoever sees it, so that the service answers "published notes no
            # longer change" (409) rather than a bare 403.
            "submit_change": _DRAFT_AUTHOR | _PUBLISHED,
        },
    )
)


def is_publicly_visible(sheet: ProjectSheet) -> bool:
    return sheet.is_public and sheet.workspace.is_public


def can_view_sheet(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    return SHEET_POLICY.check(user, sheet)


def can_create_sheet(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return WORKSPACE_POLICY.check(user, workspace, "add_sheet")


def has_sheet_editor_role(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """Editor or owner of the sheet's workspace, whatever the stage."""
    return SHEET_POLICY.check(user, sheet, "edit_any_stage")


def can_write_framing_note(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    return SHEET_POLICY.check(user, sheet, "frame")


def can_view_framing_note(user: User | AnonymousUser, note: FramingNote) -> bool:
    return FRAMING_NOTE_POLICY.check(user, note)
