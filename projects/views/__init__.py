"""Pages for project sheets: lists, create/edit (with conflict page), versions, diff, restore,
and officials' framing notes. The sheet page itself gathers documents and the workflow panel
too, so it is composed on the top floor (`portal.views.sheet_page`).

Each view loads through the policies (`base.sheet_object`, interface.views.policy_object), calls one
service through interface.views.attempt, and answers."""

from .framing import framing_note_create_view, framing_note_edit, framing_note_publish_view
from .sheets import list, sheet_create_view, sheet_edit, workspace_sheets  # noqa: A004
from .versions import sheet_diff, sheet_restore, sheet_version, sheet_versions

__all__ = [
    "framing_note_create_view",
    "framing_note_edit",
    "framing_note_publish_view",
    "list",
    "sheet_create_view",
    "sheet_diff",
    "sheet_edit",
    "sheet_restore",
    "sheet_version",
    "sheet_versions",
    "workspace_sheets",
]
