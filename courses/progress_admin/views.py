"""The enrolment listing of the progress admin (学习进度), with its XLSX/CSV
export, and the reads it makes.

Who sees what: training admins and superusers every enrolment; holders of
``courses.view_enrollment`` (trainers) the enrolments of courses they can edit;
anyone else nothing. The permission policy (``viewsets``) narrows to
``enrollments_visible_to``, and the filters offer only choices drawn from those
rows, so a crafted filter never reveals another course (an invalid filter shows
nothing). Progress is annotated in SQL (completed lesson-progress rows of the
course's live lessons over its live lessons): a listing page or an export is a fixed
number of queries whatever the number of rows.
"""

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.admin_views.exports import SafeSpreadsheetExportMixin
from courses.admin_views.quizzes import policy_for
from courses.models.pages import LessonPage
from courses.models.progress import (
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    completed_in_cycle,
)
from courses.selectors.quiz_results import is_training_admin, learner_name

ENROLLMENTS = "progress_enrollments"


# -- who sees what ------------------------------------------------------------------


def enrollments_visible_to(user) -> QuerySet:
    """Current enrolments ``user`` may read: all for training admins, those of
    courses they can edit for other holders of ``courses.view_enrollment``, else
    none."""
    if not (user and user.is_authenticated and user.is_active):
        return Enrollment.objects.none()
    current = Enrollment.objects.filter(is_current=True)
    if is_training_admin(user):
        return current
    if not user.has_perm("courses.view_enrollment"):
        return Enrollment.objects.none()
    editable = (
        PagePermissionPolicy()
        .instances_user_has_permission_for(user, "change")
        .order_by()
        .values("pk")
    )
    return current.filter(course_id__in=editable)


def visible_enrollments(user) -> QuerySet:
    return policy_for(Enrollment).instances_user_has_any_permission_for(user, ["view"])


# -- progress, in SQL ---------------------------------------------------------------


def _count(queryset: QuerySet):
    rows = queryset.order_by().values("live_marker").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def with_progress(queryset: QuerySet, *, now=None) -> QuerySet:
    """Enrolments with ``lessons_total`` (the course's live lessons),
    ``lessons_done`` (those the learner completed), ``percent`` (0-100, rounded
    down) and ``is_overdue`` (due date passed while still in progress), in the same
    query, plus what a row shows (learner, profile, organisation, course)."""
    now = now or timezone.now()
    lessons = LessonPage.objects.filter(
        live=True,
        path__startswith=OuterRef("course__path"),
        depth=OuterRef("course__depth") + 1,
    ).annotate(live_marker=Value(1))
    done = LessonProgress.objects.filter(
        completed_in_cycle(OuterRef("progress_since")),
        user=OuterRef("user"),
        lesson__live=True,
        lesson__path__startswith=OuterRef("course__path"),
        lesson__depth=OuterRef("course__depth") + 1,
    ).annotate(live_marker=Value(1))
    return (
        queryset.select_related("user__profile__organisation", "course")
        .annotate(lessons_total=_count(lessons), lessons_done=_count(done))
        .annotate(
            percent=Coalesce(
                F("lessons_done") * 100 / NullIf(F("lessons_total"), 0), 0
            ),
            is_overdue=Case(
                When(
                    Q(due_at__lt=now, status=EnrollmentStatus.IN_PROGRESS),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


def who_matches(value: str) -> Q:
    """Learner name (profile, full name) or username."""
    return (
        Q(user__username__icontains=value)
        | Q(user__first_name__icontains=value)
        | Q(user__last_name__icontains=value)
        | Q(user__profile__display_name__icontains=value)
    )


# -- cells ------------------------------------------------------------------------


def organisation_of(enrollment: Enrollment) -> str:
    try:
        profile = enrollment.user.profile
    except type(enrollment.user).profile.RelatedObjectDoesNotExist:
        return ""
    return profile.organisation.name if profile.organisation_id else ""


def progress_label(enrollment: Enrollment) -> str:
    return _("%(done)s/%(total)s 课时") % {
        "done": enrollment.lessons_done,
        "total": enrollment.lessons_total,
    }


def score_label(enrollment: Enrollment) -> str:
    return "—" if enrollment.score is None else f"{enrollment.score}%"


def _when(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def due_label(enrollment: Enrollment) -> str:
    if enrollment.due_at is None:
        return "—"
    label = _when(enrollment.due_at)
    if enrollment.is_overdue:
        return _("%(when)s（已逾期）") % {"when": label}
    return label


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


# -- the listing ------------------------------------------------------------------


class EnrollmentIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """学习进度: enrolments the user may see with each learner's progress, filtered
    and searchable, exported as XLSX (default) or CSV with the same columns,
    formula-safe."""

    any_permission_required = ["view"]
    page_title = gettext_lazy("学习进度")
    default_ordering = "-enrolled_at"
    export_headings = {
        "learner": gettext_lazy("学员"),
        "username": gettext_lazy("用户名"),
        "organisation": gettext_lazy("组织"),
        "course": gettext_lazy("课程"),
        "source": gettext_lazy("来源"),
        "status": gettext_lazy("状态"),
        "progress": gettext_lazy("进度"),
        "percent": gettext_lazy("完成率（%）"),
        "score": gettext_lazy("考试成绩（%）"),
        "due_at": gettext_lazy("截止日期"),
        "overdue": gettext_lazy("是否逾期"),
        "enrolled_at": gettext_lazy("报名时间"),
        "completed_at": gettext_lazy("完成时间"),
    }
    list_export = list(export_headings)

    def get_base_queryset(self):
        return with_progress(visible_enrollments(self.request.user))

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(who_matches(self.search_query))

    def filter_queryset(self, queryset):
        if self.filters is not None and not self.filters.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def order_queryset(self, queryset):
        # The chosen column (or newest first), then the id: stable pages.
        ordering = self.ordering or self.default_ordering
        tiebreak = "-pk" if ordering.startswith("-") else "pk"
        return queryset.order_by(ordering, tiebreak)

    def get_list_more_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "learner",
                label=_("学员"),
                accessor=lambda obj: learner_name(obj.user),
                sort_key="user__profile__display_name",
                # The learner's 培训档案 (``report_views.LearnerArchiveView``).
                get_url=lambda obj: reverse(
                    "progress_learner_archive", args=[obj.user_id]
                ),
            ),
            Column(
                "username",
                label=_("用户名"),
                accessor=lambda obj: obj.user.get_username(),
                sort_key="user__username",
            ),
            Column(
                "organisation",
                label=_("组织"),
                accessor=lambda obj: organisation_of(obj) or "—",
            ),
            Column(
                "course",
                label=_("课程"),
                accessor="course.title",
                sort_key="course__title",
            ),
            Column(
                "source",
                label=_("来源"),
                accessor="get_source_display",
                sort_key="source",
            ),
            Column(
                "status",
                label=_("状态"),
                accessor="get_status_display",
                sort_key="status",
            ),
            Column(
                "progress",
                label=_("进度"),
                accessor=lambda obj: f"{progress_label(obj)}（{obj.percent}%）",
                sort_key="percent",
            ),
            Column("score", label=_("成绩"), accessor=score_label, sort_key="score"),
            Column(
                "due_at", label=_("截止日期"), accessor=due_label, sort_key="due_at"
            ),
            Column(
                "enrolled_at",
                label=_("报名时间"),
                accessor=lambda obj: _when(obj.enrolled_at),
                sort_key="enrolled_at",
            ),
            Column(
                "completed_at",
                label=_("完成时间"),
                accessor=lambda obj: _when(obj.completed_at),
                sort_key="completed_at",
            ),
        ]

    # -- export ---------------------------------------------------------------------

    def get_filename(self):
        return f"enrollments-{timezone.localdate():%Y%m%d}"

    def to_row_dict(self, item):
        return {
            "learner": learner_name(item.user),
            "username": item.user.get_username(),
            "organisation": organisation_of(item),
            "course": item.course.title,
            "source": item.get_source_display(),
            "status": item.get_status_display(),
            "progress": progress_label(item),
            "percent": item.percent,
            "score": "" if item.score is None else float(item.score),
            "due_at": _local(item.due_at) or "",
            "overdue": _("是") if item.is_overdue else _("否"),
            "enrolled_at": _local(item.enrolled_at),
            "completed_at": _local(item.completed_at) or "",
        }
