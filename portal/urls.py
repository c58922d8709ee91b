from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("fiches/<id:pk>/", views.sheet_page, name="sheet"),
]
