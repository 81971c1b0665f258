"""Views of 培训指派 (``viewsets.AssignmentViewSet``).

- the listing, create and edit views: saving an assignment (create or edit) runs
  ``assignment_sync`` in the same transaction and says what it did;
- 完成情况 (``CompletionView``): every targeted learner with status, progress,
  deadline, completion and last reminder, filtered by status, exported as XLSX
  (formula-safe text cells);
- 发送提醒 (``RemindView``): a confirmation page, then a POST (CSRF) reminding the
  learners not done yet (``assignment_remind``, at most once a day each).

- deleting an assignment first releases its enrolments (``assignment_release``:
  those not completed lose the deadline, so they are no longer overdue).

Who: the Django model permissions on Assignment (training admins add, change and
delete; trainers view). Viewing needs any of them, reminding needs "change".
Trainers see only the assignments of courses and paths they can edit
(``assignments_visible_to``); any other assignment is a 404 for them.
"""

import dataclasses
import io

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from openpyxl import Workbook
from wagtail.admin import messages
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import MenuItem
from wagtail.permissions import policy_registry

from courses.admin_views.exports import text_cell
from courses.models import Assignment
from courses.selectors.assignments import (
    STATUS_CHOICES,
    STATUS_LABELS,
    assignment_completion,
    assignments_visible_to,
)
from courses.services.assignments import assignment_release, assignment_sync
from courses.services.reminders import assignment_remind, open_enrollments

ASSIGNMENTS = "assignments"
ANY = ["add", "change", "delete", "view"]
COMPLETION_PER_PAGE = 100


def completion_url(assignment) -> str:
    return reverse(f"{ASSIGNMENTS}:completion", args=[assignment.pk])


def deadline_label(assignment: Assignment) -> str:
    if assignment.due_on:
        return assignment.due_on.isoformat()
    if assignment.due_days:
        return _("%(days)s 天内") % {"days": assignment.due_days}
    return "—"


def recurrence_label(assignment: Assignment) -> str:
    if assignment.recur_months:
        return _("每 %(months)s 个月") % {"months": assignment.recur_months}
    return "—"


# -- listing, create, edit -----------------------------------------------------------


class AssignmentIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(pk__in=assignments_visible_to(self.request.user).values("pk"))
            .select_related("course", "path")
        )

    def get_list_more_buttons(self, instance):
        return [
            MenuItem(
                _("完成情况"),
                url=completion_url(instance),
                icon_name="list-ul",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class SyncOnSaveMixin:
    """Run ``assignment_sync`` in the save's transaction; report its counts."""

    def save_instance(self):
        instance = super().save_instance()
        self.sync_result = assignment_sync(assignment=instance)
        return instance

    def get_success_message(self, *args):
        result = self.sync_result
        if not self.object.is_active or self.object.starts_on > timezone.localdate():
            return _(
                "培训指派“%(title)s”已保存，开始日期到达且启用后自动指派学员。"
            ) % {"title": self.object.title}
        return _(
            "培训指派“%(title)s”已保存：新指派 %(created)s 人，更新 %(updated)s 人，"
            "新周期 %(renewed)s 人，已完成 %(done)s 人，无权学习而跳过 %(skipped)s 人。"
        ) % {
            "title": self.object.title,
            "created": result.created,
            "updated": result.updated,
            "renewed": result.renewed,
            "done": result.done,
            "skipped": result.skipped,
        }


class AssignmentCreateView(SyncOnSaveMixin, generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class AssignmentEditView(SyncOnSaveMixin, generic.EditView):
    pass


class AssignmentDeleteView(generic.DeleteView):
    """Release the enrolments, then delete, in one transaction."""

    @transaction.atomic
    def delete_action(self):
        assignment_release(assignment=self.object)
        super().delete_action()


# -- 完成情况 ------------------------------------------------------------------------


class AssignmentMixin:
    """Loads the assignment of the URL; checks the permission policy."""

    permission_actions = ANY

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.assignment = get_object_or_404(
            assignments_visible_to(request.user).select_related("course", "path"),
            pk=kwargs["pk"],
        )

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(Assignment)
        if not policy.user_has_any_permission(request.user, self.permission_actions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.assignment.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{ASSIGNMENTS}:index"), "label": _("培训指派")},
            {"url": "", "label": self.get_page_title()},
        ]


class CompletionView(AssignmentMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/assignments/completion.html"
    header_icon = "list-ul"
    page_title = gettext_lazy("完成情况")
    export_headings = [
        gettext_lazy("学员"),
        gettext_lazy("用户名"),
        gettext_lazy("组织"),
        gettext_lazy("状态"),
        gettext_lazy("进度（%）"),
        gettext_lazy("截止日期"),
        gettext_lazy("完成时间"),
        gettext_lazy("最近提醒"),
    ]

    @cached_property
    def status(self) -> str:
        value = self.request.GET.get("status", "")
        return value if value in STATUS_LABELS else ""

    @cached_property
    def completion(self):
        return assignment_completion(assignment=self.assignment, status=self.status)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = policy_registry.get_by_type(Assignment)
        paginator = Paginator(self.completion.rows, COMPLETION_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(
            assignment=self.assignment,
            # The page's rows; the counts and the total stay over every learner.
            completion=dataclasses.replace(self.completion, rows=page.object_list),
            page_obj=page,
            elided_page_range=paginator.get_elided_page_range(page.number),
            status=self.status,
            status_choices=[
                (value, label, self.completion.counts[value])
                for value, label in STATUS_CHOICES
            ],
            deadline=deadline_label(self.assignment),
            recurrence=recurrence_label(self.assignment),
            can_remind=policy.user_has_permission(self.request.user, "change"),
            remind_url=reverse(f"{ASSIGNMENTS}:remind", args=[self.assignment.pk]),
            edit_url=(
                reverse(f"{ASSIGNMENTS}:edit", args=[self.assignment.pk])
                if policy.user_has_permission(self.request.user, "change")
                else ""
            ),
        )
        return context

    def export(self) -> HttpResponse:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="Sheet1")
        sheet.append(text_cell(sheet, heading) for heading in self.export_headings)

        def when(value):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

        for row in self.completion.rows:
            sheet.append(
                [
                    text_cell(sheet, row.name),
                    text_cell(sheet, row.username),
                    text_cell(sheet, row.organisation),
                    text_cell(sheet, row.status_label),
                    "" if row.percent is None else row.percent,
                    text_cell(sheet, when(row.due_at)),
                    text_cell(sheet, when(row.completed_at)),
                    text_cell(sheet, when(row.last_reminder_at)),
                ]
            )
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        filename = f"assignment-{self.assignment.pk}-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class RemindView(AssignmentMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: who would be reminded; POST (CSRF): remind them."""

    template_name = "courses/admin/assignments/remind_confirm.html"
    header_icon = "mail"
    page_title = gettext_lazy("发送提醒")
    permission_actions = ["change"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            assignment=self.assignment,
            pending=open_enrollments(self.assignment).count(),
            cancel_url=completion_url(self.assignment),
        )
        return context

    def post(self, request, *args, **kwargs):
        result = assignment_remind(assignment=self.assignment, by=request.user)
        messages.success(
            request,
            _(
                "已发送提醒 %(sent)s 封；跳过 %(skipped)s 人"
                "（今天已提醒 %(already)s 人，无邮箱 %(no_email)s 人）。"
            )
            % {
                "sent": result.sent,
                "skipped": result.skipped,
                "already": result.already,
                "no_email": result.no_email,
            },
        )
        return redirect(completion_url(self.assignment))
