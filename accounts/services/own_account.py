"""Writes a person makes on their own account: changing the e-mail address (confirmed by a link
sent to the new address) and deleting the account (personal data erased, contributions kept
under "compte supprimé")."""

from __future__ import annotations

import secrets
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.services import activity_target_relabel, event_record

from ..api_tokens import api_tokens_revoke_all
from ..deletion import account_deletion_blockers, account_deletion_hooks
from ..models import DELETED_EMAIL_DOMAIN, PlatformRole, User
from ..throttling import mail_to_address_allowed
from . import AccountError, AccountPermissionDenied

# What a deleted account is called wherever its contributions still show. Stored, so the same in
# every language (the site's language is French).
DELETED_NAME = "compte supprimé"
EMAIL_CHANGE_SALT = "fabrique.accounts.email_change"


def _refuse_unless_self(actor: Any, user: User) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.pk == user.pk):
        raise AccountPermissionDenied(_("Seul·e le ou la titulaire du compte peut faire cela."))


def _send(subject: str, template: str, context: dict[str, Any], to: str) -> None:
    """An account e-mail, capped per address like every other one, sent once the change commits."""
    if not mail_to_address_allowed(to):
        return
    body = render_to_string(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


def user_request_email_change(*, actor: Any, user: User, new_email: str, base_url: str) -> None:
    """E-mail a confirmation link to the new address; nothing changes until it is followed.

    An address that already belongs to an account gets no link, and the page says the same as
    for a free one: the form is no way to learn who has an account."""
    _refuse_unless_self(actor, user)
    new_email = User.objects.normalize_email(new_email.strip()).lower()
    if new_email == user.email:
        raise AccountError(_("C'est déjà votre adresse."))
    if User.objects.filter(email__iexact=new_email).exists():
        return
    token = signing.dumps(
        {"u": user.pk, "old": user.email, "new": new_email}, salt=EMAIL_CHANGE_SALT
    )
    url = base_url.rstrip("/") + reverse("accounts:email_confirm", args=[token])
    _send(
        _("Confirmez votre nouvelle adresse – Fabrique"),
        "accounts/email/email_change.txt",
        {"user": user, "url": url, "hours": settings.FABRIQUE_EMAIL_CHANGE_LINK_HOURS},
        new_email,
    )


@transaction.atomic
def user_confirm_email_change(*, token: str) -> User:
    """Apply a change whose link was followed. The link dies once the address has changed (it
    names the old one) and after FABRIQUE_EMAIL_CHANGE_LINK_HOURS; the old address is told."""
    invalid = AccountError(_("Ce lien de changement d'adresse est invalide ou a expiré."))
    try:
        claim = signing.loads(
            token,
            salt=EMAIL_CHANGE_SALT,
            max_age=settings.FABRIQUE_EMAIL_CHANGE_LINK_HOURS * 3600,
        )
    except signing.BadSignature:
        raise invalid from None
    user = User.objects.select_for_update().filter(pk=claim.get("u")).first()
    if user is None or not user.is_active or user.email != claim.get("old"):
        raise invalid
    if User.objects.filter(email__iexact=claim["new"]).exclude(pk=user.pk).exists():
        raise invalid
    user.email = claim["new"]
    user.email_confirmed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email", "email_confirmed_at"])
    # The addresses stay out of the log: it outlives the account, the addresses must not.
    event_record(actor=user, verb="user.email_changed", target=user)
    _send(
        _("Votre adresse a changé – Fabrique"),
        "accounts/email/email_changed_notice.txt",
        {"user": user, "new_email": user.email, "contact": settings.FABRIQUE_CONTACT_EMAIL},
        claim["old"],
    )
    return user


def _sessions_end(user: User) -> None:
    """Delete the account's open sessions (a password made unusable already voids them)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def user_delete_account(*, actor: Any, user: User, password: str) -> User:
    """Erase the person's data and keep their contributions, shown as "compte supprimé".

    Refused while the person is the last owner of a workspace (it would be left without
    anyone to manage it): they name another owner first."""
    _refuse_unless_self(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise AccountError(_("Mot de passe incorrect."))
    blockers = account_deletion_blockers(user)
    if blockers:
        raise AccountError(" ".join(blockers))
    for hook in account_deletion_hooks():
        hook.detach(user)
    old_email = user.email
    user.email = f"{user.pk}-{secrets.token_hex(8)}@{DELETED_EMAIL_DOMAIN}"
    user.display_name = DELETED_NAME
    user.bio = ""
    user.mandate = ""
    user.commune = None
    user.home_territory = None
    user.response_delay_days = None
    user.platform_role = PlatformRole.CITIZEN
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.deactivated_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    api_tokens_revoke_all(user=user)
    _sessions_end(user)
    AccessAttempt.objects.filter(username__iexact=old_email).delete()
    AccessFailureLog.objects.filter(username__iexact=old_email).delete()
    event_record(actor=user, verb="user.account_deleted", target=user)
    # Entries about the account (profile changed, role set…) named it: they keep the facts,
    # not the name.
    activity_target_relabel(target=user, label=DELETED_NAME)
    return user
