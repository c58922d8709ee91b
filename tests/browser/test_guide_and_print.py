"""Participation without a computer, in a browser at phone and desktop width (axe-core, no
sideways scroll): the « Comprendre la participation » pages, the majority-judgment example played
with script off (a GET form), a sheet's promise leading to its level's explanation, and the
poster downloaded from the sheet page and its QR code decoded from the rendered PDF."""

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect

from .ui import UI, VIEWPORTS, overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GUIDE_PAGES = [
    ("/comprendre/", "Comprendre la participation"),
    ("/comprendre/niveaux/", "Les niveaux de participation"),
    ("/comprendre/deroulement/", "Le déroulement d'une concertation"),
    ("/comprendre/jugement-majoritaire/", "Le jugement majoritaire"),
    ("/comprendre/moderation/", "La modération des débats"),
    ("/comprendre/interpeller-un-elu/", "Interpeller un·e élu·e"),
]
STATION = "stationnement-velos-gare-centrale"  # the demo's sheet in consultation


def check(ui: UI, name: str, page: Page) -> None:
    ui.check(name, page)
    width = overflow(page)
    assert width["scroll"] <= width["viewport"], f"{name} ({ui.viewport}) scrolls sideways: {width}"


def test_the_guide_pages(ui: UI):
    page = ui.page
    for path, title in GUIDE_PAGES:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("heading", name="En bref, facile à lire")).to_be_visible()
        check(ui, "guide" + path.replace("/", "-").rstrip("-"), page)


def test_the_majority_judgment_example_without_script(browser, site, viewport):
    context = browser.new_context(
        base_url=site.url, locale="fr-FR", java_script_enabled=False, **VIEWPORTS[viewport]
    )
    try:
        page = context.new_page()
        page.goto("/comprendre/jugement-majoritaire/")
        table = page.get_by_role("table", name="Nombre de votant·es par mention")
        first = table.get_by_role("row").nth(1)
        expect(first).to_contain_text("L'amendement")
        current = page.get_by_role("group", name="Le texte actuel")
        amendment = page.get_by_role("group", name="L'amendement")
        current.get_by_role("radio", name="Excellent").check()
        amendment.get_by_role("radio", name="À rejeter").check()
        page.get_by_role("button", name="Ajouter mon bulletin et recalculer").click()
        page.wait_for_url("**texte=6**")
        expect(page.get_by_role("heading", name="Le résultat avec 7 bulletins")).to_be_visible()
        expect(table.get_by_role("row").nth(1)).to_contain_text("Le texte actuel")
        # An incomplete ballot is refused and the example's result stays.
        page.goto("/comprendre/jugement-majoritaire/?texte=3")
        expect(page.get_by_role("alert")).to_contain_text("Votre bulletin n'est pas complet")
        expect(page.get_by_role("heading", name="Le résultat avec 6 bulletins")).to_be_visible()
    finally:
        context.close()


def test_a_sheet_leads_to_its_level_and_gives_its_poster(ui: UI):
    page = ui.page
    page.goto(f"/fiches/{STATION}/")
    page.get_by_role("link", name="Comprendre les niveaux de participation").click()
    page.wait_for_url("**/comprendre/niveaux/#*")
    anchor = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"h2#{anchor}")).to_be_in_viewport()
    page.goto(f"/fiches/{STATION}/")
    # Chromium without a PDF viewer (headless) downloads the poster the link leads to, as a
    # phone without one does: the file is read from where the browser saved it.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Affiche à imprimer (PDF, A4)").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".pdf") and download.failure() is None
    pdf = pypdfium2.PdfDocument(download.path())
    codes = [r.text for r in zxingcpp.read_barcodes(pdf[0].render(scale=2).to_pil())]
    assert len(codes) == 1 and codes[0].endswith("/")
    # The code's address, typed or scanned, leads to the sheet.
    page.goto(codes[0])
    expect(page).to_have_url(f"{ui.base_url}/fiches/{STATION}/")
    pdf.close()
