"""Courses with lessons and learners for progress tests."""

from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from courses.models import CoursePage
from home.models import HomePage
from tests.factories.pages import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)


def make_course(*, lessons: int = 3, **fields) -> tuple[CoursePage, list]:
    """A live course under a new course index with ``lessons`` live lessons.

    ``fields`` are CoursePage fields (``quiz``, ``completion_requires_exam``,
    ``completion_min_score``...).
    """
    index = CourseIndexPageFactory(parent=HomePage.objects.get())
    course = CoursePageFactory(parent=index, **fields)
    return course, [LessonPageFactory(parent=course) for _ in range(lessons)]


def make_learner(username: str = "learner"):
    return get_user_model().objects.create_user(username, password="x")


def restrict_to_groups(page, *groups) -> PageViewRestriction:
    """A Wagtail view restriction: only members of ``groups`` may open ``page``."""
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(groups)
    return restriction
