"""Wagtail hooks of the learning domain: registration only, the viewsets live in
``viewsets.py`` and the views in ``admin_views``."""

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.admin_views import refuse_deleting_quizzes_with_attempts
from courses.models import Quiz, QuizAnswer, QuizAttempt
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
register_snippet(QuizAdminGroup)

hooks.register("before_delete_snippet", refuse_deleting_quizzes_with_attempts)


@hooks.register("register_admin_urls")
def register_quiz_bank_urls():
    from courses.quiz_bank import urls as quiz_bank_urls

    return [
        path(
            "quiz-bank/",
            include((quiz_bank_urls.urlpatterns, "quiz_bank"), namespace="quiz_bank"),
        )
    ]
