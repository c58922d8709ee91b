"""Anonymous reading: the home page, a public project sheet reached by its links, a search
from the header, a result followed; and the 404 page."""

import pytest
from playwright.sync_api import expect

from .ui import menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_anonymous_reads_a_sheet_and_searches(ui):
    page = ui.page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fabrique")
    ui.check("home")

    menu(page).get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Projets"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.check("sheet-list")

    page.get_by_role("link", name="Vélorue du quai des Bateliers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vélorue du quai des Bateliers")
    ui.check("sheet")

    search = page.get_by_role("search").filter(has=page.get_by_role("searchbox")).first
    search.get_by_role("searchbox").fill("vélorue")
    search.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("status").filter(has_text="vélorue")).to_contain_text("résultat")
    ui.check("search-results")

    results = page.get_by_role("main").get_by_role("listitem")
    results.get_by_role("link", name="Vélorue du quai des Bateliers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vélorue du quai des Bateliers")


def test_unknown_page_answers_404(ui):
    response = ui.page.goto("/cette-page-n-existe-pas/")
    assert response.status == 404
    expect(ui.page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    ui.check("not-found")
