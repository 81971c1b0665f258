"""Actions on a quiz: item statistics, regrade after a correction, make-up grants."""

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.admin_forms import (
    GrantAttemptsForm,
    RegradeForm,
)
from courses.admin_views.quizzes import (
    RESULTS,
    policy_for,
    results_url,
)
from courses.models.quizzes import Quiz, QuizAttempt
from courses.selectors.quiz_results import (
    learner_grants,
    learner_name,
    quiz_item_statistics,
    regrade_counts,
    results_for,
)
from courses.services.quizzes import (
    QuizError,
    attempts_allowed,
    quiz_grant_attempts,
    quiz_regrade,
)


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
