"""The e-mails the accounts app sends (besides Django's password-reset mail).

Templates live in ``templates/emails/accounts/<name>_subject.txt`` and ``<name>.txt``.
A failed send is logged, never raised: the visitor sees the same page either way, and
every mail here can be asked for again (registering again resends it).
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.accounts.tokens import account_activation_token

logger = logging.getLogger(__name__)


def _send(*, name: str, to: str, context: dict) -> None:
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        **context,
    }
    subject = render_to_string(f"emails/accounts/{name}_subject.txt", context)
    body = render_to_string(f"emails/accounts/{name}.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, to=[to])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the %s e-mail", name)


def activation_url(*, user, site_url: str) -> str:
    path = reverse(
        "accounts:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": account_activation_token.make_token(user),
        },
    )
    return f"{site_url}{path}"


def send_activation_email(*, user, site_url: str) -> None:
    """The link that activates a newly registered account."""
    _send(
        name="activation",
        to=user.email,
        context={
            "display_name": user.first_name or user.get_username(),
            "activation_url": activation_url(user=user, site_url=site_url),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "site_url": site_url,
        },
    )


def send_already_registered_email(*, email: str, site_url: str) -> None:
    """Someone tried to register ``email`` again: tell its owner how to get back in."""
    _send(
        name="already_registered",
        to=email,
        context={
            "email": email,
            "login_url": f"{site_url}{reverse('accounts:login')}",
            "password_reset_url": f"{site_url}{reverse('accounts:password_reset')}",
            "site_url": site_url,
        },
    )
