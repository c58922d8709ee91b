"""Signing in before confirming the address: the right password is told it is unconfirmed and
offered a new link; a wrong one learns nothing. The resend page answers every address alike,
and its e-mails count against the address's hourly cap."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.services.confirmation import user_resend_confirmation

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
RESEND = "/comptes/confirmation/renvoyer/"
UNCONFIRMED_TEXT = "pas encore confirmée"


@pytest.fixture
def pending():
    """An account created by sign-up and never confirmed."""
    return UserFactory(email="ines@example.org", is_active=False)


def sign_in(email: str, password: str, ip: str = "10.0.0.7"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": email, "password": password})


def test_right_password_of_an_unconfirmed_account_is_told_so_and_offered_a_new_link(pending):
    response = sign_in("Ines@Example.org", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 200
    assert UNCONFIRMED_TEXT in html
    assert f'action="{RESEND}"' in html and 'value="ines@example.org"' in html
    assert "_auth_user_id" not in response.client.session


def test_wrong_password_of_an_unconfirmed_account_looks_like_any_wrong_password(pending):
    unconfirmed = sign_in("ines@example.org", "pas-le-bon-mot-de-passe").content.decode()
    unknown = sign_in("personne@example.org", "pas-le-bon-mot-de-passe").content.decode()
    for html in (unconfirmed, unknown):
        assert UNCONFIRMED_TEXT not in html and f'action="{RESEND}"' not in html
    strip = re.compile(r'name="(csrfmiddlewaretoken|username)" value="[^"]*"')
    assert strip.sub("", unconfirmed) == strip.sub("", unknown)


def test_a_deactivated_account_is_not_offered_a_confirmation(pending):
    pending.deactivated_at = timezone.now()
    pending.save()
    assert UNCONFIRMED_TEXT not in sign_in("ines@example.org", PASSWORD).content.decode()


def test_a_confirmed_account_signs_in_as_before():
    UserFactory(email="ok@example.org")
    response = sign_in("ok@example.org", PASSWORD)
    assert response.status_code == 302


def test_an_unconfirmed_sign_in_counts_as_a_failure_and_locks_like_one(pending):
    for _ in range(4):  # FABRIQUE_LOGIN_FAILURE_LIMIT is 5: the fifth failure locks
        assert sign_in("ines@example.org", PASSWORD).status_code == 200
    locked = sign_in("ines@example.org", PASSWORD)
    assert locked.status_code == 429
    assert UNCONFIRMED_TEXT not in locked.content.decode()


def _links() -> list[str]:
    return [
        m.group(1)
        for message in mail.outbox
        for m in [re.search(r"(/comptes/confirmer/\S+/)", message.body)]
        if m
    ]


def test_resend_sends_a_working_link_to_an_unconfirmed_account(
    pending, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESEND, {"email": "INES@example.org"})
    assert response.status_code == 200
    assert mail.outbox[0].to == ["ines@example.org"]
    [link] = _links()
    assert client.get(link).status_code == 302
    pending.refresh_from_db()
    assert pending.is_active and pending.email_confirmed_at is not None


@pytest.mark.parametrize("case", ["unknown", "active"])
def test_resend_answers_every_address_alike_and_sends_no_link_elsewhere(
    case, pending, client, django_capture_on_commit_callbacks
):
    if case == "active":
        UserFactory(email="actif@example.org")
    email = "actif@example.org" if case == "active" else "inconnu@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(RESEND, {"email": email})
    with django_capture_on_commit_callbacks(execute=True):
        own = client.post(RESEND, {"email": "ines@example.org"})
    assert other.status_code == own.status_code == 200
    strip = re.compile(r"(inconnu|actif|ines)@example\.org|value=\"[^\"]*\"")
    assert strip.sub("", other.content.decode()) == strip.sub("", own.content.decode())
    notice, link = mail.outbox
    assert notice.to == [email] and "/comptes/confirmer/" not in notice.body
    assert ("/comptes/connexion/" in notice.body) is (case == "active")
    assert link.to == ["ines@example.org"] and len(_links()) == 1


@override_settings(FABRIQUE_MAILS_PER_ADDRESS_PER_HOUR=2)
def test_resend_is_capped_per_address_with_the_same_answer(
    pending, client, django_capture_on_commit_callbacks
):
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(RESEND, {"email": "ines@example.org"}).status_code == 200
    assert len(mail.outbox) == 2


def test_resend_page_refuses_a_malformed_address(client):
    response = client.post(RESEND, {"email": "pas-une-adresse"})
    assert response.status_code == 200 and not mail.outbox
    assert (
        'aria-invalid="true"' in response.content.decode() or "errors" in response.content.decode()
    )


def test_resend_service_ignores_case_and_spaces(pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_resend_confirmation(email="  INES@example.org ", base_url="http://testserver/")
    assert mail.outbox[0].to == ["ines@example.org"] and len(_links()) == 1


def test_login_page_links_to_the_resend_page(client):
    assert f'href="{reverse("accounts:resend_confirmation")}"' in client.get(LOGIN).content.decode()
