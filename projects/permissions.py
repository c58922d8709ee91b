"""Who may see and do what with project sheets, their versions and framing notes.

The workspace role table (workspace.permissions) gives the base rights; this module combines it
with the sheet's public flag, its stage (archived and abandoned sheets are read-only) and the
platform role (only officials write framing notes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from workspace.models import Workspace
from workspace.permissions import has_role_perm

from .models import STAGE_ORDER, FramingNote, ProjectSheet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

READ_ONLY_STAGES = frozenset({"archived", "abandoned"})


def _active(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_publicly_visible(sheet: ProjectSheet) -> bool:
    return sheet.is_public and sheet.workspace.is_public


def can_view_sheet(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    if is_publicly_visible(sheet):
        return True
    return has_role_perm(user, "projects.view_projectsheet", sheet)


def can_create_sheet(user: User | AnonymousUser, workspace: Workspace) -> bool:
    return _active(user) and has_role_perm(user, "projects.add_projectsheet", workspace)


def has_sheet_editor_role(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """Editor or owner of the sheet's workspace, whatever the stage."""
    return _active(user) and has_role_perm(user, "projects.change_projectsheet", sheet)


def can_edit_sheet(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    return sheet.stage not in READ_ONLY_STAGES and has_sheet_editor_role(user, sheet)


def can_restore_version(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    return can_edit_sheet(user, sheet)


def can_write_framing_note(user: User | AnonymousUser, sheet: ProjectSheet) -> bool:
    """Officials frame the sheets they can see, while the project is still running."""
    return (
        _active(user)
        and getattr(user, "is_official", False)
        and sheet.stage in STAGE_ORDER
        and can_view_sheet(user, sheet)
    )


def can_view_framing_note(user: User | AnonymousUser, note: FramingNote) -> bool:
    """Published notes are as visible as their sheet; a draft only to its author."""
    if note.status == FramingNote.Status.PUBLISHED:
        return can_view_sheet(user, note.sheet)
    return _active(user) and (note.author_id == user.pk or user.is_superuser)


def can_change_framing_note(user: User | AnonymousUser, note: FramingNote) -> bool:
    return (
        note.status == FramingNote.Status.DRAFT
        and _active(user)
        and note.author_id == user.pk
        and can_write_framing_note(user, note.sheet)
    )
