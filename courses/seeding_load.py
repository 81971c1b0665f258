"""Learner-progress volume for benchmarks (``manage.py seed_load --progress-learners N
--lesson-progress M``): N learners spread over 50 generated organisations, their
enrolments on the site's courses and exactly M lesson-progress rows, bulk-created in
batches without per-row queries.

What a generated learner looks like:
- username ``progress-learner-<n>``, an unusable password, a profile in one of 50
  organisations ``性能测试单位 NN`` (10 customer companies, whose members are in the
  客户 group and take public courses only) or ``性能测试部门 NN`` (40 internal
  departments, 客服人员, every course);
- 1 to 5 enrolments on distinct courses (most 1-3; more when M/N asks for it); about
  a third completed, every lesson of a completed course completed (the completion
  rule holds for the lessons; a completed course with an exam gets a score, no
  attempt rows are generated);
- about 20 % assigned, with a due date 30 days after enrolling (some are overdue);
- progress rows only on lessons of courses the learner is enrolled on, at most one
  per learner and lesson: a completed enrolment has one completed row per lesson, an
  open one a completed prefix of its lessons and possibly one started lesson.

Running again tops up: learners up to N are added (numbered after the existing ones,
with their enrolments and their share of the rows still missing up to M); learners
already generated are never changed, so a larger M alone adds nothing.
"""

import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses.models import CoursePage, Enrollment, LessonPage, LessonProgress
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role

PROGRESS_PREFIX = "progress-learner-"
PROGRESS_BATCH = 2000  # learners per round trip group
INSERT_BATCH = 5000
ORGANISATIONS = 50
CUSTOMER_EVERY = 5  # every 5th generated organisation is a customer company
# How many courses a learner is enrolled on (1-5, most 1-3).
COURSES_PER_LEARNER = ([1] * 30) + ([2] * 30) + ([3] * 20) + ([4] * 12) + ([5] * 8)
COMPLETED_SHARE = 0.35
ASSIGNED_SHARE = 0.2
DUE_DAYS = 30


@dataclass
class Course:
    pk: int
    lesson_ids: list
    has_exam: bool
    public: bool


@dataclass
class Plan:
    """One planned enrolment: its learner (index in the batch), course and the number
    of lessons with a progress row (the first ``rows`` lessons, in order)."""

    learner: int
    course: Course
    completed: bool
    rows: int


def load_organisations() -> list[Organisation]:
    """The 50 generated organisations, created on first use."""
    wanted = []
    for number in range(1, ORGANISATIONS + 1):
        customer = number % CUSTOMER_EVERY == 0
        name = f"性能测试{'单位' if customer else '部门'} {number:02d}"
        kind = Organisation.Kind.CUSTOMER if customer else Organisation.Kind.DEPARTMENT
        wanted.append((name, kind))
    have = {o.name: o for o in Organisation.objects.filter(name__startswith="性能测试")}
    Organisation.objects.bulk_create(
        [
            Organisation(name=name, kind=kind)
            for name, kind in wanted
            if name not in have
        ]
    )
    by_name = {
        o.name: o for o in Organisation.objects.filter(name__startswith="性能测试")
    }
    return [by_name[name] for name, _kind in wanted]


def load_courses() -> list[Course]:
    """Live courses with at least one live lesson, their lessons in tree order, and
    whether anyone may take them (no view restriction on them or above)."""
    restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    courses = []
    for course in CoursePage.objects.live().order_by("path"):
        lesson_ids = list(
            LessonPage.objects.child_of(course)
            .live()
            .order_by("path")
            .values_list("pk", flat=True)
        )
        if lesson_ids:
            public = not any(course.path.startswith(path) for path in restricted)
            courses.append(Course(course.pk, lesson_ids, bool(course.quiz_id), public))
    return courses


def plan_batch(rng, learners: int, rows: int, courses, *, customers) -> list[Plan]:
    """Enrolments for ``learners`` learners (``customers[i]``: public courses only)
    holding exactly ``rows`` progress rows when the courses allow it."""
    public = [c for c in courses if c.public] or courses
    plans = []

    def enrol(learner, course):
        total = len(course.lesson_ids)
        if rng.random() < COMPLETED_SHARE:
            plans.append(Plan(learner, course, True, total))
        else:
            plans.append(Plan(learner, course, False, rng.randint(0, total - 1)))
        return plans[-1].rows

    free = {}
    for learner in range(learners):
        choices = list(public if customers[learner] else courses)
        rng.shuffle(choices)
        count = min(len(choices), rng.choice(COURSES_PER_LEARNER))
        for course in choices[:count]:
            enrol(learner, course)
        if choices[count:]:
            free[learner] = choices[count:]
    missing = rows - sum(plan.rows for plan in plans)
    # Many rows per learner: more enrolments first, so the mix of statuses holds.
    waiting = list(free)
    while missing > 0 and waiting:
        slot = rng.randrange(len(waiting))
        learner = waiting[slot]
        missing -= enrol(learner, free[learner].pop())
        if not free[learner]:
            waiting[slot] = waiting[-1]
            waiting.pop()
    open_plans = [plan for plan in plans if not plan.completed]
    rng.shuffle(open_plans)
    # Too few rows: open enrolments advance (never to the last lesson), then more
    # learners finish; too many: open enrolments fall back, then finished ones reopen.
    for plan in open_plans:
        if missing <= 0:
            break
        step = min(missing, len(plan.course.lesson_ids) - 1 - plan.rows)
        plan.rows += step
        missing -= step
    if missing > 0:
        for plan in open_plans:
            if missing <= 0:
                break
            step = len(plan.course.lesson_ids) - plan.rows
            if step <= missing:
                plan.completed, plan.rows = True, plan.rows + step
                missing -= step
    for plan in open_plans:
        if missing >= 0:
            break
        step = min(-missing, plan.rows)
        plan.rows -= step
        missing += step
    if missing < 0:
        finished = [plan for plan in plans if plan.completed]
        rng.shuffle(finished)
        for plan in finished:
            if missing >= 0:
                break
            step = min(-missing, plan.rows)
            plan.completed, plan.rows = False, plan.rows - step
            missing += step
    return plans


PROGRESS_COLUMNS = [
    "user",
    "lesson",
    "started_at",
    "completed_at",
    "last_position",
    "time_spent_seconds",
]
ENROLLMENT_COLUMNS = [
    "user",
    "course",
    "source",
    "status",
    "enrolled_at",
    "completed_at",
    "due_at",
    "score",
    "last_lesson",
    "cycle",
    "is_current",
]


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of ``fields`` values) into ``model``'s table without
    building model instances: COPY on PostgreSQL, one executemany elsewhere. Compiling
    a million rows through ``bulk_create`` costs minutes of Python."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = connection.ops.adapt_datetimefield_value
        rows = [
            tuple(adapt(v) if isinstance(v, datetime) else v for v in row)
            for row in rows
        ]
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            rows,
        )


def _rows_for(plan, user_id, enrolled_at, now, rng):
    """(progress rows as ``PROGRESS_COLUMNS`` tuples, completed_at of the enrolment,
    last lesson) for a plan."""
    rows, moment = [], enrolled_at
    span = max(60, int((now - enrolled_at).total_seconds()))
    for position, lesson_id in enumerate(plan.course.lesson_ids[: plan.rows]):
        started = moment + timedelta(seconds=rng.randint(60, max(61, span // 20)))
        started = min(started, now)
        last_open = not plan.completed and position == plan.rows - 1
        done = None if last_open and rng.random() < 0.5 else started
        if done is not None:
            done = min(started + timedelta(seconds=rng.randint(300, 1800)), now)
        rows.append(
            (
                user_id,
                lesson_id,
                started,
                done,
                100 if done else rng.randint(5, 95),
                rng.randint(120, 1800),
            )
        )
        moment = done or started
    last = plan.course.lesson_ids[plan.rows - 1] if plan.rows else None
    return rows, (moment if plan.completed else None), last


def bulk_progress(learners: int, lesson_progress: int, stdout) -> dict:
    """Top up generated learners to ``learners`` with enrolments and lesson progress
    up to ``lesson_progress`` rows in all; returns what was created."""
    user_model = get_user_model()
    generated = user_model.objects.filter(username__startswith=PROGRESS_PREFIX)
    have = generated.count()
    created = {"learners": 0, "enrollments": 0, "lesson_progress": 0}
    if have >= learners:
        stdout.write(
            f"{have} generated learners already: nothing added (the learners "
            "seeded are never changed; ask for more learners to add rows)."
        )
        return created
    courses = load_courses()
    if not courses:
        stdout.write("No live course with lessons: run seed_demo first.")
        return created
    organisations = load_organisations()
    groups = {
        True: Group.objects.get(name=GROUP_NAMES[Role.CUSTOMER]),
        False: Group.objects.get(name=GROUP_NAMES[Role.STAFF]),
    }
    rows_left = max(
        0,
        lesson_progress - LessonProgress.objects.filter(user__in=generated).count(),
    )
    membership = user_model.groups.through
    rng = random.Random(have)  # noqa: S311 - repeatable fake volume
    now = timezone.now()
    begin = time.perf_counter()
    for start in range(have, learners, PROGRESS_BATCH):
        stop = min(learners, start + PROGRESS_BATCH)
        size = stop - start
        share = rows_left * size // (learners - start)
        rows_left -= share
        orgs = [organisations[number % ORGANISATIONS] for number in range(start, stop)]
        customers = [o.kind == Organisation.Kind.CUSTOMER for o in orgs]
        users = []
        for number in range(start, stop):
            user = user_model(
                username=f"{PROGRESS_PREFIX}{number + 1:06d}",
                email=f"{PROGRESS_PREFIX}{number + 1}@load.example",
                first_name=f"学员{number + 1:06d}",
                date_joined=now - timedelta(days=400),
            )
            # What set_unusable_password() stores, without its slow random string.
            user.password = f"{UNUSABLE_PASSWORD_PREFIX}{secrets.token_hex(20)}"
            users.append(user)
        users = user_model.objects.bulk_create(users, batch_size=INSERT_BATCH)
        Profile.objects.bulk_create(
            [
                Profile(user=user, display_name=user.first_name, organisation=org)
                for user, org in zip(users, orgs, strict=True)
            ],
            batch_size=INSERT_BATCH,
        )
        membership.objects.bulk_create(
            [
                membership(user_id=user.pk, group_id=groups[customer].pk)
                for user, customer in zip(users, customers, strict=True)
            ],
            batch_size=INSERT_BATCH,
        )
        enrollments, progress = [], []
        for plan in plan_batch(rng, size, share, courses, customers=customers):
            user_id = users[plan.learner].pk
            enrolled_at = now - timedelta(seconds=rng.randint(86400, 360 * 86400))
            rows, completed_at, last = _rows_for(plan, user_id, enrolled_at, now, rng)
            progress += rows
            assigned = rng.random() < ASSIGNED_SHARE
            enrollments.append(
                (
                    user_id,
                    plan.course.pk,
                    EnrollmentSource.ASSIGNED.value
                    if assigned
                    else EnrollmentSource.SELF.value,
                    EnrollmentStatus.COMPLETED.value
                    if plan.completed
                    else EnrollmentStatus.IN_PROGRESS.value,
                    enrolled_at,
                    completed_at,
                    enrolled_at + timedelta(days=DUE_DAYS) if assigned else None,
                    Decimal(rng.randint(60, 100))
                    if plan.completed and plan.course.has_exam
                    else None,
                    last,
                    1,
                    True,
                )
            )
        insert_rows(Enrollment, ENROLLMENT_COLUMNS, enrollments)
        insert_rows(LessonProgress, PROGRESS_COLUMNS, progress)
        created["learners"] += size
        created["enrollments"] += len(enrollments)
        created["lesson_progress"] += len(progress)
        stdout.write(
            f"  {stop} of {learners} learners, "
            f"{created['lesson_progress']} lesson-progress rows "
            f"({time.perf_counter() - begin:.0f} s)"
        )
    # Fresh statistics, or the planner takes the new tables for a handful of rows.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return created
