from django.urls import path

from . import api

urlpatterns = [
    path("sheets/<id:pk>/evaluation/", api.SheetEvaluation.as_view(), name="sheet-evaluation"),
]
