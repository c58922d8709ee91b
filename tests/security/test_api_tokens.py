"""API tokens: only a hash is stored; one per device; revocable (one, all); revoked by every
password change and by deactivation; expiring; every refusal the same 401."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_create
from accounts.models import ApiToken, PlatformRole
from accounts.services import user_set_active, user_set_password

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "Jeton invalide, expiré ou révoqué."
NEW_PASSWORD = "une toute nouvelle phrase"


def issue(user, label: str = "") -> str:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD, "label": label},
        format="json",
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    return response.json()["token"]


def as_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str) -> bool:
    response = as_token(key).get("/api/v1/me/")
    if response.status_code == 401:
        assert response.json()["detail"] == REFUSED
        assert response["WWW-Authenticate"] == "Token"
        return False
    assert response.status_code == 200
    return True


def test_only_a_hash_is_stored_and_each_device_gets_its_own_token():
    user = UserFactory()
    phone, laptop = issue(user, "téléphone"), issue(user, "portable")
    assert phone != laptop
    assert works(phone) and works(laptop)
    stored = list(ApiToken.objects.values_list("key_hash", flat=True))
    assert sorted(stored) == sorted(
        hashlib.sha256(key.encode()).hexdigest() for key in (phone, laptop)
    )
    # Nothing in any column of the table is the key itself.
    for row in ApiToken.objects.values():
        assert phone not in map(str, row.values()) and laptop not in map(str, row.values())


def test_a_stale_token_header_does_not_stop_asking_for_a_new_token():
    user = UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token ce-jeton-n-existe-pas")
    response = client.post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


@override_settings(FABRIQUE_API_TOKENS_PER_USER=3)
def test_tokens_per_account_are_capped_oldest_first():
    user = UserFactory()
    keys = [issue(user) for _ in range(4)]
    assert [works(key) for key in keys] == [False, True, True, True]
    assert ApiToken.objects.filter(user=user).count() == 3


def test_revoke_the_current_token_only():
    user = UserFactory()
    phone, laptop = issue(user), issue(user)
    assert as_token(phone).delete("/api/v1/auth/token/").status_code == 204
    assert not works(phone)
    assert works(laptop)
    # Revoked once: the same call again is a 401, not a 500 or a 204.
    assert as_token(phone).delete("/api/v1/auth/token/").status_code == 401


def test_revoke_current_without_a_token_is_401():
    user = UserFactory()
    client = APIClient()
    assert client.delete("/api/v1/auth/token/").status_code == 401
    client.force_login(user)
    assert client.delete("/api/v1/auth/token/").status_code == 401


@pytest.mark.parametrize("auth", ["token", "session"])
def test_revoke_all_my_tokens(auth):
    user, other = UserFactory(), UserFactory()
    keys = [issue(user) for _ in range(3)]
    other_key = issue(other)
    if auth == "token":
        client = as_token(keys[0])
    else:
        client = APIClient()
        client.force_login(user)
    response = client.delete("/api/v1/auth/tokens/")
    assert response.status_code == 200
    assert response.json() == {"revoked": 3}
    assert not any(works(key) for key in keys)
    assert works(other_key)


def test_revoke_all_needs_a_signed_in_caller():
    assert APIClient().delete("/api/v1/auth/tokens/").status_code == 401


@override_settings(FABRIQUE_API_TOKEN_TTL_HOURS=2)
def test_tokens_expire_after_the_configured_lifetime_and_are_purged():
    user = UserFactory()
    key = issue(user)
    token = ApiToken.objects.get()
    expected = timezone.now() + timedelta(hours=2)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert works(key)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not works(key)
    # Deleted when found expired, and the others at the next issue.
    assert not ApiToken.objects.exists()
    stale = issue(user)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    issue(UserFactory())
    assert not ApiToken.objects.filter(user=user).exists()
    assert not works(stale)


def _reset_password_by_mail(user) -> None:
    client = Client()
    client.post("/comptes/mot-de-passe/", {"email": user.email})
    body = mail.outbox[-1].body
    path = re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/\S+/)", body).group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302


def _admin_sets_password(user) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True, platform_role=PlatformRole.STAFF)
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _admin_changes_own_password(user) -> None:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302


def _service(user) -> None:
    user_set_password(actor=user, user=user, password=NEW_PASSWORD)


def _shell(user) -> None:
    # `manage.py changepassword`, a shell, any code that forgets the service.
    user.set_password(NEW_PASSWORD)
    user.save()


def _disabled_password(user) -> None:
    user_set_password(actor=None, user=user, password=None)


PASSWORD_CHANGES = {
    "service": _service,
    "reset_link": _reset_password_by_mail,
    "admin_sets_password": _admin_sets_password,
    "admin_own_password": _admin_changes_own_password,
    "shell": _shell,
    "disabled_password": _disabled_password,
}


@pytest.mark.parametrize("path", list(PASSWORD_CHANGES))
def test_every_password_change_revokes_every_token(path):
    user, bystander = UserFactory(), UserFactory()
    keys = [issue(user), issue(user)]
    kept = issue(bystander)
    PASSWORD_CHANGES[path](user)
    assert not any(works(key) for key in keys)
    assert works(kept)
    assert not ApiToken.objects.filter(user=user).exists()


def _deactivate_service(user) -> None:
    user_set_active(actor=None, user=user, active=False)


def _deactivate_raw(user) -> None:
    type(user).objects.filter(pk=user.pk).update(is_active=False)


@pytest.mark.parametrize("path", [_deactivate_service, _deactivate_raw])
def test_deactivation_revokes_every_token(path):
    user = UserFactory()
    key = issue(user)
    path(user)
    assert not works(key)
    assert not ApiToken.objects.filter(user=user).exists()
    # Reactivated, the old token stays dead: a new sign-in is needed.
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    assert not works(key)


def test_a_new_token_works_after_a_password_change():
    user = UserFactory()
    issue(user)
    _service(user)
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert works(response.json()["token"])


@pytest.mark.parametrize(
    "header",
    [
        "Token ",
        "Token deux mots",
        "Token " + "x" * 5000,
        "Token \u00e9\u00e8",
        "Token 0123456789abcdef0123456789abcdef01234567",  # a DRF-style key never issued
    ],
)
def test_malformed_or_unknown_keys_are_401_never_500(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/me/").status_code == 401


def test_service_issue_and_revoke_belong_to_the_account():
    from accounts.api_tokens import ApiTokenError, api_token_revoke

    owner, other = UserFactory(), UserFactory()
    token, key = api_token_create(actor=owner)
    with pytest.raises(ApiTokenError):
        api_token_revoke(actor=other, token=token)
    assert works(key)


def test_legacy_drf_tokens_are_hashed_by_the_migration():
    """Tokens from DRF's authtoken (clear text) keep working once hashed, and the clear-text
    rows are gone."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("accounts.migrations.0003_api_tokens_attempt_counters")
    user = UserFactory()
    legacy = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id bigint)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [legacy, timezone.now(), user.pk],
        )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.hash_legacy_drf_tokens(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    assert works(legacy)
