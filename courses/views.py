"""Learner-facing quiz endpoints: start an attempt from a lesson or course page, take
it (one page; 保存 and 交卷 post to the same URL, script autosaves to ``.../save/``),
and read the result.

Views parse the request and call ``courses.services.quizzes`` (writes) or
``courses.selectors.quizzes`` (reads). Every response here is ``private, no-store``:
an attempt is one learner's data. A learner only ever reaches their own attempts;
anyone else's attempt id answers 404, as a missing one does.
"""

from dataclasses import replace
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from courses.forms import AttemptControlForm
from courses.models.quizzes import (
    CHOICE_KINDS,
    CloseReason,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
)
from courses.selectors.quizzes import (
    QuestionView,
    attempt_questions,
    attempt_review,
    review_allowed,
)
from courses.services.quizzes import (
    MAX_FILL_LENGTH,
    MAX_SHORT_ANSWER_LENGTH,
    SUBMIT_GRACE,
    AttemptClosed,
    InvalidAnswers,
    NotEligible,
    StaleRevision,
    close_expired_attempts,
    quiz_attempt_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_eligibility,
)
from home.audiences import can_view_page


def _int_or_none(value) -> int | None:
    if (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) < 10
    ):
        return int(value)
    return None


def _quiz_page(page_id, quiz_id: int) -> Page | None:
    """The live page ``page_id`` if it really carries quiz ``quiz_id``."""
    page_id = _int_or_none(page_id)
    if page_id is None:
        return None
    page = Page.objects.live().filter(pk=page_id).specific().first()
    if page is None or getattr(page, "quiz_id", None) != quiz_id:
        return None
    return page


def _own_attempt(request, attempt_id: int) -> QuizAttempt:
    return get_object_or_404(
        QuizAttempt.objects.select_related("quiz", "page"),
        pk=attempt_id,
        user=request.user,
    )


def _close_if_expired(attempt: QuizAttempt, now: datetime) -> bool:
    """Close ``attempt`` if its time (plus the grace period) is up: graded on what
    was saved. Returns whether it was closed now."""
    if not attempt.is_open or attempt.deadline is None:
        return False
    if attempt.deadline >= now - SUBMIT_GRACE:
        return False
    close_expired_attempts(quiz=attempt.quiz, user=attempt.user_id, now=now)
    attempt.refresh_from_db()
    return not attempt.is_open


def _result_redirect(attempt: QuizAttempt):
    return redirect("courses:attempt_result", attempt_id=attempt.pk)


def _attempt_redirect(attempt: QuizAttempt):
    return redirect("courses:attempt", attempt_id=attempt.pk)


def _page_url(request, page) -> str:
    return (page.get_url(request) if page is not None else None) or "/"


@never_cache
@require_POST
def quiz_start(request, quiz_id: int):
    """Start (or resume) an attempt at the quiz of the page posted as ``page_id``."""
    page = _quiz_page(request.POST.get("page_id"), quiz_id)
    if not request.user.is_authenticated:
        return redirect_to_login(_page_url(request, page))
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    if page is None or not can_view_page(page, request.user):
        raise Http404
    try:
        attempt = quiz_attempt_start(quiz=quiz, user=request.user, page=page)
    except NotEligible as exc:
        messages.error(request, exc.message)
        return redirect(_page_url(request, page) + "#quiz")
    return _attempt_redirect(attempt)


def _with_posted(question: QuestionView, data) -> QuestionView:
    """``question`` showing the values just posted instead of the saved ones."""
    values = data.getlist(f"a{question.position}")
    if question.kind in CHOICE_KINDS:
        chosen = set(values)
        choices = [
            replace(choice, selected=str(choice.index) in chosen)
            for choice in question.choices
        ]
        return replace(
            question,
            choices=choices,
            answered=any(choice.selected for choice in choices),
        )
    text = values[0] if values else ""
    return replace(question, text_answer=text, answered=bool(text.strip()))


def _render_attempt(
    request,
    attempt: QuizAttempt,
    *,
    errors: dict[int, str] | None = None,
    posted=None,
    form_error: str = "",
    status: int = 200,
):
    errors = errors or {}
    questions = attempt_questions(attempt=attempt)
    if posted is not None:
        # Re-show what was posted where it was valid, the saved answer where not:
        # nothing was saved, but the learner keeps what they typed.
        questions = [
            q if q.position in errors else _with_posted(q, posted) for q in questions
        ]
    remaining = None
    if attempt.deadline is not None:
        remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    items = [{"question": q, "error": errors.get(q.position, "")} for q in questions]
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "page": attempt.page,
        "items": items,
        "total": len(questions),
        "answered": sum(1 for q in questions if q.answered),
        "remaining_seconds": remaining,
        "remaining_display": _clock(remaining),
        "errors": [(position, errors[position]) for position in sorted(errors)],
        "form_error": form_error,
        "kinds": QuestionKind,
        "max_fill_length": MAX_FILL_LENGTH,
        "max_short_answer_length": MAX_SHORT_ANSWER_LENGTH,
    }
    return render(request, "courses/quiz/attempt.html", context, status=status)


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def _closed_message(attempt: QuizAttempt) -> str:
    if attempt.close_reason in (CloseReason.TIMED_OUT, CloseReason.QUIZ_CLOSED):
        return _("作答时间已到，答卷已按保存的答案提交。")
    return _("本次作答已经提交过了。")


@never_cache
@require_http_methods(["GET", "POST"])
def attempt_take(request, attempt_id: int):
    """GET: the attempt's questions in one form. POST ``action=save``: save and come
    back (PRG); ``action=submit``: grade and go to the result."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attempt = _own_attempt(request, attempt_id)
    if _close_if_expired(attempt, timezone.now()):
        messages.warning(request, _closed_message(attempt))
        return _result_redirect(attempt)
    if not attempt.is_open:
        if request.method == "POST":
            messages.info(request, _closed_message(attempt))
        return _result_redirect(attempt)
    if request.method == "GET":
        return _render_attempt(request, attempt)

    form = AttemptControlForm(request.POST)
    if not form.is_valid():
        return _render_attempt(
            request, attempt, form_error=form.first_error(), status=400
        )
    revision = form.cleaned_data["revision"]
    try:
        if form.cleaned_data["action"] == AttemptControlForm.SUBMIT:
            attempt = quiz_attempt_submit(
                attempt=attempt, data=request.POST, revision=revision
            )
            if attempt.close_reason == CloseReason.SUBMITTED:
                messages.success(request, _("已交卷。"))
            else:
                messages.warning(request, _closed_message(attempt))
            return _result_redirect(attempt)
        quiz_attempt_save(attempt=attempt, data=request.POST, revision=revision)
    except AttemptClosed:
        _close_if_expired(attempt, timezone.now())
        attempt.refresh_from_db()
        messages.info(request, _closed_message(attempt))
        return _result_redirect(attempt)
    except StaleRevision as exc:
        messages.warning(request, exc.message)
        return _attempt_redirect(attempt)
    except InvalidAnswers as exc:
        return _render_attempt(
            request,
            attempt,
            errors=exc.errors,
            posted=request.POST,
            form_error=exc.message,
            status=400,
        )
    messages.success(request, _("已保存"))
    return _attempt_redirect(attempt)


def _answered_count(attempt: QuizAttempt) -> int:
    rows = QuizAnswer.objects.filter(attempt=attempt).values_list(
        "selected_choices", "text_answer"
    )
    return sum(1 for selected, text in rows if selected or text.strip())


@never_cache
@require_POST
def attempt_save(request, attempt_id: int):
    """Autosave (quiz.js): the whole form, answered with JSON ``{revision, saved_at,
    answered}``; 409 when the answers changed elsewhere, 410 once the attempt is
    closed, 400 for malformed answers (nothing saved)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": _("登录已失效，请重新登录后继续作答。")}, status=401
        )
    attempt = (
        QuizAttempt.objects.select_related("quiz")
        .filter(pk=attempt_id, user=request.user)
        .first()
    )
    if attempt is None:
        return JsonResponse({"error": _("找不到这次作答。")}, status=404)

    def closed():
        return JsonResponse(
            {
                "error": _closed_message(attempt),
                "result_url": reverse("courses:attempt_result", args=[attempt.pk]),
            },
            status=410,
        )

    now = timezone.now()
    if _close_if_expired(attempt, now) or not attempt.is_open:
        return closed()
    form = AttemptControlForm(request.POST, require_action=False)
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=400)
    try:
        attempt = quiz_attempt_save(
            attempt=attempt, data=request.POST, revision=form.cleaned_data["revision"]
        )
    except AttemptClosed:
        _close_if_expired(attempt, timezone.now())
        attempt.refresh_from_db()
        return closed()
    except StaleRevision as exc:
        return JsonResponse({"error": exc.message}, status=409)
    except InvalidAnswers as exc:
        return JsonResponse(
            {
                "error": exc.message,
                "errors": {
                    str(position): message for position, message in exc.errors.items()
                },
            },
            status=400,
        )
    return JsonResponse(
        {
            "revision": attempt.revision,
            "saved_at": timezone.localtime(now).isoformat(timespec="seconds"),
            "answered": _answered_count(attempt),
        }
    )


def _retake_page(request, attempt: QuizAttempt):
    """The page a new attempt can be started from: the attempt's page, if it is
    live, still carries the quiz and the learner may view it."""
    if attempt.page is None or not attempt.page.live:
        return None
    page = attempt.page.specific
    if getattr(page, "quiz_id", None) != attempt.quiz_id:
        return None
    return page if can_view_page(page, request.user) else None


@never_cache
@require_GET
def attempt_result(request, attempt_id: int):
    """Score, grade band, time used, review (when the quiz allows it), attempts left
    and when the next attempt opens."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attempt = _own_attempt(request, attempt_id)
    _close_if_expired(attempt, timezone.now())
    if attempt.is_open:
        return _attempt_redirect(attempt)
    quiz = attempt.quiz
    eligibility = quiz_eligibility(quiz=quiz, user=request.user)
    page = _retake_page(request, attempt)
    time_used = None
    if attempt.submitted_at:
        seconds = max(
            int((attempt.submitted_at - attempt.started_at).total_seconds()), 0
        )
        time_used = divmod(seconds, 60)
    allowed = review_allowed(attempt=attempt)
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "page": page,
        "back_page": page or attempt.page,
        "eligibility": eligibility,
        "time_used": time_used,
        "review_allowed": allowed,
        "review": attempt_review(attempt=attempt) if allowed else None,
        "kinds": QuestionKind,
    }
    return render(request, "courses/quiz/result.html", context)
