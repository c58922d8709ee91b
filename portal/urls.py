from django.urls import path

from . import guide, legal, printables, views
from .archives import views as archives
from .footprint import views as footprint
from .territory import views as territory

app_name = "portal"

urlpatterns = [
    # The id pattern first: a slug is never only digits (ProjectSheet.slug's validator), so the
    # two never claim the same address; fixed paths under fiches/ have two segments or more.
    path("fiches/<id:pk>/", views.sheet_page, name="sheet"),
    path("fiches/<slug:slug>/", views.sheet_page, name="sheet_slug"),
    path("fiches/<slug:slug>/affiche.pdf", printables.poster, name="sheet_poster"),
    path("fiches/<slug:slug>/livret.pdf", printables.booklet, name="sheet_booklet"),
    path("f/<id:pk>/", printables.sheet_short, name="sheet_short"),
    path("archives/", archives.archives, name="archives"),
    path("donnees/fiches.csv", archives.sheets_csv, name="open_data_csv"),
    path("donnees/fiches.json", archives.sheets_json, name="open_data_json"),
    path("comprendre/", guide.index, name="guide"),
    path("comprendre/niveaux/", guide.levels, name="guide_levels"),
    path("comprendre/deroulement/", guide.stages, name="guide_stages"),
    path("comprendre/jugement-majoritaire/", guide.judgment, name="guide_judgment"),
    path("comprendre/moderation/", guide.moderation, name="guide_moderation"),
    path("comprendre/interpeller-un-elu/", guide.requests, name="guide_requests"),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.privacy, name="privacy"),
    path("cookies/", legal.cookies, name="cookies"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("contact/", legal.contact, name="contact"),
    path("plan-du-site/", legal.site_map, name="site_map"),
    path("impact/", footprint.impact, name="impact"),
    path("carbon.txt", footprint.carbon_txt, name="carbon_txt"),
    path("comptes/profil/mes-donnees/", legal.my_data, name="my_data"),
    # Fixed paths under territoires/ first: no commune is called "choisir" or "gestion".
    path("territoires/", territory.index, name="territories"),
    path("territoires/choisir/", territory.choose, name="territory_choose"),
    path("territoires/gestion/quartiers/", territory.quartiers_manage, name="quartiers_manage"),
    path(
        "territoires/gestion/quartiers/<slug:slug>/",
        territory.quartier_edit,
        name="quartier_edit",
    ),
    path("territoires/<slug:commune>/", territory.commune, name="commune"),
    path(
        "territoires/<slug:commune>/journal.pdf", printables.newsletter, name="commune_newsletter"
    ),
    path(
        "territoires/<slug:commune>/<slug:quartier>/journal.pdf",
        printables.newsletter,
        name="quartier_newsletter",
    ),
    path("territoires/<slug:commune>/<slug:quartier>/", territory.quartier, name="quartier"),
]
