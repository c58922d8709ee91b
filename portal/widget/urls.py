"""The communes' widget, its webmaster page and the JSON feed (namespace "widget").

Mounted before the portal's pages: `territoires/integrer/` must win over a commune's address
(no commune is called "integrer"). Any other address under /widget/ answers the widget's own
light 404, whatever its characters (config/embed.py: never a cookie under /widget/)."""

from django.urls import path, re_path

from . import feeds, views

app_name = "widget"

urlpatterns = [
    path("territoires/integrer/", views.widget_help, name="help"),
    path("widget/", views.widget_root, name="root"),
    path("widget/territoires/<str:slug>/", views.widget_territory, name="territory"),
    path("widget/fiches/<str:slug>/", views.widget_sheet, name="sheet"),
    re_path(r"^widget/", views.not_found),
    path("flux/territoires/<slug:slug>.json", feeds.territory_json_feed, name="feed_territory"),
]
