"""Admin viewsets of feedback, grouped under one menu, 反馈;
``courses.wagtail_hooks`` registers them and the permission policies below.

- 反馈表 (FeedbackForm snippet): the form editor with nested questions, checked by
  ``FeedbackFormAdminForm``; the listing shows question and submission counts and
  the pages using each form, with links to its submissions and summary.
- 提交记录 (FeedbackSubmission): submissions with filters, XLSX/CSV export, one
  submission in detail, and the review actions (已查看, 需跟进, 已跟进, delete).
- 跟进事项: the open follow-ups, oldest first.

Only the views listed in ``get_urlpatterns`` exist: submissions change through the
review workflow (``courses.services.feedback_review``), never a generic edit form.
"""

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.feedback_admin import actions, views
from courses.feedback_admin.filters import (
    FeedbackSubmissionFilterSet,
    FollowUpFilterSet,
)
from courses.feedback_admin.forms import feedback_form_edit_handler
from courses.models.feedback import FeedbackForm, FeedbackSubmission
from courses.selectors.feedback import (
    forms_visible_to,
    is_training_admin,
    submissions_visible_to,
    with_form_counts,
)
from courses.viewsets import ServiceOnlyViewSet, pages_cell

# -- permission policies ------------------------------------------------------------


class VisibleFeedbackPolicy(ModelPermissionPolicy):
    """Django model permissions, narrowed per object to what the selectors let the
    user see: a trainer holds "view" on FeedbackSubmission, but only for
    submissions sent from pages they can edit."""

    def visible(self, user):
        raise NotImplementedError

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if is_training_admin(user):
            return True
        return self.visible(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.visible(user)


class FeedbackFormPermissionPolicy(VisibleFeedbackPolicy):
    def visible(self, user):
        return forms_visible_to(user)


class FeedbackSubmissionPermissionPolicy(VisibleFeedbackPolicy):
    def visible(self, user):
        return submissions_visible_to(user)


class SubmissionURLFinder(ModelAdminURLFinder):
    """Admin links to a submission (history, reports) open its detail view, for
    users who may see it."""

    edit_url_name = f"{views.SUBMISSIONS}:inspect"

    def get_edit_url(self, instance):
        policy = policy_registry.get(instance)
        if self.user and not policy.user_has_any_permission_for_instance(
            self.user, ["view", "change", "delete"], instance
        ):
            return None
        return self.construct_edit_url(instance)


# -- viewsets -------------------------------------------------------------------------


class FeedbackFormViewSet(SnippetViewSet):
    model = FeedbackForm
    icon = "form"
    menu_label = _("反馈表")
    menu_name = "feedback-forms"
    url_prefix = "feedback/forms"
    index_view_class = views.FeedbackFormIndexView
    edit_view_class = views.FeedbackFormEditView
    delete_view_class = views.FeedbackFormDeleteView
    usage_view_class = views.FeedbackFormUsageView
    history_view_class = views.FeedbackFormHistoryView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("question_count", label=_("题目数"), sort_key="question_count"),
        Column("submission_count", label=_("提交数"), sort_key="submission_count"),
        Column("used_on", label=_("使用页面"), accessor=pages_cell),
        Column(
            "allow_anonymous",
            label=_("匿名"),
            accessor=lambda form: _("允许") if form.allow_anonymous else _("需登录"),
        ),
        DateColumn("updated_at", label=_("更新时间"), sort_key="updated_at"),
    ]
    search_fields = ["title"]
    search_backend_name = None  # plain database search on the title
    ordering = ["-updated_at"]
    edit_handler = feedback_form_edit_handler()

    def get_queryset(self, request):
        forms = views.policy_for(FeedbackForm).instances_user_has_any_permission_for(
            request.user, ["add", "change", "delete", "view"]
        )
        return with_form_counts(forms, user=request.user)


class FeedbackSubmissionViewSet(ServiceOnlyViewSet):
    model = FeedbackSubmission
    name = views.SUBMISSIONS
    url_prefix = "feedback/submissions"
    icon = "table"
    menu_label = _("提交记录")
    menu_name = "feedback-submissions"
    index_view_class = views.SubmissionIndexView
    inspect_view_class = actions.SubmissionInspectView
    inspect_view_enabled = True
    filterset_class = FeedbackSubmissionFilterSet
    search_fields = ["respondent_name"]  # the view searches names and organisations
    search_backend_name = None
    list_per_page = 50
    url_finder_class = SubmissionURLFinder

    def get_permissions_to_register(self):
        # Submissions are never added in the admin.
        return (
            super().get_permissions_to_register().exclude(codename__startswith="add_")
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path(
                "<int:pk>/mark-reviewed/",
                actions.MarkReviewedView.as_view(),
                name="mark_reviewed",
            ),
            path(
                "<int:pk>/follow-up/",
                actions.FollowUpView.as_view(),
                name="follow_up",
            ),
            path("<int:pk>/resolve/", actions.ResolveView.as_view(), name="resolve"),
            path(
                "<int:pk>/delete/",
                actions.SubmissionDeleteView.as_view(),
                name="delete",
            ),
        ]


class FollowUpViewSet(ServiceOnlyViewSet):
    """The follow-up list: a second listing of FeedbackSubmission, so it has no
    permissions or admin URLs of its own (those are the submission viewset's)."""

    model = FeedbackSubmission
    name = views.FOLLOW_UPS
    url_prefix = "feedback/follow-ups"
    icon = "tasks"
    menu_label = _("跟进事项")
    menu_name = "feedback-follow-ups"
    index_view_class = views.FollowUpIndexView
    filterset_class = FollowUpFilterSet
    search_fields = ["respondent_name"]
    search_backend_name = None
    ordering = "submitted_at"
    list_per_page = 50

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def register_admin_url_finder(self):
        pass

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


class FeedbackAdminGroup(SnippetViewSetGroup):
    items = (FeedbackFormViewSet, FeedbackSubmissionViewSet, FollowUpViewSet)
    menu_icon = "comment"
    menu_label = _("反馈")
    menu_name = "feedback"
    menu_order = 270  # after 测验与考试 (260)
