"""The owning apps' real services feed the outbox; grants to one person reach search too."""

import pytest

from projects.services import sheet_create, sheet_update
from search.models import IndexOutbox
from search.services import search_query

from .factories import make_document

pytestmark = pytest.mark.django_db


def test_projects_services_feed_the_index(make_workspace, drain):
    workspace, actors = make_workspace()
    sheet = sheet_create(
        actor=actors["contributor"],
        workspace=workspace,
        title="Rue scolaire",
        summary="Fermer la rue devant l'école aux heures d'entrée",
    )
    assert IndexOutbox.objects.filter(object_id=str(sheet.pk)).exists()
    drain()
    assert [h.id for h in search_query(user=None, q="ecoles").results] == [sheet.pk]

    sheet_update(
        actor=actors["editor"],
        sheet=sheet,
        base_version=sheet.current_version.number,
        is_public=False,
    )
    drain()
    assert search_query(user=None, q="ecoles").count == 0
    assert search_query(user=actors["reader"], q="ecoles").count == 1


def test_document_granted_to_one_person_is_found_by_them_only(make_workspace, drain):
    from documents.services import document_grant_view, document_revoke_view
    from tests.factories import UserFactory

    workspace, actors = make_workspace(visibility="private")
    doc = make_document(workspace, title="Note interne", text="le lavoir", visibility="members")
    drain()
    guest, other = UserFactory(), UserFactory()
    assert search_query(user=guest, q="lavoir").count == 0
    document_grant_view(actor=actors["owner"], document=doc, user=guest)
    assert [h.id for h in search_query(user=guest, q="lavoir").results] == [doc.pk]
    assert search_query(user=other, q="lavoir").count == 0
    document_revoke_view(actor=actors["owner"], document=doc, user=guest)
    assert search_query(user=guest, q="lavoir").count == 0
