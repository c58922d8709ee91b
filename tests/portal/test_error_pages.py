"""403, 404 and 500 pages: in the site's layout and the visitor's language, saying what happened
and where to go; one log line per 403; a 500 page that needs neither the database nor the
request's context."""

import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]

LAYOUT = 'class="skip-link"'  # base.html's first element: the page is in the site's layout


def get(path: str, *, lang: str = "fr", user=None):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=lang)
    if user is not None:
        client.force_login(user)
    return client.get(path)


def next_steps(html: str) -> bool:
    """The way out every error page offers: search, home, the project list."""
    return all(part in html for part in ('action="/recherche/"', 'href="/"', 'href="/fiches/"'))


@pytest.mark.parametrize(("lang", "title"), [("fr", "Page introuvable"), ("en", "Page not found")])
def test_404_in_layout_and_language_with_next_steps(lang, title):
    response = get("/nulle-part/", lang=lang)
    html = response.content.decode()
    assert response.status_code == 404
    assert LAYOUT in html and f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html and next_steps(html)
    assert 'href="/comptes/connexion/?next=/nulle-part/"' in html


def test_404_for_a_signed_in_visitor_offers_no_sign_in():
    html = get("/nulle-part/", user=UserFactory()).content.decode()
    assert "/comptes/connexion/?next=" not in html and next_steps(html)


@pytest.mark.parametrize(("lang", "title"), [("fr", "Accès refusé"), ("en", "Access denied")])
def test_403_for_a_visitor_offers_to_sign_in(lang, title):
    response = get("/essai/interdit/", lang=lang)
    html = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in html and f"<h1>{title}</h1>" in html and next_steps(html)
    assert 'href="/comptes/connexion/?next=/essai/interdit/"' in html
    assert "private reason" not in html


def test_403_for_a_signed_in_account_says_to_ask_for_access():
    html = get("/essai/interdit/", user=UserFactory()).content.decode()
    assert "demandez à la personne qui gère l'espace" in html
    assert "/comptes/connexion/?next=" not in html and next_steps(html)


@pytest.mark.parametrize("signed_in", [False, True])
def test_403_is_one_log_line_without_traceback_or_address(signed_in, caplog):
    user = UserFactory(email="secret-person@example.org") if signed_in else None
    with caplog.at_level(logging.INFO):
        get("/essai/interdit/", user=user)
    refusals = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refusals) == 1, [r.getMessage() for r in refusals]
    [record] = refusals
    who = str(user.pk) if user else "anonymous"
    assert record.name == "fabrique.forbidden"
    assert record.getMessage() == f"Forbidden: /essai/interdit/ user={who}"
    assert record.exc_info is None and record.exc_text is None
    assert "secret-person" not in caplog.text


@pytest.mark.parametrize(("lang", "title"), [("fr", "Erreur du serveur"), ("en", "Server error")])
def test_500_in_layout_and_language(lang, title):
    response = get("/essai/panne/", lang=lang)
    html = response.content.decode()
    assert response.status_code == 500
    assert LAYOUT in html and f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html and next_steps(html)
    assert "boom" not in html


def test_500_renders_in_the_layout_while_the_database_refuses_every_query():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(display_name="Inès"))

    def refuse(execute, sql, params, many, context):
        raise OperationalError("database is down")

    with connection.execute_wrapper(refuse):
        response = client.get("/essai/panne-base/")
    html = response.content.decode()
    assert response.status_code == 500
    # The layout, not the plain fallback: the page asked nothing of the database (not even
    # the signed-in user, whom the header then shows as a visitor).
    assert LAYOUT in html and "<h1>Erreur du serveur</h1>" in html


def test_500_falls_back_to_plain_html_when_the_layout_itself_fails(monkeypatch):
    from config import error_pages

    def broken(name):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(error_pages.loader, "get_template", broken)
    response = get("/essai/panne/", lang="en")
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in html and "<h1>Server error</h1>" in html
    assert 'href="/"' in html and LAYOUT not in html


@override_settings(DEBUG=False)
def test_csrf_refusal_keeps_its_bare_page():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post("/comptes/connexion/", {"username": "a@b.c", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Le formulaire a expiré ou les cookies sont bloqués" in html
    assert LAYOUT not in html
