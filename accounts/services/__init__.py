"""Writes for accounts: sign-up with email confirmation, profile, e-mail, password, activity and
platform roles. Every change of who may reach the admin or act as someone goes through here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from errors import DomainError, ForbiddenError
from events.services import event_record
from territories.models import Territory

from ..api_tokens import api_tokens_revoke_all
from ..models import PlatformRole, User
from ..permissions import can_manage_user, can_set_platform_role
from ..throttling import mail_to_address_allowed
from ..tokens import email_confirmation_token

# Platform roles that reach the admin, and the group carrying their model permissions there.
ADMIN_GROUPS: dict[str, str] = {
    PlatformRole.STAFF: "platform-staff",
    PlatformRole.MODERATOR: "platform-moderators",
}


class AccountError(DomainError):
    code = "account_error"


class AccountPermissionDenied(ForbiddenError, AccountError):
    pass


def _refuse_unless_manager(actor: User | None, user: User) -> None:
    """`actor=None` is the operator (management commands, demo data); anyone else is checked."""
    if actor is not None and not can_manage_user(actor, user):
        raise AccountPermissionDenied(
            _(
                "Seul·es les super-administrateur·rices gèrent les comptes d'agents ou de modération."
            )
        )


def _refuse_if_deleted(user: User) -> None:
    """A deleted account stays deleted: giving it back an address, a password or its activity
    would hand its contributions to whoever gets it."""
    if user.is_deleted:
        raise AccountError(
            _("Ce compte a été supprimé par son ou sa titulaire : il ne peut pas être rétabli.")
        )


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _forget_cached_permissions(*users: User) -> None:
    """ModelBackend caches permissions on the instance: a role change must not outlive it."""
    for user in users:
        for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(attr, None)


def _copy_back(locked: User, user: User, fields: list[str]) -> None:
    if locked is not user:
        for name in fields:
            setattr(user, name, getattr(locked, name))


def _confirmation_url(user: User, base_url: str, next_path: str = "") -> str:
    """The link that activates the account; `next_path` (a path of this site, checked by the
    caller) is where the person meant to go, e.g. an invitation: they land there after signing
    in."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    url = base_url.rstrip("/") + reverse("accounts:confirm", args=[uid, token])
    if next_path.startswith("/") and not next_path.startswith("//"):
        url += "?" + urlencode({"next": next_path})
    return url


def user_send_confirmation(*, user: User, base_url: str, next_path: str = "") -> None:
    url = _confirmation_url(user, base_url, next_path)
    body = render_to_string("accounts/email/confirm.txt", {"user": user, "url": url})
    if not mail_to_address_allowed(user.email):
        return
    transaction.on_commit(
        lambda: send_mail(_("Confirmez votre adresse – Fabrique"), body, None, [user.email])
    )


def _send_signup_attempt_notice(*, user: User, base_url: str) -> None:
    """Someone signed up with an address that has an account: its owner learns it by e-mail,
    the visitor sees the same page as for a new address."""
    if not mail_to_address_allowed(user.email):
        return
    url = _confirmation_url(user, base_url) if _may_confirm(user) else ""
    body = render_to_string(
        "accounts/email/signup_attempt.txt",
        {
            "user": user,
            "confirm_url": url,
            "login_url": base_url.rstrip("/") + reverse("accounts:login"),
            "reset_url": base_url.rstrip("/") + reverse("accounts:password_reset"),
        },
    )
    transaction.on_commit(
        lambda: send_mail(
            _("Tentative d'inscription avec votre adresse – Fabrique"), body, None, [user.email]
        )
    )


@transaction.atomic
def user_signup(
    *,
    email: str,
    password: str,
    display_name: str,
    commune: Territory | None = None,
    base_url: str,
    next_path: str = "",
) -> User | None:
    """Create an inactive account and email a confirmation link; the account activates on click.

    An address that already has an account gets an e-mail instead, and the caller the same
    answer (None is only for the service's callers, never shown): sign-up is no account oracle.
    """
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # Hash anyway, so the answer takes as long as for a new account.
        make_password(password)
        _send_signup_attempt_notice(user=existing, base_url=base_url)
        return None
    user = User(email=email, display_name=display_name, commune=commune, is_active=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user_send_confirmation(user=user, base_url=base_url, next_path=next_path)
    return user


def _may_confirm(user: User) -> bool:
    """Only an account that was never confirmed nor deactivated may be activated by a link."""
    return not user.is_active and user.email_confirmed_at is None and user.deactivated_at is None


@transaction.atomic
def user_confirm_email(*, user: User, token: str) -> User:
    user = _lock(user)
    if user.is_active:
        return user
    if not _may_confirm(user) or not email_confirmation_token.check_token(user, token):
        raise AccountError(_("Ce lien de confirmation est invalide ou a expiré."))
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    return user


@transaction.atomic
def user_update_profile(*, actor: User, user: User, **fields: Any) -> User:
    if actor.pk != user.pk and not can_manage_user(actor, user):
        raise AccountPermissionDenied(_("Vous ne pouvez modifier que votre propre profil."))
    allowed = {
        "display_name",
        "commune",
        "home_territory",
        "bio",
        "mandate",
        "response_delay_days",
    }
    for name, value in fields.items():
        if name not in allowed:
            raise AccountError(f"Unknown profile field: {name}")
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    # A profile is public (name, commune, an official's mandate and delay): say who changed it.
    event_record(
        actor=actor, verb="user.profile_updated", target=user, data={"fields": sorted(fields)}
    )
    return user


@transaction.atomic
def user_set_platform_role(*, actor: User | None, user: User, role: str) -> User:
    """Set the platform role and keep admin access and admin groups in step with it.

    Staff set citizen and official roles of non-privileged accounts; granting or withdrawing
    staff or moderation (which reach the admin) takes a superuser. Effective at once: the row
    is the only source, and the caches on the given instance are dropped.
    """
    if role not in PlatformRole.values:
        raise ValidationError({"platform_role": _("Rôle inconnu.")})
    locked = _lock(user)
    if actor is not None and not can_set_platform_role(actor, locked, role):
        raise AccountPermissionDenied(
            _(
                "Seul·es les super-administrateur·rices gèrent les comptes d'agents ou de modération."
            )
        )
    previous = locked.platform_role
    locked.platform_role = role
    locked.is_staff = locked.is_superuser or role in ADMIN_GROUPS
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=["platform_role", "is_staff"])
    user_sync_admin_groups(user=locked)
    _copy_back(locked, user, ["platform_role", "is_staff"])
    _forget_cached_permissions(locked, user)
    if previous != role:
        event_record(
            actor=actor,
            verb="user.role_changed",
            target=locked,
            data={"from": previous, "to": role},
        )
    return user


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool) -> User:
    """Activate or deactivate an account. A deactivation is remembered (`deactivated_at`), so
    no old confirmation or password-reset link can bring the account back."""
    locked = _lock(user)
    _refuse_unless_manager(actor, locked)
    if active:
        _refuse_if_deleted(locked)
    if actor is not None and actor.pk == locked.pk and not active:
        raise AccountPermissionDenied(_("Vous ne pouvez pas désactiver votre propre compte."))
    # Deactivating a never-confirmed (already inactive) account still records it: that is what
    # kills its pending confirmation link.
    unchanged = locked.is_active if active else (not locked.is_active and locked.deactivated_at)
    if unchanged:
        _copy_back(locked, user, ["is_active", "deactivated_at"])
        return user
    locked.is_active = active
    if not active:
        # Kept on reactivation: it changes the tokens' hash for good.
        locked.deactivated_at = timezone.now()
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=["is_active", "deactivated_at"])
    _copy_back(locked, user, ["is_active", "deactivated_at"])
    if not active:
        api_tokens_revoke_all(user=locked)
    event_record(
        actor=actor, verb="user.activated" if active else "user.deactivated", target=locked
    )
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str | None) -> User:
    """Set (or, with None, disable) the password: the account itself, or whoever manages it."""
    locked = _lock(user)
    if actor is None or actor.pk != locked.pk:
        _refuse_unless_manager(actor, locked)
    if password is None:
        locked.set_unusable_password()
    else:
        _refuse_if_deleted(locked)
        password_validation.validate_password(password, locked)
        locked.set_password(password)
    locked.save(update_fields=["password"])
    _copy_back(locked, user, ["password"])
    api_tokens_revoke_all(user=locked)
    event_record(actor=actor, verb="user.password_set", target=locked)
    return user


@transaction.atomic
def user_set_email(*, actor: User | None, user: User, email: str) -> User:
    locked = _lock(user)
    _refuse_unless_manager(actor, locked)
    _refuse_if_deleted(locked)
    previous = locked.email
    locked.email = email
    locked.full_clean(exclude=["password"])
    if locked.email == previous:
        return user
    locked.save(update_fields=["email"])
    _copy_back(locked, user, ["email"])
    event_record(
        actor=actor,
        verb="user.email_changed",
        target=locked,
        data={"from": previous, "to": locked.email},
    )
    return user


@transaction.atomic
def user_create(*, actor: User | None, email: str, display_name: str, password: str) -> User:
    """An account created by a superuser (the admin) or the operator: active and confirmed."""
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise AccountPermissionDenied(
            _("Seul·es les super-administrateur·rices créent des comptes.")
        )
    user = User(email=email, display_name=display_name, email_confirmed_at=timezone.now())
    user.full_clean(exclude=["password"])
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    user_sync_admin_groups(user=user)
    event_record(actor=actor, verb="user.created", target=user)
    return user


def user_sync_admin_groups(*, user: User) -> None:
    wanted = ADMIN_GROUPS.get(user.platform_role)
    for name in ADMIN_GROUPS.values():
        group, _created = Group.objects.get_or_create(name=name)
        if name == wanted:
            user.groups.add(group)
        else:
            user.groups.remove(group)


# The person's own account (e-mail change, deletion): defined in `own_account`, re-exported.
from .own_account import (  # noqa: E402
    DELETED_NAME,
    user_confirm_email_change,
    user_delete_account,
    user_request_email_change,
)

__all__ = [
    "AccountError",
    "AccountPermissionDenied",
    "DELETED_NAME",
    "user_confirm_email_change",
    "user_delete_account",
    "user_request_email_change",
]
