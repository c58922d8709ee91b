"""Search through the owning apps' real services: upload → extraction → outbox → index → query.

No factory writes the index rows here: documents go through `document_create` (the file is
checked, stored, and its text extracted after commit by the task backend), trash/restore/purge
through the documents services, and sheets through the projects services.
"""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from haystack.inputs import AutoQuery
from haystack.query import SearchQuerySet

from documents.models import Document, ExtractionStatus
from documents.services import document_create, document_purge, document_restore, document_trash
from projects.services import sheet_create, sheet_update
from search.services import search_query
from tests.conftest import client_for
from tests.documents import samples

pytestmark = pytest.mark.django_db

# Only inside the files: never in a title, a description or a file name below.
INVENTED = "Quaibateliersrénové"
FILE_TEXT = f"Étude pour l'aménagement des berges du {INVENTED}"
FORMATS = {
    "pdf": ("cr-2026.pdf", lambda: samples.pdf_accented(FILE_TEXT)),
    "docx": ("cr-2026.docx", lambda: samples.docx(FILE_TEXT)),
    "odt": ("cr-2026.odt", lambda: samples.odt(FILE_TEXT)),
}
EVERYONE = ["anonymous", "outsider", "reader", "contributor", "editor", "owner", "staff"]


@pytest.fixture(autouse=True)
def clean_media():
    """The uploads below are real files: leave the media directory as we found it."""
    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "documents", ignore_errors=True)


def service_hits(user, q):
    page = search_query(user=user, q=q)
    return {(h.type, h.id) for h in page.results}


def api_hits(user, q):
    response = client_for(user).get("/api/v1/search/", {"q": q})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return {(r["type"], r["id"]) for r in body["results"]}


def indexed(q):
    """What the engine itself holds for `q`, before any database re-check."""
    return {(r.model_name, int(r.pk)) for r in SearchQuerySet().filter(content=AutoQuery(q))}


def upload(workspace, actor, fmt, **kw):
    name, build = FORMATS[fmt]
    return document_create(
        actor=actor,
        workspace=workspace,
        file=ContentFile(build(), name=name),
        name=name,
        title="Compte rendu de réunion",
        description="Notes de la réunion publique",
        visibility="public",
        **kw,
    )


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_word_only_inside_the_uploaded_file_is_found_accent_folded(
    make_workspace, drain, django_capture_on_commit_callbacks, fmt
):
    """GIVEN a file uploaded through the documents service into a public workspace
    WHEN its text is extracted after commit and the outbox is drained
    THEN a word that exists only inside the file finds it, typed without accents,
    through the search service and the API, for anonymous visitors and members alike."""
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks() as callbacks:
        document = upload(workspace, actors["editor"], fmt)
    drain()
    hit = {("document", document.pk)}
    # Indexed from its title at once, but the file's words are not known before extraction.
    assert service_hits(None, "reunion") == hit
    assert service_hits(None, "amenagement") == set()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    drain()
    revision = Document.objects.get(pk=document.pk).current_revision
    assert revision.extraction_status == ExtractionStatus.DONE
    assert INVENTED in revision.extracted_text

    for q in ("amenagement", "AMÉNAGEMENT", "quaibateliersrenove", INVENTED, "berge"):
        assert service_hits(None, q) == hit, q
        assert api_hits(None, q) == hit, q
    assert service_hits(actors["reader"], "amenagement") == hit
    assert api_hits(actors["outsider"], "quaibateliersrenove") == hit
    # A word in neither the file nor the metadata finds nothing.
    assert service_hits(None, "zeppelin") == set()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_snippet_shows_the_files_text_highlighted(
    make_workspace, drain, django_capture_on_commit_callbacks, fmt
):
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(workspace, actors["editor"], fmt)
    drain()
    body = client_for(None).get("/api/v1/search/", {"q": "amenagement"}).json()
    assert [(r["type"], r["id"]) for r in body["results"]] == [("document", document.pk)]
    assert "<mark>aménagement</mark>" in body["results"][0]["snippet"]


def test_trash_restore_purge_through_the_services(
    make_workspace, drain, django_capture_on_commit_callbacks
):
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(workspace, actors["editor"], "pdf")
    drain()
    hit = {("document", document.pk)}
    for actor in EVERYONE:
        assert service_hits(actors[actor], "amenagement") == hit, actor
    assert indexed("amenagement") == {("document", document.pk)}

    # Trash: gone for everyone, members and the owner included; out of the engine too.
    with django_capture_on_commit_callbacks(execute=True):
        document_trash(actor=actors["editor"], document=document)
    drain()
    for actor in EVERYONE:
        assert service_hits(actors[actor], "amenagement") == set(), actor
        assert api_hits(actors[actor], "amenagement") == set(), actor
    assert indexed("amenagement") == set()

    # Restore: back for everyone who may see it, by the file's words.
    with django_capture_on_commit_callbacks(execute=True):
        document_restore(actor=actors["owner"], document=document)
    drain()
    for actor in EVERYONE:
        assert service_hits(actors[actor], "quaibateliersrenove") == hit, actor
        assert api_hits(actors[actor], "amenagement") == hit, actor
    assert indexed("amenagement") == {("document", document.pk)}

    # Purge (from the trash): gone for good, row and index entry.
    with django_capture_on_commit_callbacks(execute=True):
        document_trash(actor=actors["editor"], document=document)
        document_purge(actor=actors["owner"], document=document)
    drain()
    assert not Document.objects.filter(pk=document.pk).exists()
    for actor in EVERYONE:
        assert service_hits(actors[actor], "amenagement") == set(), actor
        assert api_hits(actors[actor], "amenagement") == set(), actor
    assert indexed("amenagement") == set()


def test_purged_document_leaves_no_index_entry_even_if_restored_first(
    make_workspace, drain, django_capture_on_commit_callbacks
):
    """Restore puts the entry back; a purge right after (same drain) removes it again."""
    workspace, actors = make_workspace()
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(workspace, actors["editor"], "odt")
    drain()
    document_trash(actor=actors["editor"], document=document)
    document_restore(actor=actors["owner"], document=document)
    document_trash(actor=actors["editor"], document=document)
    document_purge(actor=actors["owner"], document=document)
    drain()
    assert indexed("amenagement") == set()
    assert service_hits(actors["owner"], "amenagement") == set()


def test_sheet_made_private_through_the_projects_service(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = sheet_create(
        actor=actors["contributor"],
        workspace=workspace,
        title="Quai des Tanneurs",
        summary="Réaménager le quai et ses platanes",
    )
    drain()
    hit = {("sheet", sheet.pk)}
    for actor in EVERYONE:
        assert service_hits(actors[actor], "platanes") == hit, actor
        assert api_hits(actors[actor], "platanes") == hit, actor

    sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=sheet.current_version.number,
        is_public=False,
    )
    drain()
    for actor in ("anonymous", "outsider", "staff", "official"):
        assert service_hits(actors[actor], "platanes") == set(), actor
        assert api_hits(actors[actor], "platanes") == set(), actor
        assert api_hits(actors[actor], "tanneurs") == set(), actor
    for actor in ("reader", "contributor", "editor", "owner"):
        assert service_hits(actors[actor], "platanes") == hit, actor
        assert api_hits(actors[actor], "platanes") == hit, actor

    # And public again: anonymous visitors find it once more.
    sheet.refresh_from_db()
    sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=sheet.current_version.number,
        is_public=True,
    )
    drain()
    assert api_hits(None, "platanes") == hit
