"""The quiz panel on a lesson or course page: what the quiz is, and for a signed-in
learner their attempts, what is left and whether they may start now.

Two queries for a signed-in learner whatever the number of attempts (the quiz with
its question count and the learner's make-up grants, then the learner's attempts),
one more for a staff-only quiz (group check) or a quiz drawing per category; one
query for anonymous visitors, whose panel is the same for everybody and so may be
kept in the anonymous page cache.

Eligibility follows ``courses.services.quizzes.quiz_eligibility`` rule for rule (a
test compares the two); it is recomputed here from rows already loaded for the list
of attempts instead of the service's separate queries.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models.quizzes import (
    AttemptGrant,
    Question,
    Quiz,
    QuizAttempt,
)
from courses.services.quizzes import (
    SUBMIT_GRACE,
    Eligibility,
    close_expired_attempts,
    may_take,
)


@dataclass(frozen=True)
class QuizPanel:
    quiz: Quiz
    questions_per_attempt: int
    signed_in: bool
    # Only for signed-in learners:
    eligibility: Eligibility | None = None
    attempts: tuple = ()
    best: QuizAttempt | None = None

    @property
    def open_attempt(self):
        return self.eligibility.open_attempt if self.eligibility else None


def _questions_per_attempt(quiz: Quiz) -> int:
    total = quiz.question_count
    if not quiz.draw_count:
        return total
    if not quiz.draw_per_category:
        return min(quiz.draw_count, total)
    per_category = (
        Question.objects.filter(quiz=quiz)
        .order_by()
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    return sum(min(quiz.draw_count, n) for n in per_category)


def _load_quiz(quiz_id: int, user) -> Quiz | None:
    quizzes = Quiz.objects.filter(pk=quiz_id).annotate(
        question_count=Count("questions")
    )
    if user.is_authenticated:
        grants = (
            AttemptGrant.objects.filter(quiz=OuterRef("pk"), user=user)
            .order_by()
            .values("quiz")
            .annotate(n=Sum("extra_attempts"))
            .values("n")
        )
        quizzes = quizzes.annotate(
            extra_attempts=Coalesce(Subquery(grants, output_field=IntegerField()), 0)
        )
    return quizzes.first()


def _attempts(quiz: Quiz, user) -> list[QuizAttempt]:
    attempts = list(
        QuizAttempt.objects.filter(quiz=quiz, user=user).order_by("-number")
    )
    for attempt in attempts:
        attempt.quiz = quiz  # grade bands read the quiz's thresholds
    return attempts


def panel_eligibility(
    *, quiz: Quiz, in_audience: bool, attempts: list[QuizAttempt], now: datetime
) -> Eligibility:
    """``quiz_eligibility`` over loaded rows: ``quiz`` carries ``question_count`` and
    ``extra_attempts`` annotations, ``attempts`` are all the learner's attempts and
    ``in_audience`` is ``may_take`` for the learner."""
    used = max((a.number for a in attempts), default=0)
    closed_times = [a.submitted_at for a in attempts if a.submitted_at is not None]
    last_closed = max(closed_times, default=None)
    open_attempt = next((a for a in attempts if a.is_open), None)
    has_passed = any(a.passed for a in attempts)
    allowed = None
    if quiz.max_attempts:
        allowed = quiz.max_attempts + (quiz.extra_attempts or 0)
    next_at = None
    if quiz.cooldown_minutes and last_closed:
        next_at = last_closed + timedelta(minutes=quiz.cooldown_minutes)
        if next_at <= now:
            next_at = None

    def result(can: bool, reason: str = "") -> Eligibility:
        return Eligibility(
            can, reason, used, allowed, next_at, open_attempt, has_passed
        )

    if open_attempt is not None:
        return result(True)
    if not in_audience:
        return result(False, _("该测验仅面向员工。"))
    if quiz.opens_at and now < quiz.opens_at:
        return result(False, _("测验尚未开放。"))
    if quiz.closes_at and now >= quiz.closes_at:
        return result(False, _("测验已截止。"))
    if not quiz.question_count:
        return result(False, _("该测验还没有题目。"))
    if allowed is not None and used >= allowed:
        return result(False, _("作答次数已用完，如需补考请联系讲师或培训管理员。"))
    if next_at is not None:
        return result(False, _("请在冷却时间结束后再作答。"))
    return result(True)


def _best(attempts: list[QuizAttempt]) -> QuizAttempt | None:
    graded = [a for a in attempts if a.percentage is not None]
    if not graded:
        return None
    return max(graded, key=lambda a: (a.percentage, -a.number))


def quiz_panel(*, page, user, now: datetime | None = None) -> QuizPanel | None:
    """The panel for ``page`` (a LessonPage or CoursePage) as ``user`` sees it; None
    when the page has no quiz, or the quiz is for an audience the learner is not in.

    An attempt left open past its deadline is closed first (graded on what was
    saved), as ``quiz_eligibility`` does, so the panel never offers to continue an
    attempt whose time is up.
    """
    if not page.quiz_id:
        return None
    now = now or timezone.now()
    quiz = _load_quiz(page.quiz_id, user)
    if quiz is None:
        return None
    count = _questions_per_attempt(quiz)
    if not user.is_authenticated:
        return QuizPanel(quiz=quiz, questions_per_attempt=count, signed_in=False)
    attempts = _attempts(quiz, user)
    if any(
        a.is_open and a.deadline and a.deadline < now - SUBMIT_GRACE for a in attempts
    ):
        close_expired_attempts(quiz=quiz, user=user, now=now)
        attempts = _attempts(quiz, user)
    in_audience = may_take(quiz=quiz, user=user)
    if not in_audience and not attempts:
        return None
    eligibility = panel_eligibility(
        quiz=quiz, in_audience=in_audience, attempts=attempts, now=now
    )
    return QuizPanel(
        quiz=quiz,
        questions_per_attempt=count,
        signed_in=True,
        eligibility=eligibility,
        attempts=tuple(attempts),
        best=_best(attempts),
    )


__all__ = ["QuizPanel", "panel_eligibility", "quiz_panel"]
