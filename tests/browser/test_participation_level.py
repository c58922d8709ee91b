"""The promised participation level on a public sheet page (issue 17, item 2): the level and its
meaning near the title, what is decided and what participants can change behind a <details>
that opens without script, and the list filtered by level; axe-core at phone and desktop."""

import pytest
from playwright.sync_api import expect

from .steps import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_visitor_reads_the_promised_level_and_filters_the_list_by_it(ui):
    page = ui.page
    page.goto("/fiches/velorue-quai-des-bateliers/")
    promise = page.get_by_role("region", name="Participation promise : Concerter")
    expect(promise).to_contain_text("vos propositions sont examinées")
    details = promise.locator("details")
    expect(details.get_by_text("Ce qui est décidé et par qui")).to_be_hidden()
    promise.get_by_text("Ce qui est décidé, par qui, et ce que vous pouvez changer").click()
    expect(details.get_by_text("Ce qui est décidé et par qui")).to_be_visible()
    expect(details).to_contain_text("Pour ce projet : Le sens de circulation")
    check_page(ui, "sheet-participation-level")

    page.goto("/fiches/")
    page.get_by_label("Participation promise").select_option("co_construct")
    page.get_by_role("button", name="Filtrer").click()
    cards = page.get_by_role("main").get_by_role("listitem")
    expect(cards.get_by_role("link", name="Piste cyclable rue du Jura")).to_be_visible()
    expect(cards.get_by_role("link", name="Vélorue du quai des Bateliers")).to_have_count(0)
    expect(cards.first).to_contain_text("participation : Co-construire")
    check_page(ui, "sheet-list-by-level")
