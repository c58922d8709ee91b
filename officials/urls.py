from django.urls import path

from . import views

app_name = "officials"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("methode/", views.method, name="method"),
    path("qui-contacter/", views.finder, name="finder"),
    path("demandes/", views.my_requests, name="mine"),
    path("boite/", views.inbox, name="inbox"),
    path("demandes/<str:reference>/", views.request_detail, name="request"),
    path("verifier/", views.profile_edit, name="verify"),
    path("<id:pk>/", views.official_detail, name="detail"),
    path("<id:pk>/modifier/", views.profile_edit, name="edit"),
    path("<id:pk>/photo/", views.official_photo, name="photo"),
    path("<id:pk>/photo/modifier/", views.photo_edit, name="photo_edit"),
    path("<id:pk>/mandats/<id:mandate>/retirer/", views.mandate_delete, name="mandate_delete"),
    path("<id:pk>/ecrire/", views.request_write, name="write"),
]
