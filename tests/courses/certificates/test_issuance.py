"""Automatic issuance: a certificate comes with the completion, in its transaction;
courses with an exam issue on the pass; paths issue on completion; a renewal after
expiry issues a new certificate and supersedes the old one."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from courses.models import Certificate, CertificateStatus, Enrollment
from courses.models.quizzes import AttemptStatus, QuizAttempt
from courses.services import certificate_expiry
from courses.services.paths import path_enroll, stage_sign_off
from courses.services.progress import (
    course_enroll,
    enrollment_evaluate,
    lesson_mark_complete,
)
from tests.courses.paths.builders import courses_of, make_path, stages_of
from tests.factories.progress import make_course, make_learner
from tests.factories.quizzes import make_quiz, single_choice_bank

pytestmark = pytest.mark.django_db


def complete_lessons(user, lessons):
    for lesson in lessons:
        lesson_mark_complete(user=user, lesson=lesson)


def test_completing_the_lessons_issues_one_certificate():
    course, lessons = make_course(lessons=2)
    learner = make_learner()
    complete_lessons(learner, lessons[:1])
    assert not Certificate.objects.exists()
    complete_lessons(learner, lessons[1:])
    certificate = Certificate.objects.get()
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert certificate.user == learner and certificate.course == course
    assert certificate.enrollment == enrollment
    assert certificate.issued_at == enrollment.completed_at
    complete_lessons(learner, lessons)  # again: nothing new
    assert Certificate.objects.count() == 1


def test_a_rolled_back_completion_issues_nothing():
    course, lessons = make_course(lessons=1)
    learner = make_learner()
    with pytest.raises(RuntimeError), transaction.atomic():
        complete_lessons(learner, lessons)
        assert Certificate.objects.count() == 1
        raise RuntimeError("request failed after the completion")
    assert not Certificate.objects.exists()
    assert not Enrollment.objects.exists()


def test_course_with_an_exam_issues_on_the_pass_with_the_score():
    quiz = make_quiz(bank=single_choice_bank(2))
    course, lessons = make_course(lessons=1, quiz=quiz)
    learner = make_learner()
    complete_lessons(learner, lessons)
    assert not Certificate.objects.exists()
    QuizAttempt.objects.create(
        user=learner,
        quiz=quiz,
        number=1,
        status=AttemptStatus.GRADED,
        passed=True,
        percentage=96,
        submitted_at=timezone.now(),
    )
    enrollment_evaluate(enrollment=Enrollment.objects.get(user=learner))
    certificate = Certificate.objects.get()
    assert certificate.score == 96


def test_courses_that_do_not_issue_certificates():
    course, lessons = make_course(lessons=1, issues_certificate=False)
    learner = make_learner()
    complete_lessons(learner, lessons)
    assert Enrollment.objects.get().status == "completed"
    assert not Certificate.objects.exists()


def test_completing_a_path_issues_a_path_certificate():
    path = make_path({"courses": 1}, {"task": "师傅旁看"})
    learner, mentor = make_learner(), make_learner("mentor")
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    first, second = stages_of(path)
    for course in courses_of(first):
        complete_lessons(learner, course.get_children().specific())
    assert Certificate.objects.filter(path=path).count() == 0
    stage_sign_off(
        enrollment=enrollment.__class__.objects.get(pk=enrollment.pk),
        stage=second,
        by=mentor,
        note="合格",
    )
    certificate = Certificate.objects.get(path=path)
    assert certificate.user == learner and certificate.title == path.title


def test_renewal_after_expiry_issues_a_new_certificate():
    course, lessons = make_course(
        lessons=1, certificate_valid_months=12, certificate_renew_on_expiry=True
    )
    learner = make_learner()
    course_enroll(user=learner, course=course)
    complete_lessons(learner, lessons)
    old = Certificate.objects.get()
    Certificate.objects.filter(pk=old.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert certificate_expiry.certificates_renew_expired() == 1
    complete_lessons(learner, lessons)
    old.refresh_from_db()
    new = Certificate.objects.get(status=CertificateStatus.VALID)
    assert old.status == CertificateStatus.SUPERSEDED and old.superseded_by == new
    assert new.valid_until > timezone.localdate()
    assert new.enrollment.cycle == 2


def test_completing_a_later_cycle_before_expiry_recertifies():
    from courses.services.certificate_expiry import _start_new_cycle

    course, lessons = make_course(lessons=1, certificate_valid_months=12)
    learner = make_learner()
    complete_lessons(learner, lessons)
    first = Certificate.objects.get()
    # The yearly refresher starts before the certificate expires.
    _start_new_cycle(user_id=learner.pk, course=course, now=timezone.now())
    complete_lessons(learner, lessons)
    first.refresh_from_db()
    second = Certificate.objects.get(status=CertificateStatus.VALID)
    assert first.status == CertificateStatus.SUPERSEDED
    assert first.superseded_by == second
    assert second.enrollment.cycle == 2


def test_a_deleted_default_template_does_not_block_completion():
    from courses.models import CertificateTemplate

    CertificateTemplate.objects.all().delete()
    course, lessons = make_course(lessons=1)
    learner = make_learner()
    complete_lessons(learner, lessons)
    assert Enrollment.objects.get(user=learner).status == "completed"
    assert Certificate.objects.get().template.is_default
