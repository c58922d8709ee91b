"""Query counts stay constant as versions and sheets grow (pages and API lists)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ..conftest import client_for
from .factories import make_sheet, make_versions

pytestmark = pytest.mark.django_db


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/fiches/{pk}/",
        "/fiches/{pk}/versions/",
        "/fiches/{pk}/diff/?from=1&to=2",
        "/api/v1/sheets/{pk}/",
        "/api/v1/sheets/{pk}/versions/",
        "/api/v1/sheets/{pk}/diff/?from=1&to=2",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_sheet_pages_constant_as_versions_grow(make_workspace, path, who):
    workspace, actors = make_workspace()
    sheet = make_versions(make_sheet(workspace, actors["contributor"]), actors["editor"], 2)
    user = actors[who]
    client = Client()
    if user is not None:
        client.force_login(user)
    api = client_for(user)
    get = api.get if path.startswith("/api/") else client.get
    url = path.format(pk=sheet.pk)
    get(url)  # warm per-user caches (a forced API user object keeps its role cache)
    small = _count(lambda: get(url))
    make_versions(sheet, actors["editor"], 60)
    large = _count(lambda: get(url))
    assert large == small


@pytest.mark.parametrize(
    "path",
    [
        "/fiches/",
        "/api/v1/sheets/",
        "/fiches/?participation_level=consult",
        "/api/v1/sheets/?participation_level=consult",
    ],
)
def test_lists_constant_as_sheets_grow(make_workspace, path, django_assert_max_num_queries):
    workspace, actors = make_workspace()
    for i in range(3):
        make_sheet(workspace, actors["contributor"], title=f"Fiche {i}")
    client = client_for(actors["reader"]) if path.startswith("/api/") else Client()
    client.get(path)
    small = _count(lambda: client.get(path))
    for i in range(25):
        make_sheet(workspace, actors["contributor"], title=f"Autre {i}")
    with django_assert_max_num_queries(small):
        assert client.get(path).status_code == 200
    assert small <= 10
