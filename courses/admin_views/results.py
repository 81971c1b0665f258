"""Results per quiz: the attempt listing with filters and exports, one attempt in
detail."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from courses.admin_views.quizzes import (
    FORMULA_TRIGGERS,
    GRADING,
    RESULTS,
    _local,
    _passed_label,
    _percentage_cell,
    _score_cell,
    _when,
    policy_for,
    results_url,
)
from courses.models.quizzes import AttemptStatus, QuizAttempt
from courses.selectors.quiz_results import (
    attempt_answer_rows,
    attempt_score_history,
    learner_grants,
    learner_name,
    learner_organisation,
    results_for,
)


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
