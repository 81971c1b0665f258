"""Wagtail hooks of the learning domain: registration only, the viewsets live in
``viewsets.py`` and ``feedback_admin.viewsets``, the views in ``admin_views`` and
``feedback_admin``."""

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.admin_views import refuse_deleting_quizzes_with_attempts
from courses.feedback_admin.views import refuse_deleting_forms_with_submissions
from courses.feedback_admin.viewsets import (
    FeedbackAdminGroup,
    FeedbackFormPermissionPolicy,
    FeedbackSubmissionPermissionPolicy,
)
from courses.models import (
    Enrollment,
    FeedbackForm,
    FeedbackSubmission,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from courses.progress_admin.viewsets import (
    EnrollmentPermissionPolicy,
    EnrollmentViewSet,
)
from courses.viewsets import (
    QuizAdminGroup,
    QuizAnswerPermissionPolicy,
    QuizAttemptPermissionPolicy,
    QuizPermissionPolicy,
)

# Wagtail 8 wants permission policies registered before any viewset asks for one.
register_permission_policy(Quiz, QuizPermissionPolicy(Quiz))
register_permission_policy(QuizAttempt, QuizAttemptPermissionPolicy(QuizAttempt))
register_permission_policy(QuizAnswer, QuizAnswerPermissionPolicy(QuizAnswer))
register_permission_policy(FeedbackForm, FeedbackFormPermissionPolicy(FeedbackForm))
register_permission_policy(
    FeedbackSubmission, FeedbackSubmissionPermissionPolicy(FeedbackSubmission)
)
register_permission_policy(Enrollment, EnrollmentPermissionPolicy(Enrollment))
register_snippet(QuizAdminGroup)
register_snippet(FeedbackAdminGroup)

hooks.register("register_admin_viewset", EnrollmentViewSet)

hooks.register("before_delete_snippet", refuse_deleting_quizzes_with_attempts)
hooks.register("before_delete_snippet", refuse_deleting_forms_with_submissions)


@hooks.register("register_admin_urls")
def register_quiz_bank_urls():
    from courses.quiz_bank import urls as quiz_bank_urls

    return [
        path(
            "quiz-bank/",
            include((quiz_bank_urls.urlpatterns, "quiz_bank"), namespace="quiz_bank"),
        )
    ]


@hooks.register("register_admin_urls")
def register_feedback_summary_urls():
    from courses.feedback_admin.summary import summary_urlpatterns

    return [path("feedback/summary/", include(summary_urlpatterns))]


# Learning paths, assignments and progress reports register themselves here.
import courses.assignment_admin.hooks  # noqa: E402, F401
import courses.certificate_admin.hooks  # noqa: E402, F401
import courses.path_admin.hooks  # noqa: E402, F401
import courses.progress_admin.hooks  # noqa: E402, F401
