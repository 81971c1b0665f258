"""The path rule (courses.services.paths): unlocking order, the task sign-off gate,
completion (never revoked), enrolment on the current stage's courses, sign-off
permissions and idempotency."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import Enrollment
from courses.models.paths import (
    LearningPath,
    LearningPathStage,
    PathEnrollment,
    StageSignOff,
)
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.selectors.paths import signoffs_waiting, with_stage_position
from courses.services.paths import (
    may_sign_off,
    path_enroll,
    path_enrollment_set_mentor,
    path_enrollments_evaluate,
    path_evaluate,
    stage_sign_off,
)
from courses.services.progress import NotAllowed, ProgressError
from tests.courses.paths.builders import (
    courses_of,
    finish_course,
    finish_lessons_quietly,
    make_path,
    stages_of,
    user_in,
)
from tests.factories.progress import restrict_to_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return user_in("path-learner", "客服人员")


@pytest.fixture
def mentor():
    return user_in("path-mentor", "客服人员")


@pytest.fixture
def three_stages():
    return make_path(
        {"courses": 2},
        {"courses": 1, "task": "师傅旁看"},
        {"courses": 1},
    )


def test_enrol_enrols_on_the_first_stage_courses_only(learner, three_stages):
    due = timezone.now() + timedelta(days=7)
    enrollment = path_enroll(user=learner, path=three_stages, due_at=due)
    first, second, third = stages_of(three_stages)
    assert enrollment.current_stage == first
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    course_rows = Enrollment.objects.filter(user=learner)
    assert {e.course_id for e in course_rows} == {c.pk for c in courses_of(first)}
    assert {e.source for e in course_rows} == {EnrollmentSource.PATH}
    assert {e.due_at for e in course_rows} == {due}


def test_stages_unlock_in_order(learner, three_stages):
    path_enroll(user=learner, path=three_stages)
    first, second, third = stages_of(three_stages)
    a, b = courses_of(first)
    finish_course(learner, a)
    enrollment = PathEnrollment.objects.get(user=learner)
    assert enrollment.current_stage == first  # b not done yet
    finish_course(learner, b)
    enrollment.refresh_from_db()
    assert enrollment.current_stage == second
    # The second stage's course is enrolled now, the third's not yet.
    enrolled = set(
        Enrollment.objects.filter(user=learner).values_list("course_id", flat=True)
    )
    assert courses_of(second)[0].pk in enrolled
    assert courses_of(third)[0].pk not in enrolled


def test_finishing_a_later_stage_first_does_not_skip_ahead(learner, three_stages):
    path_enroll(user=learner, path=three_stages)
    first, _second, third = stages_of(three_stages)
    finish_lessons_quietly(learner, courses_of(third)[0])
    enrollment = path_evaluate(enrollment=PathEnrollment.objects.get(user=learner))
    assert enrollment.current_stage == first


def test_task_gate_needs_courses_then_sign_off(learner, mentor, three_stages):
    enrollment = path_enroll(user=learner, path=three_stages, mentor=mentor)
    first, second, third = stages_of(three_stages)
    for course in courses_of(first):
        finish_course(learner, course)
    enrollment.refresh_from_db()
    assert enrollment.current_stage == second
    # The stage's course is not done: no sign-off yet.
    with pytest.raises(ProgressError):
        stage_sign_off(enrollment=enrollment, stage=second, by=mentor)
    finish_course(learner, courses_of(second)[0])
    enrollment.refresh_from_db()
    assert enrollment.current_stage == second  # the task still waits
    signoff = stage_sign_off(
        enrollment=enrollment, stage=second, by=mentor, note="旁看三次，表现良好"
    )
    assert signoff.signed_off_by == mentor
    assert signoff.note == "旁看三次，表现良好"
    enrollment.refresh_from_db()
    assert enrollment.current_stage == third
    assert Enrollment.objects.filter(user=learner, course=courses_of(third)[0]).exists()


def test_sign_off_only_for_the_current_stage(learner, mentor):
    path = make_path({"courses": 1}, {"task": "师傅旁看"})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    _first, second = stages_of(path)
    with pytest.raises(ProgressError):
        stage_sign_off(enrollment=enrollment, stage=second, by=mentor)
    assert not StageSignOff.objects.exists()


def test_sign_off_of_a_stage_without_task_is_refused(learner, mentor):
    path = make_path({"courses": 1})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    with pytest.raises(ProgressError):
        stage_sign_off(enrollment=enrollment, stage=stages_of(path)[0], by=mentor)


def test_sign_off_of_another_paths_stage_is_refused(learner, mentor):
    path = make_path({"task": "实操"})
    other = make_path({"task": "实操"}, title="另一条路径")
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    with pytest.raises(NotAllowed):
        stage_sign_off(enrollment=enrollment, stage=stages_of(other)[0], by=mentor)


def test_completion_and_never_revoked(learner, mentor):
    path = make_path({"courses": 1}, {"task": "独立接线"})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    first, second = stages_of(path)
    finish_course(learner, courses_of(first)[0])
    enrollment.refresh_from_db()
    stage_sign_off(enrollment=enrollment, stage=second, by=mentor)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.completed_at is not None
    assert enrollment.current_stage is None
    completed_at = enrollment.completed_at
    # An editor adds a stage: the completed path stays completed.
    LearningPathStage.objects.create(
        path=path, sort_order=5, title="新增", task_title="x"
    )
    enrollment = path_evaluate(enrollment=enrollment)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.completed_at == completed_at


def test_empty_stages_are_complete(learner):
    path = make_path({}, {})
    enrollment = path_enroll(user=learner, path=path)
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_course_already_done_completes_the_stage_on_enrolment(learner):
    path = make_path({"courses": 1}, {"courses": 1})
    first, second = stages_of(path)
    finish_course(learner, courses_of(first)[0])
    enrollment = path_enroll(user=learner, path=path)
    assert enrollment.current_stage == second


def test_lessons_done_before_enrolment_complete_the_stage(learner):
    path = make_path({"courses": 1}, {"courses": 1})
    first, second = stages_of(path)
    for stage in (first, second):
        finish_lessons_quietly(learner, courses_of(stage)[0])
    enrollment = path_enroll(user=learner, path=path)
    # Enrolling evaluates each course: both stages complete, one after the other.
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_a_course_the_learner_may_not_open_blocks_the_stage(learner):
    path = make_path({"courses": 1}, {"courses": 1})
    first, _second = stages_of(path)
    restrict_to_groups(courses_of(first)[0], Group.objects.get(name="培训管理员"))
    enrollment = path_enroll(user=learner, path=path)
    assert enrollment.current_stage == first
    assert not Enrollment.objects.filter(user=learner).exists()


def test_enrol_is_idempotent_and_updates_due_and_mentor(learner, mentor, three_stages):
    first = path_enroll(user=learner, path=three_stages)
    due = timezone.now() + timedelta(days=3)
    again = path_enroll(user=learner, path=three_stages, due_at=due, mentor=mentor)
    assert again.pk == first.pk
    assert PathEnrollment.objects.filter(user=learner).count() == 1
    again.refresh_from_db()
    assert again.due_at == due
    assert again.mentor == mentor


def test_restricted_path_refuses_customers():
    path = make_path({"courses": 1})
    restrict_to_groups(path, Group.objects.get(name="客服人员"))
    customer = user_in("path-customer", "客户")
    with pytest.raises(NotAllowed):
        path_enroll(user=customer, path=path)
    assert not PathEnrollment.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("mentor", True), ("讲师", True), ("培训管理员", True), ("客服人员", False)],
)
def test_who_may_sign_off(learner, mentor, who, allowed):
    path = make_path({"task": "师傅旁看"})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    signer = mentor if who == "mentor" else user_in("signer", who)
    stage = stages_of(path)[0]
    if allowed:
        stage_sign_off(enrollment=enrollment, stage=stage, by=signer)
        assert StageSignOff.objects.get().signed_off_by == signer
    else:
        with pytest.raises(NotAllowed):
            stage_sign_off(enrollment=enrollment, stage=stage, by=signer)
        assert not StageSignOff.objects.exists()


def test_learner_cannot_sign_off_themselves(learner):
    path = make_path({"task": "师傅旁看"})
    enrollment = path_enroll(user=learner, path=path)
    with pytest.raises(NotAllowed):
        stage_sign_off(enrollment=enrollment, stage=stages_of(path)[0], by=learner)


def test_sign_off_is_idempotent(learner, mentor):
    path = make_path({"task": "师傅旁看"}, {"task": "独立上岗"})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    stage = stages_of(path)[0]
    first = stage_sign_off(enrollment=enrollment, stage=stage, by=mentor, note="好")
    second = stage_sign_off(enrollment=enrollment, stage=stage, by=mentor, note="再签")
    assert first.pk == second.pk
    assert StageSignOff.objects.get().note == "好"


def test_note_longer_than_2000_is_refused(learner, mentor):
    path = make_path({"task": "师傅旁看"})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    with pytest.raises(ProgressError):
        stage_sign_off(
            enrollment=enrollment, stage=stages_of(path)[0], by=mentor, note="长" * 2001
        )
    assert not StageSignOff.objects.exists()


# -- nobody signs off their own task -------------------------------------------------


@pytest.mark.parametrize("role", ["讲师", "培训管理员"])
def test_signers_cannot_sign_off_their_own_task(role):
    path = make_path({"task": "师傅旁看"})
    signer = user_in("self-signer", role)
    enrollment = path_enroll(user=signer, path=path)
    assert not may_sign_off(user=signer, enrollment=enrollment)
    with pytest.raises(NotAllowed):
        stage_sign_off(enrollment=enrollment, stage=stages_of(path)[0], by=signer)
    assert not StageSignOff.objects.exists()


def test_own_task_is_not_in_the_signers_queue(learner):
    path = make_path({"task": "师傅旁看"})
    trainer = user_in("self-queue-trainer", "讲师")
    path_enroll(user=trainer, path=path)
    path_enroll(user=learner, path=path)
    assert [row.user for row in signoffs_waiting(user=trainer)] == [learner]


def test_learner_cannot_be_their_own_mentor(learner):
    path = make_path({"task": "师傅旁看"})
    enrollment = path_enroll(user=learner, path=path)
    with pytest.raises(ProgressError):
        path_enrollment_set_mentor(enrollment=enrollment, mentor=learner)
    with pytest.raises(ProgressError):
        path_enroll(user=learner, path=path, mentor=learner)
    enrollment.refresh_from_db()
    assert enrollment.mentor is None


# -- paths edited after enrolment ----------------------------------------------------


def test_sign_off_recomputes_a_stage_deleted_without_evaluation(learner, mentor):
    path = make_path({"courses": 1}, {"task": "师傅旁看"})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    first, second = stages_of(path)
    first.delete()  # current_stage is NULL now
    enrollment.refresh_from_db()
    assert enrollment.current_stage is None
    stage_sign_off(enrollment=enrollment, stage=second, by=mentor)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_sign_off_recomputes_a_stage_reordered_without_evaluation(learner, mentor):
    path = make_path({"courses": 1}, {"task": "师傅旁看"}, {"courses": 1})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    first, second, _third = stages_of(path)
    assert enrollment.current_stage == first
    LearningPathStage.objects.filter(pk=second.pk).update(sort_order=-1)
    stage_sign_off(enrollment=enrollment, stage=second, by=mentor)
    enrollment.refresh_from_db()
    assert enrollment.current_stage == first


def test_publishing_a_path_moves_learners_off_a_deleted_stage(learner, mentor):
    path = make_path({"courses": 1}, {"task": "师傅旁看"}, {"courses": 1})
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    first, second, third = stages_of(path)
    page = LearningPath.objects.get(pk=path.pk)
    page.stages = [stage for stage in page.stages.all() if stage.pk != first.pk]
    page.save_revision().publish()
    assert not LearningPathStage.objects.filter(pk=first.pk).exists()
    enrollment.refresh_from_db()
    assert enrollment.current_stage == second
    assert [row.pk for row in signoffs_waiting(user=mentor)] == [enrollment.pk]
    stage_sign_off(enrollment=enrollment, stage=second, by=mentor)
    enrollment.refresh_from_db()
    assert enrollment.current_stage == third


def test_path_enrollments_evaluate_skips_completed_enrolments(learner):
    path = make_path({"courses": 1})
    done = path_enroll(user=user_in("eval-done", "客服人员"), path=path)
    PathEnrollment.objects.filter(pk=done.pk).update(status=EnrollmentStatus.COMPLETED)
    path_enroll(user=learner, path=path)
    assert path_enrollments_evaluate(path=path) == 1


def test_with_stage_position_orders_ties_by_pk(learner, mentor):
    path = make_path({"task": "一"}, {"task": "二"}, {"task": "三"}, {"task": "四"})
    first, second, third, fourth = stages_of(path)
    # Two stages share a sort order: the older (smaller pk) comes first.
    LearningPathStage.objects.filter(pk=third.pk).update(sort_order=second.sort_order)
    enrollment = path_enroll(user=learner, path=path, mentor=mentor)
    stage_sign_off(enrollment=enrollment, stage=first, by=mentor)
    stage_sign_off(enrollment=enrollment, stage=second, by=mentor)

    def position():
        row = with_stage_position(PathEnrollment.objects.filter(pk=enrollment.pk))
        return row.values_list("stage_number", "stage_total", "stage_percent").get()

    assert position() == (3, 4, 50)
    stage_sign_off(enrollment=enrollment, stage=third, by=mentor)
    stage_sign_off(enrollment=enrollment, stage=fourth, by=mentor)
    assert position() == (0, 4, 100)
