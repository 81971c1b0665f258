"""我的学习 (/my/): grouping, urgency, overdue, percentages, privacy and the query
budget. Data is built directly with the ORM (enrolments, lesson progress)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseIndexPage, CoursePage, Enrollment, LessonPage
from courses.models.progress import EnrollmentSource, EnrollmentStatus, LessonProgress
from courses.selectors.dashboard import my_dashboard
from home.models import HomePage

pytestmark = pytest.mark.django_db

DASHBOARD_URL = "/my/"


# -- helpers shared with test_archive.py --------------------------------------------


def make_learner(username: str = "dash-learner"):
    user = get_user_model().objects.create_user(username, password="pw-for-tests")
    user.groups.add(Group.objects.get(name="客户"))
    return user


def make_index():
    index = CourseIndexPage(title="测试课程目录", slug="dash-courses")
    HomePage.objects.get().add_child(instance=index)
    return index


def make_course(index, title: str, *, lessons: int = 2, **fields) -> CoursePage:
    """A live course with ``lessons`` live lessons (plain add_child: fast)."""
    course = CoursePage(
        title=title,
        slug=f"dash-course-{CoursePage.objects.count()}",
        summary="测试课程",
        **fields,
    )
    index.add_child(instance=course)
    for n in range(lessons):
        course.add_child(
            instance=LessonPage(title=f"{title} 第{n + 1}课", slug=f"lesson-{n}")
        )
    return course


def enrol(user, course, **fields) -> Enrollment:
    fields.setdefault("enrolled_at", timezone.now() - timedelta(days=30))
    return Enrollment.objects.create(user=user, course=course, **fields)


def complete_lessons(user, course, count: int, *, at=None) -> None:
    at = at or timezone.now() - timedelta(days=1)
    lessons = LessonPage.objects.child_of(course).order_by("path")[:count]
    LessonProgress.objects.bulk_create(
        LessonProgress(
            user=user,
            lesson=lesson,
            started_at=at - timedelta(hours=1),
            completed_at=at,
            last_position=100,
        )
        for lesson in lessons
    )


def titles(enrollments) -> list[str]:
    return [e.course.title for e in enrollments]


# -- fixtures -----------------------------------------------------------------------


@pytest.fixture
def learner(db):
    return make_learner()


@pytest.fixture
def index(db):
    return make_index()


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


# -- selector -----------------------------------------------------------------------


def test_groups_percentages_and_overdue(learner, index):
    now = timezone.now()
    started = make_course(index, "正在学", lessons=4)
    enrol(learner, started)
    complete_lessons(learner, started, 2)
    late = make_course(index, "逾期指派")
    enrol(learner, late, source=EnrollmentSource.ASSIGNED, due_at=now - timedelta(1))
    soon = make_course(index, "即将到期")
    enrol(learner, soon, source=EnrollmentSource.ASSIGNED, due_at=now + timedelta(2))
    done = make_course(index, "已学完", lessons=1)
    enrol(
        learner,
        done,
        status=EnrollmentStatus.COMPLETED,
        completed_at=now - timedelta(days=3),
        due_at=now - timedelta(days=10),  # completed late: not overdue
        score=Decimal("92.5"),
        source=EnrollmentSource.ASSIGNED,
    )
    complete_lessons(learner, done, 1)
    withdrawn = make_course(index, "已退出")
    enrol(learner, withdrawn, status=EnrollmentStatus.WITHDRAWN)
    old_cycle = make_course(index, "上一周期")
    enrol(learner, old_cycle, is_current=False, cycle=1)

    dashboard = my_dashboard(user=learner, now=now)

    assert titles(dashboard.in_progress) == ["正在学"]
    assert titles(dashboard.assigned) == ["逾期指派", "即将到期"]
    assert titles(dashboard.completed) == ["已学完"]
    current = dashboard.in_progress[0]
    assert (current.lessons_done, current.lessons_total, current.percent) == (2, 4, 50)
    assert current.is_overdue is False
    assert [e.is_overdue for e in dashboard.assigned] == [True, False]
    assert [e.percent for e in dashboard.assigned] == [0, 0]
    finished = dashboard.completed[0]
    assert finished.is_overdue is False
    assert finished.percent == 100
    assert finished.score == Decimal("92.5")
    assert finished.completed_at is not None


def test_only_live_lessons_of_the_course_count(learner, index):
    course = make_course(index, "部分下线", lessons=3)
    other = make_course(index, "别的课程", lessons=2)
    enrol(learner, course)
    complete_lessons(learner, course, 2)
    complete_lessons(learner, other, 2)  # progress elsewhere does not count here
    LessonPage.objects.child_of(course).order_by("path").first().unpublish()

    [row] = my_dashboard(user=learner).in_progress

    assert (row.lessons_done, row.lessons_total, row.percent) == (1, 2, 50)


def test_sorted_by_urgency(learner, index):
    now = timezone.now()
    rows = [
        ("没有截止·很久没学", None, now - timedelta(days=20)),
        ("较晚截止", now + timedelta(days=20), None),
        ("已逾期·较早", now - timedelta(days=5), None),
        ("没有截止·刚学过", None, now - timedelta(hours=2)),
        ("最近截止", now + timedelta(days=1), None),
        ("已逾期·较晚", now - timedelta(days=1), None),
    ]
    for title, due_at, active_at in rows:
        course = make_course(index, title)
        enrol(learner, course, due_at=due_at, enrolled_at=now - timedelta(days=40))
        if active_at:
            complete_lessons(learner, course, 1, at=active_at)

    dashboard = my_dashboard(user=learner, now=now)

    assert titles(dashboard.in_progress) == [
        "已逾期·较早",
        "已逾期·较晚",
        "最近截止",
        "较晚截止",
        "没有截止·刚学过",
        "没有截止·很久没学",
    ]


def test_another_learners_enrolments_are_not_included(learner, index):
    other = make_learner("dash-other")
    course = make_course(index, "别人的课程")
    enrol(other, course)
    complete_lessons(other, course, 2)
    mine = make_course(index, "我的课程")
    enrol(learner, mine)

    dashboard = my_dashboard(user=learner)

    assert titles(dashboard.in_progress) == ["我的课程"]
    assert dashboard.in_progress[0].lessons_done == 0


def _enrol_many(learner, index, count: int) -> None:
    now = timezone.now()
    for n in range(count):
        course = make_course(index, f"批量课程 {n}")
        enrol(
            learner,
            course,
            source=EnrollmentSource.ASSIGNED if n % 3 else EnrollmentSource.SELF,
            due_at=now + timedelta(days=n - 10),
            status=EnrollmentStatus.COMPLETED if n % 5 == 0 else "in_progress",
            completed_at=now if n % 5 == 0 else None,
        )
        complete_lessons(learner, course, n % 3)


@pytest.mark.parametrize("count", [1, 50])
def test_selector_runs_one_query(learner, index, count, django_assert_num_queries):
    _enrol_many(learner, index, count)

    with django_assert_num_queries(1):
        dashboard = my_dashboard(user=learner)
        rows = dashboard.in_progress + dashboard.assigned + dashboard.completed
        assert len(rows) == count
        assert all(row.course.title for row in rows)


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD_URL)
    assert response.status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_enrolments(
    client, index, django_assert_num_queries
):
    small, large = make_learner("dash-small"), make_learner("dash-large")
    _enrol_many(small, index, 1)
    _enrol_many(large, index, 50)
    client.force_login(small)
    client.get(DASHBOARD_URL)  # warm the site-root and settings caches
    budget = _page_queries(client)

    client.force_login(large)
    with django_assert_num_queries(budget):
        response = client.get(DASHBOARD_URL)
    assert response.content.decode().count('<li class="my-course') == 50


# -- views --------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/my/"
    assert "no-store" in response["Cache-Control"]


def test_page_is_private_and_never_cached(signed_in, learner, index):
    enrol(learner, make_course(index, "私密课程"))

    first = signed_in.get(DASHBOARD_URL)
    second = signed_in.get(DASHBOARD_URL)

    for response in (first, second):
        cache_control = response["Cache-Control"]
        assert "private" in cache_control
        assert "no-store" in cache_control
        assert "X-Shifu-Cache" not in response


def test_page_shows_progress_overdue_and_sections(signed_in, learner, index):
    now = timezone.now()
    course = make_course(index, "灭火器使用", lessons=4)
    enrol(learner, course)
    complete_lessons(learner, course, 1)
    late = make_course(index, "安全规范")
    enrol(
        learner,
        late,
        source=EnrollmentSource.ASSIGNED,
        due_at=now - timedelta(days=2),
    )

    html = signed_in.get(DASHBOARD_URL).content.decode()

    assert "我的学习" in html
    assert '<progress max="100" value="25"' in html
    assert "已完成 1/4 课时（25%）" in html
    assert "已逾期" in html
    assert "my-course-overdue" in html
    assert course.url in html
    assert "指派给我的课程" in html
    assert reverse("my:archive") in html


def test_empty_state_links_to_the_catalogue(signed_in, index):
    html = signed_in.get(DASHBOARD_URL).content.decode()

    assert "你还没有报名任何课程。" in html
    catalogue = CourseIndexPage.objects.live().public().order_by("path").first()
    assert f'href="{catalogue.url}"' in html


def test_never_shows_another_learners_data(client, learner, index):
    other = make_learner("dash-someone")
    enrol(other, make_course(index, "别人的机密课程"))
    enrol(learner, make_course(index, "自己的课程"))
    client.force_login(learner)

    for url in (DASHBOARD_URL, f"{DASHBOARD_URL}?user={other.pk}"):
        html = client.get(url).content.decode()
        assert "自己的课程" in html
        assert "别人的机密课程" not in html


def test_header_link_only_for_signed_in_users(client, learner):
    anonymous = client.get("/").content.decode()
    assert reverse("my:dashboard") not in anonymous

    client.force_login(learner)
    signed = client.get("/").content.decode()
    assert f'href="{reverse("my:dashboard")}"' in signed


def test_post_is_refused(signed_in):
    assert signed_in.post(DASHBOARD_URL).status_code == 405
