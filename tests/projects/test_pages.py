"""Sheet pages: lists with filters, sheet page, edit with the conflict page, versions, diff,
restore, framing notes."""

import re

import pytest
from django.test import Client

from projects.models import FramingNote, SheetVersion
from projects.services import framing_note_create, sheet_update

from ..factories import UserFactory
from .factories import LONG_SUMMARY, make_sheet, make_versions

pytestmark = pytest.mark.django_db


def web(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _edit_data(sheet, **overrides):
    version = sheet.current_version
    data = {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "territory": sheet.territory_id or "",
        "themes": [t.pk for t in sheet.themes.all()],
        "is_public": "on",
        "change_note": "",
        "base_version": version.number,
    }
    data.update(overrides)
    return data


def test_public_list_and_filters(make_workspace):
    workspace, actors = make_workspace()
    a = make_sheet(workspace, actors["contributor"], title="Vélo rue du Jura")
    b = make_sheet(workspace, actors["contributor"], title="Jardin partagé", themes=[])
    page = web().get("/fiches/").content.decode()
    assert a.get_absolute_url() in page and b.get_absolute_url() in page
    page = web().get("/fiches/?theme=mobilite").content.decode()
    assert a.get_absolute_url() in page and b.get_absolute_url() not in page
    page = web().get("/fiches/?stage=consultation").content.decode()
    assert a.get_absolute_url() not in page
    page = web().get(f"/fiches/espace/{workspace.slug}/").content.decode()
    assert a.get_absolute_url() in page
    workspace_page = web().get(workspace.get_absolute_url()).content.decode()
    assert f"/fiches/espace/{workspace.slug}/" in workspace_page


def test_sheet_page_shows_content_framing_and_sanitised_markdown(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(
        workspace,
        actors["contributor"],
        body="**Important** <script>alert(1)</script>",
        sections={"context": "Un *contexte*"},
    )
    framing_note_create(
        actor=actors["official"],
        sheet=sheet,
        political_intent="Rendre la rue aux enfants",
        participation_level="concert",
        use_of_contributions="Réponse écrite à chaque contribution",
        publish=True,
    )
    html = web().get(sheet.get_absolute_url()).content.decode()
    assert "Cadrage des élus" in html
    assert "Rendre la rue aux enfants" in html
    assert str(actors["official"]) in html
    assert "Concerter" in html and "Co-décider" in html  # level explained
    assert "<strong>Important</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "<em>contexte</em>" in html
    assert 'aria-current="step"' in html


def test_edit_page_creates_version(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    client = web(actors["editor"])
    assert client.get(f"/fiches/{sheet.pk}/modifier/").status_code == 200
    response = client.post(
        f"/fiches/{sheet.pk}/modifier/", _edit_data(sheet, body="Nouveau corps", context="Ctx")
    )
    assert response.status_code == 302
    current = SheetVersion.objects.filter(sheet=sheet).order_by("-number").first()
    assert current.number == 2 and current.body == "Nouveau corps"
    assert current.sections == {"context": "Ctx"}


@pytest.mark.parametrize(("who", "status"), [("reader", 403), ("contributor", 403)])
def test_edit_page_forbidden_below_editor(make_workspace, who, status):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    assert web(actors[who]).get(f"/fiches/{sheet.pk}/modifier/").status_code == status


def test_anonymous_edit_redirects_to_login(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    response = web().get(f"/fiches/{sheet.pk}/modifier/")
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_conflict_page_shows_both_texts_and_keeps_mine(make_workspace):
    """GIVEN two editors who opened version 1 WHEN the second saves after the first
    THEN a conflict page shows the current text and theirs, the form holds their text based on
    the current version, and no version is created until they save again."""
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    stale = _edit_data(sheet)
    sheet_update(actor=actors["editor"], sheet=sheet, base_version=1, body="Texte de la première\n")
    mine = "Mon texte <b>précieux</b>\nsur deux lignes\n"
    response = web(actors["owner"]).post(f"/fiches/{sheet.pk}/modifier/", {**stale, "body": mine})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Texte de la première" in html
    assert "Mon texte &lt;b&gt;précieux&lt;/b&gt;" in html  # kept, escaped
    assert "<ins>Mon texte &lt;b&gt;précieux&lt;/b&gt;" in html
    assert "<del>Texte de la première" in html
    form = response.context["form"]
    assert form["body"].value() == mine
    assert str(form["base_version"].value()) == "2"
    assert SheetVersion.objects.filter(sheet=sheet).count() == 2
    # Saving again from the conflict page is deliberate and succeeds.
    again = web(actors["owner"]).post(
        f"/fiches/{sheet.pk}/modifier/", {**stale, "body": mine, "base_version": 2}
    )
    assert again.status_code == 302
    assert SheetVersion.objects.get(sheet=sheet, number=3).body == mine


def test_versions_diff_version_and_restore_pages(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_versions(make_sheet(workspace, actors["contributor"]), actors["editor"], 2)
    client = web()
    versions = client.get(f"/fiches/{sheet.pk}/versions/").content.decode()
    assert "restaurer" not in versions
    assert client.get(f"/fiches/{sheet.pk}/versions/1/").status_code == 200
    assert client.get(f"/fiches/{sheet.pk}/versions/99/").status_code == 404
    diff = client.get(f"/fiches/{sheet.pk}/diff/?from=1&to=3").content.decode()
    # The text as it reads: the two lines of one Markdown paragraph read as one line.
    assert re.search(r"<del><span[^>]*>[^<]*</span>Première ligne Deuxième ligne</del>", diff)
    assert re.search(r"<ins><span[^>]*>[^<]*</span>Version 3 ligne commune</ins>", diff)
    editor = web(actors["editor"])
    assert "restaurer" in editor.get(f"/fiches/{sheet.pk}/versions/").content.decode()
    assert (
        web(actors["reader"]).post(f"/fiches/{sheet.pk}/versions/1/restaurer/").status_code == 403
    )
    response = editor.post(f"/fiches/{sheet.pk}/versions/1/restaurer/")
    assert response.status_code == 302
    latest = SheetVersion.objects.filter(sheet=sheet).order_by("-number").first()
    assert latest.number == 4 and latest.restored_from == 1


def test_create_page(make_workspace):
    workspace, actors = make_workspace()
    url = f"/fiches/espace/{workspace.slug}/nouvelle/"
    assert web(actors["reader"]).get(url).status_code == 403
    client = web(actors["contributor"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Place verte",
            "summary": LONG_SUMMARY,
            "body": "",
            "is_public": "on",
            "objectives": "Des arbres",
        },
    )
    assert response.status_code == 302
    sheet = workspace.sheets.get()
    assert sheet.current_version.sections == {"objectives": "Des arbres"}


def test_framing_pages_for_officials_only(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    url = f"/fiches/{sheet.pk}/cadrage/nouveau/"
    assert web(actors["owner"]).get(url).status_code == 403
    assert web(actors["staff"]).get(url).status_code == 403
    client = web(actors["official"])
    assert client.get(url).status_code == 200
    data = {
        "political_intent": "Sens",
        "participation_level": "consult",
        "use_of_contributions": "Réponse",
        "action": "draft",
    }
    assert client.post(url, data).status_code == 302
    note = FramingNote.objects.get()
    assert note.status == "draft"
    assert (
        web(UserFactory(platform_role="official"))
        .get(f"/fiches/{sheet.pk}/cadrage/{note.pk}/modifier/")
        .status_code
        == 404
    )
    publish = f"/fiches/{sheet.pk}/cadrage/{note.pk}/publier/"
    assert client.post(publish).status_code == 200  # "are you sure?" (issue 11, item 6)
    note.refresh_from_db()
    assert note.status == "draft"
    assert client.post(publish, {"confirmed": "1"}).status_code == 302
    note.refresh_from_db()
    assert note.status == "published"
    assert client.get(f"/fiches/{sheet.pk}/cadrage/{note.pk}/modifier/").status_code == 403
