"""The sheets API: list and filters, create, edit with conflicts, versions, diff, restore."""

import pytest

from projects.models import ProjectSheet, SheetVersion, Stage
from workspace.models import Workspace

from ..conftest import client_for
from .factories import LONG_SUMMARY, make_sheet, make_versions

pytestmark = pytest.mark.django_db


def test_list_shows_visible_sheets_with_contract_fields(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    response = client_for(None).get("/api/v1/sheets/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert {"id", "slug", "title", "stage", "workspace"} <= set(item)
    assert item["id"] == sheet.pk
    assert item["workspace"] == workspace.slug
    assert item["stage"] == "initiative"
    assert item["version"] == 1
    assert item["territory"] == "strasbourg" and item["themes"] == ["mobilite"]


def test_list_filters(make_workspace):
    workspace, actors = make_workspace()
    other, other_actors = make_workspace()
    a = make_sheet(workspace, actors["contributor"], title="Vélo rue du Jura")
    b = make_sheet(other, other_actors["contributor"], title="Jardin partagé", themes=[])
    ProjectSheet.objects.filter(pk=b.pk).update(stage=Stage.CONSULTATION)
    client = client_for(None)

    def ids(query):
        return [r["id"] for r in client.get(f"/api/v1/sheets/?{query}").json()["results"]]

    assert ids(f"workspace={workspace.slug}") == [a.pk]
    assert ids("stage=consultation") == [b.pk]
    assert ids("theme=mobilite") == [a.pk]
    assert sorted(ids("territory=strasbourg")) == sorted([a.pk, b.pk])
    assert ids("q=jardin") == [b.pk]
    assert ids("q=école") == sorted([a.pk, b.pk], reverse=True) or set(ids("q=école")) == {
        a.pk,
        b.pk,
    }


def test_create_via_api(make_workspace):
    workspace, actors = make_workspace()
    payload = {
        "title": "Piste cyclable rue du Jura",
        "summary": LONG_SUMMARY,
        "body": "Texte",
        "territory": "strasbourg",
        "themes": ["mobilite"],
        "is_public": True,
        "context": "Le contexte",
        "sections": {"objectives": "Des objectifs"},
    }
    url = f"/api/v1/workspaces/{workspace.slug}/sheets/"
    response = client_for(actors["contributor"]).post(url, payload, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["stage"] == "initiative" and data["version"] == 1
    assert data["slug"] == "piste-cyclable-rue-du-jura"
    assert data["sections"] == {"context": "Le contexte", "objectives": "Des objectifs"}
    assert data["framing_notes"] == []
    assert isinstance(data["checklist"], list)


@pytest.mark.parametrize(
    ("actor", "status"),
    [("anonymous", 401), ("outsider", 403), ("reader", 403), ("contributor", 201)],
)
def test_create_permissions(make_workspace, actor, status):
    workspace, actors = make_workspace()
    response = client_for(actors[actor]).post(
        f"/api/v1/workspaces/{workspace.slug}/sheets/",
        {"title": "T", "summary": "S"},
        format="json",
    )
    assert response.status_code == status


def test_create_in_private_workspace_of_others_is_404(make_workspace):
    workspace, actors = make_workspace(visibility=Workspace.Visibility.PRIVATE)
    response = client_for(actors["outsider"]).post(
        f"/api/v1/workspaces/{workspace.slug}/sheets/", {"title": "T", "summary": "S"}
    )
    assert response.status_code == 404


def test_patch_conflict_returns_409_with_current_version(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    url = f"/api/v1/sheets/{sheet.pk}/"
    first = client_for(actors["editor"]).patch(
        url, {"base_version": 1, "body": "A\n", "change_note": "mine"}, format="json"
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = client_for(actors["owner"]).patch(
        url, {"base_version": 1, "body": "B\n"}, format="json"
    )
    assert second.status_code == 409
    body = second.json()
    assert body["current_version"] == 2
    assert body["code"] == "version_conflict"
    assert body["detail"]
    assert SheetVersion.objects.filter(sheet=sheet).count() == 2


def test_patch_requires_base_version_and_validates_sections(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    client = client_for(actors["editor"])
    url = f"/api/v1/sheets/{sheet.pk}/"
    assert client.patch(url, {"title": "x"}, format="json").status_code == 400
    response = client.patch(url, {"base_version": 1, "questions": "?"}, format="json")
    assert response.status_code == 400
    assert "questions" in response.json()
    response = client.patch(url, {"base_version": 1, "sections": {"nope": "x"}}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("actor", "status"),
    [("anonymous", 401), ("outsider", 403), ("reader", 403), ("contributor", 403), ("editor", 200)],
)
def test_patch_permissions(make_workspace, actor, status):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    response = client_for(actors[actor]).patch(
        f"/api/v1/sheets/{sheet.pk}/", {"base_version": 1, "title": "Nouveau"}, format="json"
    )
    assert response.status_code == status


def test_archived_sheet_patch_is_409(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    ProjectSheet.objects.filter(pk=sheet.pk).update(stage=Stage.ARCHIVED)
    response = client_for(actors["owner"]).patch(
        f"/api/v1/sheets/{sheet.pk}/", {"base_version": 1, "title": "x"}, format="json"
    )
    assert response.status_code == 409


def test_versions_version_diff_restore(make_workspace):
    workspace, actors = make_workspace()
    sheet = make_sheet(workspace, actors["contributor"])
    make_versions(sheet, actors["editor"], 2)
    anonymous = client_for(None)
    versions = anonymous.get(f"/api/v1/sheets/{sheet.pk}/versions/").json()
    assert [v["number"] for v in versions["results"]] == [3, 2, 1]
    assert {"number", "author", "created", "change_note"} <= set(versions["results"][0])
    v1 = anonymous.get(f"/api/v1/sheets/{sheet.pk}/versions/1/").json()
    assert v1["body"] == "Première ligne\nDeuxième ligne\n"
    assert anonymous.get(f"/api/v1/sheets/{sheet.pk}/versions/9/").status_code == 404
    diff = anonymous.get(f"/api/v1/sheets/{sheet.pk}/diff/?from=1&to=3").json()
    assert diff["from"] == 1 and diff["to"] == 3
    (body,) = diff["fields"]
    assert body["field"] == "body"
    assert {"op": "insert", "text": "Version 3\nligne commune\n"} in body["ops"]
    assert {"op": "delete", "text": "Première ligne\nDeuxième ligne\n"} in body["ops"]
    assert anonymous.get(f"/api/v1/sheets/{sheet.pk}/diff/?from=1&to=7").status_code == 404
    assert anonymous.get(f"/api/v1/sheets/{sheet.pk}/diff/?from=x").status_code == 400
    url = f"/api/v1/sheets/{sheet.pk}/versions/1/restore/"
    assert anonymous.post(url).status_code == 401
    assert client_for(actors["reader"]).post(url).status_code == 403
    response = client_for(actors["editor"]).post(url, {"change_note": "retour"}, format="json")
    assert response.status_code == 201
    assert response.json()["version"] == 4
    assert response.json()["body"] == "Première ligne\nDeuxième ligne\n"
