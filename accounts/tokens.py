"""Tokens for e-mailed links: e-mail confirmation and password reset.

Both hash the account's state, so that a link stops working as soon as that state moves on:
a confirmation link dies once the address is confirmed or the account deactivated, a reset
link dies when the account is deactivated (even if staff reactivate it later).
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


def _stamp(value) -> str:
    return "" if value is None else str(value.replace(microsecond=0, tzinfo=None))


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "fabrique.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return (
            f"{user.pk}{user.email}{user.is_active}{_stamp(user.last_login)}"
            f"{_stamp(user.email_confirmed_at)}{_stamp(user.deactivated_at)}{timestamp}"
        )


class AccountPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (password, last login, e-mail) plus the activity state."""

    key_salt = "fabrique.accounts.PasswordResetTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return (
            f"{super()._make_hash_value(user, timestamp)}"
            f"{user.is_active}{_stamp(user.deactivated_at)}"
        )


email_confirmation_token = EmailConfirmationTokenGenerator()
password_reset_token = AccountPasswordResetTokenGenerator()
