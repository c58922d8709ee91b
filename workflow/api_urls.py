from django.urls import path

from . import api

urlpatterns = [
    path("sheets/<id:pk>/checklist/", api.SheetChecklist.as_view(), name="sheet-checklist"),
    path(
        "sheets/<id:pk>/checklist/<slug:code>/attestation/",
        api.SheetAttestation.as_view(),
        name="sheet-attestation",
    ),
    path(
        "sheets/<id:pk>/transitions/", api.SheetTransitionList.as_view(), name="sheet-transitions"
    ),
    path(
        "sheets/<id:pk>/transitions/<slug:name>/",
        api.SheetTransitionRun.as_view(),
        name="sheet-transition-run",
    ),
    path("sheets/<id:pk>/history/", api.SheetHistory.as_view(), name="sheet-history"),
]
