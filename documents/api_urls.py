"""API v1 routes of the documents app (mounted at /api/v1/)."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "workspaces/<slug:slug>/documents/",
        api.WorkspaceDocumentList.as_view(),
        name="documents-api-list",
    ),
    path(
        "workspaces/<slug:slug>/documents/trash/",
        api.WorkspaceTrashList.as_view(),
        name="documents-api-trash",
    ),
    path("documents/<int:pk>/", api.DocumentDetail.as_view(), name="documents-api-detail"),
    path(
        "documents/<int:pk>/revisions/",
        api.DocumentRevisionList.as_view(),
        name="documents-api-revisions",
    ),
    path(
        "documents/<int:pk>/revisions/<int:number>/restore/",
        api.DocumentRevisionRestore.as_view(),
        name="documents-api-revision-restore",
    ),
    path(
        "documents/<int:pk>/download/",
        api.DocumentDownload.as_view(),
        name="documents-api-download",
    ),
    path(
        "documents/<int:pk>/share-links/",
        api.ShareLinkListCreate.as_view(),
        name="documents-api-share-links",
    ),
    path(
        "documents/<int:pk>/share-links/<int:link_id>/",
        api.ShareLinkRevoke.as_view(),
        name="documents-api-share-link",
    ),
    path(
        "documents/<int:pk>/restore/",
        api.DocumentTrashRestore.as_view(),
        name="documents-api-trash-restore",
    ),
    path(
        "documents/<int:pk>/purge/",
        api.DocumentTrashPurge.as_view(),
        name="documents-api-trash-purge",
    ),
]
