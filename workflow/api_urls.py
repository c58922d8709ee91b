from django.urls import path

from . import api

urlpatterns = [
    path("sheets/<int:pk>/checklist/", api.SheetChecklist.as_view(), name="sheet-checklist"),
    path(
        "sheets/<int:pk>/checklist/<slug:code>/attestation/",
        api.SheetAttestation.as_view(),
        name="sheet-attestation",
    ),
    path(
        "sheets/<int:pk>/transitions/", api.SheetTransitionList.as_view(), name="sheet-transitions"
    ),
    path(
        "sheets/<int:pk>/transitions/<slug:name>/",
        api.SheetTransitionRun.as_view(),
        name="sheet-transition-run",
    ),
    path("sheets/<int:pk>/history/", api.SheetHistory.as_view(), name="sheet-history"),
]
