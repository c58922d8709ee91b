from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.workspace_list, name="list"),
    path("nouveau/", views.workspace_create_view, name="create"),
    path("<slug:slug>/", views.workspace_detail, name="detail"),
    path("<slug:slug>/modifier/", views.workspace_edit, name="edit"),
    path("<slug:slug>/membres/", views.workspace_members, name="members"),
    path("<slug:slug>/membres/<id:user_id>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/membres/<id:user_id>/retirer/", views.member_remove, name="member_remove"),
    # Last: a signed token always holds ":", so it never shadows a workspace's own pages.
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
