"""Learner progress writes: enrolling, recording and completing lessons, and the
course completion rule. ``enrollment_evaluate`` is the ONE place that decides whether
an enrolment is complete; everything else that may change the outcome (a lesson
completed, an exam attempt graded) calls it.

The completion rule (editors set it on the course, "结业条件"):
- every live lesson of the course the learner may open is completed, and the course
  has at least one lesson or an exam (an empty course is never complete);
- if the course has an exam (``CoursePage.quiz``) and ``completion_requires_exam``,
  a passed, graded attempt of that exam;
- if the course has an exam and ``completion_min_score`` is set, the best graded
  percentage is at least that score.
The best graded percentage is kept on the enrolment as ``score``.

Cycles: a later cycle of a recurring assignment (``Enrollment.progress_since`` set)
counts only what the learner does in it: lessons completed and exam attempts graded
from that moment. Completing a lesson again in a new cycle moves its ``completed_at``
to now; the first cycle counts everything the learner ever did.

When a course changes (a lesson added or unpublished): completion is never revoked.
A learner whose enrolment is already completed stays completed with the original
``completed_at``; a learner in progress keeps every lesson row and now also needs the
new lesson. Lesson progress rows are never deleted here.

Concurrency (double clicks, two tabs): the database decides. One current enrolment
per learner and course and one progress row per learner and lesson are
UniqueConstraints; a losing parallel insert returns the winner's row; a lesson's
``completed_at`` is set by a conditional UPDATE, so it is set once and never moves;
``enrollment_evaluate`` locks the enrolment row while it decides.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from courses.models.progress import (
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
    completed_in_cycle,
)
from courses.models.quizzes import AttemptStatus, QuizAttempt
from home.audiences import can_view_page, visible_pages

MAX_SECONDS_PER_CALL = 3600
# time_spent_seconds is a PositiveIntegerField: keep far below its 2**31 limit.
MAX_TIME_SPENT = 10 * 365 * 24 * 3600


class ProgressError(Exception):
    """A rule refused the action; ``message`` is shown to the learner."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(ProgressError):
    """The learner may not open this course or lesson (or is not signed in)."""


def may_study(*, user, page: Page) -> bool:
    """Whether ``user`` may enrol on / study ``page``: signed in, active, the page
    live and passing every view restriction on it and its ancestors."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and page.live
        and can_view_page(page, user)
    )


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    """The course a lesson belongs to (its parent page)."""
    return CoursePage.objects.filter(path=lesson.path[: -Page.steplen]).first()


def _current_enrollment(user, course) -> Enrollment | None:
    return Enrollment.objects.filter(user=user, course=course, is_current=True).first()


@transaction.atomic
def course_enroll(
    *, user, course: CoursePage, source: str = EnrollmentSource.SELF, due_at=None
) -> Enrollment:
    """Enrol ``user`` on ``course``, or return the current enrolment (idempotent).

    A withdrawn current enrolment is resumed (back to in progress). A parallel
    request that inserted first wins; this one returns its row.
    """
    if not may_study(user=user, page=course):
        raise NotAllowed(_("您无权报名该课程。"))
    enrollment = _current_enrollment(user, course)
    if enrollment is None:
        last_cycle = Enrollment.objects.filter(user=user, course=course).aggregate(
            n=Max("cycle")
        )["n"]
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    user=user,
                    course=course,
                    source=source,
                    due_at=due_at,
                    enrolled_at=timezone.now(),
                    cycle=(last_cycle or 0) + 1,
                )
        except IntegrityError:
            enrollment = _current_enrollment(user, course)
            if enrollment is None:
                raise
            return enrollment
    elif enrollment.status == EnrollmentStatus.WITHDRAWN:
        enrollment.status = EnrollmentStatus.IN_PROGRESS
        enrollment.save(update_fields=["status"])
    else:
        return enrollment
    enrollment_evaluate(enrollment=enrollment)
    enrollment.refresh_from_db()
    return enrollment


def _progress_row(user, lesson) -> LessonProgress:
    """The learner's progress row for ``lesson``, created on first use."""
    try:
        with transaction.atomic():
            row, _created = LessonProgress.objects.get_or_create(
                user=user, lesson=lesson, defaults={"started_at": timezone.now()}
            )
    except IntegrityError:
        row = LessonProgress.objects.get(user=user, lesson=lesson)
    return row


def _check_lesson(user, lesson) -> None:
    if not may_study(user=user, page=lesson):
        raise NotAllowed(_("您无权学习该课时。"))


@transaction.atomic
def lesson_mark_complete(*, user, lesson: LessonPage) -> LessonProgress:
    """Mark ``lesson`` complete for ``user`` (idempotent: ``completed_at`` is set
    once, never moved), enrol them on its course if needed, remember the lesson for
    "继续学习", and re-evaluate the course completion."""
    _check_lesson(user, lesson)
    course = lesson_course(lesson)
    row = _progress_row(user, lesson)
    since = (
        Enrollment.objects.filter(user=user, course=course, is_current=True)
        .values_list("progress_since", flat=True)
        .first()
        if course is not None
        else None
    )
    not_done = Q(completed_at__isnull=True)
    if since is not None:
        not_done |= Q(completed_at__lt=since)
    if row.completed_at is None or (since is not None and row.completed_at < since):
        LessonProgress.objects.filter(not_done, pk=row.pk).update(
            completed_at=timezone.now(), last_position=100
        )
        row.refresh_from_db()
    if course is not None and may_study(user=user, page=course):
        enrollment = course_enroll(user=user, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson)
        enrollment_evaluate(enrollment=enrollment)
    return row


@transaction.atomic
def lesson_progress_record(
    *, user, lesson: LessonPage, position: int | None = None, seconds: int | None = None
) -> LessonProgress:
    """Record that ``user`` is reading ``lesson``: where they are (0-100) and time
    spent (at most ``MAX_SECONDS_PER_CALL`` per call, so a replayed or forged call
    cannot add much). Never completes a lesson; completion is the explicit button."""
    _check_lesson(user, lesson)
    row = _progress_row(user, lesson)
    updates = {}
    if position is not None:
        updates["last_position"] = max(0, min(100, int(position)))
    if seconds:
        seconds = max(0, min(MAX_SECONDS_PER_CALL, int(seconds)))
        updates["time_spent_seconds"] = Least(
            F("time_spent_seconds") + seconds, MAX_TIME_SPENT
        )
    if updates:
        LessonProgress.objects.filter(pk=row.pk).update(**updates)
        row.refresh_from_db()
    course = lesson_course(lesson)
    if course is not None:
        Enrollment.objects.filter(user=user, course=course, is_current=True).exclude(
            last_lesson=lesson
        ).update(last_lesson=lesson)
    return row


def _exam_result(*, user, quiz_id: int, since=None) -> tuple[bool, Decimal | None]:
    """(passed, best percentage) over the learner's graded attempts of the exam
    (those started from ``since`` on, when given)."""
    graded = QuizAttempt.objects.filter(
        user=user, quiz_id=quiz_id, status=AttemptStatus.GRADED
    )
    if since is not None:
        graded = graded.filter(started_at__gte=since)
    result = graded.aggregate(best=Max("percentage"))
    passed = graded.filter(passed=True).exists()
    return passed, result["best"]


@transaction.atomic
def enrollment_evaluate(*, enrollment: Enrollment) -> bool:
    """Apply the course's completion rule to ``enrollment``; return whether it is
    complete. Sets status completed and ``completed_at`` once; never revokes."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("course", "user")
        .get(pk=enrollment.pk)
    )
    course, user = enrollment.course, enrollment.user
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        return False
    updates = []
    passed, best = False, None
    if course.quiz_id:
        passed, best = _exam_result(
            user=user, quiz_id=course.quiz_id, since=enrollment.progress_since
        )
        if best is not None and best != enrollment.score:
            enrollment.score = best
            updates.append("score")
    if enrollment.status == EnrollmentStatus.COMPLETED:
        if updates:
            enrollment.save(update_fields=updates)
        return True
    lessons = visible_pages(LessonPage.objects.child_of(course).live(), user)
    lesson_ids = list(lessons.values_list("pk", flat=True))
    done = LessonProgress.objects.filter(
        completed_in_cycle(enrollment.progress_since),
        user=user,
        lesson_id__in=lesson_ids,
    ).count()
    complete = done == len(lesson_ids) and (bool(lesson_ids) or course.quiz_id)
    if complete and course.quiz_id:
        if course.completion_requires_exam and not passed:
            complete = False
        if course.completion_min_score is not None and (
            best is None or best < course.completion_min_score
        ):
            complete = False
    if complete:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = timezone.now()
        updates += ["status", "completed_at"]
    if updates:
        enrollment.save(update_fields=updates)
    if complete:
        # In the same transaction: the course certificate, then any learning-path
        # stage the course completes.
        from courses.services.certificates import certificate_issue_for_completion
        from courses.services.paths import paths_evaluate_for_user

        certificate_issue_for_completion(enrollment=enrollment)
        paths_evaluate_for_user(user=user, course=course)
    return bool(complete)


def enrollment_evaluate_after_attempt(*, attempt: QuizAttempt) -> None:
    """Re-evaluate the learner's current enrolments on courses whose exam is the
    attempt's quiz (called when an attempt is graded)."""
    if attempt.status != AttemptStatus.GRADED:
        return
    for enrollment in Enrollment.objects.filter(
        user_id=attempt.user_id,
        course__quiz_id=attempt.quiz_id,
        is_current=True,
    ).exclude(status=EnrollmentStatus.WITHDRAWN):
        enrollment_evaluate(enrollment=enrollment)
