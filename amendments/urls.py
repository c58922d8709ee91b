from django.urls import path

from . import views

app_name = "amendments"

urlpatterns = [
    path("<id:pk>/", views.amendment_detail, name="detail"),
    path("<id:pk>/retirer/", views.amendment_withdraw_view, name="withdraw"),
    path("tours/<id:pk>/", views.round_detail, name="round"),
    path("tours/<id:pk>/bulletin/", views.ballot, name="ballot"),
]
