"""The quiz snippet's admin views (listing with result links, edit, delete refused
while attempts exist) and the helpers the other quiz admin views share."""

import datetime

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.widgets.button import Button
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets as snippet_views

from courses.admin_forms import (
    plain_number,
)
from courses.models.quizzes import Quiz, QuizAttempt
from courses.selectors.quiz_results import (
    pages_by_quiz,
)

RESULTS = "quiz_results"
GRADING = "quiz_grading"
# Spreadsheet programs read a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def policy_for(model):
    # Looked up per request: the policies are registered in courses.wagtail_hooks.
    return policy_registry.get_by_type(model)


def results_url(**params) -> str:
    url = reverse(f"{RESULTS}:index")
    return f"{url}?{urlencode(params)}" if params else url


def quiz_links(user, quiz: Quiz) -> list[tuple[str, str, str]]:
    """(label, url, icon) of what ``user`` may do with ``quiz`` beyond editing it:
    results, statistics, grading, regrading, and the question-bank import/export."""
    links = []
    attempts = policy_for(QuizAttempt)
    if attempts.user_has_any_permission(user, ["view", "change"]):
        links.append((_("成绩"), results_url(quiz=quiz.pk), "table"))
        links.append(
            (
                _("题目统计"),
                reverse(f"{RESULTS}:statistics", args=[quiz.pk]),
                "list-ol",
            )
        )
    if attempts.user_has_permission(user, "change"):
        links.append(
            (
                _("待评分"),
                f"{reverse(f'{GRADING}:index')}?{urlencode({'quiz': quiz.pk})}",
                "edit",
            )
        )
        links.append(
            (_("重新评分"), reverse(f"{RESULTS}:regrade", args=[quiz.pk]), "rotate")
        )
    quizzes = policy_for(Quiz)
    if quizzes.user_has_permission(user, "change"):
        links.append(
            (_("导入题目"), reverse("quiz_bank:import", args=[quiz.pk]), "upload")
        )
    if quizzes.user_has_any_permission(user, ["change", "view"]):
        export = reverse("quiz_bank:export", args=[quiz.pk])
        links.append((_("导出题库（XLSX）"), f"{export}?format=xlsx", "download"))
        links.append((_("导出题库（CSV）"), f"{export}?format=csv", "download"))
    return links


def refuse_deleting_quizzes_with_attempts(request, instances):
    """``before_delete_snippet`` hook: a quiz with attempts is an exam record and is
    not deleted (QuizAttempt.quiz is PROTECT); say so instead of failing."""
    quizzes = [obj for obj in instances if isinstance(obj, Quiz)]
    if not quizzes:
        return None
    taken = list(
        QuizAttempt.objects.filter(quiz__in=quizzes)
        .values_list("quiz__title", flat=True)
        .distinct()
    )
    if not taken:
        return None
    messages.error(
        request,
        _("以下测验已有作答记录，不能删除：%(titles)s。")
        % {"titles": "、".join(taken)},
    )
    return redirect(Quiz.snippet_viewset.get_url_name("list"))


# -- the quiz snippet -----------------------------------------------------------------


class VisibleSnippetMixin:
    """Snippet object views (edit, delete, usage, history) look the object up among
    those the user may see for ``visible_actions`` under the model's permission
    policy; any other id is a 404."""

    visible_actions = ("change",)

    def visible_objects(self):
        return policy_for(self.model).instances_user_has_any_permission_for(
            self.request.user, list(self.visible_actions)
        )

    def get_queryset(self):  # edit and delete views (SingleObjectMixin)
        return self.visible_objects()

    def get_base_object_queryset(self):  # usage and history views (BaseObjectMixin)
        return self.visible_objects()


class QuizIndexView(snippet_views.IndexView):
    """测验题库: visible quizzes with their question and attempt counts (annotated by
    the viewset) and the pages using each (two queries per listing page)."""

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset, page_size
        )
        object_list = list(object_list)
        uses = pages_by_quiz(quiz.pk for quiz in object_list)
        for quiz in object_list:
            quiz.used_on = uses.get(quiz.pk, [])
        return paginator, page, object_list, is_paginated

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for priority, (label, url, icon) in enumerate(
            quiz_links(self.request.user, instance), start=40
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if policy_for(Quiz).user_has_any_permission(
            self.request.user, ["add", "change"]
        ):
            template = reverse("quiz_bank:template")
            buttons += [
                Button(
                    _("下载题库导入模板（XLSX）"),
                    url=f"{template}?format=xlsx",
                    icon_name="download",
                    priority=60,
                ),
                Button(
                    _("下载题库导入模板（CSV）"),
                    url=f"{template}?format=csv",
                    icon_name="download",
                    priority=61,
                ),
            ]
        return buttons


class QuizEditView(VisibleSnippetMixin, snippet_views.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for priority, (label, url, icon) in enumerate(
            quiz_links(self.request.user, self.object), start=40
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


class QuizDeleteView(VisibleSnippetMixin, snippet_views.DeleteView):
    visible_actions = ("delete",)


class QuizUsageView(VisibleSnippetMixin, snippet_views.UsageView):
    visible_actions = ("view", "change", "delete")


class QuizHistoryView(VisibleSnippetMixin, snippet_views.HistoryView):
    visible_actions = ("view", "change", "delete")


# -- results ---------------------------------------------------------------------


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _when(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def _score_cell(attempt) -> str:
    if attempt.score is None:
        return "—"
    return f"{_number(attempt.score)} / {_number(attempt.max_score)}"


def _percentage_cell(attempt) -> str:
    return "—" if attempt.percentage is None else f"{attempt.percentage}%"


def _passed_label(passed) -> str:
    if passed is None:
        return "—"
    return _("通过") if passed else _("未通过")


def _number(value) -> str:
    return "—" if value is None else plain_number(value)
