"""Wagtail admin views of feedback forms and the submission listings (with the
XLSX/CSV export) and the helpers the other feedback admin views share;
``courses.feedback_admin.viewsets`` wires them up, one submission's detail and
review actions are in ``actions``.

Every view reads through the permission policies, which narrow to
``selectors.feedback.submissions_visible_to`` / ``forms_visible_to``: a crafted id
of another trainer's form is a 404 and a crafted filter shows nothing (Wagtail
advisory GHSA-pwm3-7fv4-g6xx). Reads come from ``courses.selectors.feedback``.
"""

import datetime

from django.db.models import QuerySet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views import snippets as snippet_views

from courses.admin_views.exports import SafeSpreadsheetExportMixin
from courses.admin_views.quizzes import (
    VisibleSnippetMixin,
    policy_for,
)
from courses.feedback_admin.filters import who_matches
from courses.models.feedback import FeedbackForm, FeedbackSubmission, ReviewStatus
from courses.selectors.feedback import (
    answer_columns,
    export_values,
    organisation_label,
    pages_using_form,
    person_label,
    respondent_label,
    submission_rows,
    text_excerpt,
    with_all_answers,
    with_text_excerpts,
)

SUBMISSIONS = "feedback_submissions"
FOLLOW_UPS = "feedback_follow_ups"
SUMMARY = "feedback_summary"


def submissions_url(**params) -> str:
    url = reverse(f"{SUBMISSIONS}:index")
    return f"{url}?{urlencode(params)}" if params else url


def summary_url(form_id: int, query: str = "") -> str:
    """The summary of one form (``courses.feedback_admin.summary``, mounted under
    /admin/feedback/summary/), carrying the listing's filters."""
    url = reverse(SUMMARY, args=[form_id])
    return f"{url}?{query}" if query else url


def visible_submissions(user, actions) -> QuerySet:
    return policy_for(FeedbackSubmission).instances_user_has_any_permission_for(
        user, list(actions)
    )


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _when(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def status_label(submission: FeedbackSubmission) -> str:
    label = submission.get_review_status_display()
    if submission.review_status == ReviewStatus.FOLLOW_UP and submission.assignee:
        return _("%(status)s（%(who)s）") % {
            "status": label,
            "who": person_label(submission.assignee),
        }
    return label


# -- the form snippet -----------------------------------------------------------------


def form_links(user, form: FeedbackForm) -> list[tuple[str, str, str]]:
    """(label, url, icon) of the submissions and summary of ``form`` for ``user``."""
    if not policy_for(FeedbackSubmission).user_has_any_permission(
        user, ["view", "change", "delete"]
    ):
        return []
    return [
        (_("提交记录"), submissions_url(form=form.pk), "table"),
        (_("统计汇总"), summary_url(form.pk), "list-ol"),
    ]


def refuse_deleting_forms_with_submissions(request, instances):
    """``before_delete_snippet`` hook: a form with submissions is not deleted
    (FeedbackSubmission.form is PROTECT); say so instead of failing."""
    forms = [obj for obj in instances if isinstance(obj, FeedbackForm)]
    if not forms:
        return None
    answered = list(
        FeedbackSubmission.objects.filter(form__in=forms)
        .order_by("form__title")
        .values_list("form__title", flat=True)
        .distinct()
    )
    if not answered:
        return None
    messages.error(
        request,
        _("以下反馈表已有提交记录，不能删除：%(titles)s。")
        % {"titles": "、".join(answered)},
    )
    return redirect(FeedbackForm.snippet_viewset.get_url_name("list"))


class FeedbackFormIndexView(snippet_views.IndexView):
    """反馈表: visible forms with question and submission counts (annotated by the
    viewset) and the pages using each (one query per page type per listing page)."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset, page_size
        )
        object_list = list(object_list)
        uses = pages_using_form(form.pk for form in object_list)
        for form in object_list:
            form.used_on = uses.get(form.pk, [])
        return paginator, page, object_list, is_paginated

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for priority, (label, url, icon) in enumerate(
            form_links(self.request.user, instance), start=40
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


class FeedbackFormEditView(VisibleSnippetMixin, snippet_views.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for priority, (label, url, icon) in enumerate(
            form_links(self.request.user, self.object), start=40
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


class FeedbackFormDeleteView(VisibleSnippetMixin, snippet_views.DeleteView):
    visible_actions = ("delete",)


class FeedbackFormUsageView(VisibleSnippetMixin, snippet_views.UsageView):
    visible_actions = ("view", "change", "delete")


class FeedbackFormHistoryView(VisibleSnippetMixin, snippet_views.HistoryView):
    visible_actions = ("view", "change", "delete")


# -- submissions ------------------------------------------------------------------


class SubmissionListingMixin:
    """What the submission listing and the follow-up list share: visible rows
    only, the search box over respondent and organisation names, and filters that
    show nothing when invalid (a crafted id outside the offered choices)."""

    any_permission_required = ["view", "change", "delete"]

    def get_base_queryset(self):
        visible = visible_submissions(self.request.user, ["view", "change", "delete"])
        return submission_rows(visible)

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
        ordering = self.ordering or "-submitted_at"
        tiebreak = "-pk" if ordering.startswith("-") else "pk"
        return queryset.order_by(ordering, tiebreak)

    def get_list_more_buttons(self, instance):
        buttons = [
            Button(
                _("详情"),
                url=reverse(f"{SUBMISSIONS}:inspect", args=[instance.pk]),
                icon_name="info-circle",
                priority=10,
            )
        ]
        if policy_for(FeedbackSubmission).user_has_permission(
            self.request.user, "delete"
        ):
            buttons.append(
                Button(
                    _("删除"),
                    url=reverse(f"{SUBMISSIONS}:delete", args=[instance.pk]),
                    icon_name="bin",
                    priority=50,
                )
            )
        return buttons

    def _title_column(self, name, label, accessor, sort_key=None):
        return self._get_title_column_class(TitleColumn)(
            name,
            label=label,
            accessor=accessor,
            get_url=lambda obj: reverse(f"{SUBMISSIONS}:inspect", args=[obj.pk]),
            sort_key=sort_key,
        )


class SubmissionIndexView(
    SafeSpreadsheetExportMixin, SubmissionListingMixin, generic.IndexView
):
    """提交记录: submissions the user may see, filtered and searchable, exported as
    XLSX (default) or CSV: one row per submission, one column per question
    (a Likert matrix one per statement), formula-safe. Fixed query count for any
    number of rows: answers are prefetched in one query."""

    page_title = gettext_lazy("反馈提交记录")
    export_headings = {
        "id": gettext_lazy("编号"),
        "submitted_at": gettext_lazy("提交时间"),
        "form": gettext_lazy("反馈表"),
        "page": gettext_lazy("页面"),
        "course": gettext_lazy("课程"),
        "trainer": gettext_lazy("讲师"),
        "respondent": gettext_lazy("填写人"),
        "username": gettext_lazy("用户名"),
        "anonymous": gettext_lazy("是否匿名"),
        "organisation": gettext_lazy("单位"),
        "review_status": gettext_lazy("处理状态"),
        "assignee": gettext_lazy("跟进人"),
        "follow_up_note": gettext_lazy("跟进说明"),
        "reviewed_by": gettext_lazy("处理人"),
        "reviewed_at": gettext_lazy("处理时间"),
    }
    list_export = list(export_headings)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.is_export:
            return with_all_answers(queryset)
        return with_text_excerpts(queryset)

    @cached_property
    def columns(self):
        return [
            self._title_column(
                "submitted_at",
                _("提交时间"),
                lambda obj: _when(obj.submitted_at),
                sort_key="submitted_at",
            ),
            Column(
                "form", label=_("反馈表"), accessor="form.title", sort_key="form__title"
            ),
            Column(
                "page",
                label=_("页面"),
                accessor=lambda obj: obj.page.title if obj.page else "—",
            ),
            Column(
                "course",
                label=_("课程"),
                accessor=lambda obj: obj.course.title if obj.course else "—",
            ),
            Column(
                "trainer",
                label=_("讲师"),
                accessor=lambda obj: person_label(obj.trainer) or "—",
            ),
            Column("respondent", label=_("填写人"), accessor=respondent_label),
            Column(
                "organisation",
                label=_("单位"),
                accessor=lambda obj: organisation_label(obj) or "—",
            ),
            Column(
                "excerpt",
                label=_("意见摘要"),
                accessor=lambda obj: text_excerpt(obj) or "—",
            ),
            Column(
                "review_status",
                label=_("处理状态"),
                accessor=status_label,
                sort_key="review_status",
            ),
        ]

    def get_filename(self):
        return f"feedback-submissions-{timezone.localdate():%Y%m%d}"

    @cached_property
    def selected_form(self):
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("form")
        return None

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("跟进事项"),
                url=reverse(f"{FOLLOW_UPS}:index"),
                icon_name="tasks",
                priority=10,
            )
        )
        form = self.selected_form
        if form is not None:
            query = self.request.GET.copy()
            for name in ("export", "p", "ordering", "q"):
                query.pop(name, None)
            buttons.append(
                Button(
                    _("统计汇总"),
                    url=summary_url(form.pk, query.urlencode()),
                    icon_name="list-ol",
                    priority=20,
                )
            )
        return buttons

    # -- export: fixed columns, then one per question ---------------------------

    def as_spreadsheet(self, queryset, spreadsheet_format):
        rows = list(queryset)  # already evaluated: the answers are prefetched
        self.answer_columns = answer_columns(row.form_id for row in rows)
        self.list_export = list(self.export_headings) + [
            column.field for column in self.answer_columns
        ]
        self.export_headings = {
            **self.export_headings,
            **{column.field: column.heading for column in self.answer_columns},
        }
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def to_row_dict(self, item):
        row = {
            "id": item.pk,
            "submitted_at": _local(item.submitted_at),
            "form": item.form.title,
            "page": item.page.title if item.page else "",
            "course": item.course.title if item.course else "",
            "trainer": person_label(item.trainer),
            "respondent": respondent_label(item),
            "username": item.respondent.get_username() if item.respondent else "",
            "anonymous": _("是") if item.is_anonymous else _("否"),
            "organisation": organisation_label(item),
            "review_status": item.get_review_status_display(),
            "assignee": person_label(item.assignee),
            "follow_up_note": item.follow_up_note,
            "reviewed_by": person_label(item.reviewed_by),
            "reviewed_at": _local(item.reviewed_at),
        }
        row.update(export_values(item, self.answer_columns))
        return row

    def get_heading(self, queryset, field):
        # Question texts are typed by form authors: no characters XML cannot hold.
        return ILLEGAL_CHARACTERS_RE.sub("", super().get_heading(queryset, field))


# -- follow-ups ---------------------------------------------------------------------


class FollowUpIndexView(SubmissionListingMixin, generic.IndexView):
    """跟进事项: open follow-ups the user may see, oldest submission first."""

    page_title = gettext_lazy("跟进事项")
    default_ordering = "submitted_at"

    def get_base_queryset(self):
        return super().get_base_queryset().filter(review_status=ReviewStatus.FOLLOW_UP)

    @cached_property
    def columns(self):
        return [
            self._title_column(
                "submitted_at",
                _("提交时间"),
                lambda obj: _when(obj.submitted_at),
                sort_key="submitted_at",
            ),
            Column(
                "form", label=_("反馈表"), accessor="form.title", sort_key="form__title"
            ),
            Column(
                "page",
                label=_("页面"),
                accessor=lambda obj: obj.page.title if obj.page else "—",
            ),
            Column("respondent", label=_("填写人"), accessor=respondent_label),
            Column(
                "organisation",
                label=_("单位"),
                accessor=lambda obj: organisation_label(obj) or "—",
            ),
            Column(
                "assignee",
                label=_("跟进人"),
                accessor=lambda obj: person_label(obj.assignee) or "—",
            ),
            Column("follow_up_note", label=_("跟进事项")),
            Column(
                "flagged",
                label=_("标记人与时间"),
                accessor=lambda obj: (
                    _("%(who)s · %(when)s")
                    % {
                        "who": person_label(obj.reviewed_by) or "—",
                        "when": _when(obj.reviewed_at),
                    }
                ),
                sort_key="reviewed_at",
            ),
        ]
