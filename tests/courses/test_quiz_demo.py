"""The demo quizzes ``seed_demo`` builds: a final exam on every course, short quizzes
on some lessons, and demo learners' attempts made through the quiz services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Min
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses import demo_quizzes
from courses.models import (
    AttemptGrant,
    AttemptStatus,
    CloseReason,
    CoursePage,
    LessonPage,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from courses.models.pages import Audience
from courses.seeding import seed_demo
from courses.services.grading import percentage_of, question_problems
from courses.services.quizzes import quiz_eligibility
from portal.accounts.roles import GROUP_NAMES, Role

pytestmark = pytest.mark.django_db


def demo_quizzes_in_db():
    titles = [spec["title"] for spec in demo_quizzes.QUIZZES]
    return Quiz.objects.filter(title__in=titles)


def test_every_course_has_a_final_exam_with_every_question_type():
    courses = list(CoursePage.objects.live().select_related("quiz"))
    assert len(courses) >= 5
    for course in courses:
        quiz = course.quiz
        assert quiz is not None, course.title
        questions = list(quiz.questions.all())
        assert len(questions) >= 10, quiz.title
        kinds = {question.kind for question in questions}
        assert kinds == set(QuestionKind), quiz.title
        multiple = [q for q in questions if q.kind == QuestionKind.MULTIPLE]
        assert {q.partial_credit for q in multiple} == {True, False}, quiz.title
        blanks = [q for q in questions if q.kind == QuestionKind.FILL_BLANK]
        assert all(len(q.accepted_answer_list()) >= 2 for q in blanks), quiz.title
        assert all(q.explanation for q in questions), quiz.title
        assert sum(q.points for q in questions) == Decimal("100"), quiz.title


def test_final_exam_settings_follow_the_training_rules():
    for course in CoursePage.objects.live().select_related("quiz"):
        quiz = course.quiz
        assert (quiz.pass_mark, quiz.good_mark, quiz.excellent_mark) == (85, 90, 95)
        assert quiz.cooldown_minutes > 0
        assert quiz.review_policy == "after_attempt"
        if course.audience == Audience.STAFF:
            assert quiz.audience == Audience.STAFF, quiz.title
            assert quiz.time_limit_minutes >= 30, quiz.title
            assert quiz.max_attempts >= 2, quiz.title
        else:
            assert quiz.audience != Audience.STAFF, quiz.title
            assert quiz.max_attempts == 3, quiz.title
    shuffled = list(demo_quizzes_in_db().values_list("shuffle_questions", flat=True))
    assert True in shuffled and False in shuffled
    assert any(demo_quizzes_in_db().values_list("shuffle_choices", flat=True))


def test_staff_only_courses_have_staff_quizzes():
    restricted = CoursePage.objects.live().filter(
        pk__in=PageViewRestriction.objects.values("page_id")
    )
    assert restricted.exists()
    for course in restricted.select_related("quiz"):
        assert course.quiz.audience == Audience.STAFF, course.title


def test_every_demo_question_is_valid():
    for question in Question.objects.filter(
        quiz__in=demo_quizzes_in_db()
    ).prefetch_related("choices"):
        choices = [
            (choice.text, choice.is_correct) for choice in question.choices.all()
        ]
        problems = question_problems(
            kind=question.kind,
            choices=choices,
            accepted_answers=question.accepted_answers,
        )
        assert problems == [], (question.text, problems)


def test_some_lessons_carry_a_short_quiz():
    lessons = list(
        LessonPage.objects.live()
        .filter(quiz__isnull=False)
        .annotate(questions=Count("quiz__questions"))
    )
    assert 1 <= len(lessons) <= 3
    for lesson in lessons:
        assert 3 <= lesson.questions <= 5, lesson.title
        assert lesson.quiz.max_attempts == 0


def test_live_pages_got_their_quiz_through_a_published_revision():
    pages = list(CoursePage.objects.live().filter(quiz__isnull=False)) + list(
        LessonPage.objects.live().filter(quiz__isnull=False)
    )
    for page in pages:
        assert not page.has_unpublished_changes
        assert page.live_revision.content["quiz"] == page.quiz_id, page.title


def test_demo_attempts_tell_a_realistic_story():
    attempts = QuizAttempt.objects.filter(quiz__in=demo_quizzes_in_db())
    assert attempts.count() >= 25
    assert attempts.values("quiz").distinct().count() == len(demo_quizzes.QUIZZES)
    assert attempts.filter(status=AttemptStatus.IN_PROGRESS).count() == 0
    assert attempts.filter(passed=True).count() >= 10
    assert attempts.filter(passed=False).count() >= 8
    pending = attempts.filter(status=AttemptStatus.PENDING_REVIEW)
    assert 1 <= pending.count() <= 2
    for attempt in pending:
        assert (
            attempt.answers.filter(
                score__isnull=True, question__kind=QuestionKind.SHORT_ANSWER
            )
            .exclude(text_answer="")
            .exists()
        )
    assert attempts.filter(close_reason=CloseReason.TIMED_OUT).exists()
    bands = {attempt.grade_band for attempt in attempts.select_related("quiz")}
    assert {"不合格", "合格", "良好", "优秀", "待评分"} <= bands


def test_demo_results_are_consistent_with_grading():
    for attempt in QuizAttempt.objects.filter(
        status=AttemptStatus.GRADED
    ).select_related("quiz"):
        answers = list(attempt.answers.all())
        assert attempt.score == sum(a.score for a in answers)
        assert attempt.max_score == sum(a.max_score for a in answers)
        assert attempt.percentage == percentage_of(attempt.score, attempt.max_score)
        assert attempt.passed == (attempt.percentage >= attempt.quiz.pass_mark)
        assert attempt.submitted_at > attempt.started_at


def test_short_answers_are_graded_by_the_trainer_with_a_comment(trainer):
    graded = QuizAnswer.objects.filter(
        attempt__quiz__in=demo_quizzes_in_db(),
        question__kind=QuestionKind.SHORT_ANSWER,
        graded_by__isnull=False,
    )
    assert graded.count() >= 10
    assert set(graded.values_list("graded_by", flat=True)) == {trainer.pk}
    assert not graded.filter(grader_comment="").exists()
    assert graded.filter(is_correct=False, score__gt=0).exists()  # partly right


def test_make_ups_were_granted_with_a_reason_and_used(trainer):
    grants = AttemptGrant.objects.filter(quiz__in=demo_quizzes_in_db())
    assert grants.count() >= 1
    assert grants.filter(granted_by=trainer).exists()
    for grant in grants.select_related("quiz", "granted_by"):
        assert grant.reason
        assert grant.granted_by.groups.filter(
            name__in=[GROUP_NAMES[Role.TRAINER], GROUP_NAMES[Role.TRAINING_ADMIN]]
        ).exists()
        make_up = QuizAttempt.objects.get(
            quiz=grant.quiz, user=grant.user, number=grant.quiz.max_attempts + 1
        )
        assert make_up.started_at > grant.granted_at
        # The make-up was the last one allowed.
        assert not quiz_eligibility(quiz=grant.quiz, user=grant.user).can_start


def test_attempts_are_spread_over_the_past_weeks():
    span = QuizAttempt.objects.filter(quiz__in=demo_quizzes_in_db()).aggregate(
        first=Min("started_at"), last=Max("started_at")
    )
    now = timezone.now()
    assert span["last"] < now
    assert span["last"] - span["first"] >= timedelta(days=21)
    assert span["first"] > now - timedelta(days=60)


def test_the_documented_demo_accounts_start_with_a_clean_slate(customer, staff):
    assert not QuizAttempt.objects.filter(user__in=[customer, staff]).exists()
    for course in CoursePage.objects.live().select_related("quiz"):
        assert quiz_eligibility(quiz=course.quiz, user=staff).can_start
        for_customer = quiz_eligibility(quiz=course.quiz, user=customer)
        assert for_customer.can_start == (course.quiz.audience != Audience.STAFF)


def test_a_second_seed_adds_nothing():
    def counts():
        return (
            Quiz.objects.count(),
            Question.objects.count(),
            QuizAttempt.objects.count(),
            QuizAnswer.objects.count(),
            AttemptGrant.objects.count(),
        )

    before = counts()
    report = seed_demo()
    assert report.created == {}
    assert counts() == before


def test_a_page_without_its_quiz_gets_it_back_in_a_new_revision(admin_user):
    course = CoursePage.objects.get(slug="p-series-installation-filter")
    exam = course.quiz
    course.quiz = None
    course.save_revision(user=admin_user).publish()
    revisions = course.revisions.count()

    report = seed_demo()

    course.refresh_from_db()
    assert report.created == {"pages updated": 1}
    assert course.quiz == exam
    assert course.revisions.count() == revisions + 1
    assert course.live_revision.content["quiz"] == exam.pk
    assert not course.has_unpublished_changes
