from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.list, name="list"),
    path("espace/<slug:slug>/", views.workspace_sheets, name="workspace_list"),
    path("espace/<slug:slug>/nouvelle/", views.sheet_create_view, name="create"),
    path("<id:pk>/modifier/", views.sheet_edit, name="edit"),
    path("<id:pk>/versions/", views.sheet_versions, name="versions"),
    path("<id:pk>/versions/<id:number>/", views.sheet_version, name="version"),
    path("<id:pk>/versions/<id:number>/restaurer/", views.sheet_restore, name="restore"),
    path("<id:pk>/diff/", views.sheet_diff, name="diff"),
    path("<id:pk>/cadrage/nouveau/", views.framing_note_create_view, name="framing_create"),
    path("<id:pk>/cadrage/<id:note_id>/modifier/", views.framing_note_edit, name="framing_edit"),
    path(
        "<id:pk>/cadrage/<id:note_id>/publier/",
        views.framing_note_publish_view,
        name="framing_publish",
    ),
]
