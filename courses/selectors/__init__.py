"""Reads of the learning domain, each in a fixed number of queries."""

from courses.selectors.pages import (
    course_catalogue,
    course_lessons,
    lesson_navigation,
)

__all__ = ["course_catalogue", "course_lessons", "lesson_navigation"]
