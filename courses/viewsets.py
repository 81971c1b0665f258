"""Admin viewsets of quizzes and exams, grouped under one menu, 测验与考试;
``courses.wagtail_hooks`` registers them and the permission policies below.

- 测验题库 (Quiz snippet): the quiz editor with nested questions and choices, checked
  by ``QuizAdminForm``; the listing shows question and attempt counts and the pages
  using each quiz, with links to results, statistics, grading, regrading and the
  question-bank import/export.
- 成绩查询 (QuizAttempt): results with filters, XLSX/CSV export and one attempt in
  detail; per-quiz statistics and regrading, per-learner make-up grants.
- 待评分 (QuizAnswer): the manual-grading queue and the grading form.

Only the views listed in ``get_urlpatterns`` exist: attempts and answers change
through the services (grading, regrading, grants), never through a generic edit form.
"""

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses import admin_views
from courses.admin_forms import (
    GradingQueueFilterSet,
    QuizAdminForm,
    QuizAttemptFilterSet,
)
from courses.models.quizzes import Quiz, QuizAnswer, QuizAttempt
from courses.selectors.quiz_results import (
    answers_visible_to,
    attempts_visible_to,
    is_training_admin,
    quizzes_visible_to,
    with_quiz_counts,
)

# -- permission policies ------------------------------------------------------------


class VisibleQuizPolicy(ModelPermissionPolicy):
    """Django model permissions, narrowed per object to the quizzes the user may see
    (``selectors.quiz_results.quizzes_visible_to``): a trainer has "view" on
    QuizAttempt, but only for attempts at quizzes on pages they can edit."""

    def visible(self, user):
        raise NotImplementedError

    def quiz_id_of(self, instance) -> int:
        raise NotImplementedError

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if is_training_admin(user):
            return True
        return quizzes_visible_to(user).filter(pk=self.quiz_id_of(instance)).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.visible(user)


class QuizPermissionPolicy(VisibleQuizPolicy):
    def visible(self, user):
        return quizzes_visible_to(user)

    def quiz_id_of(self, instance) -> int:
        return instance.pk


class QuizAttemptPermissionPolicy(VisibleQuizPolicy):
    def visible(self, user):
        return attempts_visible_to(user)

    def quiz_id_of(self, instance) -> int:
        return instance.quiz_id


class QuizAnswerPermissionPolicy(VisibleQuizPolicy):
    """Answers have no permissions of their own: grading one is "change" on its
    attempt."""

    def __init__(self, model):
        super().__init__(model, auth_model=QuizAttempt)

    def visible(self, user):
        return answers_visible_to(user)

    def quiz_id_of(self, instance) -> int:
        return instance.attempt.quiz_id


# -- viewsets -------------------------------------------------------------------------


def pages_cell(obj) -> str:
    """The pages using a quiz or feedback form (``used_on``, set by the listing)."""
    uses = getattr(obj, "used_on", None) or []
    return "、".join(f"{use.title}（{use.kind}）" for use in uses) or "—"


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = _("测验题库")
    menu_name = "quizzes"
    index_view_class = admin_views.QuizIndexView
    edit_view_class = admin_views.QuizEditView
    delete_view_class = admin_views.QuizDeleteView
    usage_view_class = admin_views.QuizUsageView
    history_view_class = admin_views.QuizHistoryView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("question_count", label=_("题目数"), sort_key="question_count"),
        Column("pass_mark", label=_("及格分（%）"), sort_key="pass_mark"),
        Column("attempt_count", label=_("作答次数"), sort_key="attempt_count"),
        Column("used_on", label=_("使用页面"), accessor=pages_cell),
        DateColumn("updated_at", label=_("更新时间"), sort_key="updated_at"),
    ]
    list_filter = ["audience"]
    search_fields = ["title"]
    search_backend_name = None  # plain database search on the title
    ordering = ["-updated_at"]
    edit_handler = ObjectList(Quiz.panels, base_form_class=QuizAdminForm)

    def get_queryset(self, request):
        quizzes = admin_views.policy_for(Quiz).instances_user_has_any_permission_for(
            request.user, ["add", "change", "delete", "view"]
        )
        return with_quiz_counts(quizzes)


class ServiceOnlyViewSet(ModelViewSet):
    """A ModelViewSet without Wagtail's generic add/edit/delete/copy/history/usage
    views: their URL names are never handed to the views."""

    copy_view_enabled = False
    add_to_reference_index = False  # attempts are records, not content

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )


class QuizResultsViewSet(ServiceOnlyViewSet):
    model = QuizAttempt
    name = "quiz_results"
    url_prefix = "quiz-results"
    icon = "table"
    menu_label = _("成绩查询")
    menu_name = "quiz-results"
    index_view_class = admin_views.AttemptIndexView
    inspect_view_class = admin_views.AttemptInspectView
    inspect_view_enabled = True
    filterset_class = QuizAttemptFilterSet
    search_fields = [
        "user__username",
        "user__first_name",
        "user__profile__display_name",
        "quiz__title",
    ]
    search_backend_name = None
    ordering = "-started_at"
    list_per_page = 50

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path(
                "<int:pk>/grant/",
                admin_views.GrantAttemptsView.as_view(),
                name="grant",
            ),
            path(
                "quiz/<int:quiz_id>/statistics/",
                admin_views.ItemStatisticsView.as_view(),
                name="statistics",
            ),
            path(
                "quiz/<int:quiz_id>/regrade/",
                admin_views.RegradeView.as_view(),
                name="regrade",
            ),
        ]


class GradingQueueViewSet(ServiceOnlyViewSet):
    model = QuizAnswer
    name = "quiz_grading"
    url_prefix = "quiz-grading"
    icon = "edit"
    menu_label = _("待评分")
    menu_name = "quiz-grading"
    index_view_class = admin_views.GradingQueueView
    filterset_class = GradingQueueFilterSet
    list_per_page = 50

    def get_permissions_to_register(self):
        # Grading is "change" on QuizAttempt; answers have no permissions to assign.
        return Permission.objects.none()

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                "<int:answer_id>/",
                admin_views.AnswerGradeView.as_view(),
                name="grade",
            ),
        ]


class QuizAdminGroup(SnippetViewSetGroup):
    items = (QuizViewSet, QuizResultsViewSet, GradingQueueViewSet)
    menu_icon = "clipboard-list"
    menu_label = _("测验与考试")
    menu_name = "quizzes-and-exams"
    menu_order = 260
