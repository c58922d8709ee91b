from django.urls import path

from . import api

urlpatterns = [
    path("sheets/", api.SheetList.as_view(), name="sheet-list"),
    path(
        "workspaces/<slug:slug>/sheets/",
        api.WorkspaceSheetCreate.as_view(),
        name="workspace-sheet-create",
    ),
    path("sheets/<id:pk>/", api.SheetDetail.as_view(), name="sheet-detail"),
    path("sheets/<id:pk>/versions/", api.SheetVersionList.as_view(), name="sheet-version-list"),
    path(
        "sheets/<id:pk>/versions/<id:number>/",
        api.SheetVersionDetail.as_view(),
        name="sheet-version-detail",
    ),
    path(
        "sheets/<id:pk>/versions/<id:number>/restore/",
        api.SheetVersionRestore.as_view(),
        name="sheet-version-restore",
    ),
    path("sheets/<id:pk>/diff/", api.SheetDiff.as_view(), name="sheet-diff"),
    path(
        "sheets/<id:pk>/framing-notes/",
        api.FramingNoteListCreate.as_view(),
        name="framing-note-list",
    ),
    path(
        "sheets/<id:pk>/framing-notes/<id:note_id>/",
        api.FramingNoteDetail.as_view(),
        name="framing-note-detail",
    ),
    path(
        "sheets/<id:pk>/framing-notes/<id:note_id>/publish/",
        api.FramingNotePublish.as_view(),
        name="framing-note-publish",
    ),
]
