from django.urls import path

from . import views

app_name = "debates"

urlpatterns = [
    path("", views.debate_list, name="list"),
    path("nouveau/", views.debate_create_view, name="create"),
    path("<id:pk>/", views.debate_detail, name="detail"),
    path("<id:pk>/messages/", views.comment_post, name="comment"),
    path("<id:pk>/recueillir/", views.comment_assisted, name="comment_assisted"),
    path("<id:pk>/clore/", views.debate_close_view, name="close"),
    path("messages/<id:pk>/", views.comment_goto, name="comment_goto"),
    path("messages/<id:pk>/modifier/", views.comment_edit, name="comment_edit"),
    path("messages/<id:pk>/supprimer/", views.comment_delete_view, name="comment_delete"),
]
