"""Template tags of "docs as courses": a help article or handbook chapter that a
course lesson points at (``LessonPage.study_page``) is study material.

``home`` templates load this library by name (``{% load study %}``), so ``home``
never imports ``courses``. Both tags only read (``courses.services.progress``
decides completion, through the lesson's existing "完成本课" endpoint).

- ``{% study_panel page %}`` on an article or chapter: for a signed-in learner with
  a current enrolment on a course whose live lesson points at this page, the panel
  "本文是课程《X》的学习内容" with a 完成阅读 button (back to this page) or 已完成.
  Anonymous visitors get nothing and cost no query, so the anonymous page cache
  never stores per-user HTML; a signed-in learner costs at most three queries.
- ``{% study_material lesson as material %}`` on a lesson: the article it points
  at (specific, live, and one the user may view), or None.
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page

from courses.models import Enrollment, LessonPage, LessonProgress
from courses.models.progress import EnrollmentStatus
from courses.services.progress import may_study
from home.audiences import can_view_page

register = template.Library()


def _study_lessons(*, user, page) -> list[dict]:
    """The live lessons pointing at ``page`` on courses ``user`` is enrolled on,
    each with its course and whether it is complete in the current cycle."""
    lessons = [
        lesson
        for lesson in LessonPage.objects.live().filter(study_page_id=page.pk)
        if may_study(user=user, page=lesson)
    ]
    if not lessons:
        return []
    course_paths = {lesson.path[: -LessonPage.steplen] for lesson in lessons}
    enrollments = {
        enrollment.course.path: enrollment
        for enrollment in Enrollment.objects.filter(
            user=user, is_current=True, course__path__in=course_paths, course__live=True
        )
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .select_related("course")
    }
    lessons = [
        lesson
        for lesson in lessons
        if lesson.path[: -LessonPage.steplen] in enrollments
    ]
    if not lessons:
        return []
    completed = {
        row.lesson_id: row.completed_at
        for row in LessonProgress.objects.filter(
            user=user, lesson__in=lessons, completed_at__isnull=False
        ).only("lesson_id", "completed_at")
    }
    items = []
    for lesson in lessons:
        enrollment = enrollments[lesson.path[: -LessonPage.steplen]]
        done_at = completed.get(lesson.pk)
        since = enrollment.progress_since
        items.append(
            {
                "lesson": lesson,
                "course": enrollment.course,
                "done": done_at is not None and (since is None or done_at >= since),
            }
        )
    return items


@register.inclusion_tag("courses/includes/study_panel.html", takes_context=True)
def study_panel(context, page):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"items": []}
    return {
        "items": _study_lessons(user=user, page=page),
        "page": page,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def study_material(context, lesson):
    if not lesson.study_page_id:
        return None
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    material = Page.objects.live().filter(pk=lesson.study_page_id).first()
    if material is None or not can_view_page(material, user):
        return None
    return material.specific
