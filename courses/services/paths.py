"""Learning-path writes: enrolling on a path, evaluating it, signing off a stage's
practical task. ``path_evaluate`` is the ONE place that decides which stage is
current and whether a path is complete.

The path rule:
- Stages are taken in their editor-set order (``sort_order``).
- A stage is complete when (a) every course in it has the learner's current
  enrolment completed, and (b) if the stage has a practical task (``task_title``), a
  ``StageSignOff`` exists for it. A stage with neither courses nor a task is
  complete. A course the learner may not open (not live, or a view restriction they
  do not pass) can never be completed by them: the stage stays incomplete and the
  path page says so ("无权访问") so an editor can fix the path's audience.
- A stage unlocks when every earlier stage is complete; ``current_stage`` is the
  first incomplete stage. When every stage is complete the path enrolment is
  completed (``completed_at`` set once); completion is never revoked (as for
  courses). Before that, an editor adding a course to an earlier stage moves
  ``current_stage`` back to that stage at the next evaluation.
- On enrolment and at every evaluation the learner is enrolled (source "path", due
  date = the path enrolment's due date, set when the course enrolment is created) on
  the courses of the current stage they may open; earlier stages' courses are
  already done. Courses of locked stages are shown locked on the path page (their
  pages stay reachable).

Sign-off rule: the path enrolment's mentor (师傅), any trainer (讲师), training admin
(培训管理员) or superuser may sign off; anyone else gets ``NotAllowed``, and so does
the learner of the enrolment whatever their role (nobody signs off their own task;
nobody is their own mentor). Only the current stage's task, and only once every
course of that stage is complete (the task, e.g. shadowing a mentor, follows the
stage's courses). The path is evaluated first, under the same lock, so a current
stage left stale by an editor (a stage deleted, inserted or reordered) is recomputed
before deciding. Idempotent: one row per (enrolment, stage), a UniqueConstraint; a
repeated or parallel sign-off returns the existing row. After a sign-off the path is
evaluated.

Re-evaluation: ``enrollment_evaluate`` calls ``paths_evaluate_for_user`` when it
completes a course enrolment, so finishing the last course of a stage unlocks the
next one at once. Publishing a path re-evaluates its open enrolments
(``path_enrollments_evaluate``), so an edit to the stages moves learners at once.
"""

import contextvars
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models.paths import (
    LearningPath,
    LearningPathStage,
    PathEnrollment,
    StageSignOff,
)
from courses.models.progress import Enrollment, EnrollmentSource, EnrollmentStatus
from courses.services.progress import (
    NotAllowed,
    ProgressError,
    course_enroll,
    may_study,
)
from portal.accounts.roles import GROUP_NAMES, Role

NOTE_MAX_LENGTH = 2000
SIGNER_GROUP_NAMES = [GROUP_NAMES[Role.TRAINER], GROUP_NAMES[Role.TRAINING_ADMIN]]

# Path enrolments being evaluated in this context: enrolling on a course inside
# ``path_evaluate`` may complete it and call back into ``paths_evaluate_for_user``;
# the outer evaluation loops until stable, so the nested call is skipped.
_evaluating: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "paths_evaluating", default=frozenset()
)


# -- who may sign off ---------------------------------------------------------------


def is_path_signer(user) -> bool:
    """Trainers, training admins and superusers sign off any learner's task.
    Cached on the user object, which lives for one request."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_shifu_path_signer", None)
    if cached is None:
        cached = user.groups.filter(name__in=SIGNER_GROUP_NAMES).exists()
        user._shifu_path_signer = cached
    return cached


def may_sign_off(*, user, enrollment: PathEnrollment) -> bool:
    """The enrolment's mentor, or any trainer / training admin; never the learner
    of the enrolment."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if enrollment.user_id == user.pk:
        return False
    return enrollment.mentor_id == user.pk or is_path_signer(user)


# -- the rule -------------------------------------------------------------------------


@dataclass
class PathFacts:
    """What the rule needs to know about one learner on one path."""

    completed_course_ids: set[int] = field(default_factory=set)
    openable_course_ids: set[int] = field(default_factory=set)
    signed_off_stage_ids: set[int] = field(default_factory=set)


def stage_courses_done(stage: LearningPathStage, facts: PathFacts) -> bool:
    """Every course of ``stage`` (``stage.courses.all()``, prefetched) is open to the
    learner and completed."""
    return all(
        course.pk in facts.openable_course_ids
        and course.pk in facts.completed_course_ids
        for course in stage.courses.all()
    )


def stage_is_complete(stage: LearningPathStage, facts: PathFacts) -> bool:
    """Courses done and, if the stage has a task, the task signed off."""
    if not stage_courses_done(stage, facts):
        return False
    return not stage.has_task or stage.pk in facts.signed_off_stage_ids


def first_incomplete(stages: list, facts: PathFacts) -> LearningPathStage | None:
    """The current stage: the first incomplete one in order (None: all complete)."""
    return next(
        (stage for stage in stages if not stage_is_complete(stage, facts)), None
    )


def path_stages(path: LearningPath) -> list[LearningPathStage]:
    """The path's stages in order with their courses (two queries)."""
    return list(
        LearningPathStage.objects.filter(path=path)
        .prefetch_related("courses")
        .order_by("sort_order", "pk")
    )


def _facts(*, enrollment: PathEnrollment, stages: list) -> PathFacts:
    user = enrollment.user
    courses = {course.pk: course for stage in stages for course in stage.courses.all()}
    completed = set(
        Enrollment.objects.filter(
            user=user,
            course_id__in=list(courses),
            is_current=True,
            status=EnrollmentStatus.COMPLETED,
        ).values_list("course_id", flat=True)
    )
    return PathFacts(
        completed_course_ids=completed,
        openable_course_ids={
            pk for pk, course in courses.items() if may_study(user=user, page=course)
        },
        signed_off_stage_ids=set(
            StageSignOff.objects.filter(enrollment=enrollment).values_list(
                "stage_id", flat=True
            )
        ),
    )


# -- writes ---------------------------------------------------------------------------


@transaction.atomic
def path_evaluate(*, enrollment: PathEnrollment) -> PathEnrollment:
    """Apply the path rule (module docstring) to ``enrollment``: set the current
    stage, enrol the learner on its courses, complete the path when every stage is
    complete. Returns the fresh enrolment."""
    active = _evaluating.get()
    if enrollment.pk in active:
        return enrollment
    token = _evaluating.set(active | {enrollment.pk})
    try:
        return _evaluate(enrollment.pk)
    finally:
        _evaluating.reset(token)


def _evaluate(pk: int) -> PathEnrollment:
    enrollment = (
        PathEnrollment.objects.select_for_update()
        .select_related("path", "user")
        .get(pk=pk)
    )
    if enrollment.status != EnrollmentStatus.IN_PROGRESS:
        return enrollment
    stages = path_stages(enrollment.path)
    # Enrolling on a course whose lessons are already done completes it at once,
    # which may complete the stage: loop until nothing changes (bounded by stages).
    for _attempt in range(len(stages) + 1):
        facts = _facts(enrollment=enrollment, stages=stages)
        current = first_incomplete(stages, facts)
        if current is None:
            break
        newly_completed = False
        for course in current.courses.all():
            if course.pk not in facts.openable_course_ids:
                continue
            if course.pk in facts.completed_course_ids:
                continue
            course_enrollment = course_enroll(
                user=enrollment.user,
                course=course,
                source=EnrollmentSource.PATH,
                due_at=enrollment.due_at,
            )
            if course_enrollment.status == EnrollmentStatus.COMPLETED:
                newly_completed = True
        if not newly_completed:
            break
    updates = []
    if current is None:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = timezone.now()
        updates += ["status", "completed_at"]
    current_id = current.pk if current is not None else None
    if enrollment.current_stage_id != current_id:
        enrollment.current_stage_id = current_id
        updates.append("current_stage")
    if updates:
        enrollment.save(update_fields=updates)
    if current is None:
        from courses.services.certificates import certificate_issue

        certificate_issue(
            user=enrollment.user, path=enrollment.path, now=enrollment.completed_at
        )
    return enrollment


@transaction.atomic
def path_enroll(
    *,
    user,
    path: LearningPath,
    source: str = EnrollmentSource.SELF,
    due_at=None,
    mentor=None,
    assignment=None,
) -> PathEnrollment:
    """Enrol ``user`` on ``path`` (idempotent: one row per learner and path, a
    UniqueConstraint; a parallel insert that lost returns the winner's row). An
    existing enrolment is kept; a due date, mentor or assignment given is set on it
    unless it is completed. A withdrawn enrolment is resumed. Then evaluated."""
    if not may_study(user=user, page=path):
        raise NotAllowed(_("您无权报名该学习路径。"))
    if mentor is not None and mentor.pk == user.pk:
        raise ProgressError(_("学员不能做自己的师傅。"))
    enrollment = PathEnrollment.objects.filter(user=user, path=path).first()
    if enrollment is None:
        try:
            with transaction.atomic():
                enrollment = PathEnrollment.objects.create(
                    user=user,
                    path=path,
                    source=source,
                    due_at=due_at,
                    mentor=mentor,
                    assignment=assignment,
                    enrolled_at=timezone.now(),
                )
        except IntegrityError:
            enrollment = PathEnrollment.objects.filter(user=user, path=path).first()
            if enrollment is None:
                raise
    elif enrollment.status != EnrollmentStatus.COMPLETED:
        updates = []
        for name, value in (
            ("due_at", due_at),
            ("mentor", mentor),
            ("assignment", assignment),
        ):
            if value is not None and getattr(enrollment, name) != value:
                setattr(enrollment, name, value)
                updates.append(name)
        if enrollment.status == EnrollmentStatus.WITHDRAWN:
            enrollment.status = EnrollmentStatus.IN_PROGRESS
            updates.append("status")
        if updates:
            enrollment.save(update_fields=updates)
    return path_evaluate(enrollment=enrollment)


@transaction.atomic
def path_enrollment_set_mentor(*, enrollment: PathEnrollment, mentor) -> None:
    """Set (or clear, with None) the learner's mentor; the learner cannot be their
    own mentor (``ProgressError``)."""
    if mentor is not None and mentor.pk == enrollment.user_id:
        raise ProgressError(_("学员不能做自己的师傅。"))
    PathEnrollment.objects.filter(pk=enrollment.pk).update(mentor=mentor)
    enrollment.mentor = mentor


@transaction.atomic
def stage_sign_off(
    *, enrollment: PathEnrollment, stage: LearningPathStage, by, note: str = ""
) -> StageSignOff:
    """Sign off ``stage``'s practical task for ``enrollment`` (rules in the module
    docstring); returns the (possibly existing) row."""
    if not may_sign_off(user=by, enrollment=enrollment):
        raise NotAllowed(_("您无权为该学员签字。"))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ProgressError(_("评语最多 2000 字。"))
    enrollment = (
        PathEnrollment.objects.select_for_update()
        .select_related("path", "user")
        .get(pk=enrollment.pk)
    )
    if stage.path_id != enrollment.path_id:
        raise NotAllowed(_("该阶段不属于此学习路径。"))
    if not may_sign_off(user=by, enrollment=enrollment):
        raise NotAllowed(_("您无权为该学员签字。"))
    existing = StageSignOff.objects.filter(enrollment=enrollment, stage=stage).first()
    if existing is not None:
        return existing
    if not stage.has_task:
        raise ProgressError(_("该阶段没有需要签字的实践任务。"))
    # An editor may have changed the stages since the last evaluation.
    enrollment = path_evaluate(enrollment=enrollment)
    if enrollment.current_stage_id != stage.pk:
        raise ProgressError(_("只能为学员当前所在阶段的实践任务签字。"))
    stages = path_stages(enrollment.path)
    stage = next((item for item in stages if item.pk == stage.pk), stage)
    if not stage_courses_done(stage, _facts(enrollment=enrollment, stages=stages)):
        raise ProgressError(_("学员须先完成本阶段的全部课程，才能签字。"))
    try:
        with transaction.atomic():
            signoff = StageSignOff.objects.create(
                enrollment=enrollment,
                stage=stage,
                signed_off_by=by,
                signed_off_at=timezone.now(),
                note=note,
            )
    except IntegrityError:
        signoff = StageSignOff.objects.get(enrollment=enrollment, stage=stage)
        return signoff
    path_evaluate(enrollment=enrollment)
    return signoff


def paths_evaluate_for_user(*, user, course=None) -> None:
    """Re-evaluate ``user``'s open path enrolments (only those on paths containing
    ``course``, when given): called after a course enrolment is completed."""
    enrollments = PathEnrollment.objects.filter(
        user=user, status=EnrollmentStatus.IN_PROGRESS
    )
    if course is not None:
        enrollments = enrollments.filter(path__stages__courses=course).distinct()
    for enrollment in enrollments:
        path_evaluate(enrollment=enrollment)


def path_enrollments_evaluate(*, path: LearningPath) -> int:
    """Re-evaluate every open enrolment on ``path`` (after an editor published it:
    a stage deleted, inserted or reordered moves ``current_stage``). Each enrolment
    in its own transaction; returns how many were evaluated."""
    pks = list(
        PathEnrollment.objects.filter(
            path=path, status=EnrollmentStatus.IN_PROGRESS
        ).values_list("pk", flat=True)
    )
    for pk in pks:
        path_evaluate(enrollment=PathEnrollment(pk=pk))
    return len(pks)
