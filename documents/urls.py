"""Web routes of the documents app (mounted at /documents/)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("espace/<slug:slug>/", views.document_list, name="list"),
    path("espace/<slug:slug>/deposer/", views.document_upload, name="upload"),
    path("espace/<slug:slug>/corbeille/", views.trash_list, name="trash"),
    path("<id:pk>/", views.document_detail, name="detail"),
    path("<id:pk>/modifier/", views.document_edit, name="edit"),
    path("<id:pk>/telecharger/", views.document_download, name="download"),
    path(
        "<id:pk>/versions/<id:number>/telecharger/",
        views.document_download,
        name="download-revision",
    ),
    path("<id:pk>/versions/", views.revision_upload, name="revision-upload"),
    path(
        "<id:pk>/versions/<id:number>/restaurer/", views.revision_restore, name="revision-restore"
    ),
    path("<id:pk>/corbeille/", views.document_trash_view, name="trash-document"),
    path("<id:pk>/restaurer/", views.trash_restore, name="trash-restore"),
    path("<id:pk>/supprimer/", views.trash_purge, name="trash-purge"),
    path("<id:pk>/liens/", views.share_link_create_view, name="share-link-create"),
    path(
        "<id:pk>/liens/<id:link_id>/revoquer/",
        views.share_link_revoke_view,
        name="share-link-revoke",
    ),
    path("partage/<str:token>/", views.shared_document, name="shared"),
]
