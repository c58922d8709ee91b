"""Who may do what with a sheet: every role × every action × open/closed stages."""

import pytest

from projects.models import ProjectSheet, Stage
from projects.permissions import (
    SHEET_POLICY,
    can_create_sheet,
    can_view_sheet,
    can_write_framing_note,
)
from workspace.models import Workspace

from .factories import make_sheet

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "reader", "contributor", "editor", "owner", "staff", "official"]
ACTIONS = {
    "view": lambda user, sheet: can_view_sheet(user, sheet),
    "create": lambda user, sheet: can_create_sheet(user, sheet.workspace),
    "edit": lambda user, sheet: SHEET_POLICY.check(user, sheet, "change"),
    # The pages' restore button and action ask the same rule as editing.
    "restore": lambda user, sheet: SHEET_POLICY.check(user, sheet, "change"),
    "frame": lambda user, sheet: can_write_framing_note(user, sheet),
}
# (workspace visibility, sheet public) → action → roles allowed, for an open stage.
EXPECTED = {
    ("public", True): {
        "view": set(ROLES),
        "create": {"contributor", "editor", "owner"},
        "edit": {"editor", "owner"},
        "restore": {"editor", "owner"},
        "frame": {"official"},
    },
    ("public", False): {
        "view": {"reader", "contributor", "editor", "owner"},
        "create": {"contributor", "editor", "owner"},
        "edit": {"editor", "owner"},
        "restore": {"editor", "owner"},
        "frame": set(),  # an official who cannot see the sheet cannot frame it
    },
    ("private", True): {
        "view": {"reader", "contributor", "editor", "owner"},
        "create": {"contributor", "editor", "owner"},
        "edit": {"editor", "owner"},
        "restore": {"editor", "owner"},
        "frame": set(),
    },
}
STAGES = [Stage.INITIATIVE, Stage.CONSULTATION, Stage.EVALUATION, Stage.ARCHIVED, Stage.ABANDONED]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(("visibility", "is_public"), list(EXPECTED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(make_workspace, stage, visibility, is_public, action):
    workspace, actors = make_workspace(visibility=Workspace.Visibility(visibility))
    sheet = make_sheet(workspace, actors["contributor"], is_public=is_public)
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    sheet = ProjectSheet.objects.select_related("workspace").get(pk=sheet.pk)
    expected = set(EXPECTED[(visibility, is_public)][action])
    if stage in (Stage.ARCHIVED, Stage.ABANDONED) and action in {"edit", "restore", "frame"}:
        expected = set()  # closed sheets are read-only
    allowed = {role for role in ROLES if ACTIONS[action](actors[role], sheet)}
    assert allowed == expected
