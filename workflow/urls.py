from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("", views.board, name="board"),
    path(
        "fiches/<id:pk>/transitions/<slug:name>/",
        views.transition_run,
        name="transition",
    ),
    path(
        "fiches/<id:pk>/attestations/<slug:code>/",
        views.attestation,
        name="attestation",
    ),
]
