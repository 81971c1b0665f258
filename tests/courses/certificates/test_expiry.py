"""Expiry reminders (60/30/7 days, once per threshold, never twice on a rerun) and
renewal on expiry (a new cycle that needs fresh progress, started once)."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from courses.models import Certificate, Enrollment
from courses.services import certificate_expiry as expiry
from courses.services import certificates as service
from courses.services.progress import (
    course_enroll,
    enrollment_evaluate,
    lesson_mark_complete,
)
from tests.factories.progress import make_course, make_learner

pytestmark = pytest.mark.django_db


def at(days_from_now: int):
    day = timezone.localdate() + timedelta(days=days_from_now)
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def certificate_valid_until(days: int, **course_fields) -> Certificate:
    course, _lessons = make_course(lessons=1, **course_fields)
    learner = make_learner(f"holder{Certificate.objects.count()}")
    learner.email = "holder@example.com"
    learner.save()
    certificate = service.certificate_issue(user=learner, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() + timedelta(days=days)
    )
    certificate.refresh_from_db()
    return certificate


def test_reminders_at_60_30_and_7_days_once_each():
    certificate = certificate_valid_until(60)
    assert expiry.certificates_remind_expiring() == 1
    assert expiry.certificates_remind_expiring() == 0  # same day, rerun
    assert "到期" in mail.outbox[0].subject
    assert certificate.serial in mail.outbox[0].body
    assert mail.outbox[0].to == ["holder@example.com"]
    # 45 days left: still the 60-day reminder, nothing new.
    assert expiry.certificates_remind_expiring(now=at(15)) == 0
    assert expiry.certificates_remind_expiring(now=at(30)) == 1
    assert expiry.certificates_remind_expiring(now=at(31)) == 0
    assert expiry.certificates_remind_expiring(now=at(53)) == 1
    assert expiry.certificates_remind_expiring(now=at(55)) == 0
    assert len(mail.outbox) == 3


def test_a_certificate_first_seen_late_gets_one_reminder():
    certificate_valid_until(20)
    assert expiry.certificates_remind_expiring() == 1
    assert expiry.certificates_remind_expiring(now=at(5)) == 0
    assert expiry.certificates_remind_expiring(now=at(13)) == 1  # 7 days left


def test_no_reminder_for_revoked_or_far_off_certificates():
    far = certificate_valid_until(200)
    revoked = certificate_valid_until(30)
    service.certificate_revoke(
        certificate=revoked, by=make_learner("certadmin"), reason="x"
    )
    assert expiry.certificates_remind_expiring() == 0
    assert far.expiry_reminded_days is None


def test_renewal_starts_a_new_cycle_once_when_the_course_says_so():
    course, lessons = make_course(
        lessons=1, certificate_valid_months=12, certificate_renew_on_expiry=True
    )
    user, lesson = make_learner("renewing"), lessons[0]
    course_enroll(user=user, course=course)
    lesson_mark_complete(user=user, lesson=lesson)  # completes and issues
    first = Enrollment.objects.get(user=user, course=course)
    assert first.status == "completed"
    Certificate.objects.filter(user=user, course=course).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert expiry.certificates_renew_expired() == 1
    assert expiry.certificates_renew_expired() == 0
    first.refresh_from_db()
    assert not first.is_current and first.status == "completed"
    current = Enrollment.objects.get(user=user, course=course, is_current=True)
    assert current.cycle == 2 and current.status == "in_progress"
    assert current.due_at is not None
    # Old progress does not count in the new cycle; doing the lesson again does.
    assert enrollment_evaluate(enrollment=current) is False
    lesson_mark_complete(user=user, lesson=lesson)
    current.refresh_from_db()
    assert current.status == "completed"


def test_no_renewal_when_the_course_does_not_renew():
    certificate_valid_until(-1)
    assert expiry.certificates_renew_expired() == 0
    assert Enrollment.objects.count() == 0


def test_a_refused_address_does_not_stop_the_run(monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    bad = certificate_valid_until(30)
    good = certificate_valid_until(30)
    type(bad.user).objects.filter(pk=bad.user.pk).update(email="bad@example.com")
    real_send = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if message.to == ["bad@example.com"]:
            raise OSError("recipient refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert expiry.certificates_remind_expiring() == 1
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.expiry_reminded_days == 30
    assert bad.expiry_reminded_days is None  # tried again next run
