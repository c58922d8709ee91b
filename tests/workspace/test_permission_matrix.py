"""Every workspace action × every actor, through the API and the HTML pages.

Expected outcomes are written out per actor so that a change in the rules shows up as a failing
row, not as a silently different behaviour.
"""

import pytest
from django.core import mail
from django.urls import reverse

from workspace.models import Membership, Role

from ..conftest import ALL_ACTORS, client_for

pytestmark = pytest.mark.django_db

# For each action: expected status per actor, on a public and on a private workspace.
API_MATRIX = {
    "retrieve": {
        "public": dict.fromkeys(ALL_ACTORS, 200),
        "private": {
            "anonymous": 404,
            "outsider": 404,
            "reader": 200,
            "contributor": 200,
            "editor": 200,
            "owner": 200,
            "staff": 404,
        },
    },
    "update": {
        "public": {
            "anonymous": 401,
            "outsider": 403,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 200,
            "staff": 403,
        },
        "private": {
            "anonymous": 401,
            "outsider": 404,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 200,
            "staff": 404,
        },
    },
    "list_members": {
        "public": {
            "anonymous": 401,
            "outsider": 403,
            "reader": 200,
            "contributor": 200,
            "editor": 200,
            "owner": 200,
            "staff": 403,
        },
        "private": {
            "anonymous": 401,
            "outsider": 404,
            "reader": 200,
            "contributor": 200,
            "editor": 200,
            "owner": 200,
            "staff": 404,
        },
    },
    "add_member": {
        "public": {
            "anonymous": 401,
            "outsider": 403,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 201,
            "staff": 403,
        },
        "private": {
            "anonymous": 401,
            "outsider": 404,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 201,
            "staff": 404,
        },
    },
    "change_role": {
        "public": {
            "anonymous": 401,
            "outsider": 403,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 200,
            "staff": 403,
        },
        "private": {
            "anonymous": 401,
            "outsider": 404,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 200,
            "staff": 404,
        },
    },
    "remove_member": {
        "public": {
            "anonymous": 401,
            "outsider": 403,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 204,
            "staff": 403,
        },
        "private": {
            "anonymous": 401,
            "outsider": 404,
            "reader": 403,
            "contributor": 403,
            "editor": 403,
            "owner": 204,
            "staff": 404,
        },
    },
}


def _call(action, client, workspace, target, newcomer):
    base = f"/api/v1/workspaces/{workspace.slug}/"
    if action == "retrieve":
        return client.get(base)
    if action == "update":
        return client.patch(base, {"description": "Nouvelle description"}, format="json")
    if action == "list_members":
        return client.get(base + "members/")
    if action == "add_member":
        return client.post(
            base + "members/", {"email": newcomer.email, "role": "reader"}, format="json"
        )
    if action == "change_role":
        return client.patch(base + f"members/{target.pk}/", {"role": "contributor"}, format="json")
    if action == "remove_member":
        return client.delete(base + f"members/{target.pk}/")
    raise AssertionError(action)


@pytest.mark.parametrize("visibility", ["public", "private"])
@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("action", list(API_MATRIX))
def test_api_workspace_matrix(make_workspace, action, actor, visibility):
    from tests.factories import MembershipFactory, UserFactory

    workspace, actors = make_workspace(visibility=visibility)
    newcomer = UserFactory()
    # The member acted upon is a separate reader: never the actor (leaving is tested apart).
    target = MembershipFactory(workspace=workspace, role=Role.READER).user
    before = list(Membership.objects.order_by("pk").values_list("user_id", "role"))
    response = _call(action, client_for(actors[actor]), workspace, target, newcomer)
    expected = API_MATRIX[action][visibility][actor]
    assert response.status_code == expected, response.content
    after = list(Membership.objects.order_by("pk").values_list("user_id", "role"))
    if expected >= 400:
        # A refused action changes nothing.
        assert after == before
        workspace.refresh_from_db()
        assert workspace.description != "Nouvelle description"


HTML_MATRIX = {
    # page: {actor: status} for a private workspace; public workspace detail is 200 for all.
    "detail": {
        "anonymous": 404,
        "outsider": 404,
        "reader": 200,
        "contributor": 200,
        "editor": 200,
        "owner": 200,
        "staff": 404,
    },
    "edit": {
        "anonymous": 302,
        "outsider": 404,
        "reader": 403,
        "contributor": 403,
        "editor": 403,
        "owner": 200,
        "staff": 404,
    },
    "members": {
        "anonymous": 302,
        "outsider": 404,
        "reader": 200,
        "contributor": 200,
        "editor": 200,
        "owner": 200,
        "staff": 404,
    },
}


@pytest.mark.parametrize("actor", ALL_ACTORS)
@pytest.mark.parametrize("page", list(HTML_MATRIX))
def test_html_private_workspace_matrix(client, make_workspace, page, actor):
    workspace, actors = make_workspace(visibility="private")
    if actors[actor] is not None:
        client.force_login(actors[actor])
    response = client.get(reverse(f"workspace:{page}", args=[workspace.slug]))
    assert response.status_code == HTML_MATRIX[page][actor]
    if response.status_code == 404:
        assert workspace.name not in response.content.decode()


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_html_public_workspace_detail_visible_to_all(client, make_workspace, actor):
    workspace, actors = make_workspace(visibility="public")
    if actors[actor] is not None:
        client.force_login(actors[actor])
    response = client.get(reverse("workspace:detail", args=[workspace.slug]))
    assert response.status_code == 200
    assert workspace.name in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("outsider", False),
        ("reader", False),
        ("contributor", False),
        ("editor", False),
        ("owner", True),
        ("staff", False),
    ],
)
def test_html_add_member_only_by_owner(
    client, make_workspace, actor, allowed, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    workspace, actors = make_workspace(visibility="public")
    newcomer = UserFactory()
    client.force_login(actors[actor])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:members", args=[workspace.slug]),
            {"email": newcomer.email, "role": "editor"},
        )
    # Adding invites: the newcomer is e-mailed and joins only by accepting.
    assert not Membership.objects.filter(workspace=workspace, user=newcomer).exists()
    assert [m.to for m in mail.outbox] == ([[newcomer.email]] if allowed else [])
    assert response.status_code == (302 if allowed else 403)


def test_html_owner_changes_role_and_removes(client, make_workspace):
    workspace, actors = make_workspace()
    client.force_login(actors["owner"])
    reader = actors["reader"]
    client.post(
        reverse("workspace:member_role", args=[workspace.slug, reader.pk]),
        {f"m{reader.pk}-role": "editor"},
    )
    assert Membership.objects.get(workspace=workspace, user=reader).role == Role.EDITOR
    remove = reverse("workspace:member_remove", args=[workspace.slug, reader.pk])
    asked = client.post(remove)  # a confirmation page first (issue 11, item 6)
    assert asked.status_code == 200
    assert f"Retirer {reader.display_name} de l" in asked.content.decode()
    assert Membership.objects.filter(workspace=workspace, user=reader).exists()
    client.post(remove, {"confirmed": "1"})
    assert not Membership.objects.filter(workspace=workspace, user=reader).exists()


def test_member_may_leave_workspace(client, make_workspace):
    workspace, actors = make_workspace()
    client.force_login(actors["reader"])
    leave = reverse("workspace:member_remove", args=[workspace.slug, actors["reader"].pk])
    assert "Quitter l&#x27;espace" in client.post(leave).content.decode()
    response = client.post(leave, {"confirmed": "1"})
    assert response.status_code == 302
    assert not Membership.objects.filter(workspace=workspace, user=actors["reader"]).exists()
