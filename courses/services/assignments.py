"""Assigned training (培训指派): who an assignment targets, their deadlines, and
turning an assignment into enrolments (``assignment_sync``).

Rules:
- Learners (``assignment_learners``): the active users named, the active members of
  the groups and the active members of the organisations (``Profile.organisation``)
  chosen, each once.
- Deadline (``assignment_due_for``): ``due_on`` at the end of that day (local time,
  ``TIME_ZONE``, Asia/Shanghai); or ``due_days`` days after the later of the cycle's
  start (``starts_on`` for a one-off assignment) and the day the user joined, at the
  end of that day; none if neither is set.
- Sync of a course assignment, only while the assignment is active and has started:
  - no current enrolment: one is created (source "assigned", the deadline, this
    assignment). A learner who may not open the course (view restriction, course not
    live) is skipped and counted as such, never enrolled;
  - a current enrolment not completed becomes assigned (source "assigned",
    a withdrawn one resumes); its deadline and owner follow ``_owner_and_due``:
    this assignment's current deadline when it owns the enrolment (an edited
    deadline moves, later or earlier), else the earlier of the two deadlines, the
    enrolment becoming this assignment's unless another assignment or the learner's
    own earlier deadline holds it;
  - a completed current enrolment counts as done.
- Recurring (``recur_months``, courses only): cycle k starts on ``starts_on`` +
  (k-1) × ``recur_months`` months. From the second cycle on, a current enrolment that
  began before the current cycle's start (and is this assignment's, a self-enrolment
  or completed) is retired (``is_current`` false, its status kept) and the next
  cycle's enrolment is created: cycle + 1, ``progress_since`` = the cycle's start
  (local midnight), deadline = cycle start + ``due_days``. That enrolment counts only
  what the learner does from the cycle's start (``services.progress``).
- Paths: ``courses.services.paths.path_enroll`` with source "assigned", the deadline
  (as for courses: this assignment's own, else the earlier one wins) and this
  assignment; completed path enrolments count as done; learners who may not open
  the path are skipped.
- Released (``assignment_release``): an assignment deactivated or deleted no longer
  sets deadlines; its enrolments not completed lose their deadline (so they are not
  overdue) and keep source and assignment as history.

Concurrency: the sync locks the assignment row, so two syncs of one assignment
(an admin save and the daily run) take turns. New enrolments are inserted with
``ignore_conflicts`` (a learner who enrolled themselves meanwhile keeps that row,
which is then taken as an existing one), and a status is never written back from
what was read: a withdrawn enrolment resumes by a conditional UPDATE.

Idempotent: a second run changes nothing. The queries of a course sync do not grow
with the number of learners (bulk reads, ``bulk_create``, ``bulk_update``); only
learners who already have progress on the course (in the current cycle, when
renewing) are evaluated one by one, so a completed course is recognised at once.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from courses.dates import add_months, end_of_day, start_of_day
from courses.models import Assignment, CoursePage, LessonPage
from courses.models.paths import PathEnrollment
from courses.models.progress import (
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
    completed_in_cycle,
)
from courses.models.quizzes import AttemptStatus, QuizAttempt
from courses.services.paths import path_enroll, path_evaluate
from courses.services.progress import enrollment_evaluate
from home.audiences import can_view_page
from portal.accounts.models import Profile


@dataclass
class SyncResult:
    """What one ``assignment_sync`` did, per learner."""

    created: int = 0  # new enrolments (first cycle or a new learner)
    updated: int = 0  # existing enrolments made assigned / given an earlier deadline
    renewed: int = 0  # a new cycle of a recurring assignment started
    done: int = 0  # already completed
    unchanged: int = 0  # in progress, nothing to change
    skipped: int = 0  # may not open the course or path

    @property
    def total(self) -> int:
        return (
            self.created
            + self.updated
            + self.renewed
            + self.done
            + self.unchanged
            + self.skipped
        )


# -- dates --------------------------------------------------------------------------


def cycle_start(assignment: Assignment, today: date) -> tuple[int, date]:
    """(k, the day cycle k starts) for the cycle running on ``today`` (k = 1 for a
    one-off assignment or before the second cycle)."""
    if not assignment.recur_months or today < assignment.starts_on:
        return 1, assignment.starts_on
    months = (today.year - assignment.starts_on.year) * 12 + (
        today.month - assignment.starts_on.month
    )
    k = months // assignment.recur_months + 1
    start = add_months(assignment.starts_on, (k - 1) * assignment.recur_months)
    while start > today:
        k -= 1
        start = add_months(assignment.starts_on, (k - 1) * assignment.recur_months)
    return k, start


def assignment_due_for(
    assignment: Assignment, user, cycle_start: date | None = None
) -> datetime | None:
    """The deadline of ``user`` for ``assignment`` (in the cycle that starts on
    ``cycle_start``, default the assignment's start): see the module docstring."""
    if assignment.due_on and not assignment.recur_months:
        return end_of_day(assignment.due_on)
    if assignment.due_days:
        start = cycle_start or assignment.starts_on
        joined = timezone.localdate(user.date_joined) if user.date_joined else start
        return end_of_day(max(start, joined) + timedelta(days=assignment.due_days))
    return None


# -- who ------------------------------------------------------------------------------


def assignment_learners(assignment: Assignment) -> QuerySet:
    """The active users ``assignment`` targets (named, group members, organisation
    members), each once, in one query."""
    User = get_user_model()
    members = User.groups.through.objects.filter(
        group_id__in=assignment.groups.values("pk")
    ).values("user_id")
    org_members = Profile.objects.filter(
        organisation_id__in=assignment.organisations.values("pk")
    ).values("user_id")
    return User.objects.filter(is_active=True).filter(
        Q(pk__in=assignment.users.values("pk"))
        | Q(pk__in=members)
        | Q(pk__in=org_members)
    )


def _may_open(page, learners: list) -> dict[int, bool]:
    """Whether each learner may open ``page`` (live, view restrictions), with the
    learners' groups read in one query."""
    if not page.live:
        return {user.pk: False for user in learners}
    User = get_user_model()
    groups: dict[int, set[int]] = {user.pk: set() for user in learners}
    for user_id, group_id in User.groups.through.objects.filter(
        user_id__in=[user.pk for user in learners]
    ).values_list("user_id", "group_id"):
        groups[user_id].add(group_id)
    allowed = {}
    for user in learners:
        user._shifu_group_ids = frozenset(groups[user.pk])
        allowed[user.pk] = can_view_page(page, user)
    return allowed


def _learners(assignment: Assignment) -> list:
    return list(
        assignment_learners(assignment)
        .only("pk", "date_joined", "is_superuser", "is_active")
        .order_by("pk")
    )


# -- sync -----------------------------------------------------------------------------


@transaction.atomic
def assignment_sync(*, assignment: Assignment, now=None) -> SyncResult:
    """Create or update the enrolments ``assignment`` requires today (see the module
    docstring); idempotent. Returns what it did."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SyncResult()
    # Serialise syncs of this assignment and read its settings as committed.
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        assignment_release(assignment=assignment)
        return result
    if assignment.starts_on > today:
        return result
    if assignment.course_id:
        _sync_course(assignment, now, today, result)
    elif assignment.path_id:
        _sync_path(assignment, now, today, result)
    Assignment.objects.filter(pk=assignment.pk).update(synced_at=now)
    return result


@transaction.atomic
def assignment_release(*, assignment: Assignment) -> int:
    """Clear the deadline of ``assignment``'s enrolments (course and path) that are
    not completed, for an assignment deactivated or about to be deleted: they are no
    longer overdue. Source and assignment stay as history. Returns the rows changed.
    """
    changed = 0
    for model in (Enrollment, PathEnrollment):
        changed += (
            model.objects.filter(assignment_id=assignment.pk, due_at__isnull=False)
            .exclude(status=EnrollmentStatus.COMPLETED)
            .update(due_at=None)
        )
    return changed


def _earlier(current, new):
    if current is None:
        return new
    if new is None:
        return current
    return min(current, new)


def _owner_and_due(enrollment, assignment, due) -> tuple[int | None, object]:
    """(the assignment owning the enrolment, its deadline) once ``assignment`` is
    applied. An enrolment owned by this assignment takes its current deadline (an
    edit moves it, later or earlier). Against another assignment's deadline the
    earlier wins and the owner stays; an enrolment of no assignment becomes this
    one's unless its own deadline is earlier, which then stays (so a second run
    changes nothing)."""
    if enrollment.assignment_id == assignment.pk:
        return assignment.pk, due
    new_due = _earlier(enrollment.due_at, due)
    if enrollment.assignment_id is None and new_due == due:
        return assignment.pk, due
    return enrollment.assignment_id, new_due


def _sync_course(assignment, now, today, result: SyncResult) -> None:
    course = CoursePage.objects.get(pk=assignment.course_id)
    learners = _learners(assignment)
    allowed = _may_open(course, learners)
    ids = [user.pk for user in learners]
    current = {
        row.user_id: row
        for row in Enrollment.objects.filter(
            course=course, is_current=True, user_id__in=ids
        )
    }
    last_cycle = dict(
        Enrollment.objects.filter(course=course, user_id__in=ids)
        .values("user_id")
        .annotate(n=Max("cycle"))
        .values_list("user_id", "n")
    )
    k, start = cycle_start(assignment, today)
    renewing = bool(assignment.recur_months) and k > 1
    since = start_of_day(start) if renewing else None

    to_create, to_update, to_retire, to_resume = [], [], [], []
    for user in learners:
        enrollment = current.get(user.pk)
        due = assignment_due_for(assignment, user, start)
        renewed = False
        if renewing and enrollment is not None and enrollment.enrolled_at < since:
            retire = enrollment.assignment_id in (None, assignment.pk) or (
                enrollment.status == EnrollmentStatus.COMPLETED
            )
            if retire:
                if not allowed[user.pk]:
                    result.skipped += 1
                    continue
                to_retire.append(enrollment.pk)
                enrollment, renewed = None, True
        if enrollment is None:
            if not allowed[user.pk]:
                result.skipped += 1
                continue
            to_create.append(
                Enrollment(
                    user_id=user.pk,
                    course=course,
                    source=EnrollmentSource.ASSIGNED,
                    due_at=due,
                    enrolled_at=now,
                    cycle=(last_cycle.get(user.pk) or 0) + 1,
                    progress_since=since,
                    assignment=assignment,
                )
            )
            if renewed:
                result.renewed += 1
            else:
                result.created += 1
            continue
        if enrollment.status == EnrollmentStatus.COMPLETED:
            result.done += 1
            continue
        if _take_over(enrollment, assignment, due, since if renewing else None):
            to_update.append(enrollment)
            if enrollment.status == EnrollmentStatus.WITHDRAWN:
                to_resume.append(enrollment.pk)
            result.updated += 1
        else:
            result.unchanged += 1

    if to_retire:
        Enrollment.objects.filter(pk__in=to_retire).update(is_current=False)
    to_evaluate = []
    if to_create:
        Enrollment.objects.bulk_create(to_create, batch_size=500, ignore_conflicts=True)
        new_users = [row.user_id for row in to_create]
        due_of = {row.user_id: row.due_at for row in to_create}
        # A learner who enrolled themselves meanwhile kept their row: take it over.
        for enrollment in Enrollment.objects.filter(
            course=course, is_current=True, user_id__in=new_users
        ).exclude(assignment_id=assignment.pk):
            result.created -= 1
            if enrollment.status == EnrollmentStatus.COMPLETED:
                result.done += 1
                continue
            result.updated += 1
            if _take_over(enrollment, assignment, due_of[enrollment.user_id], since):
                to_update.append(enrollment)
                if enrollment.status == EnrollmentStatus.WITHDRAWN:
                    to_resume.append(enrollment.pk)
        # Learners who already did some of the course (in this cycle, when
        # renewing): decide completion now.
        lessons = LessonPage.objects.child_of(course).values("pk")
        with_progress = set(
            LessonProgress.objects.filter(
                completed_in_cycle(since),
                user_id__in=new_users,
                lesson_id__in=lessons,
            ).values_list("user_id", flat=True)
        )
        if course.quiz_id:
            attempts = QuizAttempt.objects.filter(
                user_id__in=new_users,
                quiz_id=course.quiz_id,
                status=AttemptStatus.GRADED,
            )
            if since is not None:
                attempts = attempts.filter(started_at__gte=since)
            with_progress |= set(attempts.values_list("user_id", flat=True))
        if with_progress:
            to_evaluate += list(
                Enrollment.objects.filter(
                    course=course, is_current=True, user_id__in=with_progress
                ).values_list("pk", flat=True)
            )
    if to_update:
        # Never the status: it may have changed since it was read.
        Enrollment.objects.bulk_update(
            to_update,
            ["source", "assignment", "due_at", "progress_since"],
            batch_size=500,
        )
    if to_resume:
        resumed = Enrollment.objects.filter(
            pk__in=to_resume, status=EnrollmentStatus.WITHDRAWN
        )
        to_evaluate += list(resumed.values_list("pk", flat=True))
        resumed.update(status=EnrollmentStatus.IN_PROGRESS)
    for pk in dict.fromkeys(to_evaluate):
        enrollment_evaluate(enrollment=Enrollment(pk=pk))


def _take_over(enrollment, assignment, due, since) -> bool:
    """Make a current enrolment not completed assigned by ``assignment`` (in memory);
    whether anything but the status changed or it is withdrawn (to be resumed)."""
    changed = enrollment.status == EnrollmentStatus.WITHDRAWN
    if enrollment.source != EnrollmentSource.ASSIGNED:
        enrollment.source = EnrollmentSource.ASSIGNED
        changed = True
    owner, new_due = _owner_and_due(enrollment, assignment, due)
    if enrollment.assignment_id != owner:
        enrollment.assignment = assignment
        changed = True
        if since is not None and enrollment.progress_since is None:
            # Taken into a later cycle: only this cycle's work counts.
            enrollment.progress_since = since
    if new_due != enrollment.due_at:
        enrollment.due_at = new_due
        changed = True
    return changed


def _sync_path(assignment, now, today, result: SyncResult) -> None:
    path = assignment.path
    learners = _learners(assignment)
    allowed = _may_open(path, learners)
    existing = {
        row.user_id: row
        for row in PathEnrollment.objects.filter(
            path=path, user_id__in=[user.pk for user in learners]
        )
    }
    for user in learners:
        enrollment = existing.get(user.pk)
        due = assignment_due_for(assignment, user)
        if enrollment is not None and enrollment.status == EnrollmentStatus.COMPLETED:
            result.done += 1
            continue
        if not allowed[user.pk]:
            result.skipped += 1
            continue
        if enrollment is None:
            path_enroll(
                user=user,
                path=path,
                source=EnrollmentSource.ASSIGNED,
                due_at=due,
                assignment=assignment,
            )
            result.created += 1
            continue
        owner, new_due = _owner_and_due(enrollment, assignment, due)
        if (
            new_due == enrollment.due_at
            and enrollment.source == EnrollmentSource.ASSIGNED
            and enrollment.assignment_id == owner
            and enrollment.status == EnrollmentStatus.IN_PROGRESS
        ):
            result.unchanged += 1
            continue
        rows = PathEnrollment.objects.filter(pk=enrollment.pk).exclude(
            status=EnrollmentStatus.COMPLETED
        )
        rows.update(
            source=EnrollmentSource.ASSIGNED, due_at=new_due, assignment_id=owner
        )
        if rows.filter(status=EnrollmentStatus.WITHDRAWN).update(
            status=EnrollmentStatus.IN_PROGRESS
        ):
            path_evaluate(enrollment=enrollment)
        result.updated += 1


def assignments_sync_all(*, now=None) -> SyncResult:
    """Sync every active, started assignment (the daily task's first step)."""
    now = now or timezone.now()
    total = SyncResult()
    for assignment in Assignment.objects.filter(
        is_active=True, starts_on__lte=timezone.localdate(now)
    ).order_by("pk"):
        one = assignment_sync(assignment=assignment, now=now)
        for field in ("created", "updated", "renewed", "done", "unchanged", "skipped"):
            setattr(total, field, getattr(total, field) + getattr(one, field))
    return total
