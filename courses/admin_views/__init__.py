"""Wagtail admin views of quizzes and exams; ``courses.viewsets`` wires them up.

Every view finds its object among those the user may see (the permission policies
registered for Quiz, QuizAttempt and QuizAnswer in ``courses.wagtail_hooks``), so a
crafted URL with another trainer's quiz, attempt or answer id is a 404; model
permissions are checked on top (403). Changing actions are POST forms with Django's
CSRF token, each behind a page that says what will happen. The views parse the
request and call ``courses.services.quizzes``; reads come from
``courses.selectors.quiz_results``.
"""

from courses.admin_views.actions import (
    GrantAttemptsView,
    ItemStatisticsView,
    QuizActionMixin,
    RegradeView,
)
from courses.admin_views.grading import AnswerGradeView, GradingQueueView
from courses.admin_views.quizzes import (
    QuizDeleteView,
    QuizEditView,
    QuizHistoryView,
    QuizIndexView,
    QuizUsageView,
    VisibleSnippetMixin,
    policy_for,
    refuse_deleting_quizzes_with_attempts,
)
from courses.admin_views.results import AttemptIndexView, AttemptInspectView

__all__ = [
    "AnswerGradeView",
    "AttemptIndexView",
    "AttemptInspectView",
    "GradingQueueView",
    "GrantAttemptsView",
    "ItemStatisticsView",
    "QuizActionMixin",
    "QuizDeleteView",
    "QuizEditView",
    "QuizHistoryView",
    "QuizIndexView",
    "QuizUsageView",
    "RegradeView",
    "VisibleSnippetMixin",
    "policy_for",
    "refuse_deleting_quizzes_with_attempts",
]
