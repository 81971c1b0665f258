"""Admin views of the progress reports: 逾期报告 (``/admin/progress/overdue/``,
XLSX with ``?export=xlsx``) and a learner's 培训档案
(``/admin/progress/learners/<user_id>/``, XLSX with ``?format=xlsx``, PDF with
``?format=pdf``). Registered by ``hooks``.

Training admins and superusers see everything; trainers only rows of courses and
paths they can edit; anyone else gets 403. A learner archive with nothing the
viewer may see (or an unknown user id) answers 404. Exports are private,
formula-safe downloads.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.admin_views.choices import courses_in, organisations_of
from courses.archive_pdf import archive_pdf, path_rows
from courses.dashboard_views import (
    PDF_TYPE,
    XLSX_TYPE,
    archive_sections,
    attachment,
)
from courses.feedback_admin.summary_export import write_xlsx
from courses.models import Assignment, CoursePage
from courses.models.paths import LearningPath
from courses.progress_admin import reports
from courses.selectors.quiz_results import learner_name, learner_organisation
from portal.accounts.models import Organisation

PER_PAGE = 50


def _require_progress_viewer(request):
    if not reports.may_view_progress(request.user):
        raise PermissionDenied


# -- 逾期报告 ------------------------------------------------------------------------


class OverdueFilterForm(forms.Form):
    """Choices are drawn from the rows the viewer may see, so a trainer is offered
    neither other courses nor other organisations; a crafted id fails."""

    course = forms.ModelChoiceField(
        label=gettext_lazy("课程"),
        queryset=CoursePage.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    path = forms.ModelChoiceField(
        label=gettext_lazy("学习路径"),
        queryset=LearningPath.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("组织"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    assignment = forms.ModelChoiceField(
        label=gettext_lazy("培训指派"),
        queryset=Assignment.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    min_days = forms.IntegerField(
        label=gettext_lazy("逾期天数不少于"),
        min_value=0,
        max_value=3650,
        required=False,
        error_messages={
            "invalid": gettext_lazy("请输入整数。"),
            "min_value": gettext_lazy("不能小于 %(limit_value)s。"),
            "max_value": gettext_lazy("不能大于 %(limit_value)s。"),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enrollments = reports.enrollments_visible_to(user).order_by()
        paths = reports.path_enrollments_visible_to(user).order_by()
        self.fields["course"].queryset = courses_in(enrollments)
        self.fields["path"].queryset = LearningPath.objects.filter(
            Exists(paths.filter(path=OuterRef("pk")))
        ).order_by("title")
        self.fields["organisation"].queryset = organisations_of(enrollments, paths)
        self.fields["assignment"].queryset = Assignment.objects.filter(
            Exists(enrollments.filter(assignment=OuterRef("pk")))
            | Exists(paths.filter(assignment=OuterRef("pk")))
        ).order_by("title")

    def overdue_filters(self) -> reports.OverdueFilters:
        data = self.cleaned_data
        return reports.OverdueFilters(
            course_id=data["course"].pk if data.get("course") else None,
            path_id=data["path"].pk if data.get("path") else None,
            organisation_id=(
                data["organisation"].pk if data.get("organisation") else None
            ),
            assignment_id=data["assignment"].pk if data.get("assignment") else None,
            min_days=data.get("min_days"),
        )


OVERDUE_HEADINGS = [
    gettext_lazy("学员"),
    gettext_lazy("用户名"),
    gettext_lazy("组织"),
    gettext_lazy("类型"),
    gettext_lazy("课程或学习路径"),
    gettext_lazy("截止日期"),
    gettext_lazy("逾期天数"),
    gettext_lazy("完成率（%）"),
    gettext_lazy("培训指派"),
]


def _kind_label(row: reports.OverdueRow) -> str:
    return _("学习路径") if row.is_path else _("课程")


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


@method_decorator(never_cache, name="dispatch")
class OverdueReportView(WagtailAdminTemplateMixin, TemplateView):
    """逾期报告: overdue course and path enrolments, the most overdue first, with
    totals per organisation; filters; XLSX export of every filtered row."""

    template_name = "courses/admin/progress/overdue.html"
    header_icon = "warning"
    page_title = gettext_lazy("逾期报告")

    def dispatch(self, request, *args, **kwargs):
        _require_progress_viewer(request)
        self.now = timezone.now()
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def form(self) -> OverdueFilterForm:
        return OverdueFilterForm(self.request.GET or None, user=self.request.user)

    @cached_property
    def filters(self) -> reports.OverdueFilters | None:
        """None when the filters are invalid: the report then shows nothing."""
        if not self.form.is_bound:
            return reports.OverdueFilters()
        return self.form.overdue_filters() if self.form.is_valid() else None

    def rows(self, *, percent=True):
        return reports.overdue_rows(
            self.request.user, now=self.now, filters=self.filters, percent=percent
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        rows = []
        if self.filters is not None:
            rows = [reports.overdue_row(values, now=self.now) for values in self.rows()]
        table = [
            [
                row.learner,
                row.username,
                row.organisation,
                _kind_label(row),
                row.title,
                _local(row.due_at),
                row.days_overdue,
                row.percent,
                row.assignment,
            ]
            for row in rows
        ]
        today = f"{timezone.localdate():%Y%m%d}"
        return attachment(
            write_xlsx([(_("逾期报告"), [str(h) for h in OVERDUE_HEADINGS], table)]),
            content_type=XLSX_TYPE,
            ascii_name=f"overdue-{today}.xlsx",
            name=_("逾期报告-%(date)s.xlsx") % {"date": today},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = totals = None
        if self.filters is not None:
            paginator = Paginator(self.rows(percent=False), PER_PAGE)
            page = paginator.get_page(self.request.GET.get("p"))
            page.object_list = [
                reports.overdue_row(values, now=self.now) for values in page.object_list
            ]
            reports.fill_percent(page.object_list, now=self.now)
            totals = reports.overdue_totals(
                self.request.user, now=self.now, filters=self.filters
            )
        query = self.request.GET.copy()
        query.pop("p", None)
        query.pop("export", None)
        context.update(
            form=self.form,
            filters_active=any(v for k, v in self.request.GET.items() if k != "p"),
            page=page,
            totals=totals,
            total_count=sum(t.total for t in totals or []),
            query=query.urlencode(),
        )
        return context


# -- 培训档案 ------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class LearnerArchiveView(WagtailAdminTemplateMixin, TemplateView):
    """A learner's training archive in the admin: the learner's own archive
    (``my_archive``) plus their learning paths, narrowed to what the viewer may
    see."""

    template_name = "courses/admin/progress/learner_archive.html"
    header_icon = "user"
    page_title = gettext_lazy("培训档案")

    def dispatch(self, request, *args, **kwargs):
        _require_progress_viewer(request)
        self.learner = (
            get_user_model()
            .objects.select_related("profile__organisation")
            .filter(pk=kwargs["user_id"])
            .first()
        )
        if self.learner is None:
            raise Http404
        self.data = reports.learner_archive(viewer=request.user, learner=self.learner)
        if self.data.is_empty and not reports.is_training_admin(request.user):
            raise Http404  # a trainer learns nothing about learners not theirs
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return learner_name(self.learner)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("progress_enrollments:index"), "label": _("学习进度")},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get(self, request, *args, **kwargs):
        export = request.GET.get("format")
        today = f"{timezone.localdate():%Y%m%d}"
        name = learner_name(self.learner)
        if export == "xlsx":
            return attachment(
                write_xlsx(self.sections()),
                content_type=XLSX_TYPE,
                ascii_name=f"training-archive-{self.learner.pk}-{today}.xlsx",
                name=_("培训档案-%(name)s-%(date)s.xlsx")
                % {"name": name, "date": today},
            )
        if export == "pdf":
            return attachment(
                archive_pdf(
                    name=name,
                    organisation=learner_organisation(self.learner),
                    archive=self.data.archive,
                    path_enrollments=self.data.path_enrollments,
                ),
                content_type=PDF_TYPE,
                ascii_name=f"training-archive-{self.learner.pk}-{today}.pdf",
                name=_("培训档案-%(name)s-%(date)s.pdf")
                % {"name": name, "date": today},
            )
        return super().get(request, *args, **kwargs)

    def sections(self):
        sections = archive_sections(self.data.archive)
        if self.data.path_enrollments:
            sections.append(
                (
                    _("学习路径"),
                    [
                        _("学习路径"),
                        _("来源"),
                        _("报名日期"),
                        _("完成日期"),
                        _("当前阶段"),
                        _("状态"),
                    ],
                    path_rows(self.data.path_enrollments),
                )
            )
        return sections

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            learner=self.learner,
            learner_name=learner_name(self.learner),
            organisation=learner_organisation(self.learner),
            archive=self.data.archive,
            path_enrollments=self.data.path_enrollments,
        )
        return context
