"""The consultation poster (issue 18, item 2): a real PDF, read back — its text, its page size, its
tags and language, and the QR code decoded from the rendered page leads to the sheet. Only what
the public may see is printed; the PDF engine loads nothing from the network."""

from __future__ import annotations

import ctypes

import pypdfium2
import pypdfium2.raw as pdfium
import pytest
import zxingcpp
from django.test import override_settings

from portal import printables
from projects.models import Stage
from tests.factories import MembershipFactory, SheetFactory, WorkspaceFactory
from workspace.models import Role

pytestmark = pytest.mark.django_db

A4 = (595, 842)  # points, rounded
A3 = (842, 1191)


def read(pdf: bytes) -> dict:
    doc = pypdfium2.PdfDocument(pdf)
    page = doc[0]
    size = tuple(round(v) for v in page.get_size())
    text = page.get_textpage().get_text_range()
    codes = [r.text for r in zxingcpp.read_barcodes(page.render(scale=2).to_pil())]
    n = pdfium.FPDFCatalog_GetLanguage(doc.raw, None, 0)
    buffer = (ctypes.c_ushort * max(1, n // 2))()
    pdfium.FPDFCatalog_GetLanguage(doc.raw, buffer, n)
    language = bytes(buffer).decode("utf-16-le").rstrip("\x00")
    textpage = page.get_textpage()
    name, flags = ctypes.create_string_buffer(200), ctypes.c_int()
    fonts = set()
    for index in range(0, textpage.count_chars(), 7):
        pdfium.FPDFText_GetFontInfo(textpage.raw, index, name, 200, ctypes.byref(flags))
        fonts.add(name.value.decode().split("+")[-1])
    return {
        "pages": len(doc),
        "size": size,
        "text": " ".join(text.split()),
        "codes": codes,
        "tagged": bool(pdfium.FPDFCatalog_IsTagged(doc.raw)),
        "language": language,
        "title": doc.get_metadata_dict().get("Title", ""),
        "fonts": fonts,
    }


@pytest.fixture
def sheet():
    return SheetFactory(
        title="Stationnement vélos à la gare centrale",
        slug="stationnement-velos-gare",
        stage=Stage.CONSULTATION,
        participation_level="concert",
        placed_sections={
            "calendar_start": "2026-12-01",
            "calendar_end": "2027-01-15",
            "modalities_places": "Atelier en mairie de quartier, mercredi 9 décembre à 18 h.",
        },
    )


def test_the_poster_is_a_tagged_a4_pdf_whose_qr_code_leads_to_the_sheet(client, sheet):
    response = client.get(f"/fiches/{sheet.slug}/affiche.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "affiche-stationnement-velos-gare-a4.pdf" in response["Content-Disposition"]
    pdf = read(response.content)
    assert pdf["pages"] == 1 and pdf["size"] == A4
    for words in (
        "Stationnement vélos à la gare centrale",
        "Du 1 décembre 2026 au 15 janvier 2027",
        "Niveau de participation promis : Concerter",
        "Atelier en mairie de quartier",
        f"testserver/f/{sheet.pk}",
    ):
        assert words in pdf["text"], words
    assert pdf["codes"] == [f"http://testserver/f/{sheet.pk}/"]
    assert pdf["tagged"] and pdf["language"] == "fr"
    # The bundled font, whatever the machine has installed.
    assert pdf["fonts"] == {"Atkinson", "Atkinson-Bold"}
    assert "Stationnement vélos" in pdf["title"]
    # The short address printed under the code leads to the sheet's page.
    short = client.get(f"/f/{sheet.pk}/")
    assert short.status_code == 302 and short["Location"] == sheet.get_absolute_url()


def test_the_a3_poster_and_a_bad_format(client, sheet):
    response = client.get(f"/fiches/{sheet.slug}/affiche.pdf", {"format": "a3"})
    assert response.status_code == 200
    assert read(response.content)["size"] == A3
    bad = client.get(f"/fiches/{sheet.slug}/affiche.pdf", {"format": "letter"})
    assert bad.status_code == 400


@override_settings(LANGUAGE_CODE="en")
def test_the_poster_in_english(client, sheet):
    response = client.get(f"/fiches/{sheet.slug}/affiche.pdf", HTTP_ACCEPT_LANGUAGE="en")
    pdf = read(response.content)
    assert pdf["language"] == "en"
    assert "Promised level of participation: Involve" in pdf["text"]


def test_only_what_the_public_may_see_is_printed(client):
    private = WorkspaceFactory(visibility="private")
    member = MembershipFactory(workspace=private, role=Role.OWNER).user
    hidden = SheetFactory(workspace=private, slug="projet-prive")
    unpublished = SheetFactory(is_public=False, slug="fiche-non-publique")
    client.force_login(member)  # even its own members: a poster is for the street
    for sheet in (hidden, unpublished):
        assert client.get(f"/fiches/{sheet.slug}/affiche.pdf").status_code == 404
    assert client.get("/fiches/nulle-part/affiche.pdf").status_code == 404
    # The short address tells a private sheet's address to its members only.
    assert client.get(f"/f/{hidden.pk}/").status_code == 302
    client.logout()
    assert client.get(f"/f/{hidden.pk}/").status_code == 404
    assert client.get("/f/99999999/").status_code == 404


def test_a_poster_is_rendered_once_until_the_sheet_changes(client, sheet, monkeypatch):
    calls = []
    real = printables.render_pdf

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(printables, "render_pdf", counting)
    first = client.get(f"/fiches/{sheet.slug}/affiche.pdf").content
    assert client.get(f"/fiches/{sheet.slug}/affiche.pdf").content == first
    assert len(calls) == 1
    sheet.title = "Un autre titre"
    sheet.save()
    client.get(f"/fiches/{sheet.slug}/affiche.pdf")
    assert len(calls) == 2


def test_the_pdf_engine_loads_nothing_but_the_bundled_fonts_and_inline_images():
    fetcher = printables._closed_fetcher()
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/image.png",
        "file:///etc/passwd",
        f"{printables.FONTS.as_uri()}/../../../../settings.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = next(printables.FONTS.glob("*.woff2"))
    assert fetcher.fetch(font.as_uri()).content_type == "font/woff2"


def test_a_sheets_own_text_cannot_reach_the_network(client, monkeypatch):
    sheet = SheetFactory(
        slug="texte-piege",
        placed_sections={
            "modalities_places": '<img src="http://169.254.169.254/x"> ![x](http://evil.test/y.png)'
        },
    )
    fetched = []
    real = printables._closed_fetcher

    def spying():
        fetcher = real()
        inner = fetcher.fetch

        def fetch(url, headers=None):
            fetched.append(url)
            return inner(url, headers)

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(printables, "_closed_fetcher", spying)
    response = client.get(f"/fiches/{sheet.slug}/affiche.pdf")
    assert response.status_code == 200
    assert not [url for url in fetched if url.startswith("http")]


def test_a_public_sheets_page_offers_its_poster_and_a_members_only_one_does_not(client, sheet):
    html = client.get(sheet.get_absolute_url()).content.decode()
    assert f'href="/fiches/{sheet.slug}/affiche.pdf"' in html
    assert f'href="/fiches/{sheet.slug}/affiche.pdf?format=a3"' in html
    private = WorkspaceFactory(visibility="private")
    member = MembershipFactory(workspace=private, role=Role.OWNER).user
    hidden = SheetFactory(workspace=private, slug="projet-prive-affiche")
    client.force_login(member)
    assert "affiche.pdf" not in client.get(hidden.get_absolute_url()).content.decode()


A5 = (420, 595)


def test_the_booklet_is_a5_pages_with_the_framing_the_questions_and_what_becomes_of_them(
    client, sheet
):
    from tests.factories import FramingNoteFactory

    FramingNoteFactory(
        sheet=sheet,
        political_intent="Libérer le parvis de la gare des vélos garés en désordre.",
        use_of_contributions="Chaque proposition sera étudiée et recevra une réponse motivée.",
    )
    # A section a thousand times too long for paper ends on a pointer to the sheet.
    from projects.models import SheetVersion

    version = sheet.current_version
    SheetVersion.objects.filter(pk=version.pk).update(
        sections={**version.sections, "questions": "Où placer les arceaux ? " * 2000}
    )
    response = client.get(f"/fiches/{sheet.slug}/livret.pdf")
    assert response.status_code == 200
    doc = pypdfium2.PdfDocument(response.content)
    assert all(tuple(round(v) for v in page.get_size()) == A5 for page in doc)
    assert 2 <= len(doc) <= 8  # bounded whatever the texts
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in doc)
    for words in (
        "Stationnement vélos à la gare centrale",
        "Libérer le parvis de la gare",
        "Où placer les arceaux ?",
        "Chaque proposition sera étudiée",
        "Ce que vous pouvez changer",
        "Niveau de participation promis : Concerter",
    ):
        assert words in text, words
    assert text.count("Où placer les arceaux") < 200
    cover = [r.text for r in zxingcpp.read_barcodes(doc[0].render(scale=2).to_pil())]
    assert cover == [f"http://testserver/f/{sheet.pk}/"]
    assert pdfium.FPDFCatalog_IsTagged(doc.raw)
    assert client.get("/fiches/nulle-part/livret.pdf").status_code == 404


def test_the_neighbourhood_newsletter_lists_what_the_public_may_see_there(client):
    from accounts.models import PlatformRole
    from territories.models import Territory
    from territories.services import quartier_create
    from tests.factories import UserFactory
    from tests.portal.test_home import consultation

    strasbourg = Territory.objects.get(slug="strasbourg")
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    neudorf = quartier_create(actor=staff, name="Neudorf", commune=strasbourg)
    private = WorkspaceFactory(visibility="private")
    consultation("Parc du Neudorf", end="2099-01-31", territory=neudorf)
    consultation("Tram de Strasbourg", end="2099-02-28", territory=strasbourg)
    consultation("Secret du Neudorf", end="2099-01-15", territory=neudorf, workspace=private)
    response = client.get(f"/territoires/strasbourg/{neudorf.slug}/journal.pdf")
    assert response.status_code == 200
    doc = pypdfium2.PdfDocument(response.content)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in doc)
    assert "Parc du Neudorf" in text and "jusqu'au 31 janvier 2099" in text
    assert "Toute la commune : Strasbourg" in text and "Tram de Strasbourg" in text
    assert "Secret" not in text
    codes = [r.text for r in zxingcpp.read_barcodes(doc[0].render(scale=2).to_pil())]
    assert codes == [f"http://testserver/territoires/strasbourg/{neudorf.slug}/"]
    assert client.get("/territoires/strasbourg/journal.pdf").status_code == 200
    assert client.get(f"/territoires/schiltigheim/{neudorf.slug}/journal.pdf").status_code == 404
    assert client.get("/territoires/nulle-part/journal.pdf").status_code == 404


@override_settings(LANGUAGE_CODE="en")
def test_the_booklet_and_the_newsletter_in_english(client, sheet):
    booklet = client.get(f"/fiches/{sheet.slug}/livret.pdf", HTTP_ACCEPT_LANGUAGE="en")
    doc = pypdfium2.PdfDocument(booklet.content)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in doc)
    assert "What will become of your contributions" in text
    assert "Ce que deviendront" not in text
    newsletter = client.get("/territoires/strasbourg/journal.pdf", HTTP_ACCEPT_LANGUAGE="en")
    doc = pypdfium2.PdfDocument(newsletter.content)
    assert "Open consultations: have your say" in doc[0].get_textpage().get_text_range()


def test_the_territory_page_offers_its_newsletter_and_the_sheet_page_its_booklet(client, sheet):
    assert (
        'href="/territoires/strasbourg/journal.pdf"'
        in client.get("/territoires/strasbourg/").content.decode()
    )
    assert (
        f'href="/fiches/{sheet.slug}/livret.pdf"'
        in client.get(sheet.get_absolute_url()).content.decode()
    )


def test_printed_materials_announce_the_next_public_meetings(client, sheet):
    """The poster and the booklet name the sheet's next meetings; a meeting added later prints
    at once (the kept PDF depends on the sheet's meetings); a cancelled one is not printed; the
    newsletter lists the territory's."""
    from meetings.services import meeting_cancel
    from tests.meetings.factories import meeting, staff

    first = client.get(f"/fiches/{sheet.slug}/affiche.pdf").content
    assert "Atelier du parvis" not in read(first)["text"]
    workshop = meeting(sheet=sheet, kind="workshop", title="Atelier du parvis", days=5)
    poster = read(client.get(f"/fiches/{sheet.slug}/affiche.pdf").content)["text"]
    assert "Atelier de quartier : Atelier du parvis" in poster and "Salle des fêtes" in poster
    booklet = pypdfium2.PdfDocument(client.get(f"/fiches/{sheet.slug}/livret.pdf").content)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in booklet)
    assert "Atelier du parvis" in text
    meeting_cancel(actor=staff(), meeting=workshop)
    assert (
        "Atelier du parvis"
        not in read(client.get(f"/fiches/{sheet.slug}/affiche.pdf").content)["text"]
    )
    from territories.models import Territory

    meeting(territory=Territory.objects.get(slug="strasbourg"), title="Réunion de la commune")
    journal = pypdfium2.PdfDocument(client.get("/territoires/strasbourg/journal.pdf").content)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in journal)
    assert "Réunions et ateliers à venir" in text and "Réunion de la commune" in text
