"""Reads of assigned training: who is done (完成情况) for one assignment.

Every targeted learner gets a row, enrolled or not, with a derived status:
- 已完成 (done): the current course enrolment (or the path enrolment) is completed;
- 已逾期 (overdue): not done, not withdrawn and the deadline has passed;
- 学习中 (in progress): enrolled and something done (a lesson in this cycle, or a
  path beyond its first stage);
- 未开始 (not started): not enrolled yet (or not allowed to open it), or nothing done.
A fixed number of queries whatever the number of learners.

Who sees which assignments (``assignments_visible_to``): training admins and
superusers all; other holders of an Assignment permission (trainers) those whose
course or learning path they can edit, the rule of the enrolment listing
(``courses.progress_admin.views.enrollments_visible_to``).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models import Assignment, ReminderLog
from courses.models.paths import LearningPathStage, PathEnrollment
from courses.models.progress import Enrollment, EnrollmentStatus
from courses.progress_admin.views import with_progress
from courses.selectors.quiz_results import is_training_admin, learner_name
from courses.services.assignments import assignment_learners

DONE, OVERDUE, IN_PROGRESS, NOT_STARTED = (
    "done",
    "overdue",
    "in_progress",
    "not_started",
)
STATUS_CHOICES = [
    (DONE, _("已完成")),
    (IN_PROGRESS, _("学习中")),
    (NOT_STARTED, _("未开始")),
    (OVERDUE, _("已逾期")),
]
STATUS_LABELS = dict(STATUS_CHOICES)


@dataclass
class CompletionRow:
    user_id: int
    name: str
    username: str
    organisation: str
    status: str
    percent: int | None
    due_at: datetime | None
    completed_at: datetime | None
    last_reminder_at: datetime | None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Completion:
    rows: list[CompletionRow]
    total: int
    counts: dict[str, int]

    @property
    def done(self) -> int:
        return self.counts[DONE]


def assignments_visible_to(user) -> QuerySet:
    """The assignments ``user`` may see in the admin (see the module docstring)."""
    if not (user and user.is_authenticated and user.is_active):
        return Assignment.objects.none()
    if is_training_admin(user):
        return Assignment.objects.all()
    editable = (
        PagePermissionPolicy()
        .instances_user_has_permission_for(user, "change")
        .order_by()
        .values("pk")
    )
    return Assignment.objects.filter(
        Q(course_id__in=editable) | Q(path_id__in=editable)
    )


def _status(enrollment, percent, now) -> str:
    if enrollment is None:
        return NOT_STARTED
    if enrollment.status == EnrollmentStatus.COMPLETED:
        return DONE
    if (
        enrollment.status != EnrollmentStatus.WITHDRAWN
        and enrollment.due_at is not None
        and enrollment.due_at < now
    ):
        return OVERDUE
    return IN_PROGRESS if percent else NOT_STARTED


def _course_enrollments(assignment, learners) -> dict[int, tuple]:
    rows = with_progress(
        Enrollment.objects.filter(
            course_id=assignment.course_id, is_current=True, user_id__in=learners
        )
    )
    return {row.user_id: (row, row.percent) for row in rows}


def _path_enrollments(assignment, learners) -> dict[int, tuple]:
    stages = list(
        LearningPathStage.objects.filter(path_id=assignment.path_id)
        .order_by("sort_order", "pk")
        .values_list("pk", flat=True)
    )
    result = {}
    for row in PathEnrollment.objects.filter(
        path_id=assignment.path_id, user_id__in=learners
    ):
        if row.status == EnrollmentStatus.COMPLETED or not stages:
            percent = 100 if row.status == EnrollmentStatus.COMPLETED else 0
        elif row.current_stage_id in stages:
            percent = stages.index(row.current_stage_id) * 100 // len(stages)
        else:
            percent = 0
        result[row.user_id] = (row, percent)
    return result


def assignment_completion(
    *, assignment: Assignment, status: str | None = None, now=None
) -> Completion:
    """Every targeted learner's row (filtered by ``status`` when given, counts
    always over everyone), ordered by name; five queries."""
    now = now or timezone.now()
    learners = assignment_learners(assignment)
    users = list(
        learners.select_related("profile__organisation").order_by("username", "pk")
    )
    learner_ids = learners.values("pk")
    if assignment.course_id:
        enrolments = _course_enrollments(assignment, learner_ids)
    else:
        enrolments = _path_enrollments(assignment, learner_ids)
    reminded = dict(
        ReminderLog.objects.filter(assignment=assignment)
        .values("user_id")
        .annotate(last=Max("sent_at"))
        .values_list("user_id", "last")
    )
    rows = []
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for user in users:
        enrollment, percent = enrolments.get(user.pk, (None, None))
        row_status = _status(enrollment, percent, now)
        counts[row_status] += 1
        profile = getattr(user, "profile", None)
        rows.append(
            CompletionRow(
                user_id=user.pk,
                name=learner_name(user),
                username=user.get_username(),
                organisation=(
                    profile.organisation.name
                    if profile is not None and profile.organisation_id
                    else ""
                ),
                status=row_status,
                percent=percent,
                due_at=enrollment.due_at if enrollment else None,
                completed_at=enrollment.completed_at if enrollment else None,
                last_reminder_at=reminded.get(user.pk),
            )
        )
    if status in STATUS_LABELS:
        rows = [row for row in rows if row.status == status]
    return Completion(rows=rows, total=len(users), counts=counts)
