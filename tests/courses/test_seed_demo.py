"""``seed_demo`` builds the demo site once; running it again changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction

from courses.models import (
    AttemptGrant,
    CoursePage,
    LessonPage,
    Question,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from home.models import ArticlePage, FaqItem, HandbookChapterPage
from portal.accounts.models import Organisation


def counts():
    return {
        "pages": Page.objects.count(),
        "faq": FaqItem.objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
        "organisations": Organisation.objects.count(),
        "restrictions": PageViewRestriction.objects.count(),
        "quizzes": Quiz.objects.count(),
        "questions": Question.objects.count(),
        "attempts": QuizAttempt.objects.count(),
        "answers": QuizAnswer.objects.count(),
        "grants": AttemptGrant.objects.count(),
        "pages with a quiz": CoursePage.objects.filter(quiz__isnull=False).count()
        + LessonPage.objects.filter(quiz__isnull=False).count(),
    }


def results():
    """Every demo attempt's outcome: the same seed gives the same results."""
    return sorted(
        QuizAttempt.objects.values_list(
            "user__username", "quiz__title", "number", "status", "score", "passed"
        )
    )


@pytest.mark.django_db
def test_demo_content_meets_the_brief():
    courses = list(CoursePage.objects.all())
    assert len(courses) >= 3
    for course in courses:
        assert LessonPage.objects.child_of(course).count() >= 4
    assert HandbookChapterPage.objects.count() >= 6
    assert ArticlePage.objects.count() >= 8
    assert FaqItem.objects.count() >= 25
    assert FaqItem.objects.values("category").distinct().count() >= 4
    assert get_document_model().objects.count() >= 3
    assert PageViewRestriction.objects.filter(page__in=courses).exists()
    for username in ("admin", "trainer", "staff", "customer"):
        assert (
            get_user_model().objects.get(username=username).check_password("changeme")
        )


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(capsys):
    before = counts()
    call_command("seed_demo")
    assert counts() == before
    assert "nothing changed" in capsys.readouterr().out


@pytest.mark.django_db
def test_if_empty_skips_a_site_with_content(capsys):
    before = counts()
    call_command("seed_demo", "--if-empty")
    assert counts() == before
    assert "skipped" in capsys.readouterr().out


@pytest.mark.django_db
def test_reset_rebuilds_the_same_site():
    before, outcomes = counts(), results()
    assert before["attempts"] and before["grants"]
    call_command("seed_demo", "--reset")
    assert counts() == before
    assert results() == outcomes
