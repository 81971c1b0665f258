"""The sync under pressure and over time: a learner enrolling themselves while the
sync runs, a status changed meanwhile, the assignment locked and re-read, moved
deadlines, deactivated and deleted assignments, withdrawn learners, and a renewal
whose queries do not grow with returning learners."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.dates import end_of_day
from courses.models import (
    Enrollment,
    LearningPath,
    LearningPathStage,
    PathEnrollment,
)
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.selectors.assignments import assignment_completion
from courses.services import assignments as assignments_service
from courses.services.assignments import assignment_release, assignment_sync
from courses.services.paths import path_enroll
from courses.services.progress import course_enroll
from tests.courses.assignments.helpers import (
    assign,
    complete_lessons,
    learner,
    local,
)
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)


@pytest.fixture
def course():
    return make_course(lessons=2, title="同步规则课程")[0]


@pytest.fixture
def path():
    first, _lessons = make_course(lessons=1, title="同步规则路径课")
    path = LearningPath(title="同步规则路径", slug="sync-rules-path", summary="路径")
    first.get_parent().add_child(instance=path)
    stage = LearningPathStage(path=path, title="第一阶段", sort_order=0)
    stage.courses.set([first])
    stage.save()
    path.save_revision().publish()
    return LearningPath.objects.get(pk=path.pk)


def during_sync(monkeypatch, action):
    """Run ``action`` once, after the sync has read the enrolments (on its first
    deadline computation): what another request does meanwhile."""
    original = assignments_service.assignment_due_for
    done = []

    def patched(*args, **kwargs):
        if not done:
            done.append(True)
            action()
        return original(*args, **kwargs)

    monkeypatch.setattr(assignments_service, "assignment_due_for", patched)


# -- concurrency -------------------------------------------------------------------


def test_a_learner_enrolling_themselves_meanwhile_is_taken_over(monkeypatch, course):
    user = learner("race-self", joined=date(2020, 1, 1))
    assignment = assign(course=course, starts_on=START, due_days=7, users=[user])
    during_sync(monkeypatch, lambda: course_enroll(user=user, course=course))
    result = assignment_sync(assignment=assignment, now=local(START))
    assert (result.created, result.updated) == (0, 1)
    row = Enrollment.objects.get(user=user, course=course)
    assert row.source == EnrollmentSource.ASSIGNED
    assert row.assignment == assignment
    assert row.due_at == end_of_day(date(2026, 3, 9))


def test_a_status_changed_meanwhile_is_not_overwritten(monkeypatch, course):
    user = learner("race-done", joined=date(2020, 1, 1))
    mine = course_enroll(user=user, course=course)
    assignment = assign(course=course, starts_on=START, due_days=7, users=[user])
    during_sync(
        monkeypatch,
        lambda: Enrollment.objects.filter(pk=mine.pk).update(
            status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
        ),
    )
    assignment_sync(assignment=assignment, now=local(START))
    mine.refresh_from_db()
    assert mine.status == EnrollmentStatus.COMPLETED


def test_a_withdrawn_enrolment_resumes(course):
    user = learner("resume", joined=date(2020, 1, 1))
    mine = course_enroll(user=user, course=course)
    Enrollment.objects.filter(pk=mine.pk).update(status=EnrollmentStatus.WITHDRAWN)
    assignment = assign(course=course, starts_on=START, due_days=7, users=[user])
    assert assignment_sync(assignment=assignment, now=local(START)).updated == 1
    mine.refresh_from_db()
    assert mine.status == EnrollmentStatus.IN_PROGRESS


def test_a_path_completed_meanwhile_stays_completed(monkeypatch, path):
    user = learner("race-path", joined=date(2020, 1, 1))
    mine = path_enroll(user=user, path=path)
    assignment = assign(path=path, starts_on=START, due_days=7, users=[user])
    during_sync(
        monkeypatch,
        lambda: PathEnrollment.objects.filter(pk=mine.pk).update(
            status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
        ),
    )
    assignment_sync(assignment=assignment, now=local(START))
    mine.refresh_from_db()
    assert mine.status == EnrollmentStatus.COMPLETED


def test_the_sync_locks_and_rereads_the_assignment(course):
    user = learner("lock", joined=date(2020, 1, 1))
    assignment = assign(course=course, starts_on=START, due_days=7, users=[user])
    stale = type(assignment).objects.get(pk=assignment.pk)
    type(assignment).objects.filter(pk=assignment.pk).update(is_active=False)
    with CaptureQueriesContext(connection) as queries:
        assert assignment_sync(assignment=stale, now=local(START)).total == 0
    assert not Enrollment.objects.filter(user=user).exists()
    if connection.features.has_select_for_update:
        locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
        assert locks and "courses_assignment" in locks[0], locks


# -- deadlines -------------------------------------------------------------------------


def test_an_edited_deadline_moves_later_or_earlier(course):
    user = learner("move", joined=date(2020, 1, 1))
    assignment = assign(
        course=course, starts_on=START, due_on=date(2026, 3, 20), users=[user]
    )
    assignment_sync(assignment=assignment, now=local(START))
    row = Enrollment.objects.get(user=user, course=course)
    for new_day in (date(2026, 4, 10), date(2026, 3, 15)):
        assignment.due_on = new_day
        assignment.save()
        assert assignment_sync(assignment=assignment, now=local(START)).updated == 1
        row.refresh_from_db()
        assert row.due_at == end_of_day(new_day)
    assert assignment_sync(assignment=assignment, now=local(START)).unchanged == 1


def test_another_assignments_earlier_deadline_still_wins(course):
    user = learner("other", joined=date(2020, 1, 1))
    first = assign(
        course=course, starts_on=START, due_on=date(2026, 3, 10), users=[user]
    )
    assignment_sync(assignment=first, now=local(START))
    second = assign(
        course=course, starts_on=START, due_on=date(2026, 3, 31), users=[user]
    )
    assert assignment_sync(assignment=second, now=local(START)).unchanged == 1
    row = Enrollment.objects.get(user=user, course=course)
    assert (row.assignment, row.due_at) == (first, end_of_day(date(2026, 3, 10)))


def test_an_edited_path_deadline_moves_later(path):
    user = learner("move-path", joined=date(2020, 1, 1))
    assignment = assign(
        path=path, starts_on=START, due_on=date(2026, 3, 20), users=[user]
    )
    assignment_sync(assignment=assignment, now=local(START))
    assignment.due_on = date(2026, 4, 30)
    assignment.save()
    assert assignment_sync(assignment=assignment, now=local(START)).updated == 1
    row = PathEnrollment.objects.get(user=user, path=path)
    assert row.due_at == end_of_day(date(2026, 4, 30))


def test_a_deactivated_assignment_leaves_nobody_overdue(course, path):
    busy = learner("off-busy", joined=date(2020, 1, 1))
    done = learner("off-done", joined=date(2020, 1, 1))
    assignment = assign(
        course=course, starts_on=START, due_on=date(2026, 3, 5), users=[busy, done]
    )
    on_path = assign(path=path, starts_on=START, due_on=date(2026, 3, 5), users=[busy])
    assignment_sync(assignment=assignment, now=local(START))
    assignment_sync(assignment=on_path, now=local(START))
    Enrollment.objects.filter(user=done).update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    later = local(date(2026, 4, 1))
    assert (
        assignment_completion(assignment=assignment, now=later).counts["overdue"] == 1
    )
    for one in (assignment, on_path):
        one.is_active = False
        one.save()
        assignment_sync(assignment=one, now=later)
    kept = Enrollment.objects.get(user=busy, course=course)
    assert kept.due_at is None
    assert (kept.source, kept.assignment) == (EnrollmentSource.ASSIGNED, assignment)
    assert Enrollment.objects.get(user=done, course=course).due_at is not None
    assert PathEnrollment.objects.get(user=busy, path=path).due_at is None
    assert (
        assignment_completion(assignment=assignment, now=later).counts["overdue"] == 0
    )


def test_release_clears_deadlines_not_completed(course):
    user = learner("release", joined=date(2020, 1, 1))
    assignment = assign(course=course, starts_on=START, due_days=7, users=[user])
    assignment_sync(assignment=assignment, now=local(START))
    assert assignment_release(assignment=assignment) == 1
    assert Enrollment.objects.get(user=user).due_at is None
    assert assignment_release(assignment=assignment) == 0


# -- withdrawn ------------------------------------------------------------------------


def test_a_withdrawn_learner_is_not_overdue(course):
    user = learner("withdrawn", joined=date(2020, 1, 1))
    assignment = assign(
        course=course, starts_on=START, due_on=date(2026, 3, 5), users=[user]
    )
    assignment_sync(assignment=assignment, now=local(START))
    Enrollment.objects.filter(user=user).update(status=EnrollmentStatus.WITHDRAWN)
    completion = assignment_completion(
        assignment=assignment, now=local(date(2026, 4, 1))
    )
    assert completion.counts["overdue"] == 0
    assert completion.rows[0].status == "not_started"


# -- renewal ---------------------------------------------------------------------------


def test_renewal_queries_do_not_grow_with_returning_learners():
    counts = []
    for size in (5, 40):
        course, lessons = make_course(lessons=2, title=f"复训预算{size}")
        users = [
            learner(f"renew-{size}-{n}", joined=date(2020, 1, 1)) for n in range(size)
        ]
        assignment = assign(
            course=course,
            starts_on=date(2026, 1, 5),
            due_days=14,
            recur_months=6,
            users=users,
        )
        assignment_sync(assignment=assignment, now=local(date(2026, 1, 5)))
        for user in users:
            # Cycle 1 work, partly done: it must not count in cycle 2.
            complete_lessons(user, lessons[:1], local(date(2026, 1, 10)))
        with CaptureQueriesContext(connection) as queries:
            result = assignment_sync(
                assignment=assignment, now=local(date(2026, 7, 5), hour=8)
            )
        assert result.renewed == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
