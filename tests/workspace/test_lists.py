"""Listing visible workspaces: right rows, one query whatever the number of workspaces."""

import pytest
from django.urls import reverse

from workspace.models import Role, Workspace
from workspace.selectors import workspace_list_visible

from ..conftest import client_for
from ..factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def _populate(user, n):
    for i in range(n):
        WorkspaceFactory(visibility=Workspace.Visibility.PUBLIC)
        WorkspaceFactory(visibility=Workspace.Visibility.PRIVATE)
        if i % 2 == 0:
            MembershipFactory(
                user=user, role=Role.READER, workspace__visibility=Workspace.Visibility.PRIVATE
            )


def test_visible_workspaces_are_public_plus_mine():
    user = UserFactory()
    _populate(user, 4)
    visible = set(workspace_list_visible(user=user).values_list("visibility", "memberships__user"))
    slugs = set(workspace_list_visible(user=user).values_list("slug", flat=True))
    expected = set(
        Workspace.objects.filter(visibility="public").values_list("slug", flat=True)
    ) | set(Workspace.objects.filter(memberships__user=user).values_list("slug", flat=True))
    assert slugs == expected
    assert visible
    anonymous = set(workspace_list_visible(user=None).values_list("slug", flat=True))
    assert anonymous == set(
        Workspace.objects.filter(visibility="public").values_list("slug", flat=True)
    )


@pytest.mark.parametrize("n", [2, 20])
def test_selector_is_one_query(django_assert_num_queries, n):
    user = UserFactory()
    _populate(user, n)
    with django_assert_num_queries(1):
        list(workspace_list_visible(user=user))


@pytest.mark.parametrize("n", [3, 30])
def test_api_list_query_count_is_bounded(django_assert_max_num_queries, n):
    user = UserFactory()
    _populate(user, n)
    client = client_for(user)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/workspaces/")
    assert response.status_code == 200
    private_visible = [r for r in response.json()["results"] if r["visibility"] == "private"]
    assert (
        len(private_visible)
        == Workspace.objects.filter(memberships__user=user, visibility="private").count()
        or response.json()["next"]
    )


@pytest.mark.parametrize("n", [3, 30])
def test_html_list_and_home_query_count_is_bounded(client, django_assert_max_num_queries, n):
    user = UserFactory()
    _populate(user, n)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("workspace:list")).status_code == 200
    # The home page: one more query than the list, for the next meetings (issue 18).
    with django_assert_max_num_queries(9):
        assert client.get(reverse("home")).status_code == 200


def test_api_create_makes_caller_owner_and_requires_auth(api_client):
    response = api_client.post(
        "/api/v1/workspaces/", {"name": "Nouveau", "kind": "institution"}, format="json"
    )
    assert response.status_code == 401
    user = UserFactory()
    client = client_for(user)
    response = client.post(
        "/api/v1/workspaces/",
        {
            "name": "Nouveau",
            "kind": "citizen_group",
            "visibility": "private",
            "territory": "strasbourg",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "nouveau" and body["territory"] == "strasbourg"
    assert Workspace.objects.get(slug="nouveau").memberships.get().role == Role.OWNER
    bad = client.post("/api/v1/workspaces/", {"name": "X", "kind": "club"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()


def test_html_create_workspace(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("workspace:create"),
        {"name": "Conseil de quartier", "kind": "citizen_group", "visibility": "public"},
    )
    workspace = Workspace.objects.get(name="Conseil de quartier")
    assert response.status_code == 302 and response["Location"] == workspace.get_absolute_url()
    invalid = client.post(reverse("workspace:create"), {"name": "", "kind": "club"})
    assert invalid.status_code == 200
    content = invalid.content.decode()
    assert 'id="id_name_error"' in content and "has-error" in content
