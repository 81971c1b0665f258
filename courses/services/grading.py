"""How an answer and an attempt are scored: the only place that decides correctness,
percentages, pass/fail and grade bands. Pure functions over loaded rows, so grading
a 100-question attempt costs no queries beyond loading it."""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from courses.models.quizzes import (
    CHOICE_KINDS,
    AttemptStatus,
    QuestionKind,
)

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def normalise_blank(value: str) -> str:
    """Fill-in answers compare after NFKC (full-width -> half-width), case folding and
    whitespace collapsing: "ＡＢＣ  1" equals "abc 1"."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


def grade_answer(*, question, choices, answer) -> tuple[Decimal | None, bool | None]:
    """(score, is_correct) for one answer; (None, None) for a short answer, which a
    trainer grades. ``choices`` are the question's Choice rows."""
    points = question.points
    if question.kind in CHOICE_KINDS:
        correct = {choice.pk for choice in choices if choice.is_correct}
        selected = set(answer.selected_choices)
        if selected == correct and correct:
            return points, True
        if question.kind == QuestionKind.MULTIPLE and question.partial_credit:
            right = len(selected & correct)
            wrong = len(selected - correct)
            if correct and right > wrong:
                fraction = Decimal(right - wrong) / Decimal(len(correct))
                return (points * fraction).quantize(CENT, ROUND_HALF_UP), False
        return Decimal("0"), False
    if question.kind == QuestionKind.FILL_BLANK:
        given = normalise_blank(answer.text_answer)
        accepted = {normalise_blank(a) for a in question.accepted_answer_list()}
        if given and given in accepted:
            return points, True
        return Decimal("0"), False
    return None, None


def percentage_of(score: Decimal, max_score: Decimal) -> Decimal:
    """Score as a percentage, rounded half-up to one decimal (84.95 -> 85.0). Pass/fail
    compares this rounded figure, so the learner never sees "85.0% 不合格"."""
    if max_score <= 0:
        return Decimal("0.0")
    return (score * 100 / max_score).quantize(TENTH, ROUND_HALF_UP)


def attempt_totals(*, attempt, answers) -> None:
    """Set score, max score, percentage, passed and status on ``attempt`` from its
    graded ``answers``. An ungraded short answer leaves the result 待评分."""
    max_score = sum((a.max_score for a in answers), Decimal("0"))
    score = sum((a.score for a in answers if a.score is not None), Decimal("0"))
    attempt.max_score = max_score
    attempt.score = score
    if any(a.score is None for a in answers):
        attempt.status = AttemptStatus.PENDING_REVIEW
        attempt.percentage = None
        attempt.passed = None
        return
    attempt.status = AttemptStatus.GRADED
    attempt.percentage = percentage_of(score, max_score)
    attempt.passed = attempt.percentage >= attempt.quiz.pass_mark


def grade_band(*, attempt) -> str:
    """不合格 / 合格 / 良好 / 优秀 from the quiz's thresholds; 待评分 or 作答中 before
    there is a final percentage."""
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return _("作答中")
    if attempt.status == AttemptStatus.PENDING_REVIEW or attempt.percentage is None:
        return _("待评分")
    quiz = attempt.quiz
    if attempt.percentage >= quiz.excellent_mark:
        return _("优秀")
    if attempt.percentage >= quiz.good_mark:
        return _("良好")
    if attempt.percentage >= quiz.pass_mark:
        return _("合格")
    return _("不合格")


def question_problems(*, kind: str, choices, accepted_answers: str) -> list[str]:
    """What is wrong with a question as authored (used by the admin form and the
    bulk import): ``choices`` is a list of (text, is_correct)."""
    problems = []
    correct = sum(1 for _text, is_correct in choices if is_correct)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2:
            problems.append(_("选择题至少需要两个选项。"))
        if kind == QuestionKind.SINGLE and correct != 1:
            problems.append(_("单选题必须恰好有一个正确选项。"))
        if kind == QuestionKind.MULTIPLE and correct < 1:
            problems.append(_("多选题至少需要一个正确选项。"))
    elif kind == QuestionKind.TRUE_FALSE:
        if len(choices) != 2 or correct != 1:
            problems.append(_("判断题须有“正确”“错误”两个选项，且恰好一个为正确答案。"))
    elif kind == QuestionKind.FILL_BLANK:
        if not accepted_answers.strip():
            problems.append(_("填空题至少需要一个参考答案。"))
        if choices:
            problems.append(_("填空题不使用选项。"))
    elif kind == QuestionKind.SHORT_ANSWER and choices:
        problems.append(_("简答题不使用选项。"))
    return problems
