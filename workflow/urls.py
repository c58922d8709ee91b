from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("", views.board, name="board"),
    path(
        "fiches/<int:pk>/transitions/<slug:name>/",
        views.transition_run,
        name="transition",
    ),
    path(
        "fiches/<int:pk>/attestations/<slug:code>/",
        views.attestation,
        name="attestation",
    ),
]
