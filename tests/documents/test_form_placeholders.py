"""The upload form offers no Django "---------" placeholder (issue 11, item 6)."""

import pytest

from .conftest import web_client

pytestmark = pytest.mark.django_db


def test_upload_form_labels_the_empty_sheet(make_workspace):
    workspace, actors = make_workspace()
    page = web_client(actors["contributor"]).get(f"/documents/espace/{workspace.slug}/deposer/")
    html = page.content.decode()
    assert "---------" not in html
    assert "Aucune fiche" in html
