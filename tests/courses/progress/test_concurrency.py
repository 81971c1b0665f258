"""Progress under parallel requests (double clicks, two tabs), on committed data in
real threads, each with its own database connection: 10 parallel completes of the
same lesson give one row, 10 parallel enrolments give one enrolment."""

import pytest

from courses.models.progress import Enrollment, EnrollmentStatus, LessonProgress
from courses.services import progress
from tests.concurrency import in_parallel
from tests.factories.progress import make_course, make_learner

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARALLEL = 10


def test_parallel_completes_give_one_row():
    learner = make_learner("parallel")
    course, lessons = make_course(lessons=1)
    results = in_parallel(
        lambda: progress.lesson_mark_complete(user=learner, lesson=lessons[0]),
        n=PARALLEL,
    )
    assert all(isinstance(r, LessonProgress) for r in results), results
    row = LessonProgress.objects.get(user=learner, lesson=lessons[0])
    assert {r.pk for r in results} == {row.pk}
    assert {r.completed_at for r in results} == {row.completed_at}
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_parallel_enrolments_give_one_enrolment():
    learner = make_learner("parallel")
    course, _lessons = make_course(lessons=2)
    results = in_parallel(
        lambda: progress.course_enroll(user=learner, course=course), n=PARALLEL
    )
    assert all(isinstance(r, Enrollment) for r in results), results
    only = Enrollment.objects.get(user=learner, course=course)
    assert {r.pk for r in results} == {only.pk}
