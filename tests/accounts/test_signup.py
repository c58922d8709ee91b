"""Sign-up with email confirmation, login, password reset, profile, API token and me."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import PlatformRole, User
from accounts.services import user_set_platform_role

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Inès",
    "email": "Ines@Example.org",
    "commune": "",
    "password1": "une phrase de passe solide",
    "password2": "une phrase de passe solide",
}


def _confirmation_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/comptes/confirmer/\S+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_signup_creates_inactive_account_and_confirmation_activates_it(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 200
    user = User.objects.get(email="ines@example.org")
    assert not user.is_active
    assert mail.outbox[0].to == ["ines@example.org"]
    # Cannot log in before confirming.
    assert not client.login(email="ines@example.org", password=SIGNUP["password1"])
    link = _confirmation_link()
    response = client.get(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert client.login(email="ines@example.org", password=SIGNUP["password1"])
    # The link does not work twice to re-activate a deactivated account.
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(link).status_code == 400


def test_signup_with_tampered_token_is_refused(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    link = _confirmation_link()
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 400
    assert not User.objects.get(email="ines@example.org").is_active


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password2": "autre chose encore"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_signup_errors_are_tied_to_fields_and_nothing_is_created(client, change, field):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    html = response.content.decode()
    # The input points at its error message, and that message is on the page.
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    assert f"id_{field}_error" in described
    assert 'aria-invalid="true"' in tag
    for target in described:
        assert f'id="{target}"' in html
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_with_existing_email_creates_nothing_and_tells_the_owner(
    client, django_capture_on_commit_callbacks
):
    # No "address already used" error on the page (that would be an account oracle, see
    # tests/security/test_accounts.py): the owner of the address learns it by e-mail.
    UserFactory(email="ines@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert 'id="id_email_error"' not in response.content.decode()
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["ines@example.org"]]


def test_login_logout_and_password_reset(client):
    user = UserFactory(email="zoe@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "ZOE@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "nouvelle phrase secrète", "new_password2": "nouvelle phrase secrète"},
    )
    assert client.login(email=user.email, password="nouvelle phrase secrète")


def test_password_reset_page_names_the_address_field_as_the_login_page_does(client):
    """Django's own label reads "Courriel"; every other form of the site says "Adresse
    électronique", and a person looks for the same words on the login and reset pages."""
    html = client.get(reverse("accounts:password_reset"), HTTP_ACCEPT_LANGUAGE="fr").content
    page = html.decode()
    assert 'for="id_email">Adresse électronique' in page
    assert "Courriel" not in page
    assert 'autocomplete="email"' in page


def test_profile_sets_commune(client):
    from territories.models import Territory

    user = UserFactory()
    client.force_login(user)
    schiltigheim = Territory.objects.get(slug="schiltigheim")
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Nouveau nom", "commune": schiltigheim.pk, "bio": ""},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.commune == schiltigheim and user.display_name == "Nouveau nom"


def test_api_token_and_me(api_client):
    user = UserFactory(platform_role=PlatformRole.OFFICIAL)
    for bad in [
        {"email": user.email, "password": "wrong"},
        {"email": "x@y.org", "password": PASSWORD},
    ]:
        response = api_client.post("/api/v1/auth/token/", bad, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == "Identifiants invalides."
    response = api_client.post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me == {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "platform_role": "official",
        "digest": "daily",  # notifications' field: the default frequency of e-mails
        "territory": None,  # portal's field: the home commune or quartier, none chosen yet
    }


def test_platform_role_change_grants_admin_access_to_staff_only():
    user = UserFactory()
    user_set_platform_role(actor=None, user=user, role=PlatformRole.STAFF)
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name="platform-staff").exists()
    assert user.has_perm("accounts.change_user")
    user_set_platform_role(actor=None, user=user, role=PlatformRole.CITIZEN)
    user = User.objects.get(pk=user.pk)
    assert not user.is_staff and not user.groups.exists()


def test_staff_sets_platform_role_in_admin(client):
    staff = UserFactory(platform_role=PlatformRole.STAFF)
    user_set_platform_role(actor=None, user=staff, role=PlatformRole.STAFF)
    citizen = UserFactory()
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[citizen.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "email": citizen.email,
            "display_name": citizen.display_name,
            "platform_role": "official",
            "date_joined_0": citizen.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": citizen.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
            "bio": "",
            "mandate": "",
            "response_delay_days": "",
            "commune": "",
        }
    )
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("groups", None)
    data.pop("is_superuser", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    citizen.refresh_from_db()
    assert citizen.platform_role == "official"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/espaces/invitation/abc123/", "/espaces/invitation/abc123/"),
        ("https://evil.example/", ""),
        ("//evil.example/x", ""),
        ("javascript:alert(1)", ""),
    ],
)
def test_signup_carries_where_the_person_was_going(
    client, django_capture_on_commit_callbacks, given, kept
):
    """An invited newcomer signs up from the login page that the invitation sent them to: the
    address they were going to rides through sign-up and the confirmation link, and they land
    there after signing in. Only a path of this site is carried (issue 11)."""
    login_page = client.get(reverse("accounts:login"), {"next": given}).content.decode()
    if kept:
        assert f"/comptes/inscription/?next={kept}" in login_page
    form = client.get(reverse("accounts:signup"), {"next": given}).content.decode()
    assert (f'name="next" value="{kept}"' in form) == bool(kept)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {**SIGNUP, "next": given})
    body = mail.outbox[0].body
    assert ("?next=" in body) == bool(kept)
    link = re.search(r"https?://[^/\s]+(/comptes/confirmer/\S+)", body).group(1)
    response = client.get(link)
    assert response.status_code == 302
    expected = reverse("accounts:login") + (f"?next={kept.replace('/', '%2F')}" if kept else "")
    assert response["Location"] == expected
    # A forged next on the confirmation link itself is dropped too.
    assert "evil" not in client.get(link.split("?")[0] + "?next=//evil.example/").get(
        "Location", ""
    )
