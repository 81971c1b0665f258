"""Wagtail admin views of quizzes and exams; ``courses.viewsets`` wires them up.

Every view finds its object among those the user may see (the permission policies
registered for Quiz, QuizAttempt and QuizAnswer in ``courses.wagtail_hooks``), so a
crafted URL with another trainer's quiz, attempt or answer id is a 404; model
permissions are checked on top (403). Changing actions are POST forms with Django's
CSRF token, each behind a page that says what will happen. The views parse the
request and call ``courses.services.quizzes``; reads come from
``courses.selectors.quiz_results``.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets as snippet_views

from courses.admin_forms import (
    AnswerGradeForm,
    GrantAttemptsForm,
    RegradeForm,
    plain_number,
)
from courses.models.quizzes import AttemptStatus, Quiz, QuizAnswer, QuizAttempt
from courses.selectors.quiz_results import (
    answers_visible_to,
    attempt_answer_rows,
    attempt_score_history,
    grading_queue_for,
    learner_grants,
    learner_name,
    learner_organisation,
    pages_by_quiz,
    quiz_item_statistics,
    regrade_counts,
    results_for,
)
from courses.services.quizzes import (
    QuizError,
    attempts_allowed,
    quiz_answer_grade,
    quiz_grant_attempts,
    quiz_regrade,
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


class VisibleQuizMixin:
    """Quiz object views look the quiz up among those the user may see for
    ``visible_actions``; any other id is a 404."""

    visible_actions = ("change",)

    def visible_quizzes(self):
        return policy_for(Quiz).instances_user_has_any_permission_for(
            self.request.user, list(self.visible_actions)
        )

    def get_queryset(self):  # edit and delete views (SingleObjectMixin)
        return self.visible_quizzes()

    def get_base_object_queryset(self):  # usage and history views (BaseObjectMixin)
        return self.visible_quizzes()


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


class QuizEditView(VisibleQuizMixin, snippet_views.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for priority, (label, url, icon) in enumerate(
            quiz_links(self.request.user, self.object), start=40
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


class QuizDeleteView(VisibleQuizMixin, snippet_views.DeleteView):
    visible_actions = ("delete",)


class QuizUsageView(VisibleQuizMixin, snippet_views.UsageView):
    visible_actions = ("view", "change", "delete")


class QuizHistoryView(VisibleQuizMixin, snippet_views.HistoryView):
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


class AttemptIndexView(generic.IndexView):
    """成绩查询: attempts at the quizzes the user may see, filtered, searchable and
    exported as XLSX or CSV (formula-safe). One query per listing page for the
    rows, whatever their number."""

    any_permission_required = ["view", "change"]
    page_title = gettext_lazy("成绩查询")
    export_headings = {
        "learner": gettext_lazy("学员"),
        "username": gettext_lazy("用户名"),
        "organisation": gettext_lazy("所属组织"),
        "quiz": gettext_lazy("测验"),
        "page": gettext_lazy("所在页面"),
        "number": gettext_lazy("第几次"),
        "status": gettext_lazy("状态"),
        "started_at": gettext_lazy("开始时间"),
        "submitted_at": gettext_lazy("交卷时间"),
        "score": gettext_lazy("得分"),
        "max_score": gettext_lazy("满分"),
        "percentage": gettext_lazy("得分率（%）"),
        "grade_band": gettext_lazy("等级"),
        "passed": gettext_lazy("是否通过"),
    }
    list_export = list(export_headings)

    def get_base_queryset(self):
        return results_for(self.request.user)

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column(
                "learner",
                label=_("学员"),
                accessor=lambda attempt: learner_name(attempt.user),
                get_url=self.get_inspect_url,
                sort_key="user__username",
            ),
            Column(
                "organisation",
                label=_("所属组织"),
                accessor=lambda attempt: learner_organisation(attempt.user) or "—",
            ),
            Column(
                "quiz", label=_("测验"), accessor="quiz.title", sort_key="quiz__title"
            ),
            Column(
                "page",
                label=_("所在页面"),
                accessor=lambda attempt: attempt.page.title if attempt.page else "—",
            ),
            Column("number", label=_("第几次"), sort_key="number"),
            Column(
                "submitted_at",
                label=_("交卷时间"),
                accessor=lambda attempt: _when(attempt.submitted_at),
                sort_key="submitted_at",
            ),
            Column("score", label=_("得分"), accessor=_score_cell, sort_key="score"),
            Column(
                "percentage",
                label=_("得分率"),
                accessor=_percentage_cell,
                sort_key="percentage",
            ),
            Column("grade_band", label=_("等级")),
            Column(
                "status",
                label=_("状态"),
                accessor="get_status_display",
                sort_key="status",
            ),
        ]

    def get_filename(self):
        return f"quiz-results-{timezone.localdate():%Y%m%d}"

    # Export: one row per attempt, computed from the select_related rows.
    def to_row_dict(self, item):
        return {
            "learner": learner_name(item.user),
            "username": item.user.get_username(),
            "organisation": learner_organisation(item.user),
            "quiz": item.quiz.title,
            "page": item.page.title if item.page else "",
            "number": item.number,
            "status": item.get_status_display(),
            "started_at": _local(item.started_at),
            "submitted_at": _local(item.submitted_at),
            "score": item.score,
            "max_score": item.max_score,
            "percentage": item.percentage,
            "grade_band": item.grade_band,
            "passed": _passed_label(item.passed),
        }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if not isinstance(value, str):
            return value
        if export_format == self.FORMAT_XLSX:
            # Wagtail stores a leading "=" as text already; characters XML cannot
            # hold would make openpyxl fail.
            return ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
        return value

    @cached_property
    def selected_quiz(self):
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("quiz")
        return None

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        user = self.request.user
        if policy_for(QuizAttempt).user_has_permission(user, "change"):
            buttons.append(
                Button(
                    _("待评分"),
                    url=reverse(f"{GRADING}:index"),
                    icon_name="edit",
                    priority=10,
                )
            )
        quiz = self.selected_quiz
        if quiz is not None:
            buttons.append(
                Button(
                    _("题目统计"),
                    url=reverse(f"{RESULTS}:statistics", args=[quiz.pk]),
                    icon_name="list-ol",
                    priority=20,
                )
            )
            if policy_for(QuizAttempt).user_has_permission(user, "change"):
                buttons.append(
                    Button(
                        _("重新评分"),
                        url=reverse(f"{RESULTS}:regrade", args=[quiz.pk]),
                        icon_name="rotate",
                        priority=30,
                    )
                )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = [
            Button(
                _("详情"),
                url=self.get_inspect_url(instance),
                icon_name="info-circle",
                priority=10,
            )
        ]
        if self.request.user.has_perm("courses.add_attemptgrant"):
            buttons.append(
                Button(
                    _("补考授权"),
                    url=reverse(f"{RESULTS}:grant", args=[instance.pk]),
                    icon_name="plus",
                    priority=50,
                )
            )
        return buttons


class AttemptInspectView(generic.InspectView):
    """One attempt: every answer with the learner's and the correct answer, score
    and grader's comment; the score history; the learner's make-up grants."""

    any_permission_required = ["view", "change"]
    template_name = "courses/admin/attempt_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(results_for(self.request.user), pk=self.pk)

    def get_page_title(self):
        return _("作答详情")

    def get_page_subtitle(self):
        attempt = self.object
        return _("%(learner)s · %(quiz)s · 第 %(number)s 次") % {
            "learner": learner_name(attempt.user),
            "quiz": attempt.quiz.title,
            "number": attempt.number,
        }

    def get_fields(self):
        return []

    @cached_property
    def header_more_buttons(self):
        buttons = []
        attempt = self.object
        user = self.request.user
        if user.has_perm("courses.add_attemptgrant"):
            buttons.append(
                Button(
                    _("补考授权"),
                    url=reverse(f"{RESULTS}:grant", args=[attempt.pk]),
                    icon_name="plus",
                    priority=10,
                )
            )
        buttons.append(
            Button(
                _("该学员在本测验的全部成绩"),
                url=results_url(quiz=attempt.quiz_id, learner=attempt.user.username),
                icon_name="table",
                priority=20,
            )
        )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempt = self.object
        can_grade = attempt.status != AttemptStatus.IN_PROGRESS and policy_for(
            QuizAttempt
        ).user_has_permission(self.request.user, "change")
        context.update(
            attempt=attempt,
            learner=learner_name(attempt.user),
            organisation=learner_organisation(attempt.user),
            rows=attempt_answer_rows(attempt=attempt),
            history=attempt_score_history(attempt=attempt),
            grants=learner_grants(quiz=attempt.quiz, user=attempt.user),
            can_grade=can_grade,
            grade_url_name=f"{GRADING}:grade",
            next_url=self.request.get_full_path(),
        )
        return context


# -- per-quiz actions --------------------------------------------------------------


class QuizActionMixin:
    """Loads the quiz of the URL among those the user may see (404 otherwise) and
    checks ``attempt_permission`` on QuizAttempt (403 otherwise)."""

    attempt_permission = "view"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.quiz = get_object_or_404(
            policy_for(Quiz).instances_user_has_any_permission_for(
                request.user, ["add", "change", "delete", "view"]
            ),
            pk=kwargs["quiz_id"],
        )

    def dispatch(self, request, *args, **kwargs):
        policy = policy_for(QuizAttempt)
        allowed = (
            policy.user_has_any_permission(request.user, ["view", "change"])
            if self.attempt_permission == "view"
            else policy.user_has_permission(request.user, self.attempt_permission)
        )
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{RESULTS}:index"), "label": _("成绩查询")},
            {"url": results_url(quiz=self.quiz.pk), "label": self.quiz.title},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]


class ItemStatisticsView(QuizActionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/item_statistics.html"
    header_icon = "list-ol"

    def get_page_title(self):
        return _("题目统计")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stats"] = quiz_item_statistics(quiz=self.quiz)
        return context


class RegradeView(QuizActionMixin, WagtailAdminTemplateMixin, FormView):
    """GET: how many closed attempts a regrade touches. POST (CSRF): regrade them;
    each attempt's previous result goes to its score history."""

    attempt_permission = "change"
    template_name = "courses/admin/regrade_confirm.html"
    form_class = RegradeForm
    header_icon = "rotate"

    def get_page_title(self):
        return _("重新评分")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quiz"] = self.quiz
        context["counts"] = regrade_counts(quiz=self.quiz)
        context["cancel_url"] = results_url(quiz=self.quiz.pk)
        return context

    def form_valid(self, form):
        closed = regrade_counts(quiz=self.quiz)["closed"]
        changed = quiz_regrade(
            quiz=self.quiz, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            self.request,
            _(
                "已按当前题库重新评分 %(closed)s 份作答，"
                "其中 %(changed)s 份成绩有变化；原成绩已记入成绩历史。"
            )
            % {"closed": closed, "changed": changed},
        )
        return redirect(results_url(quiz=self.quiz.pk))


# -- one attempt's actions ---------------------------------------------------------


class GrantAttemptsView(WagtailAdminTemplateMixin, FormView):
    """补考: grant a learner extra attempts at the quiz of one of their attempts, with
    a reason; lists the earlier grants (who, when, why)."""

    template_name = "courses/admin/grant_attempts.html"
    form_class = GrantAttemptsForm
    header_icon = "plus"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.attempt = get_object_or_404(results_for(request.user), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("courses.add_attemptgrant"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("补考授权")

    def get_page_subtitle(self):
        return f"{learner_name(self.attempt.user)} · {self.attempt.quiz.title}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{RESULTS}:index"), "label": _("成绩查询")},
            {
                "url": reverse(f"{RESULTS}:inspect", args=[self.attempt.pk]),
                "label": _("作答详情"),
            },
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempt = self.attempt
        used = QuizAttempt.objects.filter(
            quiz=attempt.quiz_id, user=attempt.user_id
        ).aggregate(n=Max("number"))["n"]
        context.update(
            attempt=attempt,
            learner=learner_name(attempt.user),
            quiz=attempt.quiz,
            attempts_used=used or 0,
            attempts_allowed=attempts_allowed(quiz=attempt.quiz, user=attempt.user),
            grants=learner_grants(quiz=attempt.quiz, user=attempt.user),
            cancel_url=reverse(f"{RESULTS}:inspect", args=[attempt.pk]),
        )
        return context

    def form_valid(self, form):
        attempt = self.attempt
        try:
            quiz_grant_attempts(
                quiz=attempt.quiz,
                user=attempt.user,
                extra_attempts=form.cleaned_data["extra_attempts"],
                reason=form.cleaned_data["reason"],
                granted_by=self.request.user,
            )
        except QuizError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已为 %(learner)s 增加 %(n)s 次作答机会。")
            % {
                "learner": learner_name(attempt.user),
                "n": form.cleaned_data["extra_attempts"],
            },
        )
        return redirect(reverse(f"{RESULTS}:inspect", args=[attempt.pk]))


# -- manual grading ------------------------------------------------------------------


class GradingQueueView(generic.IndexView):
    """待评分: short answers of submitted attempts that wait for a score, oldest
    submission first, filterable by quiz."""

    any_permission_required = ["change"]
    page_title = gettext_lazy("待评分")

    def get_base_queryset(self):
        return grading_queue_for(self.request.user)

    def get_inspect_url(self, instance):
        return reverse(f"{GRADING}:grade", args=[instance.pk])

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column(
                "question",
                label=_("题目"),
                accessor=lambda answer: Truncator(answer.question_text).chars(60),
                get_url=self.get_inspect_url,
            ),
            Column("quiz", label=_("测验"), accessor="attempt.quiz.title"),
            Column(
                "learner",
                label=_("学员"),
                accessor=lambda answer: learner_name(answer.attempt.user),
            ),
            Column(
                "organisation",
                label=_("所属组织"),
                accessor=lambda answer: (
                    learner_organisation(answer.attempt.user) or "—"
                ),
            ),
            Column("number", label=_("第几次"), accessor="attempt.number"),
            Column("position", label=_("题号")),
            Column(
                "submitted_at",
                label=_("交卷时间"),
                accessor=lambda answer: _when(answer.attempt.submitted_at),
            ),
            Column(
                "max_score",
                label=_("满分"),
                accessor=lambda answer: _number(answer.max_score),
            ),
        ]

    def get_list_more_buttons(self, instance):
        return [
            Button(
                _("评分"),
                url=self.get_inspect_url(instance),
                icon_name="edit",
                priority=10,
            ),
            Button(
                _("作答详情"),
                url=reverse(f"{RESULTS}:inspect", args=[instance.attempt_id]),
                icon_name="info-circle",
                priority=20,
            ),
        ]


class AnswerGradeView(WagtailAdminTemplateMixin, FormView):
    """Score one answer (0 … its points) with a comment. The attempt's result is
    recomputed by the service: once nothing waits, it is final (已评分)."""

    template_name = "courses/admin/grade_answer.html"
    form_class = AnswerGradeForm
    header_icon = "edit"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.answer = get_object_or_404(
            answers_visible_to(request.user).select_related(
                "attempt__quiz", "attempt__user__profile", "question"
            ),
            pk=kwargs["answer_id"],
        )

    def dispatch(self, request, *args, **kwargs):
        if not policy_for(QuizAnswer).user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("人工评分")

    def get_page_subtitle(self):
        attempt = self.answer.attempt
        return _("%(learner)s · %(quiz)s · 第 %(position)s 题") % {
            "learner": learner_name(attempt.user),
            "quiz": attempt.quiz.title,
            "position": self.answer.position,
        }

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{GRADING}:index"), "label": _("待评分")},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["max_score"] = self.answer.max_score
        return kwargs

    def get_initial(self):
        answer = self.answer
        return {"score": answer.score, "comment": answer.grader_comment}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answer = self.answer
        question = answer.question
        context.update(
            answer=answer,
            attempt=answer.attempt,
            learner=learner_name(answer.attempt.user),
            kind_label=question.get_kind_display() if question else "",
            explanation=question.explanation if question else "",
            accepted_answers=question.accepted_answer_list() if question else [],
            is_open=answer.attempt.status == AttemptStatus.IN_PROGRESS,
            next_url=get_valid_next_url_from_request(self.request),
            attempt_url=reverse(f"{RESULTS}:inspect", args=[answer.attempt_id]),
        )
        return context

    def form_valid(self, form):
        answer = self.answer
        try:
            attempt = quiz_answer_grade(
                answer=answer,
                score=form.cleaned_data["score"],
                grader=self.request.user,
                comment=form.cleaned_data["comment"],
            )
        except QuizError as error:
            form.add_error("score", error.message)
            return self.form_invalid(form)
        if attempt.status == AttemptStatus.GRADED:
            message = _(
                "已评分。本次作答已完成评分：%(score)s / %(max)s 分，%(band)s。"
            )
        else:
            message = _("已评分。本次作答还有题目待评分。")
        messages.success(
            self.request,
            message
            % {
                "score": _number(attempt.score),
                "max": _number(attempt.max_score),
                "band": attempt.grade_band,
            },
        )
        next_url = get_valid_next_url_from_request(self.request)
        if next_url:
            return redirect(next_url)
        following = (
            answers_visible_to(self.request.user)
            .filter(
                score__isnull=True,
                attempt__status=AttemptStatus.PENDING_REVIEW,
                attempt__quiz=answer.attempt.quiz_id,
            )
            .order_by("attempt__submitted_at", "attempt_id", "position")
            .values_list("pk", flat=True)
            .first()
        )
        if following:
            return redirect(reverse(f"{GRADING}:grade", args=[following]))
        return redirect(
            f"{reverse(f'{GRADING}:index')}?"
            f"{urlencode({'quiz': answer.attempt.quiz_id})}"
        )


def _number(value) -> str:
    return "—" if value is None else plain_number(value)
