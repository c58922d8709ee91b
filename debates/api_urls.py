from django.urls import path

from . import api

urlpatterns = [
    path("debates/", api.DebateListCreate.as_view(), name="debate-list"),
    path("debates/<id:pk>/", api.DebateDetail.as_view(), name="debate-detail"),
    path("debates/<id:pk>/close/", api.DebateClose.as_view(), name="debate-close"),
    path("debates/<id:pk>/comments/", api.DebateComments.as_view(), name="debate-comments"),
    path("comments/<id:pk>/", api.CommentDetail.as_view(), name="comment-detail"),
]
