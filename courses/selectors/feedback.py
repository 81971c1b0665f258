"""Reads of feedback forms and submissions for the Wagtail admin: who sees which,
the pages using a form, listing and export rows, and one submission in detail. Each
read costs a fixed number of queries, whatever the number of submissions.

Who sees what (the permission policies in ``courses.feedback_admin.viewsets`` call
these; the summary views do too):

- superusers and training admins (group 培训管理员): every form and submission;
- anyone else holding feedback permissions (trainers): submissions sent from a page
  they can edit (Wagtail's page permission policy, action "change"), and the forms
  attached to such a page or answered on one, plus forms attached nowhere and never
  answered if they may add or change forms (a form a trainer has just written);
- everybody else (customers, service staff, anonymous visitors): nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.models.feedback import (
    TEXT_KINDS,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    FeedbackQuestion,
    FeedbackSubmission,
    ReviewStatus,
)
from courses.selectors.quiz_results import (
    TRAINING_ADMIN_GROUP,
    is_training_admin,
    learner_name,
)
from home.mixins import WithFeedbackForm

__all__ = [
    "AnswerColumn",
    "AnswerRow",
    "PageUse",
    "answer_columns",
    "answer_rows",
    "export_values",
    "follow_up_assignees",
    "follow_ups_for",
    "forms_visible_to",
    "is_training_admin",
    "organisation_label",
    "pages_using_form",
    "person_label",
    "respondent_label",
    "submission_rows",
    "submissions_visible_to",
    "with_form_counts",
]

FORM_PERMISSIONS = (
    "courses.add_feedbackform",
    "courses.change_feedbackform",
    "courses.view_feedbackform",
)
SUBMISSION_PERMISSIONS = (
    "courses.view_feedbacksubmission",
    "courses.change_feedbacksubmission",
    "courses.delete_feedbacksubmission",
)
EXCERPT_LENGTH = 40


# -- who sees what ------------------------------------------------------------------


def feedback_page_models() -> list:
    """Concrete page models carrying a ``feedback_form`` (courses, lessons, help
    articles, handbook chapters)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, WithFeedbackForm) and not model._meta.abstract
    ]


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _has_any(user, permissions) -> bool:
    return any(user.has_perm(permission) for permission in permissions)


def _editable_page_ids(user) -> QuerySet:
    return (
        PagePermissionPolicy()
        .instances_user_has_permission_for(user, "change")
        .order_by()
        .values("pk")
    )


def submissions_visible_to(user) -> QuerySet:
    """The submissions ``user`` may read: all for training admins, those sent from a
    page they can edit for other holders of a submission permission, else none."""
    if not _active(user):
        return FeedbackSubmission.objects.none()
    if is_training_admin(user):
        return FeedbackSubmission.objects.all()
    if not _has_any(user, SUBMISSION_PERMISSIONS):
        return FeedbackSubmission.objects.none()
    return FeedbackSubmission.objects.filter(page_id__in=_editable_page_ids(user))


def forms_visible_to(user) -> QuerySet:
    """The feedback forms ``user`` may see in the admin (model permissions are
    checked separately, by the permission policies)."""
    if not _active(user):
        return FeedbackForm.objects.none()
    if is_training_admin(user):
        return FeedbackForm.objects.all()
    if not (_has_any(user, FORM_PERMISSIONS) or _has_any(user, SUBMISSION_PERMISSIONS)):
        return FeedbackForm.objects.none()
    editable = _editable_page_ids(user)
    visible = Q(
        pk__in=FeedbackSubmission.objects.filter(page_id__in=editable)
        .order_by()
        .values("form_id")
    )
    attached = Q()
    for model in feedback_page_models():
        used = model.objects.filter(feedback_form__isnull=False).order_by()
        visible |= Q(pk__in=used.filter(pk__in=editable).values("feedback_form_id"))
        attached |= Q(pk__in=used.values("feedback_form_id"))
    if user.has_perm("courses.add_feedbackform") or user.has_perm(
        "courses.change_feedbackform"
    ):
        answered = Q(pk__in=FeedbackSubmission.objects.order_by().values("form_id"))
        visible |= ~attached & ~answered
    return FeedbackForm.objects.filter(visible)


def follow_up_assignees() -> QuerySet:
    """Who a follow-up can be assigned to: active training admins and superusers,
    who may record the outcome (trainers only view submissions)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=TRAINING_ADMIN_GROUP))
        .distinct()
        .select_related("profile")
        .order_by("username")
    )


# -- the form listing ---------------------------------------------------------------


def _count_of(queryset: QuerySet, link: str):
    rows = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_form_counts(queryset: QuerySet, *, user) -> QuerySet:
    """Forms annotated with ``question_count`` (answerable questions) and
    ``submission_count`` (submissions ``user`` may see), as subqueries so neither
    multiplies the other's rows."""
    questions = FeedbackQuestion.objects.exclude(kind=FeedbackKind.SECTION)
    return queryset.annotate(
        question_count=_count_of(questions, "form"),
        submission_count=_count_of(submissions_visible_to(user), "form"),
    )


@dataclass(frozen=True)
class PageUse:
    page_id: int
    title: str
    kind: str  # the page type, e.g. 课程 or 帮助文章


def pages_using_form(form_ids) -> dict[int, list[PageUse]]:
    """The pages each form is attached to: one query per page type carrying forms,
    for any number of forms."""
    uses: dict[int, list[PageUse]] = defaultdict(list)
    form_ids = [pk for pk in form_ids if pk is not None]
    if not form_ids:
        return uses
    for model in feedback_page_models():
        kind = str(model._meta.verbose_name)
        for form_id, page_id, title in (
            model.objects.filter(feedback_form_id__in=form_ids)
            .order_by("path")
            .values_list("feedback_form_id", "pk", "title")
        ):
            uses[form_id].append(PageUse(page_id, title, kind))
    return uses


# -- submission rows ----------------------------------------------------------------


def submission_rows(queryset: QuerySet) -> QuerySet:
    """Submissions with everything a listing row shows, in the same query."""
    return queryset.select_related(
        "form",
        "page",
        "course",
        "trainer__profile",
        "respondent__profile",
        "organisation",
        "assignee__profile",
        "reviewed_by__profile",
    )


def with_text_excerpts(queryset: QuerySet) -> QuerySet:
    """Prefetch (one query per listing page) the text answers a row's excerpt shows,
    long answers (opinions, suggestions) first, into ``text_answers``."""
    long_first = Case(
        When(question__kind=FeedbackKind.LONG_TEXT, then=Value(0)),
        default=Value(1),
    )
    return queryset.prefetch_related(
        Prefetch(
            "answers",
            queryset=FeedbackAnswer.objects.filter(question__kind__in=TEXT_KINDS)
            .exclude(text_value="")
            .order_by(long_first, "question__sort_order", "question_id", "row")
            .only("id", "submission_id", "text_value"),
            to_attr="text_answers",
        )
    )


def with_all_answers(queryset: QuerySet) -> QuerySet:
    """Prefetch every answer (one query for the whole export) into ``all_answers``."""
    return queryset.prefetch_related(
        Prefetch(
            "answers",
            queryset=FeedbackAnswer.objects.order_by("question_id", "row"),
            to_attr="all_answers",
        )
    )


def follow_ups_for(user) -> QuerySet:
    """Open follow-ups ``user`` may see, oldest submission first."""
    return submission_rows(
        submissions_visible_to(user).filter(review_status=ReviewStatus.FOLLOW_UP)
    ).order_by("submitted_at", "pk")


def person_label(user) -> str:
    return learner_name(user) if user is not None else ""


def respondent_label(submission: FeedbackSubmission) -> str:
    """The respondent's name, "张三（未登录）" for a name typed without signing in,
    or 匿名."""
    name = submission.respondent_name
    if submission.respondent_id is not None:
        return name or learner_name(submission.respondent)
    if name:
        return _("%(name)s（未登录）") % {"name": name}
    return _("匿名")


def organisation_label(submission: FeedbackSubmission) -> str:
    if submission.organisation_id is not None:
        return submission.organisation.name
    return submission.organisation_name


def text_excerpt(submission: FeedbackSubmission) -> str:
    """The start of the first text answer (``with_text_excerpts`` rows)."""
    texts = getattr(submission, "text_answers", None) or []
    if not texts:
        return ""
    text = " ".join(texts[0].text_value.split())
    if len(text) > EXCERPT_LENGTH:
        return text[:EXCERPT_LENGTH] + "…"
    return text


# -- answers: one submission in detail, and export columns ------------------------


def _likert_label(form: FeedbackForm, value: int | None) -> str:
    labels = form.likert_label_list
    if value is None:
        return ""
    if 1 <= value <= len(labels):
        return f"{value} · {labels[len(labels) - value]}"
    return str(value)


def _choice_text(answer: FeedbackAnswer, options: list[str]) -> str:
    if answer.text_value:
        return answer.text_value
    if answer.int_value and 1 <= answer.int_value <= len(options):
        return options[answer.int_value - 1]
    return "" if answer.int_value is None else str(answer.int_value)


@dataclass(frozen=True)
class AnswerRow:
    """One question of a submission as an admin reads it. ``lines`` are (label,
    value) pairs: one per matrix statement, one per chosen option, else one."""

    kind: str
    kind_label: str
    key: str
    text: str
    is_section: bool
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return any(value for _label, value in self.lines)


def _format_answers(
    question: FeedbackQuestion, form: FeedbackForm, answers: list[FeedbackAnswer]
) -> list[tuple[str, str]]:
    kind = question.kind
    options = question.option_list
    if kind == FeedbackKind.LIKERT_MATRIX:
        by_row = {answer.row: answer for answer in answers}
        rows = sorted(set(range(1, len(options) + 1)) | set(by_row))
        return [
            (
                options[row - 1] if row <= len(options) else f"#{row}",
                _likert_label(form, by_row[row].int_value) if row in by_row else "",
            )
            for row in rows
        ]
    if kind == FeedbackKind.MULTIPLE:
        return [("", _choice_text(answer, options)) for answer in answers]
    if not answers:
        return [("", "")]
    answer = answers[0]
    if kind == FeedbackKind.LIKERT:
        value = _likert_label(form, answer.int_value)
    elif kind == FeedbackKind.RATING:
        value = "" if answer.int_value is None else f"{answer.int_value} / 10"
    elif kind == FeedbackKind.YES_NO:
        value = {1: _("是"), 0: _("否")}.get(answer.int_value, "")
    elif kind == FeedbackKind.SINGLE:
        value = _choice_text(answer, options)
    elif kind == FeedbackKind.DATE:
        value = answer.date_value.isoformat() if answer.date_value else ""
    else:
        value = answer.text_value
    return [("", value)]


def answer_rows(*, submission: FeedbackSubmission) -> list[AnswerRow]:
    """Every question of the submission's form with the answer given (two queries
    whatever the number of questions); answers to questions no longer on the form
    are impossible (FeedbackAnswer.question is PROTECT)."""
    form = submission.form
    by_question: dict[int, list[FeedbackAnswer]] = defaultdict(list)
    for answer in submission.answers.order_by("question_id", "row"):
        by_question[answer.question_id].append(answer)
    rows = []
    for question in form.questions.order_by("sort_order", "pk"):
        is_section = question.kind == FeedbackKind.SECTION
        rows.append(
            AnswerRow(
                kind=question.kind,
                kind_label=question.get_kind_display(),
                key=question.key,
                text=question.text,
                is_section=is_section,
                lines=(
                    []
                    if is_section
                    else _format_answers(
                        question, form, by_question.get(question.pk, [])
                    )
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class AnswerColumn:
    """One export column: a question (by key and kind), or one statement of a
    matrix; ``question_ids`` are the questions of the exported forms it gathers."""

    field: str
    key: str
    row: int | None
    kind: str
    heading: str
    question_ids: frozenset[int] = frozenset()


def answer_columns(form_ids) -> list[AnswerColumn]:
    """Export columns for submissions of ``form_ids`` (one query): questions in form
    order, merged across forms by key and kind (the same key and kind is the same
    question; the same key with another kind gets its own column, as the summary
    pools them); a Likert matrix gets one column per statement."""
    form_ids = sorted(set(form_ids))
    if not form_ids:
        return []
    columns: dict[tuple[str, str, int | None], AnswerColumn] = {}
    question_ids: dict[tuple[str, str, int | None], set[int]] = defaultdict(set)
    questions = (
        FeedbackQuestion.objects.filter(form_id__in=form_ids)
        .exclude(kind=FeedbackKind.SECTION)
        .order_by("form__title", "form_id", "sort_order", "pk")
    )
    for question in questions:
        key, kind = question.key, question.kind
        if kind == FeedbackKind.LIKERT_MATRIX:
            cells = [
                (row, f"{question.text}：{statement}")
                for row, statement in enumerate(question.option_list, start=1)
            ]
        else:
            cells = [(None, question.text)]
        for row, heading in cells:
            ident = (key, kind, row)
            question_ids[ident].add(question.pk)
            columns.setdefault(
                ident,
                AnswerColumn(
                    field=f"answer:{key}:{kind}" + ("" if row is None else f":{row}"),
                    key=key,
                    row=row,
                    kind=kind,
                    heading=heading,
                ),
            )
    return [
        replace(column, question_ids=frozenset(question_ids[ident]))
        for ident, column in columns.items()
    ]


def export_values(
    submission: FeedbackSubmission, columns: list[AnswerColumn]
) -> dict[str, object]:
    """Cell values of ``columns`` for one submission (``with_all_answers`` rows):
    numbers for scales, 是/否, option texts (several joined by "；"), text, dates."""
    by_key: dict[str, list[FeedbackAnswer]] = defaultdict(list)
    for answer in getattr(submission, "all_answers", []):
        by_key[answer.question_key].append(answer)
    values: dict[str, object] = {}
    for column in columns:
        answers = [
            answer
            for answer in by_key.get(column.key, [])
            if answer.question_id in column.question_ids
            and (column.row is None or answer.row == column.row)
        ]
        values[column.field] = _cell(column.kind, answers)
    return values


def _cell(kind: str, answers: list[FeedbackAnswer]) -> object:
    if not answers:
        return ""
    if kind == FeedbackKind.MULTIPLE:
        return "；".join(
            answer.text_value or str(answer.int_value or "")
            for answer in sorted(answers, key=lambda a: a.row)
        )
    answer = answers[0]
    if kind == FeedbackKind.YES_NO:
        return {1: _("是"), 0: _("否")}.get(answer.int_value, "")
    if kind == FeedbackKind.SINGLE:
        return answer.text_value or (
            "" if answer.int_value is None else answer.int_value
        )
    if kind == FeedbackKind.DATE:
        return answer.date_value if isinstance(answer.date_value, date) else ""
    if answer.int_value is not None and not answer.text_value:
        return answer.int_value
    return answer.text_value
