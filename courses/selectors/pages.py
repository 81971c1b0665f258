"""Reads for the course pages, each in a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from wagtail.models import Page

from courses.models import CoursePage, CoursePageTag, LessonPage
from courses.models.pages import Audience, Level
from home.audiences import visible_pages
from home.selectors import with_tag_lists


def _live_lesson_count():
    """A subquery counting a course's live child lessons (tree children by path)."""
    children = (
        LessonPage.objects.live()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
        .order_by()
        .values("depth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(children, output_field=IntegerField())


def course_catalogue(*, index, user, params) -> dict:
    """The courses under ``index`` the user may see, filtered by audience, level and
    tag."""
    courses = (
        visible_pages(CoursePage.objects.child_of(index).live(), user)
        .select_related("cover_image", "trainer")
        .prefetch_related("cover_image__renditions")
        .annotate(lesson_count=_live_lesson_count())
        .order_by("path")
    )
    audience = params.get("audience")
    if audience in Audience.values:
        courses = courses.filter(audience__in=[audience, Audience.ALL])
    level = params.get("level")
    if level in Level.values:
        courses = courses.filter(level=level)
    tag = (params.get("tag") or "").strip()[:100]
    if tag:
        courses = courses.filter(tags__name=tag)
    return {
        "courses": with_tag_lists(courses, CoursePageTag),
        "audiences": Audience.choices,
        "levels": Level.choices,
        "selected": {"audience": audience, "level": level, "tag": tag},
    }


def course_lessons(*, course, user) -> list:
    """The course's live lessons in order."""
    return list(
        visible_pages(LessonPage.objects.child_of(course).live(), user)
        .only(
            "pk",
            "title",
            "slug",
            "url_path",
            "path",
            "depth",
            "estimated_minutes",
            "summary",
        )
        .order_by("path")
    )


def lesson_navigation(*, lesson, user) -> dict:
    """The lesson's course, its siblings, previous and next lesson, and materials."""
    course = CoursePage.objects.filter(path=lesson.path[: -Page.steplen]).first()
    lessons = course_lessons(course=course, user=user) if course else []
    position = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
    previous = lessons[position - 1] if position else None
    following = (
        lessons[position + 1]
        if position is not None and position + 1 < len(lessons)
        else None
    )
    materials = list(lesson.materials.select_related("document"))
    return {
        "course": course,
        "lessons": lessons,
        "lesson_number": (position + 1) if position is not None else None,
        "previous": previous,
        "next": following,
        "materials": materials,
    }
