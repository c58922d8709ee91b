"""Web routes of the documents app (mounted at /documents/)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("espace/<slug:slug>/", views.document_list, name="list"),
    path("espace/<slug:slug>/deposer/", views.document_upload, name="upload"),
    path("espace/<slug:slug>/corbeille/", views.trash_list, name="trash"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/modifier/", views.document_edit, name="edit"),
    path("<int:pk>/telecharger/", views.document_download, name="download"),
    path(
        "<int:pk>/versions/<int:number>/telecharger/",
        views.document_download,
        name="download-revision",
    ),
    path("<int:pk>/versions/", views.revision_upload, name="revision-upload"),
    path(
        "<int:pk>/versions/<int:number>/restaurer/", views.revision_restore, name="revision-restore"
    ),
    path("<int:pk>/corbeille/", views.document_trash_view, name="trash-document"),
    path("<int:pk>/restaurer/", views.trash_restore, name="trash-restore"),
    path("<int:pk>/supprimer/", views.trash_purge, name="trash-purge"),
    path("<int:pk>/liens/", views.share_link_create_view, name="share-link-create"),
    path(
        "<int:pk>/liens/<int:link_id>/revoquer/",
        views.share_link_revoke_view,
        name="share-link-revoke",
    ),
    path("partage/<str:token>/", views.shared_document, name="shared"),
]
