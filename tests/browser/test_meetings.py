"""Registering to a neighbourhood workshop in a browser, without an account, at phone and
desktop width (axe-core, no sideways scroll, no script): the meeting page with its venue's
accessibility and the calendar file, the form, the e-mail's confirmation link, then the seat
counted on the page; the cancellation link frees it."""

import pytest
from playwright.sync_api import expect

from .steps import mail_link
from .test_territories import check
from .ui import UI

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def workshop(site):
    """Made before Playwright starts (the database is reached from the main thread)."""
    from territories.models import Territory
    from tests.meetings.factories import meeting

    return meeting(
        territory=Territory.objects.get(slug="strasbourg"),
        kind="workshop",
        title="Atelier : le square de la gare",
        capacity=12,
        step_free=True,
        hearing_loop=True,
        accessibility_notes="Entrée par la cour, rampe à gauche.",
    )


def test_register_to_a_workshop_with_a_name_and_an_email(workshop, ui: UI):
    page = ui.page
    page.goto(f"/reunions/{workshop.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.title)
    expect(page.get_by_text("Accès de plain-pied")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter à mon agenda (fichier .ics)")).to_be_visible()
    expect(page.get_by_text("0 inscrit·es / 12 places")).to_be_visible()
    check(ui, "meeting", page)
    page.get_by_label("Votre nom").fill("Camille")
    page.get_by_label("Votre adresse électronique").fill("camille@example.org")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Presque fini")).to_be_visible()
    expect(page.get_by_text("0 inscrit·es / 12 places")).to_be_visible()  # no seat held yet
    check(ui, "meeting-registered", page)
    page.goto(mail_link("camille@example.org", r"/reunions/confirmer/[^/\s]+/"))
    check(ui, "meeting-confirm", page)
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_text("Inscription confirmée. À bientôt !")).to_be_visible()
    page.get_by_role("link", name=workshop.title).click()
    expect(page.get_by_text("1 inscrit·es / 12 places")).to_be_visible()
    page.goto(mail_link("camille@example.org", r"/reunions/annuler/[^/\s]+/"))
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    check(ui, "meeting-cancelled", page)


def test_an_editor_announces_a_workshop_from_the_sheet(ui: UI):
    """alice@ owns collectif-velo-neudorf: from its sheet, she announces a workshop with the
    form (datetime fields, the venue's accessibility), then finds it on the sheet."""
    import datetime

    page = ui.as_user("alice@demo.fabrique.test")
    page.goto("/fiches/piste-cyclable-rue-du-jura/")
    page.get_by_role("link", name="Annoncer une réunion ou un atelier").click()
    page.wait_for_url("**/reunions/nouvelle/fiche/*/")
    check(ui, "meeting-form", page)
    starts = datetime.datetime.now() + datetime.timedelta(days=12)
    page.get_by_label("Type").select_option("workshop")
    page.get_by_label("Titre").fill("Atelier : tracer la piste ensemble")
    page.get_by_label("Début").fill(starts.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Fin").fill(starts.strftime("%Y-%m-%dT20:00"))
    page.locator("#id_place").fill("Maison du Neudorf")
    page.get_by_label("Accès de plain-pied").check()
    page.get_by_role("button", name="Annoncer la réunion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier : tracer la piste ensemble")
    expect(page.get_by_text("Accès de plain-pied")).to_be_visible()
    page.goto("/fiches/piste-cyclable-rue-du-jura/")
    expect(page.get_by_role("link", name="Atelier : tracer la piste ensemble")).to_be_visible()


def test_an_official_announces_a_meeting_of_a_quartier_without_a_sheet(ui: UI):
    """elue@ (an official) announces a neighbourhood workshop from Neudorf's page, with no sheet;
    it shows on the quartier's page."""
    import datetime

    page = ui.as_user("elue@demo.fabrique.test")
    page.goto("/territoires/strasbourg/strasbourg-neudorf/")
    page.get_by_role("link", name="Annoncer une réunion ou un atelier sur ce territoire").click()
    page.wait_for_url("**/reunions/nouvelle/territoire/strasbourg-neudorf/")
    expect(page.get_by_text("Pour le territoire « Neudorf »")).to_be_visible()
    check(ui, "meeting-form-territory", page)
    starts = datetime.datetime.now() + datetime.timedelta(days=9)
    page.get_by_label("Type").select_option("workshop")
    page.get_by_label("Titre").fill("Atelier : les cours d'école du Neudorf")
    page.get_by_label("Début").fill(starts.strftime("%Y-%m-%dT17:30"))
    page.get_by_label("Fin").fill(starts.strftime("%Y-%m-%dT19:30"))
    page.locator("#id_place").fill("École du Neudorf")
    page.get_by_label("Toilettes accessibles").check()
    page.get_by_role("button", name="Annoncer la réunion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Atelier : les cours d'école du Neudorf"
    )
    expect(page.get_by_text("Neudorf", exact=False).first).to_be_visible()
    page.goto("/territoires/strasbourg/strasbourg-neudorf/")
    expect(page.get_by_role("link", name="Atelier : les cours d'école du Neudorf")).to_be_visible()


def test_a_resident_sees_no_link_to_announce_on_a_territory_page(ui: UI):
    page = ui.as_user("alice@demo.fabrique.test")
    page.goto("/territoires/strasbourg/strasbourg-neudorf/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neudorf")
    expect(
        page.get_by_role("link", name="Annoncer une réunion ou un atelier sur ce territoire")
    ).to_have_count(0)
