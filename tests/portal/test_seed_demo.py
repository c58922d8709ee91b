import pytest
from django.core.management import call_command

from accounts.models import User
from workspace.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "platform_role", "is_superuser")),
        sorted(Workspace.objects.values_list("slug", "kind", "visibility")),
        sorted(Membership.objects.values_list("workspace__slug", "user__email", "role")),
    )


def test_seed_demo_creates_api_md_accounts_and_is_idempotent():
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    users, workspaces, memberships = first
    roles = {email: role for email, role, _su in users}
    assert roles["agent@demo.fabrique.test"] == "staff"
    assert roles["elue@demo.fabrique.test"] == "official"
    assert roles["moderation@demo.fabrique.test"] == "moderator"
    assert User.objects.get(email="admin@demo.fabrique.test").is_superuser
    assert ("collectif-velo-neudorf", "citizen_group", "public") in workspaces
    assert ("atelier-cour-ecole", "citizen_group", "private") in workspaces
    assert ("service-mobilite-ems", "institution", "public") in workspaces
    assert ("collectif-velo-neudorf", "alice@demo.fabrique.test", "owner") in memberships
    assert ("collectif-velo-neudorf", "bob@demo.fabrique.test", "contributor") in memberships
    assert not Membership.objects.filter(user__email="dan@demo.fabrique.test").exists()
    assert User.objects.get(email="dan@demo.fabrique.test").check_password("fabrique-demo")
