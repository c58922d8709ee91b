"""Documents filed under a project sheet: uploading from the sheet page, attaching and detaching
from the document's edit form, and refusing a sheet of another workspace."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.errors import DocumentStateError
from documents.models import Document
from documents.services import document_update
from events.models import Activity
from search.models import IndexOutbox
from tests.projects.factories import make_sheet

from . import samples
from .conftest import stored_files, web_client

pytestmark = pytest.mark.django_db

LINK_TEXT = "Déposer un document pour cette fiche"


def _upload_url(workspace) -> str:
    return f"/documents/espace/{workspace.slug}/deposer/"


def _outbox_rows(document) -> int:
    return IndexOutbox.objects.filter(
        content_type=ContentType.objects.get_for_model(Document), object_id=str(document.pk)
    ).count()


@pytest.mark.parametrize(
    ("actor", "offered"),
    [
        ("owner", True),
        ("editor", True),
        ("contributor", True),
        ("reader", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_sheet_page_offers_upload_to_roles_that_may_add_documents(make_workspace, actor, offered):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["owner"])
    html = web_client(actors[actor]).get(sheet.get_absolute_url()).content.decode()
    assert (LINK_TEXT in html) is offered
    assert (f"{_upload_url(workspace)}?sheet={sheet.pk}" in html) is offered


def test_upload_page_preselects_the_sheet_of_the_query(make_workspace):
    workspace, actors = make_workspace()
    other_sheet = make_sheet(workspace, actors["owner"], title="Autre fiche")
    sheet = make_sheet(workspace, actors["owner"], title="Piste cyclable")
    html = (
        web_client(actors["contributor"])
        .get(f"{_upload_url(workspace)}?sheet={sheet.pk}")
        .content.decode()
    )
    assert f'<option value="{sheet.pk}" selected>' in html
    assert f'<option value="{other_sheet.pk}">' in html


def test_upload_page_ignores_a_sheet_of_another_workspace(make_workspace):
    workspace, actors = make_workspace()
    other, other_actors = make_workspace()
    foreign = make_sheet(other, other_actors["owner"], title="Fiche d'ailleurs")
    html = (
        web_client(actors["contributor"])
        .get(f"{_upload_url(workspace)}?sheet={foreign.pk}")
        .content.decode()
    )
    assert "Fiche d&#x27;ailleurs" not in html and f'value="{foreign.pk}"' not in html


def test_upload_from_the_sheet_attaches_and_lists_the_document_on_the_sheet(make_workspace):
    """GIVEN a contributor who followed the sheet's link WHEN they upload with the preselected
    sheet THEN the document is filed under it and the sheet page lists it."""
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["owner"])
    client = web_client(actors["contributor"])
    response = client.post(
        _upload_url(workspace),
        {
            "file": SimpleUploadedFile("plan.pdf", samples.pdf()),
            "title": "Plan du quartier",
            "visibility": "public",
            "sheet": str(sheet.pk),
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.sheet == sheet
    sheet_html = client.get(sheet.get_absolute_url()).content.decode()
    assert "Plan du quartier" in sheet_html and document.get_absolute_url() in sheet_html
    # The document page links back to the sheet.
    assert sheet.get_absolute_url() in client.get(document.get_absolute_url()).content.decode()


def test_upload_with_a_sheet_of_another_workspace_is_refused(make_workspace):
    workspace, actors = make_workspace()
    other, other_actors = make_workspace()
    foreign = make_sheet(other, other_actors["owner"])
    response = web_client(actors["contributor"]).post(
        _upload_url(workspace),
        {
            "file": SimpleUploadedFile("plan.pdf", samples.pdf()),
            "visibility": "public",
            "sheet": str(foreign.pk),
        },
    )
    assert response.status_code == 400
    assert "Choisissez une fiche projet de cet espace." in response.content.decode()
    assert not Document.objects.exists() and stored_files() == []


def test_edit_form_lists_only_the_workspace_sheets(make_workspace, make_document):
    workspace, actors = make_workspace()
    other, other_actors = make_workspace()
    mine = make_sheet(workspace, actors["owner"], title="Fiche d'ici")
    foreign = make_sheet(other, other_actors["owner"], title="Fiche d'ailleurs")
    document = make_document(workspace, actors["owner"])
    html = web_client(actors["editor"]).get(f"/documents/{document.pk}/modifier/").content.decode()
    assert f'<option value="{mine.pk}">' in html
    assert f'value="{foreign.pk}"' not in html
    assert '<option value="" selected>Aucune fiche</option>' in html


def test_edit_form_attaches_then_detaches_the_document(make_workspace, make_document):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["owner"])
    document = make_document(workspace, actors["owner"], visibility="public")
    editor = web_client(actors["editor"])
    url = f"/documents/{document.pk}/modifier/"
    fields = {"title": document.title, "description": "", "visibility": "public"}
    outbox_before = _outbox_rows(document)

    response = editor.post(url, {**fields, "sheet": str(sheet.pk)})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.sheet == sheet
    assert document.get_absolute_url() in editor.get(sheet.get_absolute_url()).content.decode()
    updated = Activity.objects.filter(verb="document.updated", target_id=document.pk).latest("pk")
    assert updated.data["sheet"] == {"from": None, "to": sheet.pk}
    assert _outbox_rows(document) == outbox_before + 1  # reindexed: sheet filters changed

    response = editor.post(url, {**fields, "sheet": ""})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.sheet is None
    assert document.get_absolute_url() not in editor.get(sheet.get_absolute_url()).content.decode()
    assert _outbox_rows(document) == outbox_before + 2


def test_edit_form_refuses_a_sheet_of_another_workspace_and_changes_nothing(
    make_workspace, make_document
):
    workspace, actors = make_workspace()
    other, other_actors = make_workspace()
    mine = make_sheet(workspace, actors["owner"])
    foreign = make_sheet(other, other_actors["owner"])
    document = make_document(workspace, actors["owner"], sheet=mine)
    title = document.title
    activities = Activity.objects.count()
    outbox_before = _outbox_rows(document)

    response = web_client(actors["editor"]).post(
        f"/documents/{document.pk}/modifier/",
        {"title": "Autre titre", "description": "", "visibility": "public", "sheet": foreign.pk},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Choisissez une fiche projet de cet espace." in html
    document.refresh_from_db()
    assert document.sheet == mine and document.title == title and document.visibility == "members"
    assert Activity.objects.count() == activities
    assert _outbox_rows(document) == outbox_before


def test_update_service_refuses_a_sheet_of_another_workspace(make_workspace, make_document):
    workspace, actors = make_workspace()
    other, other_actors = make_workspace()
    foreign = make_sheet(other, other_actors["owner"])
    document = make_document(workspace, actors["owner"])
    with pytest.raises(DocumentStateError):
        document_update(actor=actors["editor"], document=document, title="Non", sheet=foreign)
    document.refresh_from_db()
    assert document.sheet is None and document.title != "Non"


def test_contributors_cannot_reach_the_edit_form(make_workspace, make_document):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["owner"])
    document = make_document(workspace, actors["owner"])
    response = web_client(actors["contributor"]).post(
        f"/documents/{document.pk}/modifier/",
        {"title": "x", "description": "", "visibility": "members", "sheet": sheet.pk},
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.sheet is None
