"""``seed_load --progress-learners N --lesson-progress M`` (``courses.seeding_load``):
learners, enrolments and lesson progress for the progress benchmark, at small sizes."""

import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from courses.models import Enrollment, LessonPage, LessonProgress
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.seeding_load import PROGRESS_PREFIX, load_courses, plan_batch
from portal.accounts.models import Organisation
from portal.accounts.roles import GROUP_NAMES, Role

pytestmark = pytest.mark.django_db


def seed(learners: int, rows: int) -> str:
    out = StringIO()
    call_command(
        "seed_load",
        lessons=0,
        articles=0,
        faq=0,
        learners=0,
        progress_learners=learners,
        lesson_progress=rows,
        stdout=out,
    )
    return out.getvalue()


def generated():
    return get_user_model().objects.filter(username__startswith=PROGRESS_PREFIX)


def lessons_by_course() -> dict[int, set[int]]:
    return {course.pk: set(course.lesson_ids) for course in load_courses()}


def test_seeds_learners_enrolments_and_exactly_the_rows_asked_for():
    output = seed(50, 300)
    assert "Created 50 learners" in output
    assert "300 lesson-progress rows" in output

    learners = generated()
    assert learners.count() == 50
    assert not any(user.has_usable_password() for user in learners)
    organisations = set(learners.values_list("profile__organisation__name", flat=True))
    assert len(organisations) == 50
    assert all(name.startswith("性能测试") for name in organisations)
    customers = Organisation.objects.filter(
        name__in=organisations, kind=Organisation.Kind.CUSTOMER
    )
    assert customers.count() == 10
    assert set(learners.values_list("groups__name", flat=True)) == {
        GROUP_NAMES[Role.CUSTOMER],
        GROUP_NAMES[Role.STAFF],
    }

    progress = LessonProgress.objects.filter(user__in=learners)
    assert progress.count() == 300
    pairs = list(progress.values_list("user_id", "lesson_id"))
    assert len(set(pairs)) == len(pairs)

    enrollments = Enrollment.objects.filter(user__in=learners)
    per_learner = enrollments.values("user").annotate(n=Count("pk"))
    assert {row["n"] for row in per_learner} <= {1, 2, 3, 4, 5}
    assert per_learner.count() == 50
    assert set(enrollments.values_list("status", flat=True)) == {
        EnrollmentStatus.IN_PROGRESS,
        EnrollmentStatus.COMPLETED,
    }
    assigned = enrollments.filter(source=EnrollmentSource.ASSIGNED)
    assert assigned.exists()
    assert not assigned.filter(due_at__isnull=True).exists()
    assert not enrollments.filter(
        source=EnrollmentSource.SELF, due_at__isnull=False
    ).exists()


def test_progress_is_consistent_with_enrolments():
    seed(50, 300)
    lessons = lessons_by_course()
    public = {course.pk for course in load_courses() if course.public}
    enrolled: dict[int, set[int]] = {}
    for enrollment in Enrollment.objects.filter(user__in=generated()).select_related(
        "user__profile__organisation"
    ):
        enrolled.setdefault(enrollment.user_id, set()).add(enrollment.course_id)
        done = set(
            LessonProgress.objects.filter(
                user_id=enrollment.user_id,
                lesson_id__in=lessons[enrollment.course_id],
                completed_at__isnull=False,
            ).values_list("lesson_id", flat=True)
        )
        if enrollment.status == EnrollmentStatus.COMPLETED:
            assert done == lessons[enrollment.course_id]
            assert enrollment.completed_at is not None
        else:
            assert done < lessons[enrollment.course_id]
            assert enrollment.completed_at is None
        organisation = enrollment.user.profile.organisation
        if organisation.kind == Organisation.Kind.CUSTOMER:
            assert enrollment.course_id in public
    course_of = {lesson: course for course, ids in lessons.items() for lesson in ids}
    for user_id, lesson_id, started, completed in LessonProgress.objects.filter(
        user__in=generated()
    ).values_list("user_id", "lesson_id", "started_at", "completed_at"):
        assert course_of[lesson_id] in enrolled[user_id]
        assert completed is None or completed >= started


def test_running_again_tops_up_learners_and_never_changes_existing_ones():
    seed(50, 300)
    first = set(generated().values_list("pk", flat=True))
    enrollments = Enrollment.objects.filter(user__in=generated()).count()

    # The same numbers, or more rows alone: nothing is added.
    assert "Created 0 learners" in seed(50, 300)
    seed(50, 500)
    assert generated().count() == 50
    assert Enrollment.objects.filter(user__in=generated()).count() == enrollments
    assert LessonProgress.objects.filter(user__in=generated()).count() == 300

    # More learners: the new ones carry the rows still missing.
    seed(60, 400)
    assert generated().count() == 60
    assert set(generated().values_list("pk", flat=True)) > first
    assert LessonProgress.objects.filter(user__in=generated()).count() == 400
    assert (
        LessonProgress.objects.filter(user__in=first).count() == 300
    )  # old learners untouched


def most_rows(courses, customers) -> int:
    """Every learner on every course open to them, every lesson done."""
    lessons = {True: 0, False: 0}
    for course in courses:
        lessons[False] += len(course.lesson_ids)
        lessons[True] += len(course.lesson_ids) if course.public else 0
    return sum(lessons[customer] for customer in customers)


@pytest.mark.parametrize("rows", [0, 1, 57, 200, 400, 480])
def test_plans_hold_exactly_the_rows_asked_for_or_the_most_possible(rows):
    courses = load_courses()
    assert LessonPage.objects.live().exists()
    customers = [number % 5 == 0 for number in range(20)]
    plans = plan_batch(random.Random(rows), 20, rows, courses, customers=customers)
    assert sum(plan.rows for plan in plans) == min(rows, most_rows(courses, customers))
    seen = set()
    for plan in plans:
        assert (plan.learner, plan.course.pk) not in seen
        seen.add((plan.learner, plan.course.pk))
        if customers[plan.learner]:
            assert plan.course.public
        if plan.completed:
            assert plan.rows == len(plan.course.lesson_ids)
        else:
            assert 0 <= plan.rows < len(plan.course.lesson_ids)
