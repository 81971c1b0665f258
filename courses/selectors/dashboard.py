"""Reads for a learner's own pages: 我的学习 (``/my/``) and the training archive
(``/my/archive/``). Each runs one query, however many enrolments the learner has.

Dashboard groups (current, not withdrawn enrolments):
- ``assigned``: assigned by a training admin and not completed;
- ``in_progress``: every other enrolment not completed (self-enrolled, from a path);
- ``completed``: completed, most recent first.
Both open groups are sorted by urgency: overdue first, then the nearest due date,
then the most recently active. Overdue is derived (due date passed, not completed),
never stored. Lesson counts cover the course's live lessons.

Learning paths (``my_paths``, read lazily through ``Dashboard.paths``): each path
enrolment with its current stage (position / total) and due date; completed paths.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from courses.models import Enrollment, LessonPage, LessonProgress, QuizAttempt
from courses.models.progress import (
    EnrollmentSource,
    EnrollmentStatus,
    completed_in_cycle,
)
from courses.models.quizzes import AttemptStatus

# Open bounds of an attempt window (the first cycle has no start, the current none
# of end).
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 31, tzinfo=UTC)


def _count(queryset):
    """``queryset`` (already filtered by OuterRef) counted as a scalar subquery."""
    counted = (
        queryset.order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _lessons_total():
    return _count(
        LessonPage.objects.live().filter(
            path__startswith=OuterRef("course__path"),
            depth=OuterRef("course__depth") + 1,
        )
    )


def _own_course_progress(user):
    """The user's progress rows on the outer enrolment's live lessons."""
    return LessonProgress.objects.filter(
        user=user,
        lesson__live=True,
        lesson__path__startswith=OuterRef("course__path"),
        lesson__depth=OuterRef("course__depth") + 1,
    )


def _last_active(user):
    latest = (
        _own_course_progress(user)
        .order_by()
        .annotate(
            at=Func(
                Greatest("started_at", Coalesce("completed_at", "started_at")),
                function="MAX",
                output_field=DateTimeField(),
            )
        )
        .values("at")
    )
    return Coalesce(Subquery(latest, output_field=DateTimeField()), F("enrolled_at"))


def _with_progress(queryset, *, user, now):
    done = _count(
        _own_course_progress(user).filter(
            completed_in_cycle(OuterRef("progress_since"))
        )
    )
    return queryset.annotate(
        lessons_total=_lessons_total(),
        lessons_done=done,
        last_active=_last_active(user),
        is_overdue=Case(
            When(
                Q(due_at__lt=now) & ~Q(status=EnrollmentStatus.COMPLETED),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def _percent(enrollment) -> int:
    """Lessons completed out of the live lessons, rounded down; a completed course
    without lessons is 100."""
    if enrollment.lessons_total:
        return min(100, enrollment.lessons_done * 100 // enrollment.lessons_total)
    return 100 if enrollment.status == EnrollmentStatus.COMPLETED else 0


@dataclass(frozen=True)
class Dashboard:
    """The course groups (one query, made by ``my_dashboard``), and, read when the
    page asks for them, the learner's paths (``paths``: one query) and the count of
    practical tasks waiting for their sign-off (``signoffs_waiting``: None for users
    who mentor nobody and are no trainer, else the count; at most three queries) and
    their certificates (``certificates``: one query)."""

    in_progress: list
    assigned: list
    completed: list
    user: object = None
    now: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.in_progress or self.assigned or self.completed)

    @cached_property
    def paths(self) -> "PathGroups":
        return my_paths(user=self.user, now=self.now)

    @cached_property
    def certificates(self) -> list:
        """The learner's certificates (one query), valid ones first."""
        from courses.selectors.certificates import my_certificates

        return my_certificates(user=self.user) if self.user is not None else []

    @cached_property
    def signoffs_waiting(self) -> int | None:
        from courses.selectors.paths import may_see_signoffs, signoffs_waiting

        if self.user is None or not may_see_signoffs(self.user):
            return None
        return signoffs_waiting(user=self.user).count()


@dataclass(frozen=True)
class PathGroups:
    in_progress: list
    completed: list

    def __bool__(self) -> bool:
        return bool(self.in_progress or self.completed)


def my_paths(*, user, now: datetime | None = None) -> PathGroups:
    """The user's path enrolments (not withdrawn), one query: open ones by urgency
    (overdue, nearest due date, newest), completed ones newest first. Each carries
    ``path``, ``current_stage``, ``stage_number`` (the current stage's position),
    ``stage_total`` and ``is_overdue``."""
    from courses.models.paths import PathEnrollment
    from courses.selectors.paths import with_stage_position

    now = now or timezone.now()
    enrollments = list(
        with_stage_position(
            PathEnrollment.objects.filter(user=user)
            .exclude(status=EnrollmentStatus.WITHDRAWN)
            .select_related("path", "current_stage")
        )
        .annotate(
            is_overdue=Case(
                When(
                    Q(due_at__lt=now) & ~Q(status=EnrollmentStatus.COMPLETED),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by(
            F("is_overdue").desc(),
            F("due_at").asc(nulls_last=True),
            "-enrolled_at",
            "-pk",
        )
    )
    for enrollment in enrollments:
        total = enrollment.stage_total
        done = (
            total
            if enrollment.status == EnrollmentStatus.COMPLETED
            else max(0, enrollment.stage_number - 1)
        )
        enrollment.percent = done * 100 // total if total else 0
    return PathGroups(
        in_progress=[e for e in enrollments if e.status != EnrollmentStatus.COMPLETED],
        completed=sorted(
            (e for e in enrollments if e.status == EnrollmentStatus.COMPLETED),
            key=lambda e: (e.completed_at or e.enrolled_at, e.pk),
            reverse=True,
        ),
    )


def my_dashboard(*, user, now: datetime | None = None) -> Dashboard:
    """The user's current enrolments, grouped and sorted (one query). Each
    enrolment carries ``lessons_total``, ``lessons_done``, ``percent``,
    ``is_overdue`` and ``last_active``; ``course`` is selected with it."""
    now = now or timezone.now()
    enrollments = list(
        _with_progress(
            Enrollment.objects.filter(user=user, is_current=True).exclude(
                status=EnrollmentStatus.WITHDRAWN
            ),
            user=user,
            now=now,
        )
        .select_related("course")
        .order_by(
            F("is_overdue").desc(),
            F("due_at").asc(nulls_last=True),
            F("last_active").desc(nulls_last=True),
            "-pk",
        )
    )
    for enrollment in enrollments:
        enrollment.percent = _percent(enrollment)
    completed = sorted(
        (e for e in enrollments if e.status == EnrollmentStatus.COMPLETED),
        key=lambda e: (e.completed_at or e.enrolled_at, e.pk),
        reverse=True,
    )
    open_ = [e for e in enrollments if e.status != EnrollmentStatus.COMPLETED]
    return Dashboard(
        in_progress=[e for e in open_ if e.source != EnrollmentSource.ASSIGNED],
        assigned=[e for e in open_ if e.source == EnrollmentSource.ASSIGNED],
        completed=completed,
        user=user,
        now=now,
    )


@dataclass(frozen=True)
class Archive:
    enrollments: list
    completed_count: int
    completed_hours: Decimal


def my_archive(*, user) -> Archive:
    """Every enrolment of the user, every cycle, newest first (one query). Each
    carries ``attempt_count``: the user's finished attempts at the course exam
    during that cycle (from its enrolment to the next cycle's); ``course`` (with
    ``estimated_hours``) is selected with it."""
    same_course = Enrollment.objects.filter(user=user, course=OuterRef("course"))
    next_start = (
        same_course.filter(cycle__gt=OuterRef("cycle"))
        .order_by("cycle")
        .values("enrolled_at")[:1]
    )
    earlier = same_course.filter(cycle__lt=OuterRef("cycle"))
    attempts = QuizAttempt.objects.filter(
        user=user,
        quiz=OuterRef("course__quiz"),
        started_at__gte=OuterRef("window_start"),
        started_at__lt=OuterRef("window_end"),
    ).exclude(status=AttemptStatus.IN_PROGRESS)
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .annotate(
            window_start=Case(
                When(Exists(earlier), then=F("enrolled_at")),
                default=Value(_EARLIEST),
                output_field=DateTimeField(),
            ),
            window_end=Coalesce(
                Subquery(next_start, output_field=DateTimeField()),
                Value(_LATEST),
                output_field=DateTimeField(),
            ),
        )
        .annotate(attempt_count=_count(attempts))
        .order_by("-enrolled_at", "-cycle", "-pk")
    )
    completed = [e for e in enrollments if e.status == EnrollmentStatus.COMPLETED]
    return Archive(
        enrollments=enrollments,
        completed_count=len(completed),
        completed_hours=sum(
            (e.course.estimated_hours for e in completed), start=Decimal(0)
        ),
    )
