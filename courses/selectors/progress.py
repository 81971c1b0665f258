"""Reads of a learner's progress through one course, in a fixed number of queries."""

from dataclasses import dataclass

from courses.models.progress import (
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    completed_in_cycle,
)
from courses.selectors.pages import course_lessons


@dataclass(frozen=True)
class CourseProgress:
    enrollment: Enrollment | None
    completed_ids: frozenset[int]
    completed_count: int
    total: int
    percent: int
    resume_lesson: object | None  # a LessonPage from ``lessons``, or None

    @property
    def is_enrolled(self) -> bool:
        return (
            self.enrollment is not None
            and self.enrollment.status != EnrollmentStatus.WITHDRAWN
        )

    @property
    def is_completed(self) -> bool:
        return (
            self.enrollment is not None
            and self.enrollment.status == EnrollmentStatus.COMPLETED
        )


def course_progress_for_user(*, user, course, lessons=None) -> CourseProgress | None:
    """The learner's enrolment on ``course``, completed lesson ids, counts, percent
    and the lesson to resume ("继续学习": the last lesson studied if it is still in
    the course, else the first incomplete one).

    ``lessons``: the course's lessons as the page already loaded them
    (``course_lessons``), to save a query. Two queries besides the lessons; None
    (and no query) for anonymous visitors.
    """
    if not user.is_authenticated:
        return None
    if lessons is None:
        lessons = course_lessons(course=course, user=user)
    enrollment = Enrollment.objects.filter(
        user=user, course=course, is_current=True
    ).first()
    lesson_ids = [lesson.pk for lesson in lessons]
    since = enrollment.progress_since if enrollment is not None else None
    completed = frozenset(
        LessonProgress.objects.filter(
            completed_in_cycle(since), user=user, lesson_id__in=lesson_ids
        ).values_list("lesson_id", flat=True)
    )
    total = len(lessons)
    count = len(completed)
    resume = None
    if enrollment is not None and enrollment.last_lesson_id:
        resume = next(
            (lesson for lesson in lessons if lesson.pk == enrollment.last_lesson_id),
            None,
        )
        # The last lesson studied is done: resume at the next incomplete one.
        if resume is not None and resume.pk in completed:
            position = lessons.index(resume)
            resume = next(
                (item for item in lessons[position:] if item.pk not in completed),
                None,
            )
    if resume is None:
        resume = next((item for item in lessons if item.pk not in completed), None)
    return CourseProgress(
        enrollment=enrollment,
        completed_ids=completed,
        completed_count=count,
        total=total,
        percent=round(100 * count / total) if total else 0,
        resume_lesson=resume,
    )
