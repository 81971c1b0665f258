"""Reads for quiz pages: what a learner sees while taking an attempt (nothing that
tells a right choice from a wrong one) and after it (review, when allowed)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from courses.models.quizzes import (
    AttemptStatus,
    Choice,
    QuizAnswer,
    QuizAttempt,
    ReviewPolicy,
)


@dataclass(frozen=True)
class ChoiceView:
    index: int  # position in the shown order; the only handle the form posts
    text: str
    selected: bool


@dataclass(frozen=True)
class QuestionView:
    """One question as rendered while the attempt is open. Deliberately has no
    correctness, explanation or choice id fields."""

    position: int
    kind: str
    kind_label: str
    text: str
    points: object
    choices: list[ChoiceView]
    text_answer: str
    answered: bool


@dataclass(frozen=True)
class ReviewChoice:
    text: str
    selected: bool
    is_correct: bool


@dataclass(frozen=True)
class ReviewItem:
    position: int
    kind_label: str
    text: str
    score: object
    max_score: object
    is_correct: bool | None
    text_answer: str
    accepted_answers: list[str]
    explanation: str
    grader_comment: str
    choices: list[ReviewChoice] = field(default_factory=list)


def _choices_by_id(answers) -> dict[int, Choice]:
    ids = [choice_id for a in answers for choice_id in a.choice_order]
    return Choice.objects.in_bulk(ids) if ids else {}


def _answers(attempt: QuizAttempt) -> list[QuizAnswer]:
    return list(
        QuizAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .order_by("position")
    )


def attempt_questions(*, attempt: QuizAttempt) -> list[QuestionView]:
    """The attempt's questions in their drawn order, with the learner's saved
    answers. Three queries whatever the number of questions."""
    answers = _answers(attempt)
    choices = _choices_by_id(answers)
    items = []
    for answer in answers:
        question = answer.question
        selected = set(answer.selected_choices)
        items.append(
            QuestionView(
                position=answer.position,
                kind=question.kind if question else "",
                kind_label=question.get_kind_display() if question else "",
                text=answer.question_text,
                points=f"{answer.max_score.normalize():f}",
                choices=[
                    ChoiceView(index, choices[cid].text, cid in selected)
                    for index, cid in enumerate(answer.choice_order)
                    if cid in choices
                ],
                text_answer=answer.text_answer,
                answered=answer.is_answered,
            )
        )
    return items


def review_allowed(*, attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Whether the learner may see correct answers and explanations for ``attempt``."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return False
    policy = attempt.quiz.review_policy
    if policy == ReviewPolicy.AFTER_ATTEMPT:
        return True
    if policy == ReviewPolicy.AFTER_PASS:
        return bool(attempt.passed)
    if policy == ReviewPolicy.AFTER_CLOSE:
        closes_at = attempt.quiz.closes_at
        return closes_at is not None and (now or timezone.now()) >= closes_at
    return False


def attempt_review(*, attempt: QuizAttempt) -> list[ReviewItem]:
    """Every answer with its score, the correct choices and the explanation. Only
    for closed attempts; callers check ``review_allowed`` for learners."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise ValueError("An attempt in progress has no review.")
    answers = _answers(attempt)
    choices = _choices_by_id(answers)
    items = []
    for answer in answers:
        question = answer.question
        selected = set(answer.selected_choices)
        items.append(
            ReviewItem(
                position=answer.position,
                kind_label=question.get_kind_display() if question else "",
                text=answer.question_text,
                score=answer.score,
                max_score=answer.max_score,
                is_correct=answer.is_correct,
                text_answer=answer.text_answer,
                accepted_answers=question.accepted_answer_list() if question else [],
                explanation=question.explanation if question else "",
                grader_comment=answer.grader_comment,
                choices=[
                    ReviewChoice(
                        choices[cid].text, cid in selected, choices[cid].is_correct
                    )
                    for cid in answer.choice_order
                    if cid in choices
                ],
            )
        )
    return items


def learner_attempts(*, quiz, user) -> list[QuizAttempt]:
    """A learner's own attempts at a quiz, newest first."""
    return list(
        QuizAttempt.objects.filter(quiz=quiz, user=user)
        .select_related("quiz")
        .order_by("-number")
    )
