"""Writes for project sheets, their versions and officials' framing notes."""

from .framing import framing_note_create, framing_note_publish, framing_note_update
from .sheets import sheet_create, sheet_field_merge, sheet_update, sheet_version_restore

__all__ = [
    "framing_note_create",
    "framing_note_publish",
    "framing_note_update",
    "sheet_create",
    "sheet_field_merge",
    "sheet_update",
    "sheet_version_restore",
]
