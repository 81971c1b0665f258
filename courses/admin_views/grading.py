"""The manual-grading queue for short answers and the grading form."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from courses.admin_forms import (
    AnswerGradeForm,
)
from courses.admin_views.quizzes import (
    GRADING,
    RESULTS,
    _number,
    _when,
    policy_for,
)
from courses.models.quizzes import AttemptStatus, QuizAnswer
from courses.selectors.quiz_results import (
    answers_visible_to,
    grading_queue_for,
    learner_name,
    learner_organisation,
)
from courses.services.quizzes import (
    QuizError,
    quiz_answer_grade,
)


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
