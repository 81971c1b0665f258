"""Certificates coming to the end of their validity: reminders before expiry and
renewal on expiry. Both run in the daily background task (``courses.tasks``).

- Reminders: a valid certificate with ``valid_until`` is reminded when it is at most
  60, 30 and 7 days (CERTIFICATE_EXPIRY_REMINDER_DAYS) from expiry, once per
  threshold: ``expiry_reminded_days`` records the last threshold reminded, set by a
  conditional UPDATE before the e-mail goes out, so a retried or duplicated run never
  sends twice. A certificate first seen at 20 days gets the 30-day reminder only.
- Renewal: when a certificate of a course with ``certificate_renew_on_expiry`` has
  expired, the learner starts a new cycle of the course (the current enrolment is
  retired, history kept; the new one counts only new progress and is due
  CERTIFICATE_RENEWAL_DUE_DAYS later) and ``renewed_at`` is set, once. Completing the
  new cycle issues a new certificate (the expired one is still "valid" in the
  database, so it is superseded then).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses.links import absolute_url
from courses.models.certificates import Certificate, CertificateStatus
from courses.models.progress import Enrollment, EnrollmentSource, EnrollmentStatus
from courses.selectors.quiz_results import learner_name

logger = logging.getLogger(__name__)


@dataclass
class ExpiryResult:
    reminded: int = 0
    renewed: int = 0


def _threshold(days_left: int) -> int | None:
    """The smallest reminder threshold ``days_left`` has reached, or None."""
    reached = [d for d in settings.CERTIFICATE_EXPIRY_REMINDER_DAYS if days_left <= d]
    return min(reached) if reached else None


def _message(certificate: Certificate, days_left: int) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": learner_name(certificate.user),
            "title": certificate.title,
            "serial": certificate.serial,
            "valid_until": certificate.valid_until,
            "days_left": days_left,
            "url": absolute_url(
                certificate.course.get_url() if certificate.course_id else "/my/"
            ),
            "renews": bool(
                certificate.course_id and certificate.course.certificate_renew_on_expiry
            ),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string(
            "courses/emails/certificate_expiry_subject.txt", context
        )
        text = render_to_string("courses/emails/certificate_expiry.txt", context)
        html = render_to_string("courses/emails/certificate_expiry.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, to=[certificate.user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def certificates_remind_expiring(*, now=None) -> int:
    """Send the expiry reminders due today; return how many were sent."""
    today = timezone.localdate(now)
    horizon = today + timedelta(days=max(settings.CERTIFICATE_EXPIRY_REMINDER_DAYS))
    candidates = (
        Certificate.objects.filter(
            status=CertificateStatus.VALID,
            valid_until__gte=today,
            valid_until__lte=horizon,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user__profile", "course")
    )
    sent = 0
    for certificate in candidates:
        days_left = (certificate.valid_until - today).days
        threshold = _threshold(days_left)
        if threshold is None:
            continue
        try:
            # The claim and the e-mail commit together: a failed send leaves the
            # reminder due for the next run.
            with transaction.atomic():
                claimed = (
                    Certificate.objects.filter(pk=certificate.pk)
                    .filter(
                        Q(expiry_reminded_days__isnull=True)
                        | Q(expiry_reminded_days__gt=threshold)
                    )
                    .update(expiry_reminded_days=threshold)
                )
                if claimed:
                    _message(certificate, days_left).send()
        except Exception:  # noqa: BLE001 - one bad address must not stop the run
            logger.exception("expiry reminder for %s failed", certificate.serial)
            continue
        sent += claimed
    return sent


def certificates_renew_expired(*, now=None) -> int:
    """Start a new cycle for learners whose certificate expired on a course that
    renews; return how many were started."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    expired = Certificate.objects.filter(
        status=CertificateStatus.VALID,
        valid_until__lt=today,
        renewed_at__isnull=True,
        course__certificate_renew_on_expiry=True,
        user__is_active=True,
    ).select_related("course")
    renewed = 0
    for certificate in expired:
        with transaction.atomic():
            if not Certificate.objects.filter(
                pk=certificate.pk, renewed_at__isnull=True
            ).update(renewed_at=now):
                continue
            studying = Enrollment.objects.filter(
                user_id=certificate.user_id,
                course=certificate.course,
                is_current=True,
                status=EnrollmentStatus.IN_PROGRESS,
                enrolled_at__gt=certificate.issued_at,
            ).exists()
            if studying:
                # Already in a new cycle (a recurring assignment got there first).
                continue
            _start_new_cycle(
                user_id=certificate.user_id, course=certificate.course, now=now
            )
            renewed += 1
    return renewed


def _start_new_cycle(*, user_id: int, course, now) -> Enrollment:
    """Retire the learner's current enrolment on ``course`` and open the next cycle,
    counting only progress from ``now``."""
    last = Enrollment.objects.filter(user_id=user_id, course=course).aggregate(
        n=Max("cycle")
    )["n"]
    Enrollment.objects.filter(user_id=user_id, course=course, is_current=True).update(
        is_current=False
    )
    return Enrollment.objects.create(
        user_id=user_id,
        course=course,
        source=EnrollmentSource.ASSIGNED,
        enrolled_at=now,
        due_at=now + timedelta(days=settings.CERTIFICATE_RENEWAL_DUE_DAYS),
        cycle=(last or 0) + 1,
        progress_since=now,
    )


def certificates_daily(*, now=None) -> ExpiryResult:
    """The daily certificate work: reminders, then renewals."""
    return ExpiryResult(
        reminded=certificates_remind_expiring(now=now),
        renewed=certificates_renew_expired(now=now),
    )
