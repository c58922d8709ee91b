"""API for project sheets, their versions and diffs, and officials' framing notes.

`serializers` holds the shapes (and the sheet-detail hook other apps register into), `sheets`,
`versions` and `framing` the endpoints.
"""

from .framing import FramingNoteDetail, FramingNoteListCreate, FramingNotePublish
from .serializers import (
    SHEET_DETAIL_FIELDS,
    FramingNoteSerializer,
    FramingNoteUpdateSerializer,
    RestoreSerializer,
    SheetDetailSerializer,
    SheetListSerializer,
    SheetUpdateSerializer,
    SheetWriteSerializer,
    VersionDetailSerializer,
    VersionListSerializer,
    sheet_detail_field_register,
    sheet_version_field_register,
)
from .sheets import SheetDetail, SheetList, WorkspaceSheetCreate
from .versions import SheetDiff, SheetVersionDetail, SheetVersionList, SheetVersionRestore

__all__ = [
    "SHEET_DETAIL_FIELDS",
    "FramingNoteDetail",
    "FramingNoteListCreate",
    "FramingNotePublish",
    "FramingNoteSerializer",
    "FramingNoteUpdateSerializer",
    "RestoreSerializer",
    "SheetDetail",
    "SheetDetailSerializer",
    "SheetDiff",
    "SheetList",
    "SheetListSerializer",
    "SheetUpdateSerializer",
    "SheetVersionDetail",
    "SheetVersionList",
    "SheetVersionRestore",
    "SheetWriteSerializer",
    "VersionDetailSerializer",
    "VersionListSerializer",
    "WorkspaceSheetCreate",
    "sheet_detail_field_register",
    "sheet_version_field_register",
]
