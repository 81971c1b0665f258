"""Integrity under parallel requests, on committed data in real threads (each with
its own database connection): 20 parallel starts give one attempt in progress, 20
parallel submits grade once, an attempt limit is not overrun."""

import pytest
from django.contrib.auth import get_user_model
from django.utils.datastructures import MultiValueDict

from courses.models import AttemptStatus, QuizAttempt
from courses.services import quizzes as services
from tests.concurrency import PARALLEL, in_parallel
from tests.factories.quizzes import correct_form_data, make_quiz, single_choice_bank

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def learner():
    return get_user_model().objects.create_user("parallel", password="x")


def test_parallel_starts_give_one_attempt(learner):
    quiz = make_quiz(bank=single_choice_bank(5))
    results = in_parallel(lambda: services.quiz_attempt_start(quiz=quiz, user=learner))
    attempts = QuizAttempt.objects.filter(quiz=quiz, user=learner)
    assert attempts.count() == 1
    only = attempts.get()
    assert only.answers.count() == 5
    assert {r.pk for r in results if isinstance(r, QuizAttempt)} == {only.pk}
    # Whoever did not get the attempt back was told so, not given an error page.
    assert all(isinstance(r, (QuizAttempt, services.NotEligible)) for r in results), (
        results
    )


def test_parallel_submits_grade_once(learner):
    quiz = make_quiz(bank=single_choice_bank(5))
    attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
    data = MultiValueDict(correct_form_data(attempt))
    results = in_parallel(
        lambda: services.quiz_attempt_submit(attempt=attempt.pk, data=data)
    )
    graded = [r for r in results if isinstance(r, QuizAttempt)]
    refused = [r for r in results if isinstance(r, services.AttemptClosed)]
    assert len(graded) == 1 and len(refused) == PARALLEL - 1, results
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == 5
    assert attempt.revision == 1


def test_attempt_limit_holds_under_parallel_starts(learner):
    quiz = make_quiz(bank=single_choice_bank(2), max_attempts=2)
    first = services.quiz_attempt_start(quiz=quiz, user=learner)
    services.quiz_attempt_submit(attempt=first, data=MultiValueDict())

    def start_and_submit():
        attempt = services.quiz_attempt_start(quiz=quiz, user=learner)
        services.quiz_attempt_submit(attempt=attempt.pk, data=MultiValueDict())
        return attempt

    in_parallel(start_and_submit)
    numbers = sorted(
        QuizAttempt.objects.filter(quiz=quiz, user=learner).values_list(
            "number", flat=True
        )
    )
    assert numbers == [1, 2]
