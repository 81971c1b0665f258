"""Reads of certificates: the public verification lookup (one query, the same
whatever the outcome) and a holder's own certificates."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.certificates import Certificate, CertificateStatus
from courses.services.certificates import DisplayStatus, certificate_display_status

# What verification reads: snapshots only, no joins.
VERIFY_FIELDS = (
    "serial",
    "verification_code",
    "holder_name",
    "title",
    "issued_at",
    "valid_until",
    "status",
    "revoked_at",
)


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*, Alice Wong → A********g: enough for the holder to
    recognise, not enough to harvest names."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class Verification:
    found: bool
    status: str  # DisplayStatus value, or "not_found"
    holder: str = ""
    course: str = ""
    serial: str = ""
    issued_on: date | None = None
    valid_until: date | None = None
    revoked_on: date | None = None


NOT_FOUND = Verification(found=False, status="not_found")


def certificate_lookup(query: str, *, today: date | None = None) -> Verification:
    """The certificate whose serial (any case) or verification code is ``query``."""
    query = query.strip()
    if not query:
        return NOT_FOUND
    certificate = (
        Certificate.objects.filter(Q(serial=query.upper()) | Q(verification_code=query))
        .only(*VERIFY_FIELDS)
        .order_by("pk")
        .first()
    )
    if certificate is None:
        return NOT_FOUND
    status = certificate_display_status(certificate, today)
    holder = certificate.holder_name
    if settings.CERTIFICATE_VERIFY_MASK_NAMES:
        holder = mask_name(holder)
    revoked = status in (DisplayStatus.REVOKED, DisplayStatus.SUPERSEDED)
    return Verification(
        found=True,
        status=status,
        holder=holder,
        course=certificate.title,
        serial=certificate.serial,
        issued_on=timezone.localdate(certificate.issued_at),
        valid_until=certificate.valid_until,
        revoked_on=timezone.localdate(certificate.revoked_at)
        if revoked and certificate.revoked_at
        else None,
    )


def own_certificate(*, user, pk: int) -> Certificate | None:
    """``user``'s certificate ``pk`` (with its template), or None; revoked and
    superseded certificates are no longer handed out (expired ones are: they
    record training that happened)."""
    return (
        Certificate.objects.filter(user=user, pk=pk, status=CertificateStatus.VALID)
        .select_related("template")
        .first()
    )


STATUS_LABELS = {
    DisplayStatus.VALID: _("有效"),
    DisplayStatus.EXPIRED: _("已过期"),
    DisplayStatus.REVOKED: _("已撤销"),
    DisplayStatus.SUPERSEDED: _("已作废"),
}


def my_certificates(*, user) -> list[Certificate]:
    """The user's certificates, valid ones first, newest first (one query); each
    carries ``display_status``."""
    certificates = list(
        Certificate.objects.filter(user=user)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by("-issued_at", "-pk")
    )
    today = timezone.localdate()
    for certificate in certificates:
        certificate.display_status = certificate_display_status(certificate, today)
        certificate.status_label = STATUS_LABELS[certificate.display_status]
    certificates.sort(key=lambda c: c.display_status != DisplayStatus.VALID)
    return certificates
