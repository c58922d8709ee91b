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
    path("documents/<id:pk>/", api.DocumentDetail.as_view(), name="documents-api-detail"),
    path(
        "documents/<id:pk>/revisions/",
        api.DocumentRevisionList.as_view(),
        name="documents-api-revisions",
    ),
    path(
        "documents/<id:pk>/revisions/<id:number>/restore/",
        api.DocumentRevisionRestore.as_view(),
        name="documents-api-revision-restore",
    ),
    path(
        "documents/<id:pk>/download/",
        api.DocumentDownload.as_view(),
        name="documents-api-download",
    ),
    path(
        "documents/<id:pk>/share-links/",
        api.ShareLinkListCreate.as_view(),
        name="documents-api-share-links",
    ),
    path(
        "documents/<id:pk>/share-links/<id:link_id>/",
        api.ShareLinkRevoke.as_view(),
        name="documents-api-share-link",
    ),
    path(
        "documents/<id:pk>/restore/",
        api.DocumentTrashRestore.as_view(),
        name="documents-api-trash-restore",
    ),
    path(
        "documents/<id:pk>/purge/",
        api.DocumentTrashPurge.as_view(),
        name="documents-api-trash-purge",
    ),
]
