from django.urls import path

from . import legal, views

app_name = "portal"

urlpatterns = [
    path("fiches/<id:pk>/", views.sheet_page, name="sheet"),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.privacy, name="privacy"),
    path("cookies/", legal.cookies, name="cookies"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("contact/", legal.contact, name="contact"),
    path("plan-du-site/", legal.site_map, name="site_map"),
    path("comptes/profil/mes-donnees/", legal.my_data, name="my_data"),
]
