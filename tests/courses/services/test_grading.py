"""Scoring rules: every question type, partial credit, rounding at the pass mark,
grade bands and 待评分 while a short answer waits for a trainer."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from courses.models import AttemptStatus, QuestionKind
from courses.services.grading import (
    attempt_totals,
    grade_answer,
    grade_band,
    normalise_blank,
    percentage_of,
    question_problems,
)


def question(kind, points="2", partial=False, accepted=""):
    return SimpleNamespace(
        kind=kind,
        points=Decimal(points),
        partial_credit=partial,
        accepted_answer_list=lambda: [a for a in accepted.splitlines() if a],
        pk=1,
    )


def choices(*correct_flags):
    return [
        SimpleNamespace(pk=i + 1, is_correct=ok) for i, ok in enumerate(correct_flags)
    ]


def answer(selected=(), text=""):
    return SimpleNamespace(selected_choices=list(selected), text_answer=text)


def test_single_choice_right_and_wrong():
    q, c = question(QuestionKind.SINGLE), choices(False, True, False)
    assert grade_answer(question=q, choices=c, answer=answer([2])) == (Decimal(2), True)
    assert grade_answer(question=q, choices=c, answer=answer([1])) == (0, False)
    assert grade_answer(question=q, choices=c, answer=answer([])) == (0, False)


def test_multiple_choice_all_or_nothing():
    q, c = question(QuestionKind.MULTIPLE), choices(True, True, False)
    assert grade_answer(question=q, choices=c, answer=answer([1, 2]))[0] == 2
    assert grade_answer(question=q, choices=c, answer=answer([1]))[0] == 0
    assert grade_answer(question=q, choices=c, answer=answer([1, 2, 3]))[0] == 0


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ([1, 2, 3], Decimal("3")),  # all three right
        ([1, 2], Decimal("2.00")),  # two of three
        ([1], Decimal("1.00")),
        ([1, 2, 4], Decimal("1.00")),  # two right, one wrong
        ([1, 4], Decimal("0")),  # one right, one wrong: nothing
        ([4], Decimal("0")),
        ([], Decimal("0")),
    ],
)
def test_multiple_choice_partial_credit(selected, expected):
    q = question(QuestionKind.MULTIPLE, points="3", partial=True)
    c = choices(True, True, True, False)
    score, _correct = grade_answer(question=q, choices=c, answer=answer(selected))
    assert score == expected


def test_partial_credit_rounds_half_up_to_cents():
    q = question(QuestionKind.MULTIPLE, points="1", partial=True)
    score, _ = grade_answer(
        question=q, choices=choices(True, True, True), answer=answer([1])
    )
    assert score == Decimal("0.33")


def test_true_false():
    q, c = question(QuestionKind.TRUE_FALSE), choices(True, False)
    assert grade_answer(question=q, choices=c, answer=answer([1]))[1] is True
    assert grade_answer(question=q, choices=c, answer=answer([2]))[1] is False


@pytest.mark.parametrize(
    "given", ["9点", " 9点 ", "９点", "九点", "9:00", "９：００", "ABC", "abc"]
)
def test_fill_blank_ignores_spaces_case_and_width(given):
    q = question(QuestionKind.FILL_BLANK, accepted="9点\n九点\n9:00\nAbc")
    assert grade_answer(question=q, choices=[], answer=answer(text=given))[1] is True


@pytest.mark.parametrize("given", ["", "  ", "10点", "9 点 钟"])
def test_fill_blank_wrong_or_empty(given):
    q = question(QuestionKind.FILL_BLANK, accepted="9点")
    assert grade_answer(question=q, choices=[], answer=answer(text=given)) == (0, False)


def test_short_answer_is_left_for_a_trainer():
    q = question(QuestionKind.SHORT_ANSWER)
    assert grade_answer(question=q, choices=[], answer=answer(text="...")) == (
        None,
        None,
    )


def test_normalise_blank():
    assert normalise_blank("  ＡＢＣ\u3000 1 ") == "abc 1"


@pytest.mark.parametrize(
    ("score", "max_score", "expected"),
    [
        ("85", "100", "85.0"),
        ("84.95", "100", "85.0"),  # rounds half up
        ("84.94", "100", "84.9"),
        ("17", "20", "85.0"),
        ("2", "3", "66.7"),
        ("0", "0", "0.0"),
    ],
)
def test_percentage_of(score, max_score, expected):
    assert percentage_of(Decimal(score), Decimal(max_score)) == Decimal(expected)


def _attempt(pass_mark=85):
    quiz = SimpleNamespace(pass_mark=pass_mark, good_mark=90, excellent_mark=95)
    return SimpleNamespace(quiz=quiz, status=AttemptStatus.IN_PROGRESS)


def _answers(*scores, max_each="1"):
    return [
        SimpleNamespace(
            score=None if s is None else Decimal(s), max_score=Decimal(max_each)
        )
        for s in scores
    ]


@pytest.mark.parametrize(
    ("scores", "passed", "band"),
    [
        (["1"] * 17 + ["0"] * 3, True, "合格"),  # exactly 85 %
        (["1"] * 16 + ["0"] * 4, False, "不合格"),  # 80 %
        (["1"] * 18 + ["0"] * 2, True, "良好"),  # 90 %
        (["1"] * 19 + ["0"], True, "优秀"),  # 95 %
        (["1"] * 20, True, "优秀"),
    ],
)
def test_pass_mark_boundaries_and_bands(scores, passed, band):
    attempt = _attempt()
    attempt_totals(attempt=attempt, answers=_answers(*scores))
    assert attempt.passed is passed
    assert attempt.status == AttemptStatus.GRADED
    assert grade_band(attempt=attempt) == band


def test_just_below_the_pass_mark_after_rounding_fails():
    attempt = _attempt()
    # 8.49 / 10 = 84.9 %
    attempt_totals(attempt=attempt, answers=_answers("8.49", max_each="10"))
    assert attempt.percentage == Decimal("84.9")
    assert attempt.passed is False


def test_rounding_up_to_the_pass_mark_passes():
    attempt = _attempt()
    # 8.495 / 10 = 84.95 % -> 85.0 %, shown and judged the same way
    attempt_totals(attempt=attempt, answers=_answers("8.495", max_each="10"))
    assert attempt.percentage == Decimal("85.0")
    assert attempt.passed is True


def test_ungraded_short_answer_leaves_result_pending():
    attempt = _attempt()
    attempt_totals(attempt=attempt, answers=_answers("1", "1", None))
    assert attempt.status == AttemptStatus.PENDING_REVIEW
    assert attempt.passed is None and attempt.percentage is None
    assert grade_band(attempt=attempt) == "待评分"
    assert attempt.score == 2 and attempt.max_score == 3


@pytest.mark.parametrize(
    ("kind", "choice_list", "accepted", "ok"),
    [
        (QuestionKind.SINGLE, [("a", True), ("b", False)], "", True),
        (QuestionKind.SINGLE, [("a", True), ("b", True)], "", False),
        (QuestionKind.SINGLE, [("a", True)], "", False),
        (QuestionKind.MULTIPLE, [("a", False), ("b", False)], "", False),
        (QuestionKind.MULTIPLE, [("a", True), ("b", True)], "", True),
        (QuestionKind.TRUE_FALSE, [("正确", True), ("错误", False)], "", True),
        (QuestionKind.TRUE_FALSE, [("正确", True)], "", False),
        (QuestionKind.FILL_BLANK, [], "答案", True),
        (QuestionKind.FILL_BLANK, [], " ", False),
        (QuestionKind.SHORT_ANSWER, [], "", True),
        (QuestionKind.SHORT_ANSWER, [("a", True)], "", False),
    ],
)
def test_question_problems(kind, choice_list, accepted, ok):
    problems = question_problems(
        kind=kind, choices=choice_list, accepted_answers=accepted
    )
    assert (problems == []) is ok
