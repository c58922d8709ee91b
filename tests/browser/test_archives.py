"""The archives in a browser, at phone and desktop width (axe-core, no sideways scroll, no
script needed): the demo's abandoned sheet is left out of the projects under way, listed by the
archives, found again by the GET form's filters, and its page says it is in the archives with
what participation led to; the open-data links are there."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .ui import UI, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ABANDONED = "Arceaux vélo place du Marché"  # the demo's abandoned sheet


def check(ui: UI, name: str, page: Page) -> None:
    ui.check(name, page)
    width = overflow(page)
    assert width["scroll"] <= width["viewport"], f"{name} ({ui.viewport}) scrolls sideways: {width}"


def test_the_archives_page_its_filters_and_an_abandoned_sheet(ui: UI):
    page = ui.page
    page.goto("/fiches/")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=ABANDONED)).to_have_count(0)
    main.get_by_role("link", name="les archives").click()
    page.wait_for_url("**/archives/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archives des projets")
    expect(main.get_by_role("link", name=ABANDONED)).to_be_visible()
    expect(main.get_by_role("link", name="Les fiches en CSV")).to_be_visible()
    check(ui, "archives", page)

    year = str(timezone.now().year)
    page.get_by_label("Année d'archivage ou d'abandon").select_option(year)
    page.get_by_label("Territoire (avec ses quartiers)").select_option(label="Strasbourg")
    page.get_by_label("Rechercher dans les archives").fill("arceaux")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(f"**/archives/?year={year}&territory=strasbourg**")
    expect(main.get_by_role("link", name=ABANDONED)).to_be_visible()
    expect(main.get_by_role("status")).to_contain_text("1 projet archivé ou abandonné")
    check(ui, "archives-filtered", page)

    page.get_by_label("Participation promise").select_option("co_decide")
    page.get_by_role("button", name="Filtrer").click()
    expect(main.get_by_text("Aucun projet archivé ne correspond.")).to_be_visible()

    page.goto("/archives/")
    main.get_by_role("link", name=ABANDONED).click()
    page.wait_for_url("**/fiches/parking-velos-place-du-marche/")
    expect(page.get_by_role("note")).to_contain_text("Projet abandonné, dans les archives")
    expect(
        page.get_by_role("heading", name="Ce que la participation a produit", level=2)
    ).to_be_visible()
    check(ui, "archived-sheet", page)
