"""API tokens: issue one per device, resolve, revoke (one, or all of an account), purge expired.

A token is shown once; the database keeps its SHA-256 only. It stops working when it expires
(FABRIQUE_API_TOKEN_TTL_HOURS), when it is revoked, when the account's password changes (by
any path: the token is stamped with the password it was issued under) or when the account is
deactivated. Every refusal reads the same: nothing tells which of these it was.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken, User

INVALID_TOKEN = gettext_lazy("Jeton invalide, expiré ou révoqué.")


class ApiTokenError(Exception):
    pass


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def password_stamp(user: User) -> str:
    # A digest of the salted hash, not the hash itself: the token table alone reveals nothing.
    return _digest(user.password or "")


@transaction.atomic
def api_token_create(*, actor: User, label: str = "") -> tuple[ApiToken, str]:
    """Issue a token for the actor's own account; return it with its key (shown this once).

    An account keeps at most FABRIQUE_API_TOKENS_PER_USER tokens: the oldest goes first."""
    api_tokens_purge_expired()
    keep = max(0, settings.FABRIQUE_API_TOKENS_PER_USER - 1)
    older = list(
        ApiToken.objects.filter(user=actor).order_by("-created").values_list("pk", flat=True)
    )[keep:]
    if older:
        ApiToken.objects.filter(pk__in=older).delete()
    key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        key_hash=_digest(key),
        password_stamp=password_stamp(actor),
        label=label[:120],
        expires_at=timezone.now() + timedelta(hours=settings.FABRIQUE_API_TOKEN_TTL_HOURS),
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise ApiTokenError(_("Vous ne pouvez révoquer que vos propres jetons."))
    ApiToken.objects.filter(pk=token.pk).delete()


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of the account (password change, deactivation, "sign out everywhere")."""
    count, _detail = ApiToken.objects.filter(user=user).delete()
    return count


def api_tokens_purge_expired() -> int:
    count, _detail = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return count


def api_token_resolve(*, key: str) -> ApiToken | None:
    """The valid token for this key, or None. A token found expired, issued under an older
    password or for a deactivated account is deleted on the way (lazy purge)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(key)).first()
    if token is None:
        return None
    user = token.user
    if (
        token.expires_at <= timezone.now()
        or not user.is_active
        or token.password_stamp != password_stamp(user)
    ):
        ApiToken.objects.filter(pk=token.pk).delete()
        return None
    return token


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against ApiToken; one 401 message for every refusal."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        token = api_token_resolve(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return (token.user, token)
