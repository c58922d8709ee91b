"""Another confirmation link for an account that never got (or lost) the first one.

The resend form answers anyone, with one answer whatever the address: an account awaiting
confirmation gets a new link; any other address gets a notice saying there is nothing to
confirm (and how to sign in or sign up), so the page, the time it takes and the mailbox tell
the same story. Every e-mail counts against the address's hourly cap (mail_to_address_allowed):
past it, nothing goes out and the page is the same.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import User
from ..throttling import mail_to_address_allowed
from . import _may_confirm, user_send_confirmation


def account_awaiting_confirmation(user: User) -> bool:
    """Whether this account waits for its address to be confirmed (never confirmed, never
    deactivated): the login page tells it so once the right password is given."""
    return _may_confirm(user)


def _send_nothing_to_confirm_notice(*, email: str, user: User | None, base_url: str) -> None:
    if not mail_to_address_allowed(email):
        return
    root = base_url.rstrip("/")
    body = render_to_string(
        "accounts/email/confirmation_not_needed.txt",
        {
            "has_account": user is not None and user.is_active,
            "login_url": root + reverse("accounts:login"),
            "reset_url": root + reverse("accounts:password_reset"),
            "signup_url": root + reverse("accounts:signup"),
        },
    )
    transaction.on_commit(
        lambda: send_mail(_("Confirmation d'adresse – Fabrique"), body, None, [email])
    )


@transaction.atomic
def user_resend_confirmation(*, email: str, base_url: str) -> None:
    """E-mail a new confirmation link if `email` names an account awaiting confirmation, a
    notice otherwise. Returns nothing: the caller must answer the same in every case."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and account_awaiting_confirmation(user):
        user_send_confirmation(user=user, base_url=base_url)
    else:
        _send_nothing_to_confirm_notice(email=email, user=user, base_url=base_url)
