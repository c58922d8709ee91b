from django.urls import path

from . import api

urlpatterns = [
    path("territories/", api.TerritoryList.as_view(), name="territory-list"),
    path("territories/<slug:slug>/", api.TerritoryDetail.as_view(), name="territory-detail"),
]
