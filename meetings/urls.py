from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("<id:pk>/", views.meeting_detail, name="detail"),
    path("nouvelle/fiche/<id:sheet>/", views.meeting_new, name="new_for_sheet"),
    path(
        "nouvelle/territoire/<slug:territory>/",
        views.meeting_new_for_territory,
        name="new_for_territory",
    ),
    path("<id:pk>/modifier/", views.meeting_edit, name="edit"),
    path("<id:pk>/desinscription/", views.my_registration_cancel, name="unregister"),
    path("<id:pk>/inscrits/", views.registrants, name="registrants"),
    path("<id:pk>/annulation/", views.meeting_cancel_view, name="meeting_cancel"),
    path("<id:pk>/restitution/", views.restitution, name="restitution"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("annuler/<str:token>/", views.cancel, name="cancel"),
]
