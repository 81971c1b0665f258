"""培训指派 in the Wagtail admin (/admin/assignments/): creating through the form
syncs enrolments, Chinese validation errors, the 完成情况 view with its counts,
filter and formula-safe XLSX export, the 发送提醒 action, and who may do what."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.admin.menu import admin_menu
from wagtail.models import GroupPagePermission

from courses.models import (
    Assignment,
    Enrollment,
    LearningPath,
    LessonPage,
    LessonProgress,
    ReminderLog,
)
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.services.assignments import assignment_sync
from portal.accounts.roles import GROUP_NAMES, Role
from portal.accounts.services import user_set_role
from tests.courses.assignments.helpers import assign, learner
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

URL = "/admin/assignments/"
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def training_admin():
    user = get_user_model().objects.create_user("ta-admin", password="x")
    user_set_role(user=user, role=Role.TRAINING_ADMIN)
    return user


@pytest.fixture
def course():
    return make_course(lessons=2, title="指派后台课程")[0]


@pytest.fixture
def learning_path(course):
    path = LearningPath(title="指派后台路径", slug="assign-admin-path", summary="路径")
    course.get_parent().add_child(instance=path)
    return path


def form_data(**overrides):
    data = {
        "title": "新员工安全培训",
        "course": "",
        "path": "",
        "starts_on": timezone.localdate().isoformat(),
        "due_on": "",
        "due_days": "7",
        "recur_months": "",
        "remind_days": "7,1",
        "remind_overdue": "on",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_training_admin_creates_an_assignment_and_learners_are_enrolled(
    client, training_admin, course
):
    users = [learner(f"adm-{n}") for n in range(3)]
    client.force_login(training_admin)
    page = client.get(URL + "new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_users-filter"' in html  # the searchable learner list
    assert 'name="course"' in html and 'name="path"' in html
    assert "courses.coursepage" in html.lower()  # the chooser only offers courses
    response = client.post(
        URL + "new/",
        form_data(course=str(course.pk), users=[str(u.pk) for u in users]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = Assignment.objects.get(title="新员工安全培训")
    assert assignment.created_by == training_admin
    rows = Enrollment.objects.filter(course=course, assignment=assignment)
    assert rows.count() == 3
    assert set(rows.values_list("source", flat=True)) == {EnrollmentSource.ASSIGNED}
    follow = client.get(response.url)
    assert "新指派 3 人" in follow.content.decode()

    # Editing (adding a learner) syncs again, in the same save.
    extra = learner("adm-extra")
    response = client.post(
        URL + f"edit/{assignment.pk}/",
        form_data(course=str(course.pk), users=[str(u.pk) for u in [*users, extra]]),
    )
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=extra, assignment=assignment).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"path": "PATH"}, "course", "请选择一门课程或一条学习路径（二选一）。"),
        ({"course": ""}, "course", "请选择一门课程或一条学习路径（二选一）。"),
        (
            {"due_days": "", "due_on": "2020-01-01", "starts_on": "2026-03-02"},
            "due_on",
            "截止日期不能早于开始日期。",
        ),
        ({"remind_days": "7,abc"}, "remind_days", "提醒天数须为 1 到 365 之间的整数"),
        (
            {"recur_months": "6", "path": "PATH", "course": ""},
            "recur_months",
            "只有课程可以设置重复周期。",
        ),
        (
            {"recur_months": "6", "due_days": "", "due_on": "2030-01-01"},
            "recur_months",
            "重复的指派请用“限期天数”",
        ),
    ],
)
def test_validation_errors_are_in_chinese(
    client, training_admin, course, learning_path, overrides, field, message
):
    path = learning_path
    overrides = {
        key: (str(path.pk) if value == "PATH" else value)
        for key, value in overrides.items()
    }
    client.force_login(training_admin)
    response = client.post(URL + "new/", form_data(course=str(course.pk)) | overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert not Assignment.objects.exists()


# -- 完成情况 --------------------------------------------------------------------------


@pytest.fixture
def progress_data(course):
    """Four learners: done, in progress (one lesson), not started, overdue."""
    done = learner("cmp-done", name="完成者")
    busy = learner("cmp-busy", name="学习者")
    idle = learner("cmp-idle", name=HOSTILE)
    late = learner("cmp-late", name="逾期者")
    assignment = assign(
        course=course,
        starts_on=timezone.localdate() - timedelta(days=30),
        due_days=60,
        users=[done, busy, idle, late],
    )
    assignment_sync(assignment=assignment)
    now = timezone.now()
    Enrollment.objects.filter(user=done).update(
        status=EnrollmentStatus.COMPLETED, completed_at=now
    )
    lesson = LessonPage.objects.child_of(course).first()
    LessonProgress.objects.create(
        user=busy, lesson=lesson, started_at=now, completed_at=now
    )
    Enrollment.objects.filter(user=late).update(due_at=now - timedelta(days=2))
    return assignment


def test_completion_view_counts_every_status(client, training_admin, progress_data):
    client.force_login(training_admin)
    url = f"{URL}{progress_data.pk}/completion/"
    response = client.get(url)
    assert response.status_code == 200
    completion = response.context["completion"]
    assert (completion.done, completion.total) == (1, 4)
    assert completion.counts == {
        "done": 1,
        "in_progress": 1,
        "not_started": 1,
        "overdue": 1,
    }
    html = response.content.decode()
    for label in ("已完成", "学习中", "未开始", "已逾期", "1 / 4", "发送提醒"):
        assert label in html
    overdue = client.get(url + "?status=overdue").context["completion"]
    assert [row.username for row in overdue.rows] == ["cmp-late"]
    # an unknown status shows everyone, not an error
    assert len(client.get(url + "?status=bogus").context["completion"].rows) == 4


def test_completion_export_is_formula_safe(client, training_admin, progress_data):
    client.force_login(training_admin)
    response = client.get(f"{URL}{progress_data.pk}/completion/?export=xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("学员", "用户名", "组织", "状态")
    assert len(rows) == 5
    hostile = [cell for cell in sheet["A"] if cell.value == HOSTILE]
    assert hostile and hostile[0].data_type == "s"


def test_completion_query_count_does_not_grow(
    client, training_admin, course, django_assert_max_num_queries
):
    client.force_login(training_admin)
    counts = []
    for size in (2, 20):
        users = [learner(f"cmpq-{size}-{n}") for n in range(size)]
        assignment = assign(course=course, starts_on=timezone.localdate(), users=users)
        assignment_sync(assignment=assignment)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}{assignment.pk}/completion/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_remind_action_confirms_then_sends_and_reports(
    client, training_admin, progress_data
):
    client.force_login(training_admin)
    url = f"{URL}{progress_data.pk}/remind/"
    page = client.get(url)
    assert page.status_code == 200
    assert "3 名学员" in page.content.decode()
    assert not mail.outbox
    response = client.post(url, follow=True)
    assert "已发送提醒 3 封；跳过 0 人" in response.content.decode()
    assert len(mail.outbox) == 3
    again = client.post(url, follow=True)
    assert "已发送提醒 0 封；跳过 3 人" in again.content.decode()
    assert len(mail.outbox) == 3
    assert ReminderLog.objects.filter(assignment=progress_data).count() == 3


def test_remind_needs_csrf(training_admin, progress_data):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(training_admin)
    response = strict.post(f"{URL}{progress_data.pk}/remind/")
    assert response.status_code == 403
    assert not mail.outbox


# -- permissions -------------------------------------------------------------------


def test_trainer_views_but_cannot_change(client, trainer, progress_data, course):
    client.force_login(trainer)
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{progress_data.pk}/completion/").status_code == 200
    assert (
        client.get(f"{URL}{progress_data.pk}/completion/?export=xlsx").status_code
        == 200
    )
    assert client.get(URL + "new/").status_code in (302, 403)
    assert client.post(URL + "new/", form_data(course=str(course.pk))).status_code in (
        302,
        403,
    )
    assert Assignment.objects.count() == 1
    assert client.get(f"{URL}edit/{progress_data.pk}/").status_code in (302, 403)
    assert client.get(f"{URL}{progress_data.pk}/remind/").status_code in (302, 403)
    assert client.post(f"{URL}{progress_data.pk}/remind/").status_code in (302, 403)
    assert not mail.outbox
    assert (
        "发送提醒"
        not in client.get(f"{URL}{progress_data.pk}/completion/").content.decode()
    )


@pytest.mark.parametrize("who", ["staff", "customer"])
def test_staff_and_customers_have_no_assignment_admin(
    client, request, who, progress_data
):
    client.force_login(request.getfixturevalue(who))
    for url in (
        URL,
        URL + "new/",
        f"{URL}{progress_data.pk}/completion/",
        f"{URL}{progress_data.pk}/completion/?export=xlsx",
        f"{URL}{progress_data.pk}/remind/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"cmp-done" not in response.content
    assert client.post(f"{URL}{progress_data.pk}/remind/").status_code in (302, 403)
    assert not mail.outbox


def _menu_labels(rf, user) -> set[str]:
    request = rf.get("/admin/")
    request.user = user
    return {str(item.label) for item in admin_menu.menu_items_for_request(request)}


def test_menu_item_for_training_admins_and_trainers(rf, training_admin, trainer):
    assert "培训指派" in _menu_labels(rf, training_admin)
    assert "培训指派" in _menu_labels(rf, trainer)


# -- trainer scope, deleting, pagination ---------------------------------------------


@pytest.fixture
def course_trainer(course):
    """A trainer who can edit ``course`` only."""
    group = Group.objects.create(name="讲师（指派课程）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=course,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = get_user_model().objects.create_user("ta-trainer", password="x")
    user_set_role(user=user, role=Role.TRAINER)
    user.groups.set([group])
    return user


def test_trainers_see_only_assignments_of_pages_they_edit(
    client, course_trainer, training_admin, course
):
    other_course = make_course(lessons=1, title="别人的课程")[0]
    mine = assign(course=course, starts_on=timezone.localdate(), title="我的指派")
    theirs = assign(
        course=other_course, starts_on=timezone.localdate(), title="别人的指派"
    )
    client.force_login(course_trainer)
    listing = client.get(URL).content.decode()
    assert "我的指派" in listing and "别人的指派" not in listing
    assert client.get(f"{URL}{mine.pk}/completion/").status_code == 200
    for url in (
        f"{URL}{theirs.pk}/completion/",
        f"{URL}{theirs.pk}/completion/?export=xlsx",
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(training_admin)
    listing = client.get(URL).content.decode()
    assert "我的指派" in listing and "别人的指派" in listing
    assert client.get(f"{URL}{theirs.pk}/completion/").status_code == 200


def test_deleting_an_assignment_releases_its_deadlines(
    client, training_admin, progress_data
):
    client.force_login(training_admin)
    late = Enrollment.objects.get(user__username="cmp-late")
    done_due = Enrollment.objects.get(user__username="cmp-done").due_at
    response = client.post(f"{URL}delete/{progress_data.pk}/")
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=progress_data.pk).exists()
    late.refresh_from_db()
    assert late.due_at is None
    assert late.source == EnrollmentSource.ASSIGNED
    assert Enrollment.objects.get(user__username="cmp-done").due_at == done_due


def test_completion_is_paginated_with_counts_over_everyone(
    client, training_admin, course
):
    users = [learner(f"page-{n:03d}") for n in range(150)]
    assignment = assign(course=course, starts_on=timezone.localdate(), users=users)
    assignment_sync(assignment=assignment)
    client.force_login(training_admin)
    url = f"{URL}{assignment.pk}/completion/"
    first = client.get(url)
    assert len(first.context["completion"].rows) == 100
    assert first.context["completion"].total == 150
    assert first.context["completion"].counts["not_started"] == 150
    assert 'class="pagination"' in first.content.decode()
    second = client.get(url + "?p=2")
    assert [row.username for row in second.context["completion"].rows][0] == (
        "page-100"
    )
    assert len(second.context["completion"].rows) == 50
    export = client.get(url + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 151


def test_completion_queries_flat_from_2_to_150_learners(client, training_admin, course):
    client.force_login(training_admin)
    counts = []
    for size in (2, 150):
        users = [learner(f"flat-{size}-{n}") for n in range(size)]
        assignment = assign(course=course, starts_on=timezone.localdate(), users=users)
        assignment_sync(assignment=assignment)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}{assignment.pk}/completion/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
