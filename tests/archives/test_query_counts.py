"""The archives page, the archived API list, an ended sheet's page and the export keep constant
queries as ended sheets (and what participation led to) grow."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.models import ProjectSheet, Stage

from ..conftest import client_for
from ..projects.factories import make_sheet

pytestmark = pytest.mark.django_db


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _ended(workspace, actor, count, start=0):
    for i in range(start, start + count):
        sheet = make_sheet(workspace, actor, title=f"Ancien {i}")
        ProjectSheet.objects.filter(pk=sheet.pk).update(
            stage=Stage.ARCHIVED if i % 2 else Stage.ABANDONED
        )


@pytest.mark.parametrize(
    "path",
    [
        "/archives/",
        "/archives/?territory=strasbourg&theme=mobilite&participation_level=consult&q=ancien",
        "/api/v1/sheets/?archived=true",
        "/donnees/fiches.csv",
        "/donnees/fiches.json",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_constant_as_ended_sheets_grow(make_workspace, path, who):
    workspace, actors = make_workspace()
    _ended(workspace, actors["contributor"], 3)
    user = actors[who]
    client = client_for(user) if path.startswith("/api/") else Client()
    if user is not None and not path.startswith("/api/"):
        client.force_login(user)
    client.get(path)
    small = _count(client, path)
    _ended(workspace, actors["contributor"], 40, start=3)
    assert _count(client, path) == small
    assert small <= 12
