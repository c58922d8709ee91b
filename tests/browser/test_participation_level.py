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


def test_an_editor_lowers_the_level_only_with_a_public_note(ui):
    """The demo's vélorue has passed its consultation: lowering "concerter" to "consulter" is
    refused without a note (the form says why, at the field), then done with one, which the
    sheet's history shows to everyone."""
    page = ui.as_user("service@demo.fabrique.test")
    page.goto("/fiches/velorue-quai-des-bateliers/")
    page.get_by_role("link", name="Modifier", exact=True).click()
    levels = page.get_by_role("group", name="Niveau de participation promis")
    expect(levels.get_by_role("radio", name="Concerter")).to_be_checked()
    check_page(ui, "sheet-edit-participation", page)

    levels.get_by_role("radio", name="Consulter").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("pour abaisser le niveau")
    check_page(ui, "sheet-edit-participation-refused", page)

    note = "Le principe est voté : seuls les détails restent ouverts à vos avis."
    page.get_by_label("Note publique sur le changement de niveau").fill(note)
    page.get_by_role("button", name="Enregistrer").click()
    promise = page.get_by_role("region", name="Participation promise : Consulter")
    expect(promise).to_be_visible()
    history = page.get_by_role("region", name="Historique")
    expect(history).to_contain_text("a changé le niveau de participation promis")
    expect(history).to_contain_text("Concerter → Consulter")
    expect(history).to_contain_text(note)
