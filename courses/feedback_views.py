"""Filling in the feedback form of a page: ``/feedback/<page_id>/`` and its thank-you
page.

The view parses the request; the rules (dates, login, one per user, storage) live in
``courses.services.feedback``. Responses are never cached: the form carries a CSRF
token and a submission token, and its state depends on the visitor. A page the
visitor may not see answers as the page itself would (login for anonymous visitors,
403 for signed-in users); a page without a form, 404. POSTs are rate-limited per
client address (per account when signed in, so a class filling the form in from one
office network is not blocked); a filled-in honeypot looks like success and stores
nothing.
"""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from courses.feedback_forms import (
    HONEYPOT_FIELD,
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    FeedbackResponseForm,
)
from courses.services.feedback import (
    FeedbackError,
    FeedbackPageRestricted,
    FormState,
    feedback_page_for,
    form_questions,
    form_state,
    state_message,
    submission_for_token,
    submit_feedback,
)
from home.views import permission_denied
from portal.ratelimit import client_ip, hit

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = (10, 600)


class _Redirect303(HttpResponseRedirect):
    """POST → GET redirect (See Other), so a refresh never posts again."""

    status_code = 303


def _thanks_url(page) -> str:
    return reverse("feedback:thanks", args=[page.pk])


def _page_url(request, page) -> str:
    return page.get_url(request) or "/"


def _rate_limited(request) -> bool:
    """Count this POST; True once the visitor is over FEEDBACK_RATE_LIMIT."""
    limit, window = getattr(settings, "FEEDBACK_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    if request.user.is_authenticated:
        identity = f"user:{request.user.pk}"
    else:
        identity = f"ip:{client_ip(request)}"
    return not hit("feedback", identity, limit=limit, window=window)


def _too_many(request):
    _limit, window = getattr(settings, "FEEDBACK_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(window)
    return response


def _restricted(request):
    """What the page itself answers to a visitor who fails its view restriction."""
    if request.user.is_authenticated:
        return permission_denied(request)
    return redirect_to_login(request.get_full_path())


def _unavailable(request, page, message: str, state: str):
    return render(
        request,
        "courses/feedback/unavailable.html",
        {
            "page": page,
            "feedback_form": page.feedback_form,
            "message": message,
            "state": state,
            "back_url": _page_url(request, page),
        },
    )


def _render_form(request, page, form: FeedbackResponseForm, token: str):
    items = form.items()
    return render(
        request,
        "courses/feedback/form.html",
        {
            "page": page,
            "feedback_form": page.feedback_form,
            "form": form,
            "items": items,
            "error_summary": form.error_summary(items) if form.is_bound else [],
            "non_field_errors": _non_field_errors(form),
            "token": token,
            "honeypot_field": HONEYPOT_FIELD,
            "back_url": _page_url(request, page),
            "short_text_max": SHORT_TEXT_MAX,
            "long_text_max": LONG_TEXT_MAX,
        },
    )


def _non_field_errors(form: FeedbackResponseForm) -> list[str]:
    if not form.is_bound:
        return []
    errors = [str(e) for e in form.non_field_errors()]
    errors += [str(e) for e in form.errors.get("token", [])]
    return errors


def _valid_token(value) -> str:
    """The posted token if it is a UUID, else a fresh one."""
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return str(uuid.uuid4())


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_respond(request, page_id: int):
    """GET: the form (with a fresh token). POST: store it and redirect (303) to the
    thank-you page, or show the form again with errors and what was typed."""
    if request.method == "POST" and _rate_limited(request):
        return _too_many(request)
    try:
        page = feedback_page_for(page_id, request.user)
    except FeedbackPageRestricted:
        return _restricted(request)
    feedback_form = page.feedback_form
    state = form_state(feedback_form, page, request.user)
    if state == FormState.LOGIN_REQUIRED:
        return redirect_to_login(request.get_full_path())
    if state != FormState.OPEN:
        if request.method == "POST" and submission_for_token(
            feedback_form, request.POST.get("token", "")
        ):
            # The second click of a double click, or a refreshed POST: it worked.
            return _Redirect303(_thanks_url(page))
        return _unavailable(request, page, state_message(feedback_form, state), state)

    questions = form_questions(feedback_form)
    anonymous = not request.user.is_authenticated
    if request.method == "GET":
        form = FeedbackResponseForm(
            feedback_form=feedback_form, questions=questions, anonymous=anonymous
        )
        return _render_form(request, page, form, str(uuid.uuid4()))

    form = FeedbackResponseForm(
        request.POST,
        feedback_form=feedback_form,
        questions=questions,
        anonymous=anonymous,
    )
    if form.caught_in_honeypot:
        logger.info(
            "Feedback for page %s caught in the honeypot from %s",
            page.pk,
            client_ip(request),
        )
        return _Redirect303(_thanks_url(page))
    if not form.is_valid():
        return _render_form(
            request, page, form, _valid_token(request.POST.get("token"))
        )
    data = form.cleaned_data
    try:
        submit_feedback(
            form=feedback_form,
            page=page,
            user=request.user,
            cleaned_data=data,
            token=data["token"],
            respondent_name=data.get("respondent_name", ""),
            organisation_name=data.get("organisation_name", ""),
            questions=questions,
        )
    except FeedbackError as error:
        if error.state:
            return _unavailable(request, page, error.message, error.state)
        form.add_error(None, error.message)
        return _render_form(
            request, page, form, _valid_token(request.POST.get("token"))
        )
    return _Redirect303(_thanks_url(page))


@never_cache
@require_GET
def feedback_thanks(request, page_id: int):
    """The form's thank-you text and a way back to the page."""
    try:
        page = feedback_page_for(page_id, request.user)
    except FeedbackPageRestricted:
        return _restricted(request)
    return render(
        request,
        "courses/feedback/thanks.html",
        {
            "page": page,
            "feedback_form": page.feedback_form,
            "back_url": _page_url(request, page),
        },
    )
