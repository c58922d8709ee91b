"""A person's own account from the profile: change the password, change the e-mail address
(confirmed by a link to the new address), delete the account (personal data erased,
contributions kept under "compte supprimé"). Each write: anonymous, the person, someone else."""

import re

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.contrib.sessions.models import Session
from django.core import mail, signing
from django.urls import reverse
from django.utils import translation

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken, User
from accounts.services import (
    DELETED_NAME,
    AccountError,
    AccountPermissionDenied,
    user_confirm_email_change,
    user_delete_account,
    user_request_email_change,
    user_update_profile,
)
from accounts.services.own_account import EMAIL_CHANGE_SALT
from events.models import Activity
from projects.models import SheetVersion
from workspace.models import Membership, Role

from ..factories import PASSWORD, MembershipFactory, SheetFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "une toute nouvelle phrase"
BASE = "http://testserver/"


def _link(address: str) -> str:
    [message] = [m for m in mail.outbox if address in m.to]
    match = re.search(r"https?://[^/\s]+(/comptes/profil/adresse/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


# --- pages need a signed-in person ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["accounts:password_change", "accounts:email_change", "accounts:delete"]
)
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_links_to_every_account_action(client):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:profile")).content.decode()
    for name in ("accounts:password_change", "accounts:email_change", "accounts:delete"):
        assert reverse(name) in page
    assert reverse("portal:my_data") in page


# --- password ------------------------------------------------------------------------------


def test_password_change_goes_through_the_service_and_keeps_the_session(client):
    user = UserFactory()
    api_token_create(actor=user, label="téléphone")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=user).exists()
    assert Activity.objects.filter(verb="user.password_set", actor=user).count() == 1
    # Still signed in on this device.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not Activity.objects.filter(verb="user.password_set").exists()


# --- e-mail --------------------------------------------------------------------------------


def test_email_change_takes_effect_only_through_the_link_and_tells_the_old_address(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="avant@example.org")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:email_change"), {"email": "Apres@Example.org"})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["apres@example.org"]]
    user.refresh_from_db()
    assert user.email == "avant@example.org"

    link = _link("apres@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "apres@example.org"
    assert mail.outbox[-1].to == ["avant@example.org"]
    assert "apres@example.org" in mail.outbox[-1].body
    entry = Activity.objects.get(verb="user.email_changed")
    assert (entry.actor, entry.data) == (user, {})  # no address in the lasting log

    # The link names the old address: once used, it is dead.
    assert client.get(link).status_code == 400


def test_email_change_to_a_taken_address_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="prise@example.org")
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:email_change"), {"email": "prise@example.org"})
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert mail.outbox == []


def test_email_change_is_capped_per_address(settings, django_capture_on_commit_callbacks):
    settings.FABRIQUE_MAILS_PER_ADDRESS_PER_HOUR = 2
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for _round in range(4):
            user_request_email_change(
                actor=user, user=user, new_email="cible@example.org", base_url=BASE
            )
    assert len(mail.outbox) == 2


def test_email_change_is_the_person_s_own(django_capture_on_commit_callbacks):
    user, other = UserFactory(), UserFactory()
    for actor in (None, other):
        with pytest.raises(AccountPermissionDenied):
            user_request_email_change(
                actor=actor, user=user, new_email="x@example.org", base_url=BASE
            )
    with pytest.raises(AccountError):
        user_request_email_change(actor=user, user=user, new_email=user.email, base_url=BASE)


@pytest.mark.parametrize("tamper", ["forged", "expired", "taken_since", "inactive"])
def test_email_change_link_refused(settings, tamper):
    user = UserFactory(email="moi@example.org")
    claim = {"u": user.pk, "old": user.email, "new": "neuf@example.org"}
    token = signing.dumps(claim, salt=EMAIL_CHANGE_SALT)
    if tamper == "forged":
        token = signing.dumps(claim, salt="autre")
    elif tamper == "expired":
        settings.FABRIQUE_EMAIL_CHANGE_LINK_HOURS = 0
    elif tamper == "taken_since":
        UserFactory(email="neuf@example.org")
    else:
        User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(AccountError):
        user_confirm_email_change(token=token)
    user.refresh_from_db()
    assert user.email == "moi@example.org"


# --- deletion ------------------------------------------------------------------------------


def test_deletion_erases_personal_data_and_keeps_contributions(client):
    sheet = SheetFactory()
    author = sheet.created_by
    MembershipFactory(workspace=sheet.workspace, user=UserFactory(), role=Role.OWNER)
    user_update_profile(actor=author, user=author, display_name="Gaëlle Ancien-Nom")
    author.bio = "Cycliste."
    author.save()
    api_token_create(actor=author, label="téléphone")
    other = UserFactory()
    client.force_login(other)  # another person's session survives
    client.force_login(author)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert "Votre compte est supprimé" in response.content.decode()

    author.refresh_from_db()
    assert author.display_name == DELETED_NAME
    assert author.email.endswith("@supprime.invalid")
    assert (author.bio, author.commune, author.is_active) == ("", None, False)
    assert not is_password_usable(author.password)
    assert not Membership.objects.filter(user=author).exists()
    assert not ApiToken.objects.filter(user=author).exists()
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(author.pk) not in sessions
    # Contributions stay, now signed by the deleted account.
    version = SheetVersion.objects.get(sheet=sheet)
    assert version.author == author and str(version.author) == DELETED_NAME
    assert Activity.objects.filter(verb="user.account_deleted", actor=author).count() == 1
    assert Activity.objects.filter(verb="membership.removed", actor=author).count() == 1
    # The log keeps the facts about the account, not its old name (issue 11).
    about = Activity.objects.filter(target_id=author.pk, verb__startswith="user.")
    assert about.filter(verb="user.profile_updated").exists()
    assert not Activity.objects.filter(target_repr__icontains="Ancien-Nom").exists()
    assert set(about.values_list("target_repr", flat=True)) == {DELETED_NAME}
    # Shown in the reader's language, whatever is stored.
    with translation.override("en"):
        assert str(author) == "deleted account"
    # The visitor is signed out, and the account cannot sign in again.
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_deletion_refused_while_last_owner_of_a_workspace(client):
    membership = MembershipFactory(role=Role.OWNER)
    user = membership.user
    client.force_login(user)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "Vous ne pouvez pas encore supprimer votre compte" in page
    assert membership.workspace.name in page
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 200
    with pytest.raises(AccountError, match=membership.workspace.name):
        user_delete_account(actor=user, user=user, password=PASSWORD)
    user.refresh_from_db()
    assert user.is_active and user.display_name != DELETED_NAME
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not Activity.objects.filter(verb="user.account_deleted").exists()


def test_deletion_needs_the_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": "faux"})
    assert response.status_code == 200
    assert "Mot de passe incorrect" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("who", ["anonymous", "another user", "staff", "superuser"])
def test_nobody_else_deletes_an_account(who):
    user = UserFactory()
    actor = {
        "anonymous": None,
        "another user": UserFactory(),
        "staff": UserFactory(platform_role="staff", is_staff=True),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }[who]
    with pytest.raises(AccountPermissionDenied):
        user_delete_account(actor=actor, user=user, password=PASSWORD)
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("change", ["reactivate", "new address", "new password"])
def test_a_deleted_account_cannot_be_brought_back(change):
    """Not even by a superuser: whoever got its address or password would hold its
    contributions."""
    from accounts.services import user_set_active, user_set_email, user_set_password

    user = UserFactory()
    user_delete_account(actor=user, user=user, password=PASSWORD)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(AccountError):
        if change == "reactivate":
            user_set_active(actor=superuser, user=user, active=True)
        elif change == "new address":
            user_set_email(actor=superuser, user=user, email="reprise@example.org")
        else:
            user_set_password(actor=superuser, user=user, password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.is_deleted and not user.is_active
    assert not is_password_usable(user.password)
