"""Assigning a learning path: assigned path enrolments with the deadline, the
earlier deadline wins, completed ones count as done, idempotent, and 完成情况."""

from datetime import date

import pytest
from django.core import mail
from django.utils import timezone

from courses.dates import end_of_day
from courses.models import LearningPath, LearningPathStage, PathEnrollment
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.selectors.assignments import assignment_completion
from courses.services.assignments import assignment_sync
from courses.services.paths import path_enroll
from courses.services.reminders import reminders_send_due
from tests.courses.assignments.helpers import assign, learner, local
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)


@pytest.fixture
def path():
    course, _lessons = make_course(lessons=1, title="路径第一课")
    path = LearningPath(title="新员工入职路径", slug="assign-path", summary="入职")
    course.get_parent().add_child(instance=path)
    stage = LearningPathStage(path=path, title="第一阶段", sort_order=0)
    stage.courses.set([course])
    stage.save()  # a ParentalManyToManyField is written on save
    path.save_revision().publish()
    return LearningPath.objects.get(pk=path.pk)


def test_path_assignment_enrols_with_deadline_and_is_idempotent(path):
    newcomer = learner("path-new", joined=date(2026, 3, 10))
    early = learner("path-early", joined=date(2020, 1, 1))
    done = learner("path-done", joined=date(2020, 1, 1))
    path_enroll(user=early, path=path, due_at=end_of_day(date(2026, 3, 5)))
    finished = path_enroll(user=done, path=path)
    PathEnrollment.objects.filter(pk=finished.pk).update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    assignment = assign(
        path=path, starts_on=START, due_days=7, users=[newcomer, early, done]
    )
    result = assignment_sync(assignment=assignment, now=local(START))
    assert (result.created, result.updated, result.done) == (1, 1, 1)
    row = PathEnrollment.objects.get(user=newcomer, path=path)
    assert row.source == EnrollmentSource.ASSIGNED
    assert row.assignment == assignment
    assert row.due_at == end_of_day(date(2026, 3, 17))
    kept = PathEnrollment.objects.get(user=early, path=path)
    assert kept.due_at == end_of_day(date(2026, 3, 5))
    assert kept.source == EnrollmentSource.ASSIGNED
    again = assignment_sync(assignment=assignment, now=local(START))
    assert (again.created, again.updated, again.unchanged, again.done) == (0, 0, 2, 1)

    completion = assignment_completion(assignment=assignment)
    assert (completion.done, completion.total) == (1, 3)
    assert LearningPathStage.objects.get(path=path).courses.count() == 1


def test_path_learners_get_reminders_with_the_path_link(path):
    user = learner("path-remind", joined=date(2020, 1, 1))
    assignment = assign(path=path, starts_on=START, due_days=7, users=[user])
    assignment_sync(assignment=assignment, now=local(START))
    mail.outbox.clear()
    assert reminders_send_due(now=local(date(2026, 3, 8))).sent == 1
    message = mail.outbox[0]
    assert "学习路径“新员工入职路径”尚未完成" in message.body
    assert f"http://testserver{path.get_url()}" in message.body
    assert "距离截止还有 1 天" in message.body
