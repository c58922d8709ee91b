from django.urls import path

from . import views

app_name = "amendments"

urlpatterns = [
    path("<id:pk>/", views.amendment_detail, name="detail"),
    path("<id:pk>/retirer/", views.amendment_withdraw_view, name="withdraw"),
    path("<id:pk>/integrer/", views.amendment_accept_view, name="accept"),
    path("<id:pk>/rejeter/", views.amendment_reject_view, name="reject"),
    path("fiches/<id:pk>/ouvrir-un-tour/", views.round_open_view, name="round_open"),
    path("fiches/<id:pk>/proposer/", views.amendment_propose_view, name="propose"),
    path("fiches/<id:pk>/recueillir/", views.amendment_assisted_view, name="propose_assisted"),
    path("tours/<id:pk>/", views.round_detail, name="round"),
    path("tours/<id:pk>/bulletin/", views.ballot, name="ballot"),
    path("tours/<id:pk>/bulletins-papier/", views.paper_ballot, name="paper_ballot"),
    path(
        "tours/<id:pk>/clore-le-depot/",
        views.round_close_submissions_view,
        name="close_submissions",
    ),
    path("tours/<id:pk>/clore/", views.round_close_view, name="close"),
]
