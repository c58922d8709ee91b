from django.urls import path

from . import feeds, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list_view, name="list"),
    path("notifications/lues/", views.mark_read_view, name="mark_read"),
    path("notifications/<id:pk>/", views.notification_open_view, name="open"),
    path("notifications/reglages/", views.settings_view, name="settings"),
    path("notifications/suivre/", views.follow_view, name="follow"),
    path("notifications/abonnements/<id:pk>/", views.subscription_view, name="subscription"),
    path(
        "notifications/desabonnement/<str:token>/",
        views.unsubscribe_view,
        name="unsubscribe",
    ),
    path("flux/territoires/<slug:slug>.atom", feeds.TerritoryFeed(), name="feed_territory"),
    path("flux/themes/<slug:slug>.atom", feeds.ThemeFeed(), name="feed_theme"),
    path("flux/fiches/<id:pk>.atom", feeds.SheetFeed(), name="feed_sheet"),
]
