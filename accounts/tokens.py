"""Email-confirmation tokens: like password-reset tokens, but invalidated once the account is active."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "fabrique.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        # Activation or a later sign-in changes the hash: a link cannot re-activate an account
        # that staff deactivated afterwards.
        login = (
            "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        )
        return f"{user.pk}{user.email}{user.is_active}{login}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
