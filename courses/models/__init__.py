"""Learning models; one module per sub-domain, re-exported here."""

from courses.models.pages import (
    CourseIndexPage,
    CoursePage,
    CoursePageTag,
    LessonMaterial,
    LessonPage,
)

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "CoursePageTag",
    "LessonMaterial",
    "LessonPage",
]
