"""One-use links sent by e-mail."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the link in the activation e-mail.

    A separate salt keeps activation and password-reset tokens from standing in for each
    other. The hash covers ``is_active`` (besides Django's password, last login and
    e-mail), so a link dies as soon as the account is active. Links expire after
    ``PASSWORD_RESET_TIMEOUT`` like reset links.
    """

    key_salt = "portal.accounts.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"


account_activation_token = AccountActivationTokenGenerator()
