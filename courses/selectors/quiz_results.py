"""Reads for trainers and training admins in the Wagtail admin: which quizzes a user
may see, the results listing, one attempt in detail, the manual-grading queue and
item statistics. Each read costs a fixed number of queries, whatever the number of
attempts, answers or questions.

Who sees what (enforced by the permission policies in ``courses.viewsets``, which
call ``quizzes_visible_to``):

- superusers and training admins (group 培训管理员): every quiz;
- anyone else with quiz permissions (trainers): quizzes attached to a page they can
  edit (``CoursePage.quiz`` or ``LessonPage.quiz``, live page rows only, so attaching
  someone else's quiz to a draft grants nothing until a training admin publishes it),
  plus quizzes attached nowhere if they may add or change quizzes (a quiz a trainer
  has just written, before it is put on a page).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models.pages import CoursePage, LessonPage
from courses.models.quizzes import (
    CHOICE_KINDS,
    AttemptGrant,
    AttemptStatus,
    Choice,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from portal.accounts.roles import GROUP_NAMES, Role

TRAINING_ADMIN_GROUP = GROUP_NAMES[Role.TRAINING_ADMIN]
HUNDRED = Decimal("100")
TENTH = Decimal("0.1")
CENT = Decimal("0.01")


# -- who sees which quizzes ---------------------------------------------------------


def is_training_admin(user) -> bool:
    """Superusers and members of 培训管理员 see every quiz's results. Cached on the
    user object, which lives for one request."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_shifu_training_admin", None)
    if cached is None:
        cached = user.groups.filter(name=TRAINING_ADMIN_GROUP).exists()
        user._shifu_training_admin = cached
    return cached


def quizzes_visible_to(user) -> QuerySet:
    """The quizzes whose bank and results ``user`` may see (model permissions are
    checked separately, by the permission policies)."""
    if not (user.is_authenticated and user.is_active):
        return Quiz.objects.none()
    if is_training_admin(user):
        return Quiz.objects.all()
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    editable_ids = editable.values("pk")
    visible = Q(
        pk__in=CoursePage.objects.filter(pk__in=editable_ids, quiz__isnull=False)
        .order_by()
        .values("quiz_id")
    ) | Q(
        pk__in=LessonPage.objects.filter(pk__in=editable_ids, quiz__isnull=False)
        .order_by()
        .values("quiz_id")
    )
    if user.has_perm("courses.change_quiz") or user.has_perm("courses.add_quiz"):
        visible |= ~Q(
            pk__in=CoursePage.objects.filter(quiz__isnull=False)
            .order_by()
            .values("quiz_id")
        ) & ~Q(
            pk__in=LessonPage.objects.filter(quiz__isnull=False)
            .order_by()
            .values("quiz_id")
        )
    return Quiz.objects.filter(visible)


def attempts_visible_to(user) -> QuerySet:
    if not (user.is_authenticated and user.is_active):
        return QuizAttempt.objects.none()
    if is_training_admin(user):
        return QuizAttempt.objects.all()
    return QuizAttempt.objects.filter(quiz__in=quizzes_visible_to(user).values("pk"))


def answers_visible_to(user) -> QuerySet:
    if not (user.is_authenticated and user.is_active):
        return QuizAnswer.objects.none()
    if is_training_admin(user):
        return QuizAnswer.objects.all()
    return QuizAnswer.objects.filter(
        attempt__quiz__in=quizzes_visible_to(user).values("pk")
    )


# -- the quiz listing ---------------------------------------------------------------


def _count_of(model, link: str):
    rows = (
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_quiz_counts(queryset: QuerySet) -> QuerySet:
    """Quizzes annotated with ``question_count`` and ``attempt_count`` (subqueries, so
    the two counts do not multiply each other's rows)."""
    return queryset.annotate(
        question_count=_count_of(Question, "quiz"),
        attempt_count=_count_of(QuizAttempt, "quiz"),
    )


@dataclass(frozen=True)
class PageUse:
    page_id: int
    title: str
    kind: str  # 结业考试 or 课后测验


def pages_by_quiz(quiz_ids) -> dict[int, list[PageUse]]:
    """The pages each quiz is attached to: two queries for any number of quizzes."""
    uses: dict[int, list[PageUse]] = defaultdict(list)
    quiz_ids = list(quiz_ids)
    if not quiz_ids:
        return uses
    for model, kind in ((CoursePage, _("结业考试")), (LessonPage, _("课后测验"))):
        for quiz_id, page_id, title in (
            model.objects.filter(quiz_id__in=quiz_ids)
            .order_by("path")
            .values_list("quiz_id", "pk", "title")
        ):
            uses[quiz_id].append(PageUse(page_id, title, kind))
    return uses


# -- results --------------------------------------------------------------------------


def learner_name(user) -> str:
    """姓名 from the profile, else the user's full name, else the username. Expects
    ``profile`` to be select_related where it is used in a loop."""
    try:
        profile = user.profile
    except user.__class__.profile.RelatedObjectDoesNotExist:
        profile = None
    if profile is not None and profile.display_name:
        return profile.display_name
    return user.get_full_name() or user.get_username()


def learner_organisation(user) -> str:
    try:
        profile = user.profile
    except user.__class__.profile.RelatedObjectDoesNotExist:
        return ""
    organisation = profile.organisation if profile else None
    return organisation.name if organisation else ""


def results_for(user) -> QuerySet:
    """Attempts ``user`` may see, with everything a results row shows in one query."""
    return attempts_visible_to(user).select_related(
        "quiz", "page", "user__profile__organisation"
    )


def regrade_counts(*, quiz: Quiz) -> dict[str, int]:
    """How many attempts a regrade would touch (closed ones) and how many it leaves
    alone (still in progress)."""
    counts = QuizAttempt.objects.filter(quiz=quiz).aggregate(
        closed=Count("pk", filter=~Q(status=AttemptStatus.IN_PROGRESS)),
        open=Count("pk", filter=Q(status=AttemptStatus.IN_PROGRESS)),
    )
    return {"closed": counts["closed"] or 0, "open": counts["open"] or 0}


# -- one attempt in detail ------------------------------------------------------------


@dataclass(frozen=True)
class AdminChoice:
    text: str
    selected: bool
    is_correct: bool


@dataclass(frozen=True)
class AnswerRow:
    """One answer as a trainer sees it: the learner's answer next to the correct one."""

    answer_id: int
    position: int
    kind: str
    kind_label: str
    question_text: str
    choices: list[AdminChoice]
    text_answer: str
    accepted_answers: list[str]
    score: Decimal | None
    max_score: Decimal
    is_correct: bool | None
    grader_comment: str
    graded_by: str
    graded_at: datetime | None
    explanation: str

    @property
    def learner_answer(self) -> str:
        if self.kind in CHOICE_KINDS:
            return "；".join(c.text for c in self.choices if c.selected)
        return self.text_answer

    @property
    def correct_answer(self) -> str:
        if self.kind in CHOICE_KINDS:
            return "；".join(c.text for c in self.choices if c.is_correct)
        if self.kind == QuestionKind.FILL_BLANK:
            return " / ".join(self.accepted_answers)
        return ""

    @property
    def needs_grading(self) -> bool:
        return self.score is None


def attempt_answer_rows(*, attempt: QuizAttempt) -> list[AnswerRow]:
    """Every answer of ``attempt`` with the learner's and the correct answer: two
    queries whatever the number of questions."""
    answers = list(
        QuizAnswer.objects.filter(attempt=attempt)
        .select_related("question", "graded_by")
        .order_by("position")
    )
    choice_ids = [cid for answer in answers for cid in answer.choice_order]
    choices = Choice.objects.in_bulk(choice_ids) if choice_ids else {}
    rows = []
    for answer in answers:
        question = answer.question
        selected = set(answer.selected_choices)
        kind = question.kind if question else ""
        rows.append(
            AnswerRow(
                answer_id=answer.pk,
                position=answer.position,
                kind=kind,
                kind_label=question.get_kind_display() if question else "",
                question_text=answer.question_text,
                choices=[
                    AdminChoice(
                        choices[cid].text, cid in selected, choices[cid].is_correct
                    )
                    for cid in answer.choice_order
                    if cid in choices
                ],
                text_answer=answer.text_answer,
                accepted_answers=question.accepted_answer_list() if question else [],
                score=answer.score,
                max_score=answer.max_score,
                is_correct=answer.is_correct,
                grader_comment=answer.grader_comment,
                graded_by=(
                    (answer.graded_by.get_full_name() or answer.graded_by.username)
                    if answer.graded_by
                    else ""
                ),
                graded_at=answer.graded_at,
                explanation=question.explanation if question else "",
            )
        )
    return rows


def attempt_score_history(*, attempt: QuizAttempt) -> list:
    return list(attempt.score_history.select_related("recorded_by"))


def learner_grants(*, quiz: Quiz, user) -> list[AttemptGrant]:
    """Make-up grants of a learner for a quiz, newest first, with who granted them."""
    return list(
        AttemptGrant.objects.filter(quiz=quiz, user=user).select_related("granted_by")
    )


# -- manual grading -------------------------------------------------------------------


def grading_queue_for(user) -> QuerySet:
    """Answers waiting for a trainer's score in submitted attempts ``user`` may see,
    oldest submission first."""
    return (
        answers_visible_to(user)
        .filter(score__isnull=True, attempt__status=AttemptStatus.PENDING_REVIEW)
        .select_related(
            "attempt__quiz", "attempt__user__profile__organisation", "question"
        )
        .order_by("attempt__submitted_at", "attempt_id", "position")
    )


# -- item statistics ------------------------------------------------------------------


@dataclass(frozen=True)
class ItemStatistic:
    question_id: int
    number: int
    kind_label: str
    text: str
    points: Decimal
    drawn: int  # closed attempts that drew the question
    answered: int  # ... and in which the learner gave an answer
    graded: int
    correct: int
    mean_score: Decimal | None
    percent_correct: Decimal | None
    discrimination: Decimal | None

    @property
    def discrimination_label(self) -> str:
        """Ebel's rule of thumb for the discrimination index."""
        d = self.discrimination
        if d is None:
            return _("样本不足")
        if d >= Decimal("0.4"):
            return _("很好")
        if d >= Decimal("0.3"):
            return _("良好")
        if d >= Decimal("0.2"):
            return _("尚可，可改进")
        return _("较差，建议修改")


@dataclass(frozen=True)
class QuizStatistics:
    quiz: Quiz
    closed_attempts: int
    graded_attempts: int
    group_size: int  # attempts in each of the top and bottom thirds
    items: list[ItemStatistic] = field(default_factory=list)


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


def quiz_item_statistics(*, quiz: Quiz) -> QuizStatistics:
    """Per question of the bank: how often it was drawn and answered, % correct
    (fully correct among graded answers), mean score, and the discrimination index:
    % correct in the top third of graded attempts (by percentage) minus % correct in
    the bottom third. All counting happens in SQL: four queries for any number of
    attempts and questions."""
    closed = QuizAttempt.objects.filter(quiz=quiz).exclude(
        status=AttemptStatus.IN_PROGRESS
    )
    totals = closed.aggregate(
        closed=Count("pk"),
        graded=Count(
            "pk",
            filter=Q(status=AttemptStatus.GRADED, percentage__isnull=False),
        ),
    )
    graded_total = totals["graded"] or 0
    group = graded_total // 3
    ranked = (
        QuizAttempt.objects.filter(
            quiz=quiz, status=AttemptStatus.GRADED, percentage__isnull=False
        )
        .annotate(
            rank=Window(RowNumber(), order_by=[F("percentage").desc(), F("pk").asc()])
        )
        .values("pk")
    )
    top = ranked.filter(rank__lte=group)
    bottom = ranked.filter(rank__gt=graded_total - group)

    answers = QuizAnswer.objects.filter(
        attempt__quiz=quiz, question__isnull=False
    ).exclude(attempt__status=AttemptStatus.IN_PROGRESS)
    has_answer = ~Q(text_answer="") | ~Q(selected_choices=[])
    graded = Q(score__isnull=False)
    right = Q(is_correct=True)
    aggregates = {
        "drawn": Count("pk"),
        "answered": Count("pk", filter=has_answer),
        "graded": Count("pk", filter=graded),
        "correct": Count("pk", filter=right),
        "mean_score": Avg("score"),
    }
    if group:
        in_top = Q(attempt_id__in=top)
        in_bottom = Q(attempt_id__in=bottom)
        aggregates.update(
            top_graded=Count("pk", filter=in_top & graded),
            top_correct=Count("pk", filter=in_top & right),
            bottom_graded=Count("pk", filter=in_bottom & graded),
            bottom_correct=Count("pk", filter=in_bottom & right),
        )
    by_question = {
        row["question_id"]: row
        for row in answers.values("question_id").annotate(**aggregates).order_by()
    }

    items = []
    questions = quiz.questions.order_by("sort_order", "pk")
    for number, question in enumerate(questions, start=1):
        row = by_question.get(question.pk, {})
        graded_count = row.get("graded", 0)
        correct = row.get("correct", 0)
        percent = _ratio(correct, graded_count)
        discrimination = None
        if group:
            top_ratio = _ratio(row.get("top_correct", 0), row.get("top_graded", 0))
            bottom_ratio = _ratio(
                row.get("bottom_correct", 0), row.get("bottom_graded", 0)
            )
            if top_ratio is not None and bottom_ratio is not None:
                discrimination = (top_ratio - bottom_ratio).quantize(
                    CENT, ROUND_HALF_UP
                )
        mean = row.get("mean_score")
        items.append(
            ItemStatistic(
                question_id=question.pk,
                number=number,
                kind_label=question.get_kind_display(),
                text=question.text,
                points=question.points,
                drawn=row.get("drawn", 0),
                answered=row.get("answered", 0),
                graded=graded_count,
                correct=correct,
                mean_score=(
                    Decimal(str(mean)).quantize(CENT, ROUND_HALF_UP)
                    if mean is not None
                    else None
                ),
                percent_correct=(
                    (percent * HUNDRED).quantize(TENTH, ROUND_HALF_UP)
                    if percent is not None
                    else None
                ),
                discrimination=discrimination,
            )
        )
    return QuizStatistics(
        quiz=quiz,
        closed_attempts=totals["closed"] or 0,
        graded_attempts=graded_total,
        group_size=group,
        items=items,
    )
