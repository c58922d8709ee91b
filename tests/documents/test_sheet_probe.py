"""Attaching a document to a sheet never tells whether another workspace's sheet exists."""

import pytest

from projects.models import ProjectSheet
from workspace.models import Workspace

from ..conftest import client_for

pytestmark = pytest.mark.django_db


def test_foreign_private_sheet_and_missing_sheet_answer_alike(make_workspace, make_document):
    workspace, actors = make_workspace()
    private, others = make_workspace(visibility=Workspace.Visibility.PRIVATE)
    secret = ProjectSheet.objects.create(workspace=private, title="Secret", slug="secret")
    document = make_document(workspace, actors["owner"])
    client = client_for(actors["editor"])
    answers = []
    for sheet_id in (secret.pk, 10**9, "abc"):
        response = client.patch(
            f"/api/v1/documents/{document.pk}/", {"sheet": sheet_id}, format="json"
        )
        answers.append((response.status_code, response.json()))
        document.refresh_from_db()
        assert document.sheet_id is None
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 400
