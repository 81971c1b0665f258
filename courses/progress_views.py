"""Learner progress endpoints: enrol on a course, mark a lesson complete (the
explicit "完成本课" button), and record the reading position from script.

Views parse the request and call ``courses.services.progress``. POST only, CSRF
protected (Django's middleware); anonymous visitors are sent to sign in and come back
to the page. A page that does not exist, is not live or that the learner may not
open answers 404. A learner only ever writes their own progress: the user comes from
the session, never from the request data. Repeating a POST is harmless (the services
are idempotent).
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from courses.models import CoursePage, LessonPage
from courses.models.progress import EnrollmentStatus
from courses.services.progress import (
    NotAllowed,
    course_enroll,
    lesson_course,
    lesson_mark_complete,
    lesson_progress_record,
    may_study,
)


def _page_or_404(model, page_id: int, user):
    page = model.objects.live().filter(pk=page_id).first()
    if page is None:
        raise Http404
    if user.is_authenticated and not may_study(user=user, page=page):
        raise Http404
    return page


@never_cache
@require_POST
def course_enroll_view(request, course_id: int):
    course = _page_or_404(CoursePage, course_id, request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    try:
        enrollment = course_enroll(user=request.user, course=course)
    except NotAllowed:
        raise Http404 from None
    if enrollment.status == EnrollmentStatus.COMPLETED:
        messages.info(request, _("您已完成本课程。"))
    else:
        messages.success(
            request, _("已报名《%(title)s》，开始学习吧。") % {"title": course.title}
        )
    return redirect(course.url)


@never_cache
@require_POST
def lesson_complete_view(request, lesson_id: int):
    lesson = _page_or_404(LessonPage, lesson_id, request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.url)
    course = lesson_course(lesson)
    was_completed = bool(
        course
        and course.enrollments.filter(
            user=request.user, is_current=True, status=EnrollmentStatus.COMPLETED
        ).exists()
    )
    try:
        lesson_mark_complete(user=request.user, lesson=lesson)
    except NotAllowed:
        raise Http404 from None
    now_completed = bool(
        course
        and course.enrollments.filter(
            user=request.user, is_current=True, status=EnrollmentStatus.COMPLETED
        ).exists()
    )
    if now_completed and not was_completed:
        messages.success(
            request, _("恭喜！您已完成课程《%(title)s》。") % {"title": course.title}
        )
    else:
        messages.success(request, _("已完成本课。"))
    return redirect(_safe_next(request) or lesson.url)


def _safe_next(request) -> str | None:
    """``next`` from the form (e.g. the article a "docs as courses" lesson points
    at), only if it stays on this site: never an open redirect."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _bounded_int(value, upper: int) -> int | None:
    if (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) < 7
    ):
        return min(int(value), upper)
    return None


@never_cache
@require_POST
def lesson_position_view(request, lesson_id: int):
    """Script endpoint: ``position`` (0-100) and ``seconds`` since the last call.
    Answers JSON; 403 JSON when signed out (script cannot follow a login page)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("请先登录。")}, status=403)
    lesson = _page_or_404(LessonPage, lesson_id, request.user)
    position = _bounded_int(request.POST.get("position"), 100)
    seconds = _bounded_int(request.POST.get("seconds"), 3600)
    if position is None and seconds is None:
        return JsonResponse({"error": _("参数无效。")}, status=400)
    try:
        row = lesson_progress_record(
            user=request.user, lesson=lesson, position=position, seconds=seconds
        )
    except NotAllowed:
        raise Http404 from None
    return JsonResponse(
        {
            "position": row.last_position,
            "seconds": row.time_spent_seconds,
            "completed": row.completed_at is not None,
        }
    )
