"""Assigned training: who is targeted, deadlines, assignment_sync (idempotent,
earlier deadline wins, restricted learners skipped, flat query budget) and
recurring cycles that need fresh progress."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.dates import add_months, end_of_day
from courses.models import Enrollment, Quiz, QuizAttempt
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.models.quizzes import AttemptStatus
from courses.selectors.dashboard import my_archive
from courses.services.assignments import (
    assignment_due_for,
    assignment_learners,
    assignment_sync,
    cycle_start,
)
from courses.services.progress import (
    course_enroll,
    enrollment_evaluate,
    lesson_mark_complete,
)
from portal.accounts.models import Organisation
from tests.courses.assignments.helpers import (
    assign,
    complete_lessons,
    learner,
    local,
)
from tests.factories.progress import make_course, restrict_to_groups

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)


@pytest.fixture
def course():
    return make_course(lessons=2, title="指派测试课程")


# -- deadlines ----------------------------------------------------------------------


def test_fixed_due_date_is_the_end_of_that_local_day(course):
    user = learner("due-fixed", joined=date(2020, 1, 1))
    assignment = assign(course=course[0], starts_on=START, due_on=date(2026, 3, 20))
    due = assignment_due_for(assignment, user)
    assert timezone.localtime(due).date() == date(2026, 3, 20)
    assert (timezone.localtime(due).hour, timezone.localtime(due).minute) == (23, 59)
    assert str(timezone.localtime(due).tzinfo) == "Asia/Shanghai"


def test_relative_deadline_counts_from_the_later_of_start_and_joining(course):
    assignment = assign(course=course[0], starts_on=START, due_days=7)
    veteran = learner("due-veteran", joined=date(2020, 1, 1))
    newcomer = learner("due-newcomer", joined=date(2026, 4, 10))
    assert assignment_due_for(assignment, veteran) == end_of_day(date(2026, 3, 9))
    assert assignment_due_for(assignment, newcomer) == end_of_day(date(2026, 4, 17))


def test_no_deadline_without_due_on_or_due_days(course):
    assignment = assign(course=course[0], starts_on=START)
    assert assignment_due_for(assignment, learner("due-none")) is None


def test_cycles_start_every_recur_months():
    assignment = assign(
        course=make_course(lessons=1)[0],
        starts_on=date(2026, 1, 31),
        due_days=30,
        recur_months=6,
    )
    assert cycle_start(assignment, date(2026, 1, 31)) == (1, date(2026, 1, 31))
    assert cycle_start(assignment, date(2026, 7, 30)) == (1, date(2026, 1, 31))
    assert cycle_start(assignment, date(2026, 7, 31)) == (2, date(2026, 7, 31))
    assert cycle_start(assignment, date(2027, 2, 1)) == (3, date(2027, 1, 31))
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


# -- who ------------------------------------------------------------------------------


def test_learners_are_named_users_group_and_organisation_members_once(course):
    group = Group.objects.create(name="指派测试组")
    org = Organisation.objects.create(name="指派测试部门", kind="department")
    named = learner("who-named")
    member = learner("who-member")
    colleague = learner("who-colleague", org=org)
    everywhere = learner("who-everywhere", org=org)
    inactive = learner("who-inactive")
    inactive.is_active = False
    inactive.save()
    outsider = learner("who-outsider")
    group.user_set.add(member, everywhere, inactive)
    assignment = assign(
        course=course[0],
        starts_on=START,
        users=[named, everywhere, inactive],
        groups=[group],
        organisations=[org],
    )
    found = list(assignment_learners(assignment).order_by("username"))
    assert found == sorted(
        [named, member, colleague, everywhere], key=lambda u: u.username
    )
    assert outsider not in found


# -- sync ----------------------------------------------------------------------------


def test_sync_creates_assigned_enrolments_and_is_idempotent(course):
    users = [learner(f"sync-{n}", joined=date(2020, 1, 1)) for n in range(3)]
    assignment = assign(course=course[0], starts_on=START, due_days=7, users=users)
    now = local(START + timedelta(days=1))
    first = assignment_sync(assignment=assignment, now=now)
    assert first.created == 3
    rows = Enrollment.objects.filter(course=course[0])
    assert rows.count() == 3
    for row in rows:
        assert row.source == EnrollmentSource.ASSIGNED
        assert row.assignment == assignment
        assert row.due_at == end_of_day(date(2026, 3, 9))
        assert row.is_current and row.cycle == 1
    before = list(rows.order_by("pk").values())
    second = assignment_sync(assignment=assignment, now=now + timedelta(hours=2))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert list(rows.order_by("pk").values()) == before


def test_sync_waits_for_the_start_and_for_active(course):
    user = learner("sync-wait")
    assignment = assign(course=course[0], starts_on=START, users=[user])
    assert (
        assignment_sync(assignment=assignment, now=local(START - timedelta(1))).total
        == 0
    )
    assignment.is_active = False
    assignment.save()
    assert assignment_sync(assignment=assignment, now=local(START)).total == 0
    assert not Enrollment.objects.filter(user=user).exists()


def test_existing_enrolment_becomes_assigned_and_the_earlier_deadline_wins(course):
    early = learner("sync-early", joined=date(2020, 1, 1))
    late = learner("sync-late", joined=date(2020, 1, 1))
    course_page = course[0]
    mine_early = course_enroll(
        user=early, course=course_page, due_at=end_of_day(date(2026, 3, 5))
    )
    mine_late = course_enroll(
        user=late, course=course_page, due_at=end_of_day(date(2026, 5, 1))
    )
    assignment = assign(
        course=course_page,
        starts_on=START,
        due_on=date(2026, 3, 31),
        users=[early, late],
    )
    result = assignment_sync(assignment=assignment, now=local(START))
    assert result.updated == 2 and result.created == 0
    mine_early.refresh_from_db()
    mine_late.refresh_from_db()
    assert mine_early.due_at == end_of_day(date(2026, 3, 5))
    assert mine_late.due_at == end_of_day(date(2026, 3, 31))
    for row in (mine_early, mine_late):
        assert row.source == EnrollmentSource.ASSIGNED
    # The learner's own earlier deadline holds the enrolment; the later one is ours.
    assert mine_early.assignment is None
    assert mine_late.assignment == assignment
    assert assignment_sync(assignment=assignment, now=local(START)).unchanged == 2


def test_completed_enrolment_counts_as_done(course):
    course_page, lessons = course
    user = learner("sync-done")
    for lesson in lessons:
        lesson_mark_complete(user=user, lesson=lesson)
    assignment = assign(course=course_page, starts_on=START, users=[user])
    result = assignment_sync(assignment=assignment, now=local(START))
    assert result.done == 1
    enrollment = Enrollment.objects.get(user=user, course=course_page)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.assignment is None  # never rewritten once completed


def test_prior_progress_completes_a_new_assigned_enrolment(course):
    course_page, lessons = course
    user = learner("sync-prior")
    for lesson in lessons:
        lesson_mark_complete(user=user, lesson=lesson)
    Enrollment.objects.filter(user=user).delete()
    assignment = assign(course=course_page, starts_on=START, users=[user])
    assert assignment_sync(assignment=assignment, now=local(START)).created == 1
    enrollment = Enrollment.objects.get(user=user, course=course_page)
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_learners_who_may_not_open_the_course_are_skipped(course):
    course_page = course[0]
    allowed_group = Group.objects.create(name="指派可学组")
    restrict_to_groups(course_page, allowed_group)
    allowed = learner("sync-allowed")
    allowed.groups.add(allowed_group)
    refused = learner("sync-refused")
    assignment = assign(course=course_page, starts_on=START, users=[allowed, refused])
    result = assignment_sync(assignment=assignment, now=local(START))
    assert (result.created, result.skipped) == (1, 1)
    assert Enrollment.objects.filter(user=allowed).exists()
    assert not Enrollment.objects.filter(user=refused).exists()


def test_sync_query_count_does_not_grow_with_learners(course):
    # Warm the view-restriction cache, which is read once per process.
    warm = assign(course=course[0], starts_on=START, users=[learner("budget-warm")])
    assignment_sync(assignment=warm, now=local(START))
    counts = []
    for size in (5, 40):
        group = Group.objects.create(name=f"预算组{size}")
        users = [learner(f"budget-{size}-{n}") for n in range(size)]
        group.user_set.add(*users)
        assignment = assign(
            course=course[0], starts_on=START, due_days=7, groups=[group]
        )
        with CaptureQueriesContext(connection) as first:
            assert (
                assignment_sync(assignment=assignment, now=local(START)).created == size
            )
        with CaptureQueriesContext(connection) as second:
            result = assignment_sync(assignment=assignment, now=local(START))
        assert result.unchanged == size
        counts.append((len(first), len(second)))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 14


# -- recurrence ---------------------------------------------------------------------


def test_recurring_assignment_starts_cycle_two_needing_fresh_progress(client):
    quiz = Quiz.objects.create(title="复训考试")
    course_page, lessons = make_course(
        lessons=2, title="安全复训", quiz=quiz, completion_requires_exam=True
    )
    user = learner("recur-one", joined=date(2020, 1, 1))
    assignment = assign(
        course=course_page,
        starts_on=date(2026, 1, 5),
        due_days=14,
        recur_months=6,
        users=[user],
    )
    assert assignment_sync(assignment=assignment, now=local(date(2026, 1, 5))).created
    # Cycle 1, in January: both lessons and the exam.
    january = local(date(2026, 1, 10))
    complete_lessons(user, lessons, january)
    passed_exam(user, quiz, 1, january)
    first = Enrollment.objects.get(user=user, course=course_page, is_current=True)
    enrollment_evaluate(enrollment=first)
    first.refresh_from_db()
    assert first.status == EnrollmentStatus.COMPLETED

    # A sync later in cycle 1 changes nothing; cycle 2 starts on 2026-07-05.
    assert assignment_sync(assignment=assignment, now=local(date(2026, 7, 4))).done == 1
    cycle_two = local(date(2026, 7, 5), hour=8)
    result = assignment_sync(assignment=assignment, now=cycle_two)
    assert result.renewed == 1
    first.refresh_from_db()
    assert not first.is_current and first.status == EnrollmentStatus.COMPLETED
    second = Enrollment.objects.get(user=user, course=course_page, is_current=True)
    assert second.cycle == 2
    assert second.status == EnrollmentStatus.IN_PROGRESS
    assert second.progress_since == local(date(2026, 7, 5), hour=0)
    assert second.due_at == end_of_day(date(2026, 7, 19))
    assert second.source == EnrollmentSource.ASSIGNED
    assert second.assignment == assignment
    # idempotent within the cycle
    assert assignment_sync(assignment=assignment, now=cycle_two).unchanged == 1

    # January's lessons and exam do not count: both lessons again...
    for lesson in lessons:
        lesson_mark_complete(user=user, lesson=lesson)
    second.refresh_from_db()
    assert second.status == EnrollmentStatus.IN_PROGRESS
    # ...and the exam again.
    passed_exam(user, quiz, 2, timezone.now())
    enrollment_evaluate(enrollment=second)
    second.refresh_from_db()
    assert second.status == EnrollmentStatus.COMPLETED

    # The archive lists both cycles.
    client.force_login(user)
    response = client.get("/my/archive/")
    assert response.status_code == 200
    assert response.content.decode().count("安全复训") >= 2
    cycles = [row.cycle for row in my_archive(user=user).enrollments]
    assert sorted(cycles) == [1, 2]
    assert my_archive(user=user).completed_count == 2


def passed_exam(user, quiz, number, when):
    return QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        started_at=when,
        submitted_at=when,
        graded_at=when,
        status=AttemptStatus.GRADED,
        passed=True,
        percentage=90,
    )
