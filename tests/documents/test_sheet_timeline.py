"""The sheet's history tells of new files in its documents, only to those who may see them."""

import pytest
from django.core.files.base import ContentFile

from documents.services import document_revision_add
from tests.projects.factories import make_sheet

from . import samples
from .conftest import web_client

pytestmark = pytest.mark.django_db


def test_history_lists_document_uploads_by_visibility(make_workspace, make_document):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["editor"], title="Place du marché")
    public = make_document(
        workspace, actors["owner"], name="plan.pdf", visibility="public", sheet=sheet
    )
    make_document(workspace, actors["owner"], name="devis.pdf", visibility="members", sheet=sheet)
    document_revision_add(
        actor=actors["editor"],
        document=public,
        file=ContentFile(samples.pdf("Plan v2"), name="plan-v2.pdf"),
    )

    def history(user) -> str:
        html = web_client(user).get(f"/fiches/{sheet.pk}/").content.decode()
        return html.split('id="historique"', 1)[1]

    member = history(actors["reader"])
    assert "a déposé le document — plan" in member
    assert "a déposé une nouvelle version — plan" in member
    assert "a déposé le document — devis" in member
    for outsider in (None, actors["outsider"]):
        seen = history(outsider)
        assert "a déposé le document — plan" in seen
        assert "devis" not in seen
