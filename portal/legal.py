"""The public-service pages every visitor may need: legal notice, personal data, cookies,
accessibility statement, contact and site map; and a person's own data as a JSON download.

The operator's details (publisher, host, contact) come from settings, so the pages say who runs
this instance; the facts about data (what, how long) come from the code's real settings."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .selectors import personal_data_export
from .territory.memory import COOKIE_NAME as TERRITORY_COOKIE

# The site map: every public page, grouped. The footer lists the last group too.
SITE_MAP: list[tuple[Any, list[tuple[str, Any]]]] = [
    (
        _("Participer"),
        [
            ("home", _("Accueil")),
            ("projects:list", _("Projets")),
            ("portal:archives", _("Archives des projets")),
            ("workspace:list", _("Espaces")),
            ("officials:directory", _("Élu·es")),
            ("search:search", _("Recherche")),
            ("portal:guide", _("Comprendre la participation")),
            ("portal:territories", _("Les communes et les quartiers")),
        ],
    ),
    (
        _("Pour les communes"),
        [
            ("widget:help", _("Afficher les concertations sur le site d'une commune")),
            ("portal:open_data_json", _("Données ouvertes des fiches (JSON)")),
            ("portal:open_data_csv", _("Données ouvertes des fiches (CSV)")),
            ("portal:impact", _("Impact environnemental")),
        ],
    ),
    (
        _("Mon compte"),
        [
            ("accounts:signup", _("Créer un compte")),
            ("accounts:login", _("Se connecter")),
            ("accounts:password_reset", _("Mot de passe oublié")),
            ("accounts:profile", _("Mon profil")),
        ],
    ),
    (
        _("Informations"),
        [
            ("portal:legal_notice", _("Mentions légales")),
            ("portal:privacy", _("Données personnelles")),
            ("portal:cookies", _("Cookies")),
            ("portal:accessibility", _("Accessibilité : non conforme")),
            ("portal:contact", _("Contact")),
            ("portal:site_map", _("Plan du site")),
            ("api-docs", _("API")),
        ],
    ),
]


def operator() -> dict[str, str]:
    """Who publishes and hosts this instance, as the operator configured it."""
    return {
        "name": settings.FABRIQUE_PUBLISHER_NAME,
        "address": settings.FABRIQUE_PUBLISHER_ADDRESS,
        "director": settings.FABRIQUE_PUBLICATION_DIRECTOR,
        "host_name": settings.FABRIQUE_HOST_NAME,
        "host_address": settings.FABRIQUE_HOST_ADDRESS,
        "email": settings.FABRIQUE_CONTACT_EMAIL,
    }


def _page(request, template: str, **context: Any):
    return render(request, f"portal/{template}", {"operator": operator(), **context})


@require_GET
def legal_notice(request):
    return _page(request, "legal_notice.html")


@require_GET
def privacy(request):
    """Retention periods are read from the settings the code runs with, so the page stays true."""
    return _page(
        request,
        "privacy.html",
        session_days=settings.SESSION_COOKIE_AGE // 86400,
        cooloff_minutes=settings.FABRIQUE_LOGIN_COOLOFF_MINUTES,
        token_days=settings.FABRIQUE_API_TOKEN_TTL_HOURS // 24,
        trash_days=settings.FABRIQUE_TRASH_RETENTION_DAYS,
        notification_days=settings.FABRIQUE_NOTIFICATION_RETENTION_DAYS,
        email_link_hours=settings.FABRIQUE_EMAIL_CHANGE_LINK_HOURS,
        reset_link_days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    )


@require_GET
def cookies(request):
    return _page(
        request,
        "cookies.html",
        session_days=settings.SESSION_COOKIE_AGE // 86400,
        session_cookie=settings.SESSION_COOKIE_NAME,
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        language_cookie=settings.LANGUAGE_COOKIE_NAME,
        territory_cookie=TERRITORY_COOKIE,
    )


@require_GET
def accessibility(request):
    return _page(request, "accessibility.html")


@require_GET
def contact(request):
    return _page(request, "contact.html")


@require_GET
def site_map(request):
    groups = [
        {"title": title, "links": [{"url": reverse(name), "label": label} for name, label in links]}
        for title, links in SITE_MAP
    ]
    return _page(request, "site_map.html", groups=groups)


@login_required
@require_GET
def my_data(request):
    """The signed-in person's data as a JSON file (right of access and portability)."""
    data = personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="fabrique-mes-donnees-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
