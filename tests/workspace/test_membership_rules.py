"""Membership rules: the last owner stays, roles map to permissions, activity is recorded."""

import pytest
from django.contrib.auth.models import AnonymousUser

from events.models import Activity
from workspace.errors import LastOwnerError, MembershipExists, UnknownUser
from workspace.models import Membership, Role, Workspace
from workspace.services import (
    membership_add,
    membership_change_role,
    membership_remove,
    workspace_create,
)

from ..conftest import client_for
from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_creator_becomes_owner_and_creation_is_logged():
    user = UserFactory()
    workspace = workspace_create(actor=user, name="Jardins partagés", kind="citizen_group")
    assert Membership.objects.get(workspace=workspace, user=user).role == Role.OWNER
    assert workspace.slug == "jardins-partages"
    assert Activity.objects.filter(verb="workspace.created", actor=user).exists()


def test_last_owner_cannot_be_removed_or_demoted():
    owner = UserFactory()
    workspace = workspace_create(actor=owner, name="Seul", kind="citizen_group")
    membership = Membership.objects.get(workspace=workspace, user=owner)
    with pytest.raises(LastOwnerError):
        membership_remove(actor=owner, membership=membership)
    with pytest.raises(LastOwnerError):
        membership_change_role(actor=owner, membership=membership, role=Role.EDITOR)
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_can_leave_once_another_owner_exists():
    owner = UserFactory()
    workspace = workspace_create(actor=owner, name="Duo", kind="citizen_group")
    second = UserFactory()
    membership_add(actor=owner, workspace=workspace, email=second.email, role=Role.OWNER)
    membership_remove(actor=owner, membership=Membership.objects.get(user=owner))
    assert list(workspace.memberships.values_list("user", "role")) == [(second.pk, Role.OWNER)]


def test_api_last_owner_is_409_and_nothing_changes():
    owner = UserFactory()
    workspace = workspace_create(actor=owner, name="Seul", kind="citizen_group")
    client = client_for(owner)
    url = f"/api/v1/workspaces/{workspace.slug}/members/{owner.pk}/"
    response = client.delete(url)
    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"
    response = client.patch(url, {"role": "reader"}, format="json")
    assert response.status_code == 409
    assert Membership.objects.get(user=owner).role == Role.OWNER


def test_add_unknown_email_or_existing_member_is_refused():
    owner = UserFactory()
    workspace = workspace_create(actor=owner, name="Espace", kind="citizen_group")
    # The internal service (demo data, scripts) adds known accounts only...
    with pytest.raises(UnknownUser):
        membership_add(actor=owner, workspace=workspace, email="nobody@x.org", role="reader")
    with pytest.raises(MembershipExists):
        membership_add(actor=owner, workspace=workspace, email=owner.email, role="reader")
    client = client_for(owner)
    # ...while the API invites, with one answer for every address (tests/security/test_accounts).
    response = client.post(
        f"/api/v1/workspaces/{workspace.slug}/members/",
        {"email": "nobody@x.org", "role": "reader"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["state"] == "invited"
    response = client.post(
        f"/api/v1/workspaces/{workspace.slug}/members/",
        {"email": owner.email, "role": "king"},
        format="json",
    )
    assert response.status_code == 400
    assert "role" in response.json()
    assert workspace.memberships.count() == 1


@pytest.mark.parametrize(
    ("role", "perms"),
    [
        (Role.READER, {"workspace.view_workspace", "workspace.view_members"}),
        (Role.CONTRIBUTOR, {"documents.add_document", "projects.add_projectsheet"}),
        (Role.EDITOR, {"documents.change_document", "projects.change_projectsheet"}),
        (Role.OWNER, {"workspace.manage_members", "workspace.change_workspace"}),
    ],
)
def test_has_perm_resolves_through_the_membership_role(role, perms):
    membership = MembershipFactory(role=role, workspace__visibility=Workspace.Visibility.PRIVATE)
    user, workspace = membership.user, membership.workspace
    for perm in perms:
        assert user.has_perm(perm, workspace)
    assert not user.has_perm("workspace.manage_members", workspace) or role == Role.OWNER
    # Never a model-level grant: without an object, the answer is no.
    assert not user.has_perm("workspace.view_workspace")
    outsider = UserFactory()
    assert not outsider.has_perm("workspace.view_workspace", workspace)
    assert not AnonymousUser().has_perm("workspace.view_workspace", workspace)


def test_public_workspace_is_viewable_by_anyone_but_nothing_more():
    workspace = MembershipFactory(role=Role.OWNER).workspace
    assert AnonymousUser().has_perm("workspace.view_workspace", workspace)
    assert not AnonymousUser().has_perm("workspace.view_members", workspace)


def test_role_lookups_are_cached_per_request_user(django_assert_num_queries):
    user = UserFactory()
    workspaces = [MembershipFactory(user=user, role=Role.EDITOR).workspace for _ in range(5)]
    with django_assert_num_queries(1):
        for workspace in workspaces:
            assert user.has_perm("documents.change_document", workspace)
            assert not user.has_perm("workspace.manage_members", workspace)


def test_membership_changes_are_logged():
    owner = UserFactory()
    workspace = workspace_create(actor=owner, name="Espace", kind="citizen_group")
    other = UserFactory()
    membership = membership_add(actor=owner, workspace=workspace, email=other.email, role="reader")
    membership_change_role(actor=owner, membership=membership, role="editor")
    membership_remove(actor=owner, membership=membership)
    verbs = list(Activity.objects.filter(workspace=workspace).values_list("verb", flat=True))
    assert set(verbs) >= {"membership.added", "membership.role_changed", "membership.removed"}


def test_activity_is_append_only():
    owner = UserFactory()
    workspace_create(actor=owner, name="Espace", kind="citizen_group")
    entry = Activity.objects.get()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        entry.verb = "tampered"
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
