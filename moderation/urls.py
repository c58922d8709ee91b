from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("cas/<id:pk>/", views.case_detail, name="case"),
    path("charte/", views.charter, name="charter"),
    path("registre/", views.register, name="register"),
    path("avis/", views.notices, name="notices"),
    path("avis/lus/", views.notices_read, name="notices_read"),
    path("signaler/<id:pk>/", views.report, name="report"),
    path("recours/<id:pk>/", views.appeal, name="appeal"),
]
