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
  new one with a new serial and code and the same validity end. Issuing to someone
  whose certificate has expired (manual, bulk or a completed renewal) supersedes it.
  Revocation needs a reason. Expired is derived from ``valid_until``; an expired
  certificate stays "valid" in the database until it is replaced.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
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
    prefix = (prefix or settings.CERTIFICATE_SERIAL_PREFIX).upper()
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
    """The course's template, else the default one, else the first; if an admin
    deleted them all, the standard design is recreated rather than a completion
    failing for want of a template."""
    if course is not None and course.certificate_template_id:
        return course.certificate_template
    template = CertificateTemplate.objects.order_by("-is_default", "pk").first()
    if template is None:
        template, _created = CertificateTemplate.objects.get_or_create(
            name="标准结业证书", defaults={"is_default": True}
        )
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


def _supersede(certificate: Certificate, *, by, reason: str, now) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.SUPERSEDED,
        revoked_at=now,
        revoked_by=by,
        revoke_reason=reason[:500],
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
    renew_if_issued_before=None,
    valid_until=None,
) -> Certificate:
    """Issue ``user`` a certificate for ``course`` (or ``path``), or return the valid
    one they hold (idempotent).

    A held certificate that has expired, or was issued before
    ``renew_if_issued_before`` (the start of the cycle just completed:
    recertification), is superseded by the new one. ``valid_until`` overrides the
    course's validity (a reissue keeps the original end date)."""
    if (course is None) == (path is None):
        raise CertificateError(_("请选择一门课程或一条学习路径。"))
    now = now or timezone.now()
    issued_on = timezone.localdate(now)
    held = _valid_certificate(user=user, course=course, path=path)
    replaces = None
    if held is not None:
        expired = held.valid_until is not None and held.valid_until < issued_on
        earlier_cycle = (
            renew_if_issued_before is not None
            and held.issued_at < renew_if_issued_before
        )
        if not (expired or earlier_cycle):
            return held
        reason = (
            _("证书已到期，完成复训后颁发新证书。")
            if expired
            else _("完成新一轮学习，颁发新证书。")
        )
        _supersede(held, by=by, reason=reason, now=now)
        replaces = held
    target = course or path
    valid_months = getattr(course, "certificate_valid_months", None)
    if valid_until is None and valid_months:
        valid_until = add_months(issued_on, valid_months)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user,
                course=course,
                path=path,
                enrollment=enrollment,
                template=template_for(course),
                serial=serial_allocate(year=issued_on.year),
                holder_name=holder_name(user),
                title=target.title[:255],
                hours=getattr(course, "estimated_hours", None),
                score=score,
                source=source,
                issued_at=now,
                issued_by=by,
                valid_until=valid_until,
            )
    except IntegrityError:
        existing = _valid_certificate(user=user, course=course, path=path)
        if existing is None:
            raise
        return existing
    if replaces is not None:
        Certificate.objects.filter(pk=replaces.pk).update(superseded_by=certificate)
    return certificate


def certificate_issue_for_completion(*, enrollment: Enrollment) -> Certificate | None:
    """The automatic certificate of a completed enrolment (None if the course does
    not issue certificates). Completing a later cycle (recurring training, renewal)
    replaces a certificate issued before that cycle began."""
    course = enrollment.course
    if enrollment.status != EnrollmentStatus.COMPLETED or not course.issues_certificate:
        return None
    return certificate_issue(
        user=enrollment.user,
        course=course,
        enrollment=enrollment,
        score=enrollment.score,
        now=enrollment.completed_at,
        renew_if_issued_before=enrollment.progress_since,
    )


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
    and template, the same validity end); the old one becomes superseded. An expired
    certificate is not reissued: it is renewed by completing the course again or by
    issuing a new one."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("请填写重新颁发的原因。"))
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate_display_status(old) != DisplayStatus.VALID:
        raise CertificateError(_("只能重新颁发有效期内的证书。"))
    now = timezone.now()
    _supersede(old, by=by, reason=reason, now=now)
    new = certificate_issue(
        user=old.user,
        course=old.course,
        path=old.path,
        enrollment=old.enrollment,
        score=old.score,
        source=CertificateSource.MANUAL,
        by=by,
        now=now,
        valid_until=old.valid_until,
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
    today = timezone.localdate()
    holders = set(
        Certificate.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            course=course,
            status=CertificateStatus.VALID,
            user__in=users,
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
