"""The progress services: enrolment, lesson completion and the course completion
rule (courses.services.progress), and re-evaluation after an exam is graded."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils.datastructures import MultiValueDict

from courses.models.progress import Enrollment, EnrollmentStatus, LessonProgress
from courses.selectors.progress import course_progress_for_user
from courses.services import progress, quizzes
from tests.factories.pages import LessonPageFactory
from tests.factories.progress import make_course, make_learner, restrict_to_groups
from tests.factories.quizzes import correct_form_data, make_quiz, single_choice_bank

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return make_learner()


def complete_all(user, lessons):
    for lesson in lessons:
        progress.lesson_mark_complete(user=user, lesson=lesson)


def take_exam(user, quiz, *, correct: int):
    """Submit an attempt answering the first ``correct`` questions right."""
    attempt = quizzes.quiz_attempt_start(quiz=quiz, user=user)
    data = correct_form_data(attempt)
    kept = {f"a{n}": data[f"a{n}"] for n in range(1, correct + 1)}
    return quizzes.quiz_attempt_submit(attempt=attempt.pk, data=MultiValueDict(kept))


def enrollment_of(user, course):
    return Enrollment.objects.get(user=user, course=course, is_current=True)


# Enrolment ---------------------------------------------------------------------


def test_enrol_is_idempotent(learner):
    course, _lessons = make_course()
    first = progress.course_enroll(user=learner, course=course)
    second = progress.course_enroll(user=learner, course=course)
    assert first.pk == second.pk
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1
    assert first.status == EnrollmentStatus.IN_PROGRESS
    assert first.source == "self" and first.cycle == 1


def test_enrol_keeps_due_date(learner):
    from django.utils import timezone

    course, _lessons = make_course()
    due = timezone.now()
    enrollment = progress.course_enroll(
        user=learner, course=course, source="assigned", due_at=due
    )
    assert enrollment.due_at == due and enrollment.source == "assigned"


def test_restricted_course_refused(learner, staff):
    course, lessons = make_course()
    restrict_to_groups(course, Group.objects.get(name="客服人员"))
    with pytest.raises(progress.NotAllowed) as refused:
        progress.course_enroll(user=learner, course=course)
    assert "无权" in refused.value.message
    with pytest.raises(progress.NotAllowed):
        progress.lesson_mark_complete(user=learner, lesson=lessons[0])
    assert not Enrollment.objects.filter(user=learner).exists()
    assert not LessonProgress.objects.filter(user=learner).exists()
    # A member of the group may enrol.
    assert progress.course_enroll(user=staff, course=course).pk


def test_anonymous_refused():
    course, lessons = make_course()
    with pytest.raises(progress.NotAllowed):
        progress.course_enroll(user=AnonymousUser(), course=course)
    with pytest.raises(progress.NotAllowed):
        progress.lesson_mark_complete(user=AnonymousUser(), lesson=lessons[0])


def test_unpublished_course_refused(learner):
    course, _lessons = make_course()
    course.unpublish()
    course.refresh_from_db()
    with pytest.raises(progress.NotAllowed):
        progress.course_enroll(user=learner, course=course)


def test_withdrawn_enrolment_is_resumed(learner):
    course, _lessons = make_course()
    enrollment = progress.course_enroll(user=learner, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=EnrollmentStatus.WITHDRAWN
    )
    again = progress.course_enroll(user=learner, course=course)
    assert again.pk == enrollment.pk and again.status == EnrollmentStatus.IN_PROGRESS


# Lessons -----------------------------------------------------------------------


def test_complete_is_idempotent_and_auto_enrols(learner):
    course, lessons = make_course()
    first = progress.lesson_mark_complete(user=learner, lesson=lessons[1])
    second = progress.lesson_mark_complete(user=learner, lesson=lessons[1])
    assert first.pk == second.pk
    assert second.completed_at == first.completed_at is not None
    assert second.last_position == 100
    assert LessonProgress.objects.filter(user=learner).count() == 1
    enrollment = enrollment_of(learner, course)
    assert enrollment.source == "self"
    assert enrollment.last_lesson_id == lessons[1].pk
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS


def test_record_position_and_time_is_bounded(learner):
    _course, lessons = make_course()
    row = progress.lesson_progress_record(
        user=learner, lesson=lessons[0], position=250, seconds=10**6
    )
    assert row.last_position == 100
    assert row.time_spent_seconds == progress.MAX_SECONDS_PER_CALL
    row = progress.lesson_progress_record(
        user=learner, lesson=lessons[0], position=-5, seconds=30
    )
    assert row.last_position == 0
    assert row.time_spent_seconds == progress.MAX_SECONDS_PER_CALL + 30
    assert row.completed_at is None
    assert LessonProgress.objects.filter(user=learner).count() == 1


def test_record_does_not_move_completion(learner):
    _course, lessons = make_course()
    done = progress.lesson_mark_complete(user=learner, lesson=lessons[0])
    row = progress.lesson_progress_record(user=learner, lesson=lessons[0], position=10)
    assert row.completed_at == done.completed_at


# Completion rule ---------------------------------------------------------------


def test_no_exam_completes_with_all_lessons(learner):
    course, lessons = make_course(lessons=3)
    complete_all(learner, lessons[:2])
    assert enrollment_of(learner, course).status == EnrollmentStatus.IN_PROGRESS
    progress.lesson_mark_complete(user=learner, lesson=lessons[2])
    enrollment = enrollment_of(learner, course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.completed_at is not None
    completed_at = enrollment.completed_at
    progress.lesson_mark_complete(user=learner, lesson=lessons[2])
    assert enrollment_of(learner, course).completed_at == completed_at


def test_empty_course_without_exam_is_never_complete(learner):
    course, _lessons = make_course(lessons=0)
    enrollment = progress.course_enroll(user=learner, course=course)
    assert progress.enrollment_evaluate(enrollment=enrollment) is False


def test_exam_not_passed_keeps_course_open(learner):
    quiz = make_quiz(bank=single_choice_bank(4), pass_mark=60)
    course, lessons = make_course(lessons=2, quiz=quiz)
    complete_all(learner, lessons)
    assert enrollment_of(learner, course).status == EnrollmentStatus.IN_PROGRESS
    take_exam(learner, quiz, correct=2)  # 50 %
    enrollment = enrollment_of(learner, course)
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    assert enrollment.score == Decimal("50.0")


def test_exam_passed_completes_the_course(learner):
    """The re-evaluation runs where the attempt is graded (quiz_attempt_submit)."""
    quiz = make_quiz(bank=single_choice_bank(4), pass_mark=60)
    course, lessons = make_course(lessons=2, quiz=quiz)
    complete_all(learner, lessons)
    take_exam(learner, quiz, correct=1)
    take_exam(learner, quiz, correct=3)  # 75 %
    enrollment = enrollment_of(learner, course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.score == Decimal("75.0")


def test_exam_passed_before_lessons_completes_on_last_lesson(learner):
    quiz = make_quiz(bank=single_choice_bank(4), pass_mark=60)
    course, lessons = make_course(lessons=2, quiz=quiz)
    progress.course_enroll(user=learner, course=course)
    take_exam(learner, quiz, correct=4)
    assert enrollment_of(learner, course).status == EnrollmentStatus.IN_PROGRESS
    complete_all(learner, lessons)
    assert enrollment_of(learner, course).status == EnrollmentStatus.COMPLETED


def test_exam_not_required(learner):
    quiz = make_quiz(bank=single_choice_bank(4), pass_mark=60)
    course, lessons = make_course(lessons=2, quiz=quiz, completion_requires_exam=False)
    complete_all(learner, lessons)
    assert enrollment_of(learner, course).status == EnrollmentStatus.COMPLETED


def test_min_score(learner):
    quiz = make_quiz(bank=single_choice_bank(4), pass_mark=50)
    course, lessons = make_course(lessons=1, quiz=quiz, completion_min_score=80)
    complete_all(learner, lessons)
    take_exam(learner, quiz, correct=3)  # 75 %: passed, below the minimum
    enrollment = enrollment_of(learner, course)
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    assert enrollment.score == Decimal("75.0")
    take_exam(learner, quiz, correct=4)  # 100 %
    enrollment = enrollment_of(learner, course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.score == Decimal("100.0")


def test_manual_grading_re_evaluates(learner, trainer):
    """A short answer waits for a trainer; grading it is where the attempt becomes
    final, and completion follows (quiz_answer_grade)."""
    from courses.models import QuestionKind

    bank = [(QuestionKind.SHORT_ANSWER, "请简述处理客户投诉的步骤。", [], "", "1")]
    quiz = make_quiz(bank=bank, pass_mark=60)
    course, lessons = make_course(lessons=1, quiz=quiz)
    complete_all(learner, lessons)
    attempt = quizzes.quiz_attempt_start(quiz=quiz, user=learner)
    attempt = quizzes.quiz_attempt_submit(
        attempt=attempt.pk, data=MultiValueDict({"a1": ["先倾听，再核实。"]})
    )
    assert enrollment_of(learner, course).status == EnrollmentStatus.IN_PROGRESS
    answer = attempt.answers.get()
    quizzes.quiz_answer_grade(answer=answer, score=1, grader=trainer)
    enrollment = enrollment_of(learner, course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.score == Decimal("100.0")


# Course changes ----------------------------------------------------------------


def test_lesson_added_after_completion_keeps_completion(learner):
    course, lessons = make_course(lessons=2)
    complete_all(learner, lessons)
    before = enrollment_of(learner, course)
    assert before.status == EnrollmentStatus.COMPLETED
    LessonPageFactory(parent=course)
    assert progress.enrollment_evaluate(enrollment=before) is True
    after = enrollment_of(learner, course)
    assert after.status == EnrollmentStatus.COMPLETED
    assert after.completed_at == before.completed_at


def test_lesson_added_in_progress_learner_needs_it(learner):
    course, lessons = make_course(lessons=2)
    progress.lesson_mark_complete(user=learner, lesson=lessons[0])
    new = LessonPageFactory(parent=course)
    progress.lesson_mark_complete(user=learner, lesson=lessons[1])
    enrollment = enrollment_of(learner, course)
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    assert (
        LessonProgress.objects.filter(user=learner, completed_at__isnull=False).count()
        == 2
    )
    summary = course_progress_for_user(user=learner, course=course)
    assert (summary.completed_count, summary.total) == (2, 3)
    assert summary.resume_lesson.pk == new.pk
    progress.lesson_mark_complete(user=learner, lesson=new)
    assert enrollment_of(learner, course).status == EnrollmentStatus.COMPLETED


# Selector ----------------------------------------------------------------------


def test_progress_selector(learner, django_assert_num_queries):
    course, lessons = make_course(lessons=4)
    assert course_progress_for_user(user=AnonymousUser(), course=course) is None
    summary = course_progress_for_user(user=learner, course=course)
    assert summary.enrollment is None and not summary.is_enrolled
    assert summary.resume_lesson.pk == lessons[0].pk
    progress.lesson_mark_complete(user=learner, lesson=lessons[0])
    progress.lesson_mark_complete(user=learner, lesson=lessons[2])
    summary = course_progress_for_user(user=learner, course=course)
    assert summary.is_enrolled
    assert summary.completed_ids == {lessons[0].pk, lessons[2].pk}
    assert (summary.completed_count, summary.total, summary.percent) == (2, 4, 50)
    # The last lesson studied (lesson 3) is done: resume at the next incomplete.
    assert summary.resume_lesson.pk == lessons[3].pk
    progress.lesson_progress_record(user=learner, lesson=lessons[1], position=40)
    with django_assert_num_queries(2):
        summary = course_progress_for_user(user=learner, course=course, lessons=lessons)
    assert summary.resume_lesson.pk == lessons[1].pk
