from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.list, name="list"),
    path("espace/<slug:slug>/", views.workspace_sheets, name="workspace_list"),
    path("espace/<slug:slug>/nouvelle/", views.sheet_create_view, name="create"),
    path("<int:pk>/", views.sheet_detail, name="detail"),
    path("<int:pk>/modifier/", views.sheet_edit, name="edit"),
    path("<int:pk>/versions/", views.sheet_versions, name="versions"),
    path("<int:pk>/versions/<int:number>/", views.sheet_version, name="version"),
    path("<int:pk>/versions/<int:number>/restaurer/", views.sheet_restore, name="restore"),
    path("<int:pk>/diff/", views.sheet_diff, name="diff"),
    path("<int:pk>/cadrage/nouveau/", views.framing_note_create_view, name="framing_create"),
    path("<int:pk>/cadrage/<int:note_id>/modifier/", views.framing_note_edit, name="framing_edit"),
    path(
        "<int:pk>/cadrage/<int:note_id>/publier/",
        views.framing_note_publish_view,
        name="framing_publish",
    ),
]
