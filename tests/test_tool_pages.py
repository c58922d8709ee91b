"""The pages the site borrows from its tools, as the browser suite's axe-core checks need them
(tests/browser/test_admin_and_api_docs.py walks them in Chromium): the API docs page says its
language, the admin's login page has a level-one heading, the admin pages load the stylesheet
that underlines their breadcrumb links."""

import re

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_api_docs_page_declares_english_and_keeps_its_style_in_files(client):
    html = client.get("/api/docs/").content.decode()
    assert re.search(r'<html lang="en">', html)
    assert "css/swagger.css" in html
    assert "<style" not in html and not re.search(r"<script>", html)


def test_admin_login_page_has_a_level_one_heading(client):
    response = client.get("/admin/login/?next=/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "<h1>Connexion</h1>" in response.content.decode()


def test_admin_pages_load_the_breadcrumb_fix(client):
    admin = User.objects.create_superuser(
        "root@example.org", "une phrase de passe solide", display_name="Root"
    )
    client.force_login(admin)
    for path in ("/admin/login/", "/admin/", "/admin/accounts/user/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert "css/admin.css" in response.content.decode(), path
