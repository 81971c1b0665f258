"""Absolute links for what leaves the site (e-mails, PDFs, QR codes)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` on the site's public address (``WAGTAILADMIN_BASE_URL``); a full
    URL is returned as it is."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{path}" if path.startswith("/") else path
