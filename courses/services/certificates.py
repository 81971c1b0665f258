"""Certificate rules: issuing (automatic on completion, manual, bulk), serial
numbers, reissue, revocation, and the derived status.

- Issued automatically when ``courses.services.progress.enrollment_evaluate`` marks an
  enrolment completed, in the same transaction (a rolled-back completion issues
  nothing), if the course ``issues_certificate``; and when a learning path is
  completed (``courses.services.paths``). A learner who completes a course again
  after their certificate expired (renewal) gets a new one; the expired one becomes
  superseded. Completing a later cycle while the certificate is still valid keeps it.
- Idempotent: at most one valid certificate per learner and course (or path), a
  partial unique constraint; issuing again returns the valid one. A parallel issuance
  that loses the race returns the winner's certificate.
- Serial numbers ``<prefix>-<year>-<6 digits>``: the per-(prefix, year) counter row is
  incremented by an UPDATE inside the issuing transaction, which locks the row
  (PostgreSQL) or the database (SQLite) until commit: numbers are unique (also a
  database constraint on ``serial``) and gap-free, because a rolled-back issuance
  rolls its increment back too.
- Reissue marks the old certificate superseded (with who, when and why) and issues a
  new one with a new serial and code. Revocation needs a reason. Expired is derived
  from ``valid_until``; an expired certificate stays "valid" in the database.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.dates import add_months
from courses.models.certificates import (
    Certificate,
    CertificateSerialCounter,
    CertificateSource,
    CertificateStatus,
    CertificateTemplate,
)
from courses.models.progress import Enrollment, EnrollmentStatus
from courses.selectors.quiz_results import learner_name


class CertificateError(Exception):
    """A rule refused the action; ``message`` is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def serial_allocate(*, year: int, prefix: str | None = None) -> str:
    """The next serial number of ``prefix`` and ``year``; call inside the issuing
    transaction (it holds the counter row's lock until commit)."""
    prefix = prefix or settings.CERTIFICATE_SERIAL_PREFIX
    counters = CertificateSerialCounter.objects.filter(prefix=prefix, year=year)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                CertificateSerialCounter.objects.create(
                    prefix=prefix, year=year, last_number=1
                )
        except IntegrityError:
            # Another transaction created the row first: take the next number.
            counters.update(last_number=F("last_number") + 1)
    number = counters.values_list("last_number", flat=True).get()
    return f"{prefix}-{year}-{number:06d}"


def template_for(course=None) -> CertificateTemplate:
    """The course's template, else the default one, else the first."""
    if course is not None and course.certificate_template_id:
        return course.certificate_template
    template = CertificateTemplate.objects.order_by("-is_default", "pk").first()
    if template is None:
        raise CertificateError(_("尚未设置证书模板，请先在“证书模板”中创建。"))
    return template


def holder_name(user) -> str:
    return learner_name(user)[:60]


def _valid_certificate(*, user, course=None, path=None) -> Certificate | None:
    return (
        Certificate.objects.filter(
            user=user, course=course, path=path, status=CertificateStatus.VALID
        )
        .order_by("-issued_at")
        .first()
    )


@transaction.atomic
def certificate_issue(
    *,
    user,
    course=None,
    path=None,
    enrollment: Enrollment | None = None,
    score=None,
    source: str = CertificateSource.AUTOMATIC,
    by=None,
    now=None,
) -> Certificate:
    """Issue ``user`` a certificate for ``course`` (or ``path``), or return the valid
    one they hold (idempotent)."""
    if (course is None) == (path is None):
        raise CertificateError(_("请选择一门课程或一条学习路径。"))
    existing = _valid_certificate(user=user, course=course, path=path)
    if existing is not None:
        return existing
    now = now or timezone.now()
    target = course or path
    template = template_for(course)
    valid_months = getattr(course, "certificate_valid_months", None)
    issued_on = timezone.localdate(now)
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                course=course,
                path=path,
                enrollment=enrollment,
                template=template,
                serial=serial_allocate(year=issued_on.year),
                holder_name=holder_name(user),
                title=target.title[:255],
                hours=getattr(course, "estimated_hours", None),
                score=score,
                source=source,
                issued_at=now,
                issued_by=by,
                valid_until=add_months(issued_on, valid_months)
                if valid_months
                else None,
            )
    except IntegrityError:
        existing = _valid_certificate(user=user, course=course, path=path)
        if existing is None:
            raise
        return existing


def certificate_issue_for_completion(*, enrollment: Enrollment) -> Certificate | None:
    """The automatic certificate of a completed enrolment (None if the course does
    not issue certificates)."""
    course = enrollment.course
    if enrollment.status != EnrollmentStatus.COMPLETED or not course.issues_certificate:
        return None
    held = _valid_certificate(user=enrollment.user, course=course)
    expired = (
        held is not None
        and held.valid_until is not None
        and held.valid_until < timezone.localdate(enrollment.completed_at)
    )
    if expired:
        # Completed again after the certificate expired (renewal): a new one.
        Certificate.objects.filter(pk=held.pk).update(
            status=CertificateStatus.SUPERSEDED,
            revoked_at=enrollment.completed_at,
            revoke_reason=_("证书到期后重新完成课程，已颁发新证书。"),
        )
    certificate = certificate_issue(
        user=enrollment.user,
        course=course,
        enrollment=enrollment,
        score=enrollment.score,
        now=enrollment.completed_at,
    )
    if expired:
        Certificate.objects.filter(pk=held.pk).update(superseded_by=certificate)
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Revoke a valid certificate; the reason is required and shown on verification
    only as "已撤销" with the date."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("请填写撤销原因。"))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != CertificateStatus.VALID:
        raise CertificateError(_("该证书已失效，无需撤销。"))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason[:500]
    certificate.save(
        update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"]
    )
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Replace a valid certificate by a new one (new serial and code, current name
    and template); the old one becomes superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("请填写重新颁发的原因。"))
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.status != CertificateStatus.VALID:
        raise CertificateError(_("只能重新颁发有效的证书。"))
    old.status = CertificateStatus.SUPERSEDED
    old.revoked_at = timezone.now()
    old.revoked_by = by
    old.revoke_reason = reason[:500]
    old.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    new = certificate_issue(
        user=old.user,
        course=old.course,
        path=old.path,
        enrollment=old.enrollment,
        score=old.score,
        source=CertificateSource.MANUAL,
        by=by,
    )
    Certificate.objects.filter(pk=old.pk).update(superseded_by=new)
    return new


@dataclass(frozen=True)
class BulkResult:
    issued: int
    already_held: int


@transaction.atomic
def certificates_issue_bulk(*, users, course, by, score=None) -> BulkResult:
    """Issue ``course`` certificates to ``users`` (e.g. everyone who passed an onsite
    session); those already holding a valid one are counted, not reissued."""
    issued = held = 0
    holders = set(
        Certificate.objects.filter(
            course=course, status=CertificateStatus.VALID, user__in=users
        ).values_list("user_id", flat=True)
    )
    for user in users:
        if user.pk in holders:
            held += 1
            continue
        certificate_issue(
            user=user, course=course, score=score, source=CertificateSource.BULK, by=by
        )
        issued += 1
    return BulkResult(issued=issued, already_held=held)


class DisplayStatus:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


def certificate_display_status(certificate: Certificate, today: date | None = None):
    """valid / expired / revoked / superseded; expiry derived from ``valid_until``."""
    if certificate.status == CertificateStatus.REVOKED:
        return DisplayStatus.REVOKED
    if certificate.status == CertificateStatus.SUPERSEDED:
        return DisplayStatus.SUPERSEDED
    today = today or timezone.localdate()
    if certificate.valid_until is not None and certificate.valid_until < today:
        return DisplayStatus.EXPIRED
    return DisplayStatus.VALID
