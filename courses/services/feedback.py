"""Answering a feedback form: who may answer where and when, and storing a submission.

The one place for respondent rules. ``form_state`` says whether a form can be filled
in now (dates, login, one per user); ``submit_feedback`` checks the same rules again
and stores a submission with its typed answer rows (storage rule in
``courses.models.feedback``) in one transaction. The database has the last word under
concurrent requests: the per-form token makes a double click or a replayed POST return
the first submission, and ``once_key`` keeps one submission per user and page when
the form says so (``form_state`` also counts a user's earlier submissions stored
before one-per-user was switched on, which have no ``once_key``).

Answers arrive as the respondent form's ``cleaned_data``: one key per question
(``answer_field_name``), a Likert matrix one key per statement; values are ints for
scales, yes/no (1/0) and single choice (the option's number, 1-based), a list of
option numbers for multiple choice, a string for texts and a ``date`` for dates.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import partial

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models.feedback import (
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    FeedbackQuestion,
    FeedbackSubmission,
)
from courses.models.pages import CoursePage, LessonPage
from courses.tasks import notify_feedback_submission
from home.audiences import can_view_page
from portal.accounts.models import Profile

LIKERT_VALUES = range(1, 6)
RATING_VALUES = range(0, 11)
YES_NO_VALUES = (0, 1)
MAX_PAGE_ID = 2**31 - 1


class FormState:
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    LOGIN_REQUIRED = "login_required"
    ALREADY_SUBMITTED = "already_submitted"


class FeedbackError(Exception):
    """A rule refused the submission; ``message`` is shown to the respondent."""

    def __init__(self, message: str, state: str = ""):
        super().__init__(message)
        self.message = message
        self.state = state


class FeedbackPageRestricted(Exception):
    """The user may not see the page (a view restriction): answer as the page
    would, i.e. a login page for anonymous visitors and 403 for signed-in users."""


def answer_field_name(question_id: int, row: int = 0) -> str:
    """The form field (and ``cleaned_data`` key) of a question, or of one statement
    of a Likert matrix."""
    return f"q{question_id}_{row}" if row else f"q{question_id}"


def state_message(form: FeedbackForm, state: str) -> str:
    """What to tell a respondent who cannot fill in ``form`` now."""
    if state == FormState.NOT_YET_OPEN:
        opens = timezone.localtime(form.opens_at).strftime("%Y-%m-%d %H:%M")
        return _("此反馈表尚未开放，将于 %(time)s 开始填写。") % {"time": opens}
    if state == FormState.CLOSED:
        closes = timezone.localtime(form.closes_at).strftime("%Y-%m-%d %H:%M")
        return _("此反馈表已于 %(time)s 截止，感谢您的关注。") % {"time": closes}
    if state == FormState.LOGIN_REQUIRED:
        return _("此反馈表需要登录后填写。")
    if state == FormState.ALREADY_SUBMITTED:
        return _("您已经提交过这份反馈，每人只能提交一次。感谢您的参与！")
    return ""


def feedback_page_for(page_id, user) -> Page:
    """The live page ``page_id`` with its feedback form (questions prefetched), as
    ``user`` may see it.

    Raises Http404 when there is no such live page or it carries no form, and
    ``FeedbackPageRestricted`` when a view restriction keeps ``user`` out.
    """
    if not isinstance(page_id, int) or not 0 < page_id <= MAX_PAGE_ID:
        raise Http404
    page = Page.objects.live().filter(pk=page_id).specific().first()
    if page is None or getattr(page, "feedback_form_id", None) is None:
        raise Http404
    if not can_view_page(page, user):
        raise FeedbackPageRestricted
    form = page.feedback_form
    prefetch_related_objects(
        [form],
        Prefetch("questions", queryset=FeedbackQuestion.objects.order_by("sort_order")),
    )
    return page


def submission_for_token(form: FeedbackForm, token) -> FeedbackSubmission | None:
    """The submission already stored with ``token`` (a UUID or its text), if any."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return FeedbackSubmission.objects.filter(form=form, token=token).first()


def form_questions(form: FeedbackForm) -> list[FeedbackQuestion]:
    """The form's questions and headings in order (from the prefetch when there is
    one)."""
    return sorted(form.questions.all(), key=lambda q: (q.sort_order or 0, q.pk))


def form_state(
    form: FeedbackForm, page: Page, user, now: datetime | None = None
) -> str:
    """Whether ``user`` may fill in ``form`` on ``page`` at ``now`` (a ``FormState``).

    Dates come first (nobody may answer a closed form), then login, then the one
    submission per user and page rule.
    """
    now = now or timezone.now()
    if form.opens_at and now < form.opens_at:
        return FormState.NOT_YET_OPEN
    if form.closes_at and now >= form.closes_at:
        return FormState.CLOSED
    if not user.is_authenticated:
        return FormState.OPEN if form.allow_anonymous else FormState.LOGIN_REQUIRED
    # By respondent, not once_key: submissions stored before the editor turned
    # one_per_user on have no once_key but still count.
    if (
        form.one_per_user
        and FeedbackSubmission.objects.filter(
            form=form, page=page, respondent=user
        ).exists()
    ):
        return FormState.ALREADY_SUBMITTED
    return FormState.OPEN


def _course_and_trainer(page: Page) -> tuple[int | None, int | None]:
    """The course a page belongs to (itself, or a lesson's parent course) and that
    course's trainer now, as ids."""
    if isinstance(page, CoursePage):
        return page.pk, page.trainer_id
    if isinstance(page, LessonPage):
        found = (
            CoursePage.objects.ancestor_of(page).values_list("pk", "trainer_id").first()
        )
        if found is not None:
            return found
    return None, None


def _check_choice(value, allowed: Iterable[int], question: FeedbackQuestion) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
        raise FeedbackError(
            _("“%(question)s”的答案无效。") % {"question": question.text}
        )
    return value


def _answer_rows(
    questions: list[FeedbackQuestion], cleaned_data: Mapping
) -> list[FeedbackAnswer]:
    """Typed answer rows for ``cleaned_data`` (see the storage rule); unanswered
    optional questions store nothing, unanswered required ones are refused."""
    rows: list[FeedbackAnswer] = []
    missing: list[str] = []

    def add(question, row=0, *, int_value=None, text_value="", date_value=None):
        rows.append(
            FeedbackAnswer(
                question=question,
                question_key=question.key,
                row=row,
                int_value=int_value,
                text_value=text_value,
                date_value=date_value,
            )
        )

    for question in questions:
        kind = question.kind
        if kind == FeedbackKind.SECTION:
            continue
        if kind == FeedbackKind.LIKERT_MATRIX:
            for row in range(1, len(question.option_list) + 1):
                value = cleaned_data.get(answer_field_name(question.pk, row))
                if value is None:
                    if question.required:
                        missing.append(question.text)
                    continue
                add(
                    question,
                    row,
                    int_value=_check_choice(value, LIKERT_VALUES, question),
                )
            continue
        value = cleaned_data.get(answer_field_name(question.pk))
        if value in (None, "", [], ()):
            if question.required:
                missing.append(question.text)
            continue
        options = question.option_list
        if kind == FeedbackKind.LIKERT:
            add(question, int_value=_check_choice(value, LIKERT_VALUES, question))
        elif kind == FeedbackKind.RATING:
            add(question, int_value=_check_choice(value, RATING_VALUES, question))
        elif kind == FeedbackKind.YES_NO:
            if isinstance(value, bool):
                value = int(value)
            add(question, int_value=_check_choice(value, YES_NO_VALUES, question))
        elif kind == FeedbackKind.SINGLE:
            number = _check_choice(value, range(1, len(options) + 1), question)
            add(question, int_value=number, text_value=options[number - 1])
        elif kind == FeedbackKind.MULTIPLE:
            allowed = range(1, len(options) + 1)
            for number in sorted({_check_choice(v, allowed, question) for v in value}):
                add(question, number, int_value=number, text_value=options[number - 1])
        elif kind in (FeedbackKind.SHORT_TEXT, FeedbackKind.LONG_TEXT):
            if not isinstance(value, str):
                raise FeedbackError(
                    _("“%(question)s”的答案无效。") % {"question": question.text}
                )
            add(question, text_value=value)
        elif kind == FeedbackKind.DATE:
            if not isinstance(value, date):
                raise FeedbackError(
                    _("“%(question)s”的答案无效。") % {"question": question.text}
                )
            add(question, date_value=value)
    if missing:
        raise FeedbackError(
            _("请回答所有必答题（%(questions)s）。")
            % {"questions": "、".join(missing[:3])}
        )
    return rows


def _respondent_details(user) -> tuple[str, int | None, str]:
    """Name, organisation id and organisation name of a signed-in respondent, as
    they stand now (kept on the submission)."""
    profile = Profile.objects.filter(user=user).select_related("organisation").first()
    name = (profile.display_name if profile else "") or user.get_full_name()
    organisation = profile.organisation if profile else None
    return (
        (name or user.get_username())[:60],
        organisation.pk if organisation else None,
        organisation.name[:120] if organisation else "",
    )


def submit_feedback(
    *,
    form: FeedbackForm,
    page: Page,
    user,
    cleaned_data: Mapping,
    token: uuid.UUID,
    respondent_name: str = "",
    organisation_name: str = "",
    now: datetime | None = None,
    questions: list[FeedbackQuestion] | None = None,
) -> FeedbackSubmission:
    """Store one filled-in form and queue the notification e-mail.

    Idempotent per ``token``: a second call with the same token (double click,
    refreshed POST, a parallel request) returns the first submission. Raises
    ``FeedbackError`` when the form is closed, needs a login, was already answered by
    this user on this page, or the answers are invalid. ``page`` is the specific page.
    A signed-in respondent's name and organisation come from their profile; the
    typed ``respondent_name`` and ``organisation_name`` are for anonymous ones.
    """
    now = now or timezone.now()
    user = user if user is not None else AnonymousUser()
    authenticated = user.is_authenticated
    questions = form_questions(form) if questions is None else questions
    with transaction.atomic():
        existing = FeedbackSubmission.objects.filter(form=form, token=token).first()
        if existing is not None:
            return existing
        state = form_state(form, page, user, now)
        if state != FormState.OPEN:
            raise FeedbackError(state_message(form, state), state)
        answers = _answer_rows(questions, cleaned_data)

        if authenticated:
            default_name, organisation_id, default_organisation = _respondent_details(
                user
            )
            respondent_name = default_name
            organisation_name = default_organisation
        else:
            organisation_id = None
        course_id, trainer_id = _course_and_trainer(page)
        try:
            with transaction.atomic():
                submission = FeedbackSubmission.objects.create(
                    form=form,
                    page=page,
                    course_id=course_id,
                    trainer_id=trainer_id,
                    respondent=user if authenticated else None,
                    respondent_name=(respondent_name or "").strip()[:60],
                    organisation_id=organisation_id,
                    organisation_name=(organisation_name or "").strip()[:120],
                    submitted_at=now,
                    token=token,
                    once_key=user.pk if authenticated and form.one_per_user else None,
                )
        except IntegrityError:
            existing = FeedbackSubmission.objects.filter(form=form, token=token).first()
            if existing is not None:
                return existing
            raise FeedbackError(
                state_message(form, FormState.ALREADY_SUBMITTED),
                FormState.ALREADY_SUBMITTED,
            ) from None
        for answer in answers:
            answer.submission = submission
        FeedbackAnswer.objects.bulk_create(answers)
        if form.notify_address_list:
            transaction.on_commit(
                partial(notify_feedback_submission.enqueue, submission.pk)
            )
    return submission
