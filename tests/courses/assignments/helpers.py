"""Builders shared by the assignment tests: learners with a joining date, profile
and e-mail; assignments created straight through the ORM."""

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Assignment, LessonProgress
from portal.accounts.models import Profile


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """An aware local (Asia/Shanghai) moment on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def learner(username, *, joined: date | None = None, email=True, name="", org=None):
    user = get_user_model().objects.create_user(
        username,
        password="x",
        email=f"{username}@example.com" if email else "",
    )
    if joined is not None:
        user.date_joined = local(joined)
        user.save(update_fields=["date_joined"])
    if name or org:
        Profile.objects.create(
            user=user, display_name=name or username, organisation=org
        )
    return user


def assign(*, users=(), groups=(), organisations=(), **fields) -> Assignment:
    fields.setdefault("title", "测试指派")
    fields.setdefault("remind_days", "7,1")
    assignment = Assignment.objects.create(**fields)
    assignment.users.set(users)
    assignment.groups.set(groups)
    assignment.organisations.set(organisations)
    return assignment


def complete_lessons(user, lessons, when) -> None:
    for lesson in lessons:
        LessonProgress.objects.update_or_create(
            user=user,
            lesson=lesson,
            defaults={"started_at": when, "completed_at": when},
        )
