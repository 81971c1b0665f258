"""Certificate rules: issuing, idempotency, serial numbers (format, per year,
gap-free after a rollback), reissue, revocation and the derived status."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from courses.dates import add_months
from courses.models import (
    Certificate,
    CertificateSource,
    CertificateStatus,
    CertificateTemplate,
)
from courses.services import certificates as service
from tests.factories.progress import make_course, make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course, _lessons = make_course(lessons=1)
    return course


def test_issue_copies_the_holder_course_and_hours(course):
    learner = make_learner("zhang")
    learner.first_name = "张三"
    learner.save()
    certificate = service.certificate_issue(user=learner, course=course, score=92)
    assert certificate.holder_name == "张三"
    assert certificate.title == course.title
    assert certificate.hours == course.estimated_hours
    assert certificate.template == CertificateTemplate.objects.get(is_default=True)
    year = timezone.localdate().year
    assert certificate.serial == f"SF-{year}-000001"
    assert len(certificate.verification_code) >= 32
    assert certificate.status == CertificateStatus.VALID


def test_issue_is_idempotent_per_learner_and_course(course):
    learner = make_learner()
    first = service.certificate_issue(user=learner, course=course)
    again = service.certificate_issue(user=learner, course=course)
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1


def test_serials_count_per_year_and_are_gap_free_after_a_rollback(course):
    learners = [make_learner(f"l{i}") for i in range(3)]
    service.certificate_issue(user=learners[0], course=course)
    with pytest.raises(RuntimeError), transaction.atomic():
        service.certificate_issue(user=learners[1], course=course)
        raise RuntimeError("completion rolled back")
    third = service.certificate_issue(user=learners[2], course=course)
    year = timezone.localdate().year
    assert third.serial == f"SF-{year}-000002"
    assert service.serial_allocate(year=2031) == "SF-2031-000001"
    assert service.serial_allocate(year=2031, prefix="QM") == "QM-2031-000001"


def test_verification_codes_are_random_not_derived(course):
    codes = {
        service.certificate_issue(
            user=make_learner(f"u{i}"), course=course
        ).verification_code
        for i in range(5)
    }
    assert len(codes) == 5
    assert all(len(code) == 32 for code in codes)


def test_reissue_supersedes_the_old_certificate(course):
    learner, admin = make_learner("learner"), make_learner("certadmin")
    old = service.certificate_issue(user=learner, course=course, score=88)
    new = service.certificate_reissue(certificate=old, by=admin, reason="姓名有误")
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.superseded_by == new
    assert old.revoked_by == admin and old.revoke_reason == "姓名有误"
    assert new.status == CertificateStatus.VALID
    assert new.serial != old.serial and new.verification_code != old.verification_code
    assert new.score == 88 and new.source == CertificateSource.MANUAL
    assert service.certificate_issue(user=learner, course=course).pk == new.pk


def test_revoke_needs_a_reason_and_only_once(course):
    learner, admin = make_learner("learner"), make_learner("certadmin")
    certificate = service.certificate_issue(user=learner, course=course)
    with pytest.raises(service.CertificateError):
        service.certificate_revoke(certificate=certificate, by=admin, reason="  ")
    service.certificate_revoke(certificate=certificate, by=admin, reason="考试作弊")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_at is not None
    with pytest.raises(service.CertificateError):
        service.certificate_revoke(certificate=certificate, by=admin, reason="再次")
    # A revoked certificate no longer blocks a new one.
    assert service.certificate_issue(user=learner, course=course).pk != certificate.pk


def test_validity_months_and_derived_expiry(course):
    course.certificate_valid_months = 12
    course.save()
    certificate = service.certificate_issue(
        user=make_learner(), course=course, now=timezone.now()
    )
    today = timezone.localdate()
    assert certificate.valid_until == add_months(today, 12)
    status = service.certificate_display_status
    assert status(certificate, today) == service.DisplayStatus.VALID
    assert status(certificate, certificate.valid_until) == service.DisplayStatus.VALID
    expired_day = certificate.valid_until + timedelta(days=1)
    assert status(certificate, expired_day) == service.DisplayStatus.EXPIRED


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_bulk_issue_counts_holders(course):
    admin = make_learner("certadmin")
    learners = [make_learner(f"b{i}") for i in range(4)]
    service.certificate_issue(user=learners[0], course=course)
    result = service.certificates_issue_bulk(users=learners, course=course, by=admin)
    assert (result.issued, result.already_held) == (3, 1)
    assert (
        Certificate.objects.filter(course=course, source=CertificateSource.BULK).count()
        == 3
    )


def test_course_without_certificates_issues_none_on_completion(course):
    from courses.services.progress import course_enroll, lesson_mark_complete

    course.issues_certificate = False
    course.save()
    learner = make_learner()
    course_enroll(user=learner, course=course)
    enrollment = course.enrollments.get(user=learner)
    for lesson in course.get_children().specific():
        lesson_mark_complete(user=learner, lesson=lesson)
    enrollment.refresh_from_db()
    assert service.certificate_issue_for_completion(enrollment=enrollment) is None


def test_issuing_to_a_holder_of_an_expired_certificate_replaces_it(course):
    learner = make_learner()
    old = service.certificate_issue(user=learner, course=course)
    Certificate.objects.filter(pk=old.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    result = service.certificates_issue_bulk(
        users=[learner], course=course, by=make_learner("certadmin")
    )
    assert (result.issued, result.already_held) == (1, 0)
    old.refresh_from_db()
    assert old.status == CertificateStatus.SUPERSEDED
    assert old.superseded_by.status == CertificateStatus.VALID


def test_reissue_keeps_the_validity_and_refuses_expired(course):
    course.certificate_valid_months = 12
    course.save()
    learner, admin = make_learner(), make_learner("certadmin")
    old = service.certificate_issue(user=learner, course=course)
    Certificate.objects.filter(pk=old.pk).update(valid_until=date(2030, 1, 31))
    old.refresh_from_db()
    new = service.certificate_reissue(certificate=old, by=admin, reason="更正姓名")
    assert new.valid_until == date(2030, 1, 31)
    Certificate.objects.filter(pk=new.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    new.refresh_from_db()
    with pytest.raises(service.CertificateError):
        service.certificate_reissue(certificate=new, by=admin, reason="再次")


def test_serial_prefix_is_upper_case(course, settings):
    settings.CERTIFICATE_SERIAL_PREFIX = "qm"
    certificate = service.certificate_issue(user=make_learner(), course=course)
    assert certificate.serial.startswith("QM-")
