"""A citizen's working day: create a workspace, upload a document (watching the progress bar),
create a project sheet, edit it, and read what the edit changed."""

import re

import pytest
from playwright.sync_api import Page, expect

from .ui import menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UPLOAD_BYTES_PER_SECOND = 256 * 1024
SUMMARY = (
    "Un jardin partagé sur la friche de la rue de Messine : des parcelles pour les familles du "
    "quartier, un composteur collectif et des ateliers avec l'école voisine. Le collectif "
    "demande une convention d'occupation et un point d'eau."
)


def minutes(size: int) -> bytes:
    """A plain-text meeting report of about `size` bytes."""
    line = "Compte rendu : les habitant·es proposent des bacs surélevés et un abri à outils.\n"
    return (line * (size // len(line) + 1)).encode()[:size]


def record_progress(page: Page) -> list[tuple[bool, int]]:
    """What the upload progress block shows, each time it changes: (visible, percent). The
    page reports it through an exposed function, which outlives the redirect at the end."""
    seen: list[tuple[bool, int]] = []
    page.expose_function(
        "reportUploadProgress", lambda hidden, value: seen.append((not hidden, value))
    )
    page.evaluate(
        """() => {
          const wrap = document.querySelector("[data-upload-progress]");
          const bar = wrap.querySelector("progress");
          const report = () => window.reportUploadProgress(wrap.hidden, Number(bar.value));
          new MutationObserver(report).observe(wrap, {attributes: true, subtree: true});
        }"""
    )
    return seen


def test_workspace_document_sheet_edit_and_diff(ui, viewport):
    page = ui.as_user("dan@demo.fabrique.test")
    name = f"Jardin partagé de la rue de Messine ({viewport})"

    menu(page).get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Espaces"
    ).click()
    page.get_by_role("link", name="Créer un espace").click()
    ui.check("workspace-create", page)
    page.get_by_label("Nom").fill(name)
    page.get_by_label("Type").select_option(label="Collectif citoyen")
    page.get_by_label("Visibilité").select_option(label="Public")
    page.get_by_label("Description").fill("Un collectif d'habitant·es du Neuhof.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    ui.check("workspace", page)

    # Upload: the bar appears, moves, and the page goes to the new document when it is done.
    page.get_by_role("main").get_by_role("link", name="Documents").click()
    page.get_by_role("link", name="Déposer un document").click()
    ui.check("document-upload", page)
    page.get_by_label("Fichier").set_input_files(
        {"name": "compte-rendu.txt", "mimeType": "text/plain", "buffer": minutes(768 * 1024)}
    )
    page.get_by_label("Titre").fill("Compte rendu de l'assemblée")
    page.get_by_label("Visibilité").select_option(label="Public")
    seen = record_progress(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": UPLOAD_BYTES_PER_SECOND,
        },
    )
    page.get_by_role("button", name="Déposer").click()
    expect(page.get_by_role("progressbar", name="Envoi en cours")).to_be_visible()
    # The upload takes a few seconds by design; the server then stores and checks the file.
    page.wait_for_url(re.compile(r"/documents/\d+/$"), timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Compte rendu de l'assemblée")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    percents = [value for visible, value in seen if visible]
    assert percents, seen
    assert any(0 < value < 100 for value in percents), seen
    assert percents[-1] == 100, seen
    ui.check("document", page)

    # A project sheet in the workspace, then an edit of its description.
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link", name=name).click()
    page.get_by_role("main").get_by_role("link", name="Fiches projet").click()
    page.get_by_role("link", name="Nouvelle fiche projet").click()
    ui.check("sheet-create", page)
    page.get_by_label("Titre").fill("Jardin de la rue de Messine")
    page.get_by_label("Résumé").fill(SUMMARY)
    page.get_by_label("Description").fill("## Le lieu\n\nUne friche de 800 m².\n")
    page.get_by_label("Territoire").select_option(label="Strasbourg")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jardin de la rue de Messine")

    page.get_by_role("main").get_by_role("link", name="Modifier").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier")
    ui.check("sheet-edit", page)
    page.get_by_label("Description").fill(
        "## Le lieu\n\nUne friche de 1 200 m², ensoleillée.\n\n## Calendrier\n\nPremières "
        "plantations au printemps.\n"
    )
    page.get_by_label("Note de modification").fill("Surface corrigée, calendrier ajouté")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jardin de la rue de Messine")
    ui.check("sheet-own", page)

    page.get_by_role("link", name="Dernière modification").click()
    expect(page).to_have_url(re.compile(r"/diff/\?from=1&to=2"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1 à la version 2")
    main = page.get_by_role("main")
    expect(main.locator("ins").filter(has_text="1 200")).to_be_visible()
    expect(main.locator("del").filter(has_text="800")).to_be_visible()
    expect(main).to_contain_text("Surface corrigée, calendrier ajouté")
    ui.check("sheet-diff", page)
