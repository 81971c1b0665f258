"""The attempt lifecycle through the services: start, draw, save, submit, time-out,
attempt limits, cool-down, make-ups, manual grading and regrading."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from courses.models import (
    AttemptScoreHistory,
    AttemptStatus,
    Choice,
    CloseReason,
    QuestionKind,
    QuizAttempt,
)
from courses.models.pages import Audience
from courses.services import quizzes as services
from tests.factories.quizzes import correct_form_data, make_quiz, single_choice_bank


@pytest.fixture
def learner(db):
    user = get_user_model().objects.create_user("learner1", password="x")
    user.groups.add(Group.objects.get(name="客户"))
    return user


def submit_all_correct(attempt, **kwargs):
    return services.quiz_attempt_submit(
        attempt=attempt, data=MultiValueDict(correct_form_data(attempt)), **kwargs
    )


def submit_blank(attempt, **kwargs):
    return services.quiz_attempt_submit(
        attempt=attempt, data=MultiValueDict(), **kwargs
    )


def test_start_creates_one_answer_per_question_in_authored_order(learner):
    quiz = make_quiz()
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
    answers = list(attempt.answers.order_by("position"))
    assert [a.question.sort_order for a in answers] == [0, 1, 2, 3, 4]
    assert attempt.number == 1 and attempt.status == AttemptStatus.IN_PROGRESS
    single = answers[0]
    authored = list(
        Choice.objects.filter(question=single.question)
        .order_by("sort_order")
        .values_list("pk", flat=True)
    )
    assert single.choice_order == authored


def test_start_twice_resumes_the_open_attempt(learner):
    quiz = make_quiz()
    first = services.quiz_attempt_start(quiz=quiz, user=learner)
    again = services.quiz_attempt_start(quiz=quiz, user=learner)
    assert first.pk == again.pk
    assert QuizAttempt.objects.filter(quiz=quiz, user=learner).count() == 1


def test_draw_n_questions_and_shuffle(learner):
    quiz = make_quiz(
        bank=single_choice_bank(20),
        draw_count=5,
        shuffle_questions=True,
        shuffle_choices=True,
    )
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner, rng=random.Random(3))
    answers = list(attempt.answers.all())
    assert len(answers) == 5
    assert len({a.question_id for a in answers}) == 5
    assert sum(attempt.max_score for attempt in answers) == 5
    orders = [a.choice_order for a in answers]
    assert any(order != sorted(order) for order in orders)


def test_draw_per_category(learner):
    bank = single_choice_bank(9)
    quiz = make_quiz(bank=bank, draw_count=2, draw_per_category=True)
    for n, question in enumerate(quiz.questions.order_by("sort_order")):
        question.category = ["安装", "保养", "故障"][n % 3]
        question.save()
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
    categories = [a.question.category for a in attempt.answers.all()]
    assert sorted(categories) == ["保养", "保养", "安装", "安装", "故障", "故障"]


def test_full_marks_pass(learner):
    quiz = make_quiz(bank=single_choice_bank(4))
    attempt = submit_all_correct(services.quiz_attempt_start(quiz=quiz, user=learner))
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.score == 4 and attempt.percentage == 100 and attempt.passed
    assert attempt.close_reason == CloseReason.SUBMITTED


def test_short_answer_keeps_result_pending_until_graded(learner, trainer):
    quiz = make_quiz()
    attempt = submit_all_correct(services.quiz_attempt_start(quiz=quiz, user=learner))
    assert attempt.status == AttemptStatus.PENDING_REVIEW
    assert attempt.passed is None and attempt.grade_band == "待评分"
    short = attempt.answers.get(question__kind=QuestionKind.SHORT_ANSWER)
    attempt = services.quiz_answer_grade(answer=short, score="1", grader=trainer)
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.percentage == Decimal("90.0") and attempt.passed
    short.refresh_from_db()
    assert short.graded_by == trainer


@pytest.mark.parametrize("score", ["-1", "2.01", "abc", "NaN", "1e9"])
def test_manual_grade_rejects_bad_scores(learner, trainer, score):
    quiz = make_quiz()
    attempt = submit_all_correct(services.quiz_attempt_start(quiz=quiz, user=learner))
    short = attempt.answers.get(question__kind=QuestionKind.SHORT_ANSWER)
    with pytest.raises(services.QuizError):
        services.quiz_answer_grade(answer=short, score=score, grader=trainer)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PENDING_REVIEW


def test_empty_short_answer_scores_zero_without_waiting(learner):
    quiz = make_quiz()
    attempt = submit_blank(services.quiz_attempt_start(quiz=quiz, user=learner))
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.score == 0 and attempt.passed is False


def test_save_then_submit_without_data_grades_what_was_saved(learner):
    quiz = make_quiz(bank=single_choice_bank(3))
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
    data = correct_form_data(attempt)
    services.quiz_attempt_save(attempt=attempt, data=MultiValueDict(data), revision=0)
    attempt = services.quiz_attempt_submit(attempt=attempt, data=None)
    assert attempt.score == 3


def test_second_submit_is_refused_and_changes_nothing(learner):
    quiz = make_quiz(bank=single_choice_bank(3))
    attempt = submit_all_correct(services.quiz_attempt_start(quiz=quiz, user=learner))
    with pytest.raises(services.AttemptClosed):
        submit_blank(attempt)
    with pytest.raises(services.AttemptClosed):
        services.quiz_attempt_save(
            attempt=attempt, data=MultiValueDict(), revision=None
        )
    attempt.refresh_from_db()
    assert attempt.score == 3


def test_stale_revision_does_not_overwrite_newer_answers(learner):
    quiz = make_quiz(bank=single_choice_bank(2))
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
    good = MultiValueDict(correct_form_data(attempt))
    services.quiz_attempt_save(attempt=attempt, data=good, revision=0)
    with pytest.raises(services.StaleRevision):
        services.quiz_attempt_save(
            attempt=attempt, data=MultiValueDict({"a1": ["0"]}), revision=0
        )
    with pytest.raises(services.StaleRevision):
        services.quiz_attempt_submit(
            attempt=attempt, data=MultiValueDict({"a1": ["0"]}), revision=0
        )
    attempt = services.quiz_attempt_submit(attempt=attempt, data=None)
    assert attempt.score == 2


def test_late_submit_is_graded_on_saved_answers(learner):
    quiz = make_quiz(bank=single_choice_bank(2), time_limit_minutes=10)
    start = timezone.now()
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner, now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    services.quiz_attempt_save(
        attempt=attempt,
        data=MultiValueDict({"a1": [correct_form_data(attempt)["a1"][0]]}),
        revision=0,
        now=start + timedelta(minutes=5),
    )
    late = start + timedelta(minutes=11)
    with pytest.raises(services.AttemptClosed):
        services.quiz_attempt_save(
            attempt=attempt, data=MultiValueDict(), revision=1, now=late
        )
    attempt = submit_all_correct(attempt, now=late)
    assert attempt.close_reason == CloseReason.TIMED_OUT
    assert attempt.score == 1


def test_submit_within_grace_counts(learner):
    quiz = make_quiz(bank=single_choice_bank(2), time_limit_minutes=10)
    start = timezone.now()
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner, now=start)
    attempt = submit_all_correct(attempt, now=start + timedelta(minutes=10, seconds=5))
    assert attempt.close_reason == CloseReason.SUBMITTED and attempt.score == 2


def test_expired_attempts_are_closed_lazily(learner):
    quiz = make_quiz(bank=single_choice_bank(2), time_limit_minutes=1)
    start = timezone.now() - timedelta(hours=1)
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner, now=start)
    eligibility = services.quiz_eligibility(quiz=quiz, user=learner)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.close_reason == CloseReason.TIMED_OUT
    assert eligibility.open_attempt is None and eligibility.can_start


def test_close_date_caps_the_deadline(learner):
    now = timezone.now()
    quiz = make_quiz(
        bank=single_choice_bank(1),
        time_limit_minutes=60,
        closes_at=now + timedelta(minutes=5),
    )
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner, now=now)
    assert attempt.deadline == quiz.closes_at
    attempt = submit_blank(attempt, now=now + timedelta(minutes=6))
    assert attempt.close_reason == CloseReason.QUIZ_CLOSED


def test_attempt_limit_and_make_up_grant(learner, trainer):
    quiz = make_quiz(bank=single_choice_bank(1), max_attempts=2)
    for _ in range(2):
        submit_blank(services.quiz_attempt_start(quiz=quiz, user=learner))
    eligibility = services.quiz_eligibility(quiz=quiz, user=learner)
    assert not eligibility.can_start and eligibility.attempts_left == 0
    with pytest.raises(services.NotEligible, match="次数已用完"):
        services.quiz_attempt_start(quiz=quiz, user=learner)
    with pytest.raises(services.QuizError):
        services.quiz_grant_attempts(
            quiz=quiz, user=learner, extra_attempts=1, reason=" ", granted_by=trainer
        )
    grant = services.quiz_grant_attempts(
        quiz=quiz, user=learner, extra_attempts=1, reason="病假补考", granted_by=trainer
    )
    assert grant.granted_by == trainer
    third = services.quiz_attempt_start(quiz=quiz, user=learner)
    assert third.number == 3
    submit_blank(third)
    assert not services.quiz_eligibility(quiz=quiz, user=learner).can_start


def test_cool_down_between_attempts(learner):
    quiz = make_quiz(bank=single_choice_bank(1), cooldown_minutes=10)
    now = timezone.now()
    submit_blank(services.quiz_attempt_start(quiz=quiz, user=learner, now=now), now=now)
    soon = services.quiz_eligibility(
        quiz=quiz, user=learner, now=now + timedelta(minutes=9)
    )
    assert not soon.can_start
    assert soon.next_attempt_at == now + timedelta(minutes=10)
    with pytest.raises(services.NotEligible):
        services.quiz_attempt_start(
            quiz=quiz, user=learner, now=now + timedelta(minutes=9)
        )
    later = now + timedelta(minutes=10, seconds=1)
    assert services.quiz_attempt_start(quiz=quiz, user=learner, now=later).number == 2


def test_open_and_close_dates(learner):
    now = timezone.now()
    quiz = make_quiz(bank=single_choice_bank(1), opens_at=now + timedelta(days=1))
    with pytest.raises(services.NotEligible, match="尚未开放"):
        services.quiz_attempt_start(quiz=quiz, user=learner, now=now)
    quiz.opens_at, quiz.closes_at = None, now - timedelta(minutes=1)
    quiz.save()
    with pytest.raises(services.NotEligible, match="已截止"):
        services.quiz_attempt_start(quiz=quiz, user=learner, now=now)


def test_staff_quiz_is_refused_to_customers(learner, staff):
    quiz = make_quiz(bank=single_choice_bank(1), audience=Audience.STAFF)
    with pytest.raises(services.NotEligible, match="员工"):
        services.quiz_attempt_start(quiz=quiz, user=learner)
    assert services.quiz_attempt_start(quiz=quiz, user=staff).number == 1


def test_quiz_without_questions_cannot_start(learner):
    quiz = make_quiz(bank=[])
    with pytest.raises(services.NotEligible):
        services.quiz_attempt_start(quiz=quiz, user=learner)


def test_regrade_after_correction_keeps_history(learner, trainer):
    quiz = make_quiz(bank=single_choice_bank(2))
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
    # The learner picks the first choice on question 1, which the key calls wrong.
    data = correct_form_data(attempt)
    data["a1"] = ["0"]
    attempt = services.quiz_attempt_submit(attempt=attempt, data=MultiValueDict(data))
    assert attempt.score == 1 and attempt.passed is False
    question = attempt.answers.get(position=1).question
    question.choices.update(is_correct=False)
    question.choices.filter(sort_order=0).update(is_correct=True)
    assert services.quiz_regrade(quiz=quiz, by=trainer) == 1
    attempt.refresh_from_db()
    assert attempt.score == 2 and attempt.passed is True
    history = AttemptScoreHistory.objects.get(attempt=attempt)
    assert history.score == 1 and history.passed is False
    assert history.recorded_by == trainer
    # Nothing changed: nothing recorded.
    assert services.quiz_regrade(quiz=quiz, by=trainer) == 0
    assert AttemptScoreHistory.objects.filter(attempt=attempt).count() == 1


def test_regrade_keeps_manual_scores(learner, trainer):
    quiz = make_quiz()
    attempt = submit_all_correct(services.quiz_attempt_start(quiz=quiz, user=learner))
    short = attempt.answers.get(question__kind=QuestionKind.SHORT_ANSWER)
    services.quiz_answer_grade(answer=short, score="1.5", grader=trainer)
    services.quiz_regrade(quiz=quiz, by=trainer)
    short.refresh_from_db()
    assert short.score == Decimal("1.5")


def test_deleted_question_keeps_the_record(learner):
    quiz = make_quiz(bank=single_choice_bank(2))
    attempt = submit_all_correct(services.quiz_attempt_start(quiz=quiz, user=learner))
    quiz.questions.order_by("sort_order").first().delete()
    answer = attempt.answers.get(position=1)
    assert answer.question is None and answer.question_text.startswith("第1题")
    attempt.refresh_from_db()
    assert attempt.score == 2


def test_close_expired_attempts_command(learner):
    from io import StringIO

    from django.core.management import call_command

    quiz = make_quiz(bank=single_choice_bank(1), time_limit_minutes=1)
    attempt = services.quiz_attempt_start(
        quiz=quiz, user=learner, now=timezone.now() - timedelta(minutes=5)
    )
    out = StringIO()
    call_command("close_expired_attempts", stdout=out)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert "closed 1" in out.getvalue()


def test_bulk_set_round_trips_every_column_type(learner):
    quiz = make_quiz()
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
    answers = list(attempt.answers.order_by("position"))
    when = timezone.now().replace(microsecond=123456)
    values = [
        (
            [3, 1],
            "it's \"quoted\" 引号 '; DROP TABLE x; --",
            when,
            Decimal("1.25"),
            True,
        ),
        ([], "", None, None, None),
        ([7], "\u202e右到左 ＡＢ", when, Decimal("0"), False),
    ]
    for answer, (selected, text, at, score, correct) in zip(
        answers, values, strict=False
    ):
        answer.selected_choices, answer.text_answer, answer.answered_at = (
            selected,
            text,
            at,
        )
        answer.score, answer.is_correct = score, correct
    services._bulk_set(
        answers[:3],
        ["selected_choices", "text_answer", "answered_at", "score", "is_correct"],
    )
    for answer, expected in zip(answers, values, strict=False):
        answer.refresh_from_db()
        assert (
            answer.selected_choices,
            answer.text_answer,
            answer.answered_at,
            answer.score,
            answer.is_correct,
        ) == expected
    untouched = attempt.answers.get(position=4)
    assert untouched.text_answer == "" and untouched.score is None
