"""Writes for accounts: sign-up with email confirmation, profile updates, platform roles."""

from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from territories.models import Territory

from .models import PlatformRole, User
from .tokens import email_confirmation_token

# Platform roles that reach the admin, and the group carrying their model permissions there.
ADMIN_GROUPS = {
    PlatformRole.STAFF: "platform-staff",
    PlatformRole.MODERATOR: "platform-moderators",
}


class AccountError(Exception):
    pass


def _confirmation_url(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:confirm", args=[uid, token])


def user_send_confirmation(*, user: User, base_url: str) -> None:
    url = _confirmation_url(user, base_url)
    body = render_to_string("accounts/email/confirm.txt", {"user": user, "url": url})
    transaction.on_commit(
        lambda: send_mail(_("Confirmez votre adresse – Fabrique"), body, None, [user.email])
    )


@transaction.atomic
def user_signup(
    *,
    email: str,
    password: str,
    display_name: str,
    commune: Territory | None = None,
    base_url: str,
) -> User:
    """Create an inactive account and email a confirmation link; the account activates on click."""
    user = User(email=email, display_name=display_name, commune=commune, is_active=False)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user_send_confirmation(user=user, base_url=base_url)
    return user


@transaction.atomic
def user_confirm_email(*, user: User, token: str) -> User:
    if user.is_active:
        return user
    if not email_confirmation_token.check_token(user, token):
        raise AccountError(_("Ce lien de confirmation est invalide ou a expiré."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_update_profile(*, actor: User, user: User, **fields) -> User:
    if actor.pk != user.pk and not actor.is_superuser:
        raise AccountError(_("Vous ne pouvez modifier que votre propre profil."))
    allowed = {"display_name", "commune", "bio", "mandate", "response_delay_days"}
    for name, value in fields.items():
        if name not in allowed:
            raise AccountError(f"Unknown profile field: {name}")
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_set_platform_role(*, actor: User | None, user: User, role: str) -> User:
    """Set the platform role and keep admin access and admin groups in step with it."""
    if actor is not None and not actor.is_platform_staff:
        raise AccountError(_("Seuls les agents peuvent changer un rôle sur la plateforme."))
    user.platform_role = role
    user.is_staff = user.is_superuser or role in ADMIN_GROUPS
    user.full_clean(exclude=["password"])
    user.save()
    user_sync_admin_groups(user=user)
    return user


def user_sync_admin_groups(*, user: User) -> None:
    wanted = ADMIN_GROUPS.get(user.platform_role)
    for name in ADMIN_GROUPS.values():
        group, _created = Group.objects.get_or_create(name=name)
        if name == wanted:
            user.groups.add(group)
        else:
            user.groups.remove(group)
