"""Sheets of private workspaces, and members-only sheets, answer 404 to outsiders everywhere."""

import pytest
from django.test import Client

from projects.selectors import sheet_list_visible
from projects.services import framing_note_create
from workspace.models import Workspace

from ..conftest import client_for
from ..factories import UserFactory
from .factories import make_sheet, make_versions

pytestmark = pytest.mark.django_db

API_PATHS = [
    "/api/v1/sheets/{pk}/",
    "/api/v1/sheets/{pk}/versions/",
    "/api/v1/sheets/{pk}/versions/1/",
    "/api/v1/sheets/{pk}/diff/?from=1&to=2",
    "/api/v1/sheets/{pk}/framing-notes/",
]
WEB_PATHS = [
    "/fiches/{pk}/",
    "/fiches/{slug}/",
    "/fiches/{pk}/versions/",
    "/fiches/{pk}/versions/1/",
    "/fiches/{pk}/diff/?from=1&to=2",
    "/fiches/{pk}/modifier/",
    "/fiches/{pk}/cadrage/nouveau/",
]
WRITE_PATHS = [
    ("patch", "/api/v1/sheets/{pk}/", {"base_version": 2, "title": "x"}),
    ("post", "/api/v1/sheets/{pk}/versions/1/restore/", {}),
    (
        "post",
        "/api/v1/sheets/{pk}/framing-notes/",
        {"political_intent": "x", "participation_level": "consult", "use_of_contributions": "y"},
    ),
]


@pytest.fixture
def hidden_sheets(make_workspace):
    """A public sheet in a private workspace, and a members-only sheet in a public one."""
    private, private_actors = make_workspace(visibility=Workspace.Visibility.PRIVATE)
    public, public_actors = make_workspace()
    in_private = make_versions(
        make_sheet(private, private_actors["contributor"]), private_actors["editor"], 1
    )
    members_only = make_versions(
        make_sheet(public, public_actors["contributor"], is_public=False),
        public_actors["editor"],
        1,
    )
    return [(in_private, private_actors), (members_only, public_actors)]


def _web_client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "outsider", "staff", "official"])
@pytest.mark.parametrize("path", API_PATHS)
def test_api_reads_are_404(hidden_sheets, who, path):
    for sheet, actors in hidden_sheets:
        response = client_for(actors[who]).get(path.format(pk=sheet.pk))
        assert response.status_code == 404, (path, who)


@pytest.mark.parametrize("who", ["outsider", "staff", "official"])
@pytest.mark.parametrize(("method", "path", "data"), WRITE_PATHS)
def test_api_writes_are_404(hidden_sheets, who, method, path, data):
    for sheet, actors in hidden_sheets:
        client = client_for(actors[who])
        response = getattr(client, method)(path.format(pk=sheet.pk), data, format="json")
        assert response.status_code == 404, (path, who)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "staff", "official"])
@pytest.mark.parametrize("path", WEB_PATHS)
def test_pages_are_404(hidden_sheets, who, path):
    for sheet, actors in hidden_sheets:
        response = _web_client(actors[who]).get(path.format(pk=sheet.pk, slug=sheet.slug))
        assert response.status_code == 404, (path, who)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "staff"])
def test_hidden_sheets_absent_from_lists(hidden_sheets, who):
    for sheet, actors in hidden_sheets:
        user = actors[who]
        assert sheet not in sheet_list_visible(user=user)
        api = client_for(user).get("/api/v1/sheets/").json()
        assert sheet.pk not in [r["id"] for r in api["results"]]
        page = _web_client(user).get("/fiches/")
        assert page.status_code == 200
        assert f"/fiches/{sheet.pk}/" not in page.content.decode()


@pytest.mark.parametrize("who", ["reader", "contributor", "editor", "owner"])
def test_members_see_everything(hidden_sheets, who):
    for sheet, actors in hidden_sheets:
        client = client_for(actors[who])
        for path in API_PATHS:
            assert client.get(path.format(pk=sheet.pk)).status_code == 200, path
        assert sheet in sheet_list_visible(user=actors[who])
        assert _web_client(actors[who]).get(f"/fiches/{sheet.pk}/").status_code == 200


def test_superuser_sees_all(hidden_sheets):
    admin = UserFactory(is_superuser=True)
    for sheet, _actors in hidden_sheets:
        assert sheet in sheet_list_visible(user=admin)
        assert client_for(admin).get(f"/api/v1/sheets/{sheet.pk}/").status_code == 200


def test_draft_framing_note_only_visible_to_its_author(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    note = framing_note_create(
        actor=actors["official"],
        sheet=sheet,
        political_intent="Sens",
        participation_level="consult",
        use_of_contributions="Prise en compte",
    )
    other_official = UserFactory(platform_role="official")
    for user in [None, actors["owner"], other_official]:
        client = client_for(user)
        assert client.get(f"/api/v1/sheets/{sheet.pk}/framing-notes/").json()["results"] == []
        assert client.get(f"/api/v1/sheets/{sheet.pk}/framing-notes/{note.pk}/").status_code == 404
    mine = client_for(actors["official"]).get(f"/api/v1/sheets/{sheet.pk}/framing-notes/").json()
    assert [n["id"] for n in mine["results"]] == [note.pk]
