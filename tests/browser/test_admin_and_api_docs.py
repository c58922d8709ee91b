"""The two pages the site borrows from its tools: the API docs (drf-spectacular's Swagger UI,
the documented EcoIndex exception, bench/ecoindex.py) and Django's admin, as a superuser of the
demo data opens it: its login, the index, one change list and one change form."""

import re

import pytest
from playwright.sync_api import expect

from .steps import Spared, check_page
from .ui import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADMIN = "admin@demo.fabrique.test"  # superuser
AGENT = "agent@demo.fabrique.test"  # staff

# What Swagger UI's own markup breaks, and no stylesheet or template of ours can mend (its
# React components draw the page); the contrast of its colours and the page's language were
# fixed (static/css/swagger.css, templates/api/swagger_ui.html). Each is spared on Swagger's
# nodes only: a new violation anywhere else on the page still fails.
SWAGGER_SPARED = (
    Spared(
        "nested-interactive",
        r"\.opblock-summary-control$",
        "each operation's summary is a <button> holding the path's link and the copy button",
    ),
    Spared(
        "heading-order",
        r"^#operations-tag-",
        "the API's title is an <h1> and Swagger heads each tag with an <h3>",
    ),
    Spared(
        "region",
        r"^\.information-container$",
        "Swagger puts the API's title and description outside its only landmark, "
        "<main id=operations>",
    ),
)


def test_api_docs(ui, viewport):
    page = ui.page
    response = page.goto("/api/docs/")
    assert response.status == 200
    # Swagger UI draws the page from the schema: wait for the operations.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fabrique API")
    check_page(ui, "api-docs", spared=SWAGGER_SPARED)


def test_admin_index_change_list_and_form(ui, viewport):
    page = ui.page
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    check_page(ui, "admin-login")
    page.get_by_label("Adresse électronique").fill(ADMIN)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Site d’administration")
    check_page(ui, "admin-index")

    page.get_by_role("link", name="Utilisateur·rices", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/accounts/user/$"))
    expect(page.get_by_role("link", name=AGENT)).to_be_visible()
    check_page(ui, "admin-user-list")

    page.get_by_role("link", name=AGENT).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("utilisateur")
    check_page(ui, "admin-user-change")
