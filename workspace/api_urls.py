from django.urls import path

from . import api

urlpatterns = [
    path("workspaces/", api.WorkspaceListCreate.as_view(), name="workspace-list"),
    path("workspaces/<slug:slug>/", api.WorkspaceDetail.as_view(), name="workspace-detail"),
    path("workspaces/<slug:slug>/members/", api.MemberListCreate.as_view(), name="member-list"),
    path(
        "workspaces/<slug:slug>/members/<id:user_id>/",
        api.MemberDetail.as_view(),
        name="member-detail",
    ),
]
