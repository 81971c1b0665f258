"""Learning paths for the path tests: a live path under a new course index whose
stages hold fresh courses (with lessons) and/or practical tasks."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import LessonPage, LessonProgress
from courses.models.paths import LearningPath, LearningPathStage
from home.models import HomePage
from tests.factories.pages import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)


def make_path(*stages, title: str = "新员工入职培训", index=None) -> LearningPath:
    """``stages``: dicts with ``courses`` (number of new courses, or a list of
    courses), ``lessons`` (per new course, default 1) and ``task`` (task title)."""
    index = index or CourseIndexPageFactory(parent=HomePage.objects.get())
    path = LearningPath(title=title, slug=f"path-{LearningPath.objects.count()}")
    path.summary = "七个阶段"
    index.add_child(instance=path)
    for number, spec in enumerate(stages):
        courses = spec.get("courses", 0)
        if isinstance(courses, int):
            courses = [
                make_course(index, lessons=spec.get("lessons", 1))
                for _ in range(courses)
            ]
        stage = LearningPathStage(
            path=path,
            sort_order=number,
            title=spec.get("title", f"阶段{number + 1}"),
            task_title=spec.get("task", ""),
        )
        stage.save()
        stage.courses.set(courses)
        stage.save()
    return path


def make_course(index, *, lessons: int = 1):
    course = CoursePageFactory(parent=index)
    for _ in range(lessons):
        LessonPageFactory(parent=course)
    return course


def stages_of(path) -> list[LearningPathStage]:
    return list(path.stages.order_by("sort_order"))


def courses_of(stage) -> list:
    return list(stage.courses.order_by("path"))


def finish_course(user, course) -> None:
    """The learner completes every lesson of ``course`` through the service."""
    from courses.services.progress import lesson_mark_complete

    for lesson in LessonPage.objects.child_of(course).live():
        lesson_mark_complete(user=user, lesson=lesson)


def finish_lessons_quietly(user, course) -> None:
    """Lesson rows completed directly (no enrolment, no evaluation)."""
    now = timezone.now()
    for lesson in LessonPage.objects.child_of(course):
        LessonProgress.objects.create(
            user=user, lesson=lesson, started_at=now, completed_at=now
        )


def user_in(username: str, *groups: str):
    user = get_user_model().objects.create_user(username, password="pw-for-tests")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user
