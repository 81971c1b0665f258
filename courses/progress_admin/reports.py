"""Reads of the progress reports in the admin: the overdue report (逾期报告) and a
learner's training archive (培训档案).

Who sees what, as in the enrolment listing (``views.enrollments_visible_to``):
training admins and superusers everything; other holders of
``courses.view_enrollment`` (trainers) the enrolments of courses, and the path
enrolments of learning paths, they can edit; anyone else nothing.

Overdue is derived: a current enrolment or a path enrolment still in progress
whose due date has passed. Course and path rows are one SQL ``UNION`` carrying
every column a row shows, ordered most overdue first; a report page is that query
(plus the count) and two more for the progress of the page's rows only, whatever
the number of rows; the totals per organisation are two ``GROUP BY`` queries.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models.paths import LearningPathStage, PathEnrollment
from courses.models.progress import Enrollment, EnrollmentStatus
from courses.progress_admin.views import enrollments_visible_to, with_progress
from courses.selectors.dashboard import Archive, my_archive
from courses.selectors.quiz_results import is_training_admin

COURSE = "course"
PATH = "path"


def path_enrollments_visible_to(user) -> QuerySet:
    """Path enrolments ``user`` may read, by the rule of the enrolment listing."""
    if not (user and user.is_authenticated and user.is_active):
        return PathEnrollment.objects.none()
    if is_training_admin(user):
        return PathEnrollment.objects.all()
    if not user.has_perm("courses.view_enrollment"):
        return PathEnrollment.objects.none()
    editable = (
        PagePermissionPolicy()
        .instances_user_has_permission_for(user, "change")
        .order_by()
        .values("pk")
    )
    return PathEnrollment.objects.filter(path_id__in=editable)


# -- the overdue report ---------------------------------------------------------------


@dataclass(frozen=True)
class OverdueFilters:
    """Validated filters; ``None`` means "all"."""

    course_id: int | None = None
    path_id: int | None = None
    organisation_id: int | None = None
    assignment_id: int | None = None
    min_days: int | None = None


def _overdue(queryset: QuerySet, *, now, filters: OverdueFilters) -> QuerySet:
    cutoff = now - timedelta(days=filters.min_days or 0)
    queryset = queryset.filter(
        status=EnrollmentStatus.IN_PROGRESS, due_at__lt=now, due_at__lte=cutoff
    )
    if filters.organisation_id is not None:
        queryset = queryset.filter(
            user__profile__organisation_id=filters.organisation_id
        )
    if filters.assignment_id is not None:
        queryset = queryset.filter(assignment_id=filters.assignment_id)
    return queryset


def overdue_enrollments(user, *, now, filters: OverdueFilters) -> QuerySet:
    queryset = _overdue(enrollments_visible_to(user), now=now, filters=filters)
    if filters.path_id is not None:
        return queryset.none()
    if filters.course_id is not None:
        queryset = queryset.filter(course_id=filters.course_id)
    return queryset


def overdue_path_enrollments(user, *, now, filters: OverdueFilters) -> QuerySet:
    queryset = _overdue(path_enrollments_visible_to(user), now=now, filters=filters)
    if filters.course_id is not None:
        return queryset.none()
    if filters.path_id is not None:
        queryset = queryset.filter(path_id=filters.path_id)
    return queryset


def _path_percent():
    """Stages before the current one over all stages (rounded down)."""
    stages = LearningPathStage.objects.filter(path=OuterRef("path")).order_by()
    total = (
        stages.annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    )
    before = (
        stages.filter(sort_order__lt=OuterRef("current_stage__sort_order"))
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("pk"))
        .values("n")
    )
    done = Coalesce(Subquery(before, output_field=IntegerField()), 0)
    return Coalesce(
        done * 100 / NullIf(Subquery(total, output_field=IntegerField()), 0), 0
    )


# The columns of a report row, in UNION order.
ROW_FIELDS = [
    "row_kind",
    "row_id",
    "row_user_id",
    "row_username",
    "row_display_name",
    "row_first_name",
    "row_last_name",
    "row_organisation",
    "row_title",
    "row_due_at",
    "row_percent",
    "row_assignment",
]


def _row_values(queryset: QuerySet, *, kind: str, title: str, percent) -> QuerySet:
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind, output_field=CharField()),
            row_id=F("pk"),
            row_user_id=F("user_id"),
            row_username=F("user__username"),
            row_display_name=F("user__profile__display_name"),
            row_first_name=F("user__first_name"),
            row_last_name=F("user__last_name"),
            row_organisation=F("user__profile__organisation__name"),
            row_title=F(title),
            row_due_at=F("due_at"),
            row_percent=percent,
            row_assignment=F("assignment__title"),
        )
        .values(*ROW_FIELDS)
    )


def overdue_rows(user, *, now, filters: OverdueFilters, percent=True) -> QuerySet:
    """Every overdue row ``user`` may see, as dicts of ``ROW_FIELDS``, the most
    overdue first; slice it for a page. With ``percent=False`` the progress is left
    out (``row_percent`` None) so that a page does not compute it for every
    overdue row: ``fill_percent`` then adds it for the page's rows only."""
    enrollments = overdue_enrollments(user, now=now, filters=filters)
    paths = overdue_path_enrollments(user, now=now, filters=filters)
    if percent:
        enrollments = with_progress(enrollments, now=now)
    nothing = Value(None, output_field=IntegerField())
    courses = _row_values(
        enrollments,
        kind=COURSE,
        title="course__title",
        percent=F("percent") if percent else nothing,
    )
    paths = _row_values(
        paths,
        kind=PATH,
        title="path__title",
        percent=_path_percent() if percent else nothing,
    )
    return courses.union(paths, all=True).order_by("row_due_at", "row_kind", "row_id")


def fill_percent(rows: list, *, now) -> None:
    """Set ``percent`` on ``rows`` (``OverdueRow``) in two queries."""
    ids = {COURSE: [], PATH: []}
    for row in rows:
        ids[row.kind].append(row.id)
    found = {}
    if ids[COURSE]:
        found[COURSE] = dict(
            with_progress(
                Enrollment.objects.filter(pk__in=ids[COURSE]), now=now
            ).values_list("pk", "percent")
        )
    if ids[PATH]:
        found[PATH] = dict(
            PathEnrollment.objects.filter(pk__in=ids[PATH])
            .annotate(percent=_path_percent())
            .values_list("pk", "percent")
        )
    for row in rows:
        row.percent = min(100, int(found.get(row.kind, {}).get(row.id) or 0))


@dataclass
class OverdueRow:
    kind: str
    id: int
    user_id: int
    learner: str
    username: str
    organisation: str
    title: str
    due_at: datetime
    days_overdue: int
    percent: int
    assignment: str

    @property
    def is_path(self) -> bool:
        return self.kind == PATH


def overdue_row(values: dict, *, now) -> OverdueRow:
    full_name = f"{values['row_first_name'] or ''} {values['row_last_name'] or ''}"
    due_at = values["row_due_at"]
    return OverdueRow(
        kind=values["row_kind"],
        id=values["row_id"],
        user_id=values["row_user_id"],
        learner=values["row_display_name"]
        or full_name.strip()
        or values["row_username"],
        username=values["row_username"],
        organisation=values["row_organisation"] or "",
        title=values["row_title"],
        due_at=due_at,
        days_overdue=max(0, (now - due_at).days),
        percent=min(100, int(values["row_percent"] or 0)),
        assignment=values["row_assignment"] or "",
    )


@dataclass(frozen=True)
class OrganisationTotal:
    name: str  # "" for learners without an organisation
    enrollments: int
    path_enrollments: int

    @property
    def total(self) -> int:
        return self.enrollments + self.path_enrollments


def overdue_totals(user, *, now, filters: OverdueFilters) -> list[OrganisationTotal]:
    """Overdue rows per organisation (GROUP BY in SQL), largest first."""
    org = "user__profile__organisation__name"
    counts = {}
    for kind, queryset in (
        (COURSE, overdue_enrollments(user, now=now, filters=filters)),
        (PATH, overdue_path_enrollments(user, now=now, filters=filters)),
    ):
        counts[kind] = Counter(
            {
                row[org] or "": row["n"]
                for row in queryset.order_by().values(org).annotate(n=Count("pk"))
            }
        )
    names = set(counts[COURSE]) | set(counts[PATH])
    totals = [
        OrganisationTotal(
            name=name,
            enrollments=counts[COURSE][name],
            path_enrollments=counts[PATH][name],
        )
        for name in names
    ]
    return sorted(totals, key=lambda t: (-t.total, t.name == "", t.name))


# -- a learner's archive ---------------------------------------------------------------


@dataclass(frozen=True)
class LearnerArchive:
    archive: Archive
    path_enrollments: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.archive.enrollments or self.path_enrollments)


def learner_archive(*, viewer, learner) -> LearnerArchive:
    """``learner``'s archive (``my_archive``) and path enrolments, narrowed to the
    rows ``viewer`` may see (a trainer: courses and paths they can edit)."""
    archive = my_archive(user=learner)
    paths = path_enrollments_visible_to(viewer).filter(user=learner)
    if not is_training_admin(viewer):
        allowed = set()
        if viewer.has_perm("courses.view_enrollment"):
            allowed = set(
                PagePermissionPolicy()
                .instances_user_has_permission_for(viewer, "change")
                .filter(pk__in={e.course_id for e in archive.enrollments})
                .values_list("pk", flat=True)
            )
        shown = [e for e in archive.enrollments if e.course_id in allowed]
        completed = [e for e in shown if e.status == EnrollmentStatus.COMPLETED]
        archive = Archive(
            enrollments=shown,
            completed_count=len(completed),
            completed_hours=sum(
                (e.course.estimated_hours for e in completed), start=Decimal(0)
            ),
        )
    return LearnerArchive(
        archive=archive,
        path_enrollments=list(
            paths.select_related("path", "current_stage", "mentor__profile").order_by(
                "-enrolled_at", "-pk"
            )
        ),
    )


def may_view_progress(user) -> bool:
    """Training admins, superusers and trainers (``courses.view_enrollment``)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (is_training_admin(user) or user.has_perm("courses.view_enrollment"))
    )
