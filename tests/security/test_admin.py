"""Admin takeover: staff never change, deactivate, re-password or re-address a superuser or
another privileged account (admin change form, password form, bulk actions, delete, services);
only superusers manage privileged accounts; the admin writes only through services and is
read-only where no service exists. A matrix covers superuser, staff, moderator, official,
citizen; every refusal changes nothing."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import PlatformRole, User
from accounts.services import (
    AccountPermissionDenied,
    user_set_active,
    user_set_email,
    user_set_password,
    user_set_platform_role,
)
from events.models import Activity
from tests.factories import PASSWORD, UserFactory, WorkspaceFactory
from workspace.models import Workspace

pytestmark = pytest.mark.django_db

ACTORS = ["superuser", "staff", "moderator", "official", "citizen"]
TARGETS = ["superuser", "staff", "moderator", "citizen"]
NEW_PASSWORD = "une toute nouvelle phrase"


def _make(kind: str) -> User:
    if kind == "superuser":
        return User.objects.create_superuser(
            f"root{User.objects.count()}@example.org", PASSWORD, display_name="Root"
        )
    user = UserFactory()
    if kind != "citizen":
        user_set_platform_role(actor=None, user=user, role=kind)
    user.refresh_from_db()
    return user


def _snapshot():
    return list(
        User.objects.order_by("pk").values_list(
            "pk", "email", "password", "is_active", "platform_role", "is_staff", "is_superuser"
        )
    )


def _change_data(client, user: User, **changes) -> dict:
    """The change form as the admin renders it for a superuser, with some values changed."""
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "commune": "",
        "bio": user.bio,
        "mandate": user.mandate,
        "response_delay_days": "",
        "platform_role": user.platform_role,
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


# Who may change whose account in the admin (POST of the change form): 302 = saved.
CHANGE_MATRIX = {
    "superuser": {"superuser": 302, "staff": 302, "moderator": 302, "citizen": 302},
    "staff": {"superuser": 403, "staff": 403, "moderator": 403, "citizen": 302},
    # Moderators only view accounts; officials and citizens have no admin (login page).
    "moderator": {"superuser": 403, "staff": 403, "moderator": 403, "citizen": 403},
    "official": dict.fromkeys(TARGETS, 302),
    "citizen": dict.fromkeys(TARGETS, 302),
}


@pytest.mark.parametrize("target_kind", TARGETS)
@pytest.mark.parametrize("actor_kind", ACTORS)
def test_admin_change_form_matrix(client, actor_kind, target_kind):
    actor, target = _make(actor_kind), _make(target_kind)
    client.force_login(actor)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    before = _snapshot()
    response = client.post(
        url, _change_data(client, target, email="pris@example.org", display_name="Pris")
    )
    expected = CHANGE_MATRIX[actor_kind][target_kind]
    assert response.status_code == expected
    target.refresh_from_db()
    if expected == 302 and actor_kind in ("superuser", "staff"):
        assert response["Location"].endswith(reverse("admin:accounts_user_changelist"))
        assert target.email == "pris@example.org"
        assert Activity.objects.filter(verb="user.email_changed", actor=actor).exists()
    else:
        assert _snapshot() == before
        assert target.display_name != "Pris"


# The password form /admin/accounts/user/<id>/password/.
PASSWORD_MATRIX = {
    "superuser": {"superuser": 302, "staff": 302, "moderator": 302, "citizen": 302},
    "staff": {"superuser": 403, "staff": 403, "moderator": 403, "citizen": 302},
    "moderator": dict.fromkeys(TARGETS, 403),
    "official": dict.fromkeys(TARGETS, 302),
    "citizen": dict.fromkeys(TARGETS, 302),
}


@pytest.mark.parametrize("target_kind", TARGETS)
@pytest.mark.parametrize("actor_kind", ACTORS)
def test_admin_password_form_matrix(client, actor_kind, target_kind):
    actor, target = _make(actor_kind), _make(target_kind)
    client.force_login(actor)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    before = _snapshot()
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    expected = PASSWORD_MATRIX[actor_kind][target_kind]
    assert response.status_code == expected
    target.refresh_from_db()
    changed = target.check_password(NEW_PASSWORD)
    if expected == 302 and actor_kind in ("superuser", "staff"):
        assert changed
        assert Activity.objects.filter(verb="user.password_set", actor=actor).exists()
    else:
        assert not changed
        assert _snapshot() == before


@pytest.mark.parametrize("actor_kind", ACTORS)
def test_admin_pages_matrix(client, actor_kind):
    """Who reaches what: the index, the user list, a user's page, the delete page (nobody:
    no deletion service), the add page (superusers only)."""
    actor, citizen = _make(actor_kind), _make("citizen")
    client.force_login(actor)
    pages = {
        "index": reverse("admin:index"),
        "users": reverse("admin:accounts_user_changelist"),
        "user": reverse("admin:accounts_user_change", args=[citizen.pk]),
        "delete": reverse("admin:accounts_user_delete", args=[citizen.pk]),
        "add": reverse("admin:accounts_user_add"),
    }
    expected = {
        "superuser": {"index": 200, "users": 200, "user": 200, "delete": 403, "add": 200},
        "staff": {"index": 200, "users": 200, "user": 200, "delete": 403, "add": 403},
        "moderator": {"index": 200, "users": 200, "user": 200, "delete": 403, "add": 403},
        "official": dict.fromkeys(pages, 302),
        "citizen": dict.fromkeys(pages, 302),
    }[actor_kind]
    assert {name: client.get(url).status_code for name, url in pages.items()} == expected
    assert User.objects.filter(pk=citizen.pk).exists()


@pytest.mark.parametrize("actor_kind", ["superuser", "staff"])
def test_staff_sees_a_superuser_read_only(client, actor_kind):
    actor, root = _make(actor_kind), _make("superuser")
    client.force_login(actor)
    page = client.get(reverse("admin:accounts_user_change", args=[root.pk]))
    assert page.status_code == 200
    # No editable e-mail field for staff: the page is the read-only view.
    assert ('name="email"' in page.content.decode()) is (actor_kind == "superuser")


@pytest.mark.parametrize("actor_kind", ["staff", "moderator"])
def test_bulk_deactivation_with_a_privileged_account_changes_nothing(client, actor_kind):
    actor = _make(actor_kind)
    citizen, root, other_staff = _make("citizen"), _make("superuser"), _make("staff")
    client.force_login(actor)
    before = _snapshot()
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "deactivate_users",
            "_selected_action": [citizen.pk, root.pk, other_staff.pk],
        },
    )
    # Staff: refused as a whole (message); moderators have no such action (no change right).
    assert response.status_code in (200, 302)
    assert _snapshot() == before


def test_bulk_deactivation_of_citizens_goes_through_the_service(client):
    staff, citizens = _make("staff"), [_make("citizen"), _make("citizen")]
    client.force_login(staff)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [c.pk for c in citizens]},
    )
    for citizen in citizens:
        citizen.refresh_from_db()
        assert not citizen.is_active and citizen.deactivated_at is not None
    assert Activity.objects.filter(verb="user.deactivated", actor=staff).count() == 2


def test_staff_cannot_promote_anyone_to_a_privileged_role(client):
    staff, citizen = _make("staff"), _make("citizen")
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[citizen.pk])
    before = _snapshot()
    for role in ("staff", "moderator"):
        response = client.post(url, _change_data(client, citizen, platform_role=role))
        assert response.status_code == 200  # the form refuses the choice
        assert response.context["adminform"].form.errors
    assert _snapshot() == before
    with pytest.raises(AccountPermissionDenied):
        user_set_platform_role(actor=staff, user=citizen, role=PlatformRole.STAFF)
    assert _snapshot() == before


def test_superuser_promotes_and_it_is_effective_at_once_and_logged(client):
    root, citizen = _make("superuser"), _make("citizen")
    assert not citizen.has_perm("accounts.view_user")  # fills the instance's cache
    user_set_platform_role(actor=root, user=citizen, role=PlatformRole.STAFF)
    # The same instance answers with the new role: no cached permission survives.
    assert citizen.is_staff and citizen.has_perm("accounts.view_user")
    assert citizen.groups.filter(name="platform-staff").exists()
    entry = Activity.objects.get(verb="user.role_changed")
    assert entry.actor == root and entry.workspace is None
    assert entry.data == {"from": "citizen", "to": "staff"}
    # And demoting takes admin access away at once, on the next request too.
    user_set_platform_role(actor=root, user=citizen, role=PlatformRole.CITIZEN)
    assert not citizen.has_perm("accounts.view_user")
    client.force_login(citizen)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("target_kind", ["superuser", "staff", "moderator"])
def test_services_refuse_staff_on_privileged_accounts(target_kind):
    staff, target = _make("staff"), _make(target_kind)
    before = _snapshot()
    calls = [
        lambda: user_set_active(actor=staff, user=target, active=False),
        lambda: user_set_password(actor=staff, user=target, password=NEW_PASSWORD),
        lambda: user_set_email(actor=staff, user=target, email="pris@example.org"),
        lambda: user_set_platform_role(actor=staff, user=target, role=PlatformRole.CITIZEN),
    ]
    for call in calls:
        with pytest.raises(AccountPermissionDenied):
            call()
    assert _snapshot() == before
    assert (
        not Activity.objects.filter(verb__startswith="user.")
        .exclude(verb="user.role_changed", actor=None)
        .exists()
    )


def test_services_let_staff_manage_citizens_and_log_it():
    staff, citizen = _make("staff"), _make("citizen")
    user_set_email(actor=staff, user=citizen, email="Nouvelle@Example.org")
    user_set_password(actor=staff, user=citizen, password=NEW_PASSWORD)
    user_set_platform_role(actor=staff, user=citizen, role=PlatformRole.OFFICIAL)
    user_set_active(actor=staff, user=citizen, active=False)
    citizen.refresh_from_db()
    assert citizen.email == "nouvelle@example.org" and citizen.check_password(NEW_PASSWORD)
    assert citizen.platform_role == "official" and not citizen.is_active
    verbs = set(Activity.objects.filter(actor=staff).values_list("verb", flat=True))
    assert verbs == {
        "user.email_changed",
        "user.password_set",
        "user.role_changed",
        "user.deactivated",
    }


def test_own_password_change_in_the_admin_goes_through_the_service(client):
    staff = _make("staff")
    client.force_login(staff)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert Activity.objects.filter(verb="user.password_set", actor=staff).exists()


# Domain objects without a service behind the admin are read-only, for superusers too.
READ_ONLY_PAGES = [
    ("workspace", "workspace"),
    ("documents", "document"),
    ("auth", "group"),
]


@pytest.mark.parametrize(("app", "model"), READ_ONLY_PAGES)
def test_admin_is_read_only_where_no_service_exists(client, app, model):
    from documents.models import Document

    root = _make("superuser")
    workspace = WorkspaceFactory()
    objects = {
        "workspace": workspace,
        "document": Document.objects.create(workspace=workspace, title="Doc", created_by=root),
        "group": Group.objects.get(name="platform-staff"),
    }
    obj = objects[model]
    client.force_login(root)
    change = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    delete = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
    assert client.get(change).status_code == 200  # viewable
    assert client.post(change, {"name": "Pris", "title": "Pris"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    obj.refresh_from_db()
    assert getattr(obj, "name", getattr(obj, "title", None)) != "Pris"


@pytest.mark.parametrize(
    ("actor_kind", "status", "granted"),
    [
        ("superuser", 302, True),
        ("staff", 302, True),
        # Moderators and others cannot reach workspaces in the admin at all.
        ("moderator", 403, False),
        ("official", 302, False),
        ("citizen", 302, False),
    ],
)
def test_admin_institution_grant_action(client, actor_kind, status, granted):
    actor = _make(actor_kind)
    workspace = WorkspaceFactory()
    client.force_login(actor)
    response = client.post(
        reverse("admin:workspace_workspace_changelist"),
        {"action": "grant_institution", "_selected_action": [workspace.pk]},
    )
    assert response.status_code == status
    workspace.refresh_from_db()
    assert (workspace.kind == Workspace.Kind.INSTITUTION) is granted
    assert (workspace.institution_granted_by == actor) is granted


@pytest.mark.parametrize(("actor_kind", "status"), [("superuser", 302), ("staff", 403)])
def test_admin_user_creation_goes_through_the_service(client, actor_kind, status):
    actor = _make(actor_kind)
    client.force_login(actor)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouveau@Example.org",
            "display_name": "Nouveau",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == status
    created = User.objects.filter(email="nouveau@example.org").first()
    assert (created is not None) is (status == 302)
    if created is not None:
        assert created.is_active and created.email_confirmed_at is not None
        assert created.check_password(NEW_PASSWORD) and not created.is_staff
        assert Activity.objects.filter(verb="user.created", actor=actor).exists()


@pytest.mark.parametrize(("app", "model"), [("territories", "territory"), ("territories", "theme")])
def test_territories_and_themes_are_edited_through_the_services_and_never_deleted(
    client, app, model
):
    """GIVEN staff in the admin WHEN they rename a commune or a theme THEN the service saves it,
    slug untouched; and no deletion is offered (a theme deleted from under its sheets would
    change them without a version or a re-index)."""
    from projects.models import ProjectSheet
    from territories.models import Territory, Theme

    staff = _make("staff")
    obj = (
        Territory.objects.get(slug="illkirch-graffenstaden")
        if model == "territory"
        else Theme.objects.get(slug="mobilite")
    )
    client.force_login(staff)
    change = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    data = {"name": "Nouveau nom", "description": "", "kind": getattr(obj, "kind", "")}
    if model == "territory":
        data["parent"] = obj.parent_id or ""
    with_sheets = ProjectSheet.objects.count()
    assert client.post(change, data).status_code == 302
    obj.refresh_from_db()
    assert obj.name == "Nouveau nom" and obj.slug in ("illkirch-graffenstaden", "mobilite")
    delete = reverse(f"admin:{app}_{model}_delete", args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert ProjectSheet.objects.count() == with_sheets
