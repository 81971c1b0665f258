"""我的学习 (/my/) with learning paths: each path enrolment with its current stage
(number / total, title, due date, overdue in red), completed paths, the mentor's
待我签字 link, and a query count that does not grow with enrolments and paths."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models.paths import PathEnrollment
from courses.models.progress import EnrollmentStatus
from courses.selectors.dashboard import my_dashboard, my_paths
from courses.services.paths import path_enroll
from tests.courses.paths.builders import (
    courses_of,
    finish_course,
    make_course,
    make_path,
    stages_of,
    user_in,
)

pytestmark = pytest.mark.django_db

URL = "/my/"


@pytest.fixture
def learner():
    return user_in("dash-path-learner", "客服人员")


def test_dashboard_shows_the_current_stage(client, learner):
    path = make_path(
        {"courses": 1, "title": "入职须知"},
        {"courses": 1, "title": "跟岗实习"},
        {"title": "转正考核", "task": "面谈"},
        title="新员工入职培训",
    )
    due = timezone.now() + timedelta(days=5)
    path_enroll(user=learner, path=path, due_at=due)
    finish_course(learner, courses_of(stages_of(path)[0])[0])
    client.force_login(learner)
    html = client.get(URL).content.decode()
    assert "学习路径" in html
    assert "新员工入职培训" in html
    assert "当前阶段：第 2/3 阶段 · 跟岗实习" in html
    assert f"截止日期：{timezone.localtime(due):%Y-%m-%d}" in html


def test_overdue_path_is_red_and_first(learner):
    late = make_path({"courses": 1}, title="逾期路径")
    later = make_path({"courses": 1}, title="未逾期路径")
    now = timezone.now()
    path_enroll(user=learner, path=later, due_at=now + timedelta(days=2))
    path_enroll(user=learner, path=late, due_at=now - timedelta(days=1))
    groups = my_paths(user=learner)
    assert [e.path.title for e in groups.in_progress] == ["逾期路径", "未逾期路径"]
    assert groups.in_progress[0].is_overdue
    assert not groups.in_progress[1].is_overdue


def test_overdue_is_marked_on_the_page(client, learner):
    path = make_path({"courses": 1}, title="逾期路径")
    path_enroll(user=learner, path=path, due_at=timezone.now() - timedelta(days=1))
    client.force_login(learner)
    html = client.get(URL).content.decode()
    assert "my-path my-course-overdue" in html
    assert "text-overdue" in html


def test_completed_paths_are_listed(client, learner):
    path = make_path({"courses": 1}, title="已完成的路径")
    path_enroll(user=learner, path=path)
    finish_course(learner, courses_of(stages_of(path)[0])[0])
    enrollment = PathEnrollment.objects.get(user=learner)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    groups = my_paths(user=learner)
    assert groups.completed == [enrollment]
    assert groups.in_progress == []
    client.force_login(learner)
    html = client.get(URL).content.decode()
    assert "已完成的路径" in html
    assert "共 1 个阶段" in html


def test_another_learners_paths_are_not_shown(client, learner):
    path = make_path({"courses": 1}, title="别人的路径")
    path_enroll(user=user_in("someone-else", "客服人员"), path=path)
    client.force_login(learner)
    assert "别人的路径" not in client.get(URL).content.decode()


def test_mentor_sees_the_signoff_count(client, learner):
    mentor = user_in("dash-mentor", "客服人员")
    path = make_path({"task": "师傅旁看"})
    path_enroll(user=learner, path=path, mentor=mentor)
    client.force_login(mentor)
    html = client.get(URL).content.decode()
    assert "待我签字（1）" in html
    assert "/learn/signoffs/" in html
    client.force_login(learner)
    assert "待我签字" not in client.get(URL).content.decode()


def test_selector_stays_one_query_and_paths_one_more(
    learner, django_assert_num_queries
):
    path_enroll(user=learner, path=make_path({"courses": 2}))
    with django_assert_num_queries(1):
        dashboard = my_dashboard(user=learner)
    with django_assert_num_queries(1):
        assert len(dashboard.paths.in_progress) == 1


def _build(user, size: int) -> None:
    for n in range(size):
        path = make_path({"courses": 1}, {"courses": 1, "task": "旁看"}, title=f"P{n}")
        path_enroll(user=user, path=path, due_at=timezone.now() + timedelta(days=n - 1))
        if n % 2:
            finish_course(user, courses_of(stages_of(path)[0])[0])
    # Some plain course enrolments too.
    index = stages_of(path)[0].courses.first().get_parent()
    from courses.services.progress import course_enroll

    for _ in range(size):
        course_enroll(user=user, course=make_course(index))


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_paths(client, django_assert_num_queries):
    small, large = user_in("dash-small", "客服人员"), user_in("dash-large", "客服人员")
    _build(small, 1)
    _build(large, 8)
    client.force_login(small)
    client.get(URL)  # warm the site-root and settings caches
    budget = _queries(client)
    client.force_login(large)
    with django_assert_num_queries(budget):
        html = client.get(URL).content.decode()
    assert html.count('class="my-course my-path') == 8
