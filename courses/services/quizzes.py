"""The life of a quiz attempt: who may start one, drawing the questions, saving
answers as the learner goes, submitting, closing on time-out, manual grading,
regrading and make-up grants.

Concurrency: the database decides. At most one attempt in progress per learner and
quiz, and attempt numbers unique per learner and quiz (both UniqueConstraints), so 20
parallel starts give one attempt and an attempt limit cannot be overrun; submits lock
the attempt row (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs write transactions
one at a time in IMMEDIATE mode), so an attempt is graded once.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models.pages import Audience
from courses.models.quizzes import (
    CHOICE_KINDS,
    AttemptGrant,
    AttemptScoreHistory,
    AttemptStatus,
    Choice,
    CloseReason,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from courses.services import grading, progress
from portal.accounts.roles import STAFF_GROUP_NAMES

# Network latency allowance: a submit arriving this late after the deadline still
# counts its answers; later ones are graded on what was saved before.
SUBMIT_GRACE = timedelta(seconds=15)
MAX_FILL_LENGTH = 200
MAX_SHORT_ANSWER_LENGTH = 5000


class QuizError(Exception):
    """A rule refused the action; ``message`` is shown to the learner."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotEligible(QuizError):
    pass


class AttemptClosed(QuizError):
    pass


class StaleRevision(QuizError):
    """The form was older than the saved answers (another tab, Back, a replay)."""


class InvalidAnswers(QuizError):
    """Malformed answer data; ``errors`` maps question position to a message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("提交的答案格式不正确。"))
        self.errors = errors


@dataclass(frozen=True)
class Eligibility:
    can_start: bool
    reason: str
    attempts_used: int
    attempts_allowed: int | None  # None: unlimited
    next_attempt_at: datetime | None
    open_attempt: QuizAttempt | None
    has_passed: bool

    @property
    def attempts_left(self) -> int | None:
        if self.attempts_allowed is None:
            return None
        return max(self.attempts_allowed - self.attempts_used, 0)


def may_take(*, quiz: Quiz, user) -> bool:
    """Audience rule: staff quizzes are for 客服人员, 讲师 and 培训管理员 only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if quiz.audience != Audience.STAFF or user.is_superuser:
        return True
    return user.groups.filter(name__in=STAFF_GROUP_NAMES).exists()


def attempts_allowed(*, quiz: Quiz, user) -> int | None:
    if quiz.max_attempts == 0:
        return None
    extra = AttemptGrant.objects.filter(quiz=quiz, user=user).aggregate(
        n=Sum("extra_attempts")
    )["n"]
    return quiz.max_attempts + (extra or 0)


def quiz_eligibility(*, quiz: Quiz, user, now: datetime | None = None) -> Eligibility:
    """Whether ``user`` may start an attempt now, and why not."""
    now = now or timezone.now()
    close_expired_attempts(quiz=quiz, user=user, now=now)
    attempts = QuizAttempt.objects.filter(quiz=quiz, user=user)
    summary = attempts.aggregate(used=Max("number"), last_closed=Max("submitted_at"))
    used = summary["used"] or 0
    open_attempt = attempts.filter(status=AttemptStatus.IN_PROGRESS).first()
    has_passed = attempts.filter(passed=True).exists()
    allowed = attempts_allowed(quiz=quiz, user=user)
    next_at = None
    if quiz.cooldown_minutes and summary["last_closed"]:
        next_at = summary["last_closed"] + timedelta(minutes=quiz.cooldown_minutes)
        if next_at <= now:
            next_at = None

    def result(can: bool, reason: str = "") -> Eligibility:
        return Eligibility(
            can, reason, used, allowed, next_at, open_attempt, has_passed
        )

    if open_attempt is not None:
        return result(True)
    if not may_take(quiz=quiz, user=user):
        return result(False, _("该测验仅面向员工。"))
    if quiz.opens_at and now < quiz.opens_at:
        return result(False, _("测验尚未开放。"))
    if quiz.closes_at and now >= quiz.closes_at:
        return result(False, _("测验已截止。"))
    if not quiz.questions.exists():
        return result(False, _("该测验还没有题目。"))
    if allowed is not None and used >= allowed:
        return result(False, _("作答次数已用完，如需补考请联系讲师或培训管理员。"))
    if next_at is not None:
        return result(False, _("请在冷却时间结束后再作答。"))
    return result(True)


def draw_questions(*, quiz: Quiz, rng: random.Random) -> list:
    """The questions of a new attempt, in the order they are shown."""
    bank = list(quiz.questions.order_by("sort_order", "pk"))
    drawn = bank
    if quiz.draw_count:
        if quiz.draw_per_category:
            by_category: dict[str, list] = {}
            for question in bank:
                by_category.setdefault(question.category, []).append(question)
            drawn = []
            for questions in by_category.values():
                drawn += rng.sample(questions, min(quiz.draw_count, len(questions)))
        elif quiz.draw_count < len(bank):
            drawn = rng.sample(bank, quiz.draw_count)
    if quiz.shuffle_questions:
        drawn = list(drawn)
        rng.shuffle(drawn)
    else:
        drawn = sorted(drawn, key=lambda q: (q.sort_order or 0, q.pk))
    return drawn


def quiz_attempt_start(
    *, quiz: Quiz, user, page=None, now: datetime | None = None, rng=None
) -> QuizAttempt:
    """Start an attempt, or return the one already in progress (resume)."""
    now = now or timezone.now()
    rng = rng or secrets.SystemRandom()
    with transaction.atomic():
        eligibility = quiz_eligibility(quiz=quiz, user=user, now=now)
        if eligibility.open_attempt is not None:
            return eligibility.open_attempt
        if not eligibility.can_start:
            raise NotEligible(eligibility.reason)
        deadline = None
        if quiz.time_limit_minutes:
            deadline = now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
            deadline = quiz.closes_at
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    quiz=quiz,
                    user=user,
                    page=page,
                    number=eligibility.attempts_used + 1,
                    started_at=now,
                    deadline=deadline,
                )
        except IntegrityError:
            attempt = None
        if attempt is None:
            # A parallel request started one first: resume it if it is still open.
            existing = QuizAttempt.objects.filter(
                quiz=quiz, user=user, status=AttemptStatus.IN_PROGRESS
            ).first()
            if existing is None:
                raise NotEligible(_("作答已开始或已结束，请刷新页面。")) from None
            return existing
        questions = draw_questions(quiz=quiz, rng=rng)
        choice_ids: dict[int, list[int]] = {}
        for question_id, choice_id in (
            Choice.objects.filter(question__in=questions)
            .order_by("sort_order", "pk")
            .values_list("question_id", "pk")
        ):
            choice_ids.setdefault(question_id, []).append(choice_id)
        answers = []
        for position, question in enumerate(questions, start=1):
            order = list(choice_ids.get(question.pk, []))
            if quiz.shuffle_choices and question.kind != QuestionKind.TRUE_FALSE:
                rng.shuffle(order)
            answers.append(
                QuizAnswer(
                    attempt=attempt,
                    question=question,
                    position=position,
                    question_text=question.text,
                    choice_order=order,
                    max_score=question.points,
                )
            )
        QuizAnswer.objects.bulk_create(answers)
    return attempt


def close_expired_attempts(*, quiz=None, user=None, now=None) -> int:
    """Close and grade attempts whose deadline (plus grace) has passed, on what was
    saved. Runs lazily whenever eligibility is checked, and from
    ``manage.py close_expired_attempts``."""
    now = now or timezone.now()
    expired = QuizAttempt.objects.filter(
        status=AttemptStatus.IN_PROGRESS, deadline__lt=now - SUBMIT_GRACE
    )
    if quiz is not None:
        expired = expired.filter(quiz=quiz)
    if user is not None:
        expired = expired.filter(user=user)
    closed = 0
    for attempt_id in expired.values_list("pk", flat=True):
        try:
            quiz_attempt_submit(attempt=attempt_id, data=None, now=now)
            closed += 1
        except AttemptClosed:
            pass
    return closed


def parse_answers(*, answers: list[QuizAnswer], data) -> dict[int, tuple[list, str]]:
    """Validate posted answer fields ``a<position>`` against the attempt's questions.

    Choices are posted as their position in the shown order (0, 1, ...), never as
    ids. Returns {position: (selected choice ids, text)}; a missing field means "no
    answer". Raises InvalidAnswers for values another form could not have produced.
    """
    parsed: dict[int, tuple[list, str]] = {}
    errors: dict[int, str] = {}
    for answer in answers:
        name = f"a{answer.position}"
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        if isinstance(values, str):
            values = [values]
        kind = answer.question.kind if answer.question else None
        if kind in CHOICE_KINDS:
            if kind != QuestionKind.MULTIPLE and len(values) > 1:
                errors[answer.position] = _("单选题只能选择一个答案。")
                continue
            positions = []
            for value in values:
                # Four digits at most: int() of a 1 MB digit string would raise.
                if (
                    not isinstance(value, str)
                    or not value.isascii()
                    or not value.isdigit()
                    or len(value) > 4
                ):
                    errors[answer.position] = _("选项无效。")
                    break
                index = int(value)
                if index >= len(answer.choice_order) or index in positions:
                    errors[answer.position] = _("选项无效。")
                    break
                positions.append(index)
            else:
                parsed[answer.position] = (
                    [answer.choice_order[i] for i in sorted(positions)],
                    "",
                )
        elif kind in (QuestionKind.FILL_BLANK, QuestionKind.SHORT_ANSWER):
            if len(values) > 1 or (values and not isinstance(values[0], str)):
                errors[answer.position] = _("每题只能填写一个答案。")
                continue
            text = (values[0] if values else "").replace("\x00", "")
            limit = (
                MAX_FILL_LENGTH
                if kind == QuestionKind.FILL_BLANK
                else MAX_SHORT_ANSWER_LENGTH
            )
            if len(text) > limit:
                errors[answer.position] = _("答案过长（最多 %(limit)s 字）。") % {
                    "limit": limit
                }
                continue
            parsed[answer.position] = ([], text.strip())
        else:
            parsed[answer.position] = ([], "")
    if errors:
        raise InvalidAnswers(errors)
    return parsed


def _bulk_set(answers: list[QuizAnswer], fields: list[str]) -> None:
    """One UPDATE ... SET col = CASE id WHEN ... END for all ``answers``.

    Does what ``bulk_update`` does, in the same single query, without building an ORM
    expression per row: that made grading a 100-question attempt cost ~500 ms (bench/
    bench_quiz.py), against ~70 ms this way. Values go through each field's own
    ``get_db_prep_save`` and ``CAST``, so every type reads back as bulk_update's would
    (tests cover JSON, text, timestamps, decimals, booleans and NULL on both
    databases).
    """
    if not answers:
        return
    connection = connections[router.db_for_write(QuizAnswer)]
    meta, quote = QuizAnswer._meta, connection.ops.quote_name
    pk = quote(meta.pk.column)
    assignments, params = [], []
    for name in fields:
        field = meta.get_field(name)
        whens = []
        for answer in answers:
            whens.append("WHEN %s THEN %s")
            value = getattr(answer, field.attname)
            params += [answer.pk, field.get_db_prep_save(value, connection)]
        cast = field.cast_db_type(connection)
        assignments.append(
            f"{quote(field.column)} = CAST(CASE {pk} {' '.join(whens)} END AS {cast})"
        )
    ids = [answer.pk for answer in answers]
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
            f"WHERE {pk} IN ({placeholders})",
            params + ids,
        )


def _answers_with_questions(attempt: QuizAttempt) -> list[QuizAnswer]:
    return list(
        QuizAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .order_by("position")
    )


def _apply(answers, parsed, now) -> list[QuizAnswer]:
    changed = []
    for answer in answers:
        if answer.position not in parsed:
            continue
        selected, text = parsed[answer.position]
        if selected != answer.selected_choices or text != answer.text_answer:
            answer.selected_choices = selected
            answer.text_answer = text
            answer.answered_at = now
            changed.append(answer)
    if changed:
        _bulk_set(changed, ["selected_choices", "text_answer", "answered_at"])
    return changed


def _lock(attempt) -> QuizAttempt:
    attempt_id = attempt if isinstance(attempt, int) else attempt.pk
    return (
        QuizAttempt.objects.select_for_update()
        .select_related("quiz")
        .get(pk=attempt_id)
    )


def _past_deadline(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + SUBMIT_GRACE


@transaction.atomic
def quiz_attempt_save(
    *, attempt, data, revision: int | None, now: datetime | None = None
) -> QuizAttempt:
    """Save answers without submitting (autosave or the 保存 button)."""
    now = now or timezone.now()
    attempt = _lock(attempt)
    if not attempt.is_open:
        raise AttemptClosed(_("本次作答已提交，不能再修改。"))
    if _past_deadline(attempt, now):
        raise AttemptClosed(_("作答时间已到，答卷已按保存的答案提交。"))
    if revision is not None and revision != attempt.revision:
        raise StaleRevision(_("答卷已在其他窗口更新，请刷新页面后继续。"))
    answers = _answers_with_questions(attempt)
    if _apply(answers, parse_answers(answers=answers, data=data), now):
        attempt.revision += 1
        attempt.save(update_fields=["revision"])
    return attempt


def _grade(attempt: QuizAttempt, answers: list[QuizAnswer]) -> None:
    """Grade every automatically gradable answer, keep trainers' manual scores."""
    question_ids = [a.question_id for a in answers if a.question_id]
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question_id__in=question_ids):
        choices.setdefault(choice.question_id, []).append(choice)
    for answer in answers:
        question = answer.question
        if question is None:
            if answer.score is None:
                answer.score, answer.is_correct = Decimal("0"), False
            continue
        if question.kind == QuestionKind.SHORT_ANSWER:
            if not answer.text_answer.strip() and answer.score is None:
                # Nothing to read: no credit, and nothing waits for a trainer.
                answer.score, answer.is_correct = Decimal("0"), False
            continue
        answer.max_score = question.points
        answer.score, answer.is_correct = grading.grade_answer(
            question=question, choices=choices.get(question.pk, []), answer=answer
        )
    _bulk_set(answers, ["score", "is_correct", "max_score"])
    grading.attempt_totals(attempt=attempt, answers=answers)
    attempt.graded_at = timezone.now()


@transaction.atomic
def quiz_attempt_submit(
    *, attempt, data=None, revision: int | None = None, now: datetime | None = None
) -> QuizAttempt:
    """Submit and grade. Late submissions are closed and graded on what was saved;
    a second submit raises AttemptClosed and changes nothing."""
    now = now or timezone.now()
    attempt = _lock(attempt)
    if not attempt.is_open:
        raise AttemptClosed(_("本次作答已经提交过了。"))
    answers = _answers_with_questions(attempt)
    if _past_deadline(attempt, now):
        quiz = attempt.quiz
        attempt.close_reason = (
            CloseReason.QUIZ_CLOSED
            if quiz.closes_at and attempt.deadline == quiz.closes_at
            else CloseReason.TIMED_OUT
        )
    else:
        if data is not None:
            if revision is not None and revision != attempt.revision:
                raise StaleRevision(_("答卷已在其他窗口更新，请核对后再提交。"))
            _apply(answers, parse_answers(answers=answers, data=data), now)
        attempt.close_reason = CloseReason.SUBMITTED
    attempt.submitted_at = now
    _grade(attempt, answers)
    attempt.revision += 1
    attempt.save()
    progress.enrollment_evaluate_after_attempt(attempt=attempt)
    return attempt


@transaction.atomic
def quiz_answer_grade(
    *, answer: QuizAnswer, score, grader, comment: str = ""
) -> QuizAttempt:
    """A trainer's score for a short answer (or an override of any answer)."""
    try:
        score = Decimal(str(score)).quantize(grading.CENT)
    except (InvalidOperation, ValueError):
        raise QuizError(_("请输入有效的分数。")) from None
    if not score.is_finite():
        raise QuizError(_("请输入有效的分数。"))
    attempt = _lock(answer.attempt_id)
    if attempt.is_open:
        raise QuizError(_("作答尚未提交，不能评分。"))
    answer = QuizAnswer.objects.select_for_update().get(pk=answer.pk)
    if not Decimal("0") <= score <= answer.max_score:
        raise QuizError(
            _("分数须在 0 到 %(max)s 之间。")
            % {"max": f"{answer.max_score.normalize():f}"}
        )
    if attempt.status == AttemptStatus.GRADED:
        _record_history(attempt, reason=_("人工改分"), by=grader)
    answer.score = score
    answer.is_correct = score == answer.max_score
    answer.graded_by = grader
    answer.graded_at = timezone.now()
    answer.grader_comment = comment[:2000]
    answer.save()
    answers = list(QuizAnswer.objects.filter(attempt=attempt))
    grading.attempt_totals(attempt=attempt, answers=answers)
    attempt.graded_at = timezone.now()
    attempt.save()
    progress.enrollment_evaluate_after_attempt(attempt=attempt)
    return attempt


def _record_history(attempt: QuizAttempt, *, reason: str, by) -> None:
    AttemptScoreHistory.objects.create(
        attempt=attempt,
        score=attempt.score,
        max_score=attempt.max_score,
        percentage=attempt.percentage,
        passed=attempt.passed,
        status=attempt.status,
        reason=reason,
        recorded_by=by,
    )


@transaction.atomic
def quiz_regrade(*, quiz: Quiz, by, reason: str = "") -> int:
    """Regrade every closed attempt after questions were corrected. The previous
    result of each attempt is kept in its score history. Returns attempts changed."""
    reason = reason or _("题目更正后重新评分")
    attempts = list(
        QuizAttempt.objects.select_for_update()
        .filter(quiz=quiz)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .select_related("quiz")
    )
    answers_by_attempt: dict[int, list[QuizAnswer]] = {}
    for answer in QuizAnswer.objects.filter(attempt__in=attempts).select_related(
        "question"
    ):
        answers_by_attempt.setdefault(answer.attempt_id, []).append(answer)
    changed = 0
    for attempt in attempts:
        before = (attempt.score, attempt.percentage, attempt.passed, attempt.status)
        snapshot = AttemptScoreHistory(
            attempt=attempt,
            score=attempt.score,
            max_score=attempt.max_score,
            percentage=attempt.percentage,
            passed=attempt.passed,
            status=attempt.status,
            reason=reason,
            recorded_by=by,
        )
        _grade(attempt, answers_by_attempt.get(attempt.pk, []))
        if before != (
            attempt.score,
            attempt.percentage,
            attempt.passed,
            attempt.status,
        ):
            snapshot.save()
            attempt.save()
            changed += 1
    return changed


@transaction.atomic
def quiz_grant_attempts(
    *, quiz: Quiz, user, extra_attempts: int, reason: str, granted_by
) -> AttemptGrant:
    """Grant a learner extra attempts (补考) beyond the quiz's limit."""
    if extra_attempts < 1:
        raise QuizError(_("增加次数至少为 1。"))
    if not reason.strip():
        raise QuizError(_("请填写补考原因。"))
    return AttemptGrant.objects.create(
        quiz=quiz,
        user=user,
        extra_attempts=extra_attempts,
        reason=reason.strip(),
        granted_by=granted_by,
    )
