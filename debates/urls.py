from django.urls import path

from . import views

app_name = "debates"

urlpatterns = [
    path("", views.debate_list, name="list"),
    path("<id:pk>/", views.debate_detail, name="detail"),
]
