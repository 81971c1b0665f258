"""Reads of learning paths: the path page and the practical tasks waiting for a
sign-off, each in a fixed number of queries whatever the number of stages, courses
or learners.

Stage states on the page come from the same rule as ``path_evaluate``
(``courses.services.paths.first_incomplete``), applied to what the page loaded, so
the page never disagrees with the rule. Anonymous visitors get stages and courses
only: nothing per user, so the page stays in the anonymous page cache.
"""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from courses.models import CoursePage, LessonPage
from courses.models.paths import LearningPathStage, PathEnrollment, StageSignOff
from courses.models.progress import (
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    completed_in_cycle,
)
from courses.services.paths import (
    PathFacts,
    first_incomplete,
    is_path_signer,
    stage_courses_done,
    stage_is_complete,
)
from courses.services.progress import may_study
from home.audiences import can_view_page

DONE, CURRENT, LOCKED = "done", "current", "locked"


def _lesson_count(prefix: str = ""):
    lessons = (
        LessonPage.objects.live()
        .filter(
            path__startswith=OuterRef(f"{prefix}path"),
            depth=OuterRef(f"{prefix}depth") + 1,
        )
        .order_by()
        .values("depth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(lessons, output_field=IntegerField()), 0)


def _stages(path) -> list[LearningPathStage]:
    courses = (
        CoursePage.objects.annotate(lesson_count=_lesson_count())
        .only("pk", "title", "slug", "url_path", "path", "depth", "live", "summary")
        .order_by("path")
    )
    return list(
        LearningPathStage.objects.filter(path=path)
        .prefetch_related(Prefetch("courses", queryset=courses))
        .order_by("sort_order", "pk")
    )


@dataclass
class CourseRow:
    course: CoursePage
    can_open: bool
    lessons_total: int
    lessons_done: int = 0
    enrolled: bool = False
    completed: bool = False


@dataclass
class StageRow:
    stage: LearningPathStage
    number: int
    state: str  # DONE, CURRENT or LOCKED ("" for anonymous visitors)
    courses: list
    signoff: StageSignOff | None = None
    courses_done: bool = False


def path_page_context(*, path, user) -> dict:
    """Context of the LearningPath page: ``stage_rows`` (StageRow), ``stage_total``;
    for signed-in users also ``path_enrollment``, ``may_enroll``,
    ``stages_done``, ``percent`` and ``is_path_complete``."""
    stages = _stages(path)
    signed_in = user.is_authenticated
    all_courses = {c.pk: c for stage in stages for c in stage.courses.all()}
    enrollment = None
    course_enrolments: dict[int, Enrollment] = {}
    signoffs: dict[int, StageSignOff] = {}
    if signed_in:
        enrollment = (
            PathEnrollment.objects.filter(user=user, path=path)
            .select_related("mentor")
            .first()
        )
        done = (
            LessonProgress.objects.filter(
                completed_in_cycle(OuterRef("progress_since")),
                user=user,
                lesson__live=True,
                lesson__path__startswith=OuterRef("course__path"),
                lesson__depth=OuterRef("course__depth") + 1,
            )
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        course_enrolments = {
            e.course_id: e
            for e in Enrollment.objects.filter(
                user=user, course_id__in=list(all_courses), is_current=True
            ).annotate(
                lessons_done=Coalesce(Subquery(done, output_field=IntegerField()), 0)
            )
        }
        if enrollment is not None:
            signoffs = {
                s.stage_id: s
                for s in StageSignOff.objects.filter(
                    enrollment=enrollment
                ).select_related("signed_off_by")
            }
    facts = PathFacts(
        completed_course_ids={
            pk
            for pk, e in course_enrolments.items()
            if e.status == EnrollmentStatus.COMPLETED
        },
        openable_course_ids={
            pk
            for pk, course in all_courses.items()
            if course.live and can_view_page(course, user)
        },
        signed_off_stage_ids=set(signoffs),
    )
    path_complete = (
        enrollment is not None and enrollment.status == EnrollmentStatus.COMPLETED
    )
    current = None if path_complete else first_incomplete(stages, facts)
    rows, reached_current, stages_done = [], False, 0
    for number, stage in enumerate(stages, start=1):
        if not signed_in:
            state = ""
        elif path_complete or stage_is_complete(stage, facts) and not reached_current:
            state = DONE
        elif stage == current:
            state, reached_current = CURRENT, True
        else:
            state = LOCKED
        if state == DONE:
            stages_done += 1
        course_rows = []
        for course in stage.courses.all():
            row = CourseRow(
                course=course,
                can_open=course.pk in facts.openable_course_ids,
                lessons_total=course.lesson_count,
            )
            course_enrolment = course_enrolments.get(course.pk)
            if course_enrolment is not None:
                row.enrolled = course_enrolment.status != EnrollmentStatus.WITHDRAWN
                row.completed = course_enrolment.status == EnrollmentStatus.COMPLETED
                row.lessons_done = course_enrolment.lessons_done
            course_rows.append(row)
        rows.append(
            StageRow(
                stage=stage,
                number=number,
                state=state,
                courses=course_rows,
                signoff=signoffs.get(stage.pk),
                courses_done=stage_courses_done(stage, facts),
            )
        )
    total = len(stages)
    context = {"stage_rows": rows, "stage_total": total}
    if signed_in:
        context.update(
            path_enrollment=enrollment,
            may_enroll=enrollment is None and may_study(user=user, page=path),
            stages_done=stages_done,
            percent=stages_done * 100 // total if total else 0,
            is_path_complete=path_complete,
        )
    return context


def with_stage_position(queryset: QuerySet) -> QuerySet:
    """Path enrolments with ``stage_total`` (the path's stages), ``stage_number``
    (the current stage's position, 1-based; 0 when none) and ``stage_percent``
    (stages done over all stages, rounded down: 100 once the path is completed, 0
    without a current stage), in the same query.

    THE helper for a path stage's position: stages are ordered by ``sort_order``,
    ties broken by ``pk`` (the order of ``path_stages`` and the path page), so any
    report, listing or percentage of a path enrolment must use it rather than count
    stages its own way."""
    stages = LearningPathStage.objects.filter(path_id=OuterRef("path_id"))
    before = stages.filter(
        Q(sort_order__lt=OuterRef("current_stage__sort_order"))
        | Q(
            sort_order=OuterRef("current_stage__sort_order"),
            pk__lte=OuterRef("current_stage_id"),
        )
    )
    return queryset.annotate(
        stage_total=_counted(stages), stage_number=_counted(before)
    ).annotate(
        stage_percent=Case(
            When(status=EnrollmentStatus.COMPLETED, then=Value(100)),
            When(Q(stage_total=0) | Q(stage_number=0), then=Value(0)),
            default=(F("stage_number") - 1) * 100 / F("stage_total"),
            output_field=IntegerField(),
        )
    )


def _counted(queryset):
    rows = (
        queryset.order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


# -- sign-offs ------------------------------------------------------------------------


def signoffs_waiting(*, user) -> QuerySet:
    """Path enrolments whose current stage has a practical task not yet signed off,
    that ``user`` may sign off: trainers and training admins all of them, a mentor
    those of their mentees, anyone else none; never ``user``'s own. Each row
    carries ``stage_courses`` and ``stage_courses_done`` (the current stage's
    courses the learner completed): a sign-off needs them equal. One query."""
    if not (user.is_authenticated and user.is_active):
        return PathEnrollment.objects.none()
    rows = PathEnrollment.objects.filter(
        status=EnrollmentStatus.IN_PROGRESS, current_stage__isnull=False
    ).exclude(current_stage__task_title="")
    rows = rows.exclude(user=user)
    if not is_path_signer(user):
        rows = rows.filter(mentor=user)
    signed = StageSignOff.objects.filter(
        enrollment=OuterRef("pk"), stage=OuterRef("current_stage")
    )
    stage_courses = (
        LearningPathStage.courses.through.objects.filter(
            learningpathstage_id=OuterRef("current_stage_id")
        )
        .order_by()
        .values("learningpathstage_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    completed = (
        Enrollment.objects.filter(
            user=OuterRef("user"),
            is_current=True,
            status=EnrollmentStatus.COMPLETED,
            course__path_stages=OuterRef("current_stage_id"),
        )
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        rows.filter(~Exists(signed))
        .select_related("user__profile", "path", "current_stage", "mentor")
        .annotate(
            stage_courses=Coalesce(
                Subquery(stage_courses, output_field=IntegerField()), 0
            ),
            stage_courses_done=Coalesce(
                Subquery(completed, output_field=IntegerField()), 0
            ),
        )
        .annotate(
            ready=ExpressionWrapper(
                Q(stage_courses_done__gte=F("stage_courses")),
                output_field=BooleanField(),
            )
        )
        .order_by("due_at", "enrolled_at", "pk")
    )


def is_mentor(user) -> bool:
    """Whether ``user`` mentors anyone on a path."""
    return user.is_authenticated and PathEnrollment.objects.filter(mentor=user).exists()


def may_see_signoffs(user) -> bool:
    return is_path_signer(user) or is_mentor(user)
