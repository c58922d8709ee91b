"""The mediator capability: staff grant and withdraw it (page and admin), the trail keeps who
and when, and `is_mediator` answers for anonymous, citizen, mediator, withdrawn and staff."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.models import MediatorGrant, PlatformRole
from accounts.permissions import can_manage_mediators, is_mediator
from accounts.services.mediation import (
    MediationError,
    MediationPermissionDenied,
    mediator_grant,
    mediator_revoke,
)
from events.models import Activity

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(platform_role=PlatformRole.STAFF, is_staff=True)


def test_permission_matrix(staff):
    citizen = UserFactory()
    mediator = UserFactory()
    withdrawn = UserFactory()
    moderator = UserFactory(platform_role=PlatformRole.MODERATOR, is_staff=True)
    mediator_grant(actor=staff, user=mediator)
    mediator_grant(actor=staff, user=withdrawn)
    mediator_revoke(actor=staff, user=withdrawn)
    fresh = {u.pk: type(u).objects.get(pk=u.pk) for u in (citizen, mediator, withdrawn)}
    assert is_mediator(AnonymousUser()) is False
    assert is_mediator(fresh[citizen.pk]) is False
    assert is_mediator(fresh[mediator.pk]) is True
    assert is_mediator(fresh[withdrawn.pk]) is False
    assert is_mediator(moderator) is False
    assert is_mediator(staff) is True  # staff mediate themselves
    assert [can_manage_mediators(u) for u in (AnonymousUser(), citizen, mediator, staff)] == [
        False,
        False,
        False,
        True,
    ]


def test_inactive_mediator_is_not_one(staff):
    mediator = UserFactory()
    mediator_grant(actor=staff, user=mediator)
    mediator.is_active = False
    assert is_mediator(mediator) is False


def test_grant_and_revoke_keep_the_trail(staff):
    person = UserFactory()
    grant = mediator_grant(actor=staff, user=person)
    assert is_mediator(person) is True
    revoked = mediator_revoke(actor=staff, user=person)
    assert revoked.pk == grant.pk and revoked.revoked_by == staff and revoked.revoked_at
    assert is_mediator(person) is False
    mediator_grant(actor=staff, user=person)
    rows = MediatorGrant.objects.filter(user=person)
    assert rows.count() == 2 and rows.filter(revoked_at__isnull=True).count() == 1
    verbs = list(
        Activity.objects.filter(verb__startswith="user.mediator").values_list("verb", flat=True)
    )
    assert sorted(verbs) == ["user.mediator_granted"] * 2 + ["user.mediator_revoked"]


def test_refusals(staff):
    citizen = UserFactory()
    person = UserFactory()
    with pytest.raises(MediationPermissionDenied):
        mediator_grant(actor=citizen, user=person)
    mediator_grant(actor=staff, user=person)
    with pytest.raises(MediationPermissionDenied):
        mediator_revoke(actor=person, user=person)  # a mediator cannot withdraw anyone
    with pytest.raises(MediationError):
        mediator_grant(actor=staff, user=person)  # already one
    with pytest.raises(MediationError):
        mediator_revoke(actor=staff, user=citizen)  # not one
    inactive = UserFactory(is_active=False)
    with pytest.raises(MediationError):
        mediator_grant(actor=staff, user=inactive)
    assert MediatorGrant.objects.count() == 1


@pytest.mark.parametrize("role", ["anonymous", "citizen", "mediator"])
def test_page_refused_to_non_staff(client, staff, role):
    if role != "anonymous":
        user = UserFactory()
        if role == "mediator":
            mediator_grant(actor=staff, user=user)
        client.force_login(user)
    response = client.get(reverse("accounts:mediators"))
    assert response.status_code == (302 if role == "anonymous" else 403)
    response = client.post(reverse("accounts:mediators"), {"grant": "1", "email": "x@y.org"})
    assert (
        response.status_code in (302, 403)
        and not MediatorGrant.objects.filter(user__email="x@y.org").exists()
    )


def test_staff_grant_and_revoke_on_the_page(client, staff):
    person = UserFactory(email="mediatrice@example.org", display_name="Mme Médiatrice")
    client.force_login(staff)
    response = client.post(
        reverse("accounts:mediators"), {"grant": "1", "email": "MEDIATRICE@example.org"}
    )
    assert response.status_code == 302
    assert is_mediator(type(person).objects.get(pk=person.pk))
    page = client.get(reverse("accounts:mediators")).content.decode()
    assert "Mme Médiatrice" in page and str(staff) in page
    response = client.post(reverse("accounts:mediators"), {"revoke": str(person.pk)})
    assert response.status_code == 302
    assert not is_mediator(type(person).objects.get(pk=person.pk))
    page = client.get(reverse("accounts:mediators")).content.decode()
    assert "Rôles retirés" in page


@pytest.mark.parametrize(
    "data",
    [
        {"grant": "1", "email": "nobody@example.org"},
        {"grant": "1", "email": "not an address" * 40},
        {"revoke": "abc"},
        {"revoke": "99999999999999999999999"},
        {"revoke": "-1"},
        {"grant": "1"},
    ],
)
def test_hostile_input_answers_400_and_changes_nothing(client, staff, data):
    client.force_login(staff)
    response = client.post(reverse("accounts:mediators"), data)
    assert response.status_code == 400
    assert MediatorGrant.objects.count() == 0


def test_admin_grant_and_revoke_action(client, staff):
    person = UserFactory()
    superuser = UserFactory(is_superuser=True, is_staff=True, platform_role=PlatformRole.STAFF)
    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_mediatorgrant_add"), {"user": str(person.pk)})
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = MediatorGrant.objects.get(user=person)
    assert grant.granted_by == superuser
    response = client.post(
        reverse("admin:accounts_mediatorgrant_changelist"),
        {"action": "revoke_grants", "_selected_action": [str(grant.pk)]},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == superuser and grant.revoked_at is not None


def test_the_staff_profile_links_to_the_page(client, staff):
    client.force_login(staff)
    assert reverse("accounts:mediators") in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(UserFactory())
    assert (
        reverse("accounts:mediators")
        not in client.get(reverse("accounts:profile")).content.decode()
    )
