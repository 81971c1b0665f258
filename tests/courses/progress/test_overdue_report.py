"""逾期报告 (/admin/progress/overdue/): overdue course and path enrolments, the most
overdue first, totals per organisation, every filter, who sees what, the
formula-safe XLSX export and a query count that does not grow with the rows."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu
from wagtail.models import GroupPagePermission

from courses.models import Assignment
from courses.models.paths import LearningPath, LearningPathStage, PathEnrollment
from portal.accounts.models import Organisation
from portal.accounts.roles import GROUP_NAMES, Role
from tests.courses.progress.test_admin import complete, enrol, make_user
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

URL = "/admin/progress/overdue/"
HOSTILE = '=HYPERLINK("http://evil.example","点我")'
LEARNERS = ("od-ann", "od-bob", "od-cat", "od-dan", "od-eve")


def make_path(parent, *, title, stages=2) -> LearningPath:
    path = LearningPath(title=title, slug=f"path-{title}", summary="路径简介")
    parent.add_child(instance=path)
    path.save_revision().publish()
    for number in range(stages):
        LearningPathStage.objects.create(
            path=path, title=f"阶段{number + 1}", sort_order=number
        )
    return path


@pytest.fixture
def data():
    now = timezone.now()
    acme = Organisation.objects.create(name="逾期甲公司", kind="customer")
    beta = Organisation.objects.create(name="逾期乙部门", kind="department")
    course_a, lessons_a = make_course(lessons=4, title="逾期课程甲")
    course_b, _ = make_course(lessons=2, title=HOSTILE)
    path = make_path(course_a.get_parent(), title="新员工入职路径", stages=4)
    assignment = Assignment.objects.create(
        title="年度合规培训", course=course_a, starts_on=now.date()
    )
    ann = make_user("od-ann", name="安娜", organisation=acme)
    bob = make_user("od-bob", name="鲍勃", organisation=beta)
    cat = make_user("od-cat", name="凯特", organisation=acme)
    dan = make_user("od-dan", name="丹尼", organisation=beta)
    eve = make_user("od-eve", name="伊芙", organisation=acme)
    complete(ann, lessons_a[0])
    # ann: 10 days overdue on course A, assigned, 1/4 done.
    enrol(
        ann,
        course_a,
        source="assigned",
        assignment=assignment,
        due_at=now - timedelta(days=10, hours=1),
    )
    # bob: 2 days overdue on course B.
    enrol(bob, course_b, due_at=now - timedelta(days=2, hours=1))
    # cat: completed after the due date: not overdue.
    enrol(
        cat,
        course_a,
        status="completed",
        completed_at=now,
        due_at=now - timedelta(days=5),
    )
    # dan: due in the future: not overdue.
    enrol(dan, course_a, due_at=now + timedelta(days=3))
    # eve: 20 days overdue on the path, on its third stage of four (50 %).
    PathEnrollment.objects.create(
        user=eve,
        path=path,
        enrolled_at=now - timedelta(days=40),
        due_at=now - timedelta(days=20, hours=1),
        current_stage=path.stages.get(sort_order=2),
    )
    return {
        "ann": ann,
        "acme": acme,
        "beta": beta,
        "course_a": course_a,
        "course_b": course_b,
        "path": path,
        "assignment": assignment,
    }


@pytest.fixture
def training_admin():
    return make_user("od-admin", name="培训主管", role=Role.TRAINING_ADMIN)


@pytest.fixture
def trainer_a(data):
    group = Group.objects.create(name="讲师（逾期课程甲）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    GroupPagePermission.objects.create(
        group=group,
        page=data["course_a"],
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    user = make_user("od-trainer", name="甲助教", role=Role.TRAINER)
    user.groups.set([group])
    return user


def listed(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    found = [(html.find(name), name) for name in LEARNERS if name in html]
    return [name for _, name in sorted(found)]


def test_url_name():
    assert reverse("progress_overdue") == URL


def test_lists_overdue_courses_and_paths_most_overdue_first(
    client_for, data, training_admin
):
    client = client_for(training_admin)
    assert listed(client) == ["od-eve", "od-ann", "od-bob"]
    html = client.get(URL).content.decode()
    assert "新员工入职路径" in html and "逾期课程甲" in html
    assert "20 天" in html and "10 天" in html and "2 天" in html
    assert "25%" in html  # ann: 1 of 4 lessons
    assert "50%" in html  # eve: stages 1-2 of 4 behind her
    assert "年度合规培训" in html
    assert "逾期甲公司" in html
    ann_archive = reverse("progress_learner_archive", args=[data["ann"].pk])
    assert f'href="{ann_archive}"' in html


def test_totals_per_organisation(client_for, data, training_admin):
    response = client_for(training_admin).get(URL)
    totals = {t.name: t for t in response.context["totals"]}
    assert totals["逾期甲公司"].enrollments == 1
    assert totals["逾期甲公司"].path_enrollments == 1
    assert totals["逾期乙部门"].total == 1
    assert response.context["total_count"] == 3
    # Largest first.
    assert response.context["totals"][0].name == "逾期甲公司"


def test_each_filter_narrows(client_for, data, training_admin):
    client = client_for(training_admin)
    assert listed(client, course=data["course_a"].pk) == ["od-ann"]
    assert listed(client, path=data["path"].pk) == ["od-eve"]
    assert listed(client, organisation=data["beta"].pk) == ["od-bob"]
    assert listed(client, assignment=data["assignment"].pk) == ["od-ann"]
    assert listed(client, min_days=5) == ["od-eve", "od-ann"]
    assert listed(client, min_days=15) == ["od-eve"]
    response = client.get(URL, {"min_days": 15})
    assert response.context["total_count"] == 1


@pytest.mark.parametrize("bad", [{"min_days": "abc"}, {"min_days": "-1"}])
def test_invalid_filter_shows_nothing_without_error(
    client_for, data, training_admin, bad
):
    response = client_for(training_admin).get(URL, bad)
    assert response.status_code == 200
    assert "筛选条件无效" in response.content.decode()
    assert listed(client_for(training_admin), **bad) == []


def test_trainer_sees_only_courses_they_can_edit(client_for, data, trainer_a):
    client = client_for(trainer_a)
    assert listed(client) == ["od-ann"]
    # A crafted filter on another course is refused, not obeyed.
    assert listed(client, course=data["course_b"].pk) == []
    response = client.get(URL)
    assert [t.name for t in response.context["totals"]] == ["逾期甲公司"]
    assert "新员工入职路径" not in response.content.decode()
    # The path filter offers no path the trainer cannot edit.
    assert listed(client, path=data["path"].pk) == []


@pytest.mark.parametrize("who", ["customer", "staff", None])
def test_customers_staff_and_visitors_are_refused(client_for, data, request, who):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(URL)
    assert response.status_code in (302, 403)
    assert b"od-ann" not in response.content
    response = client_for(user).get(URL, {"export": "xlsx"})
    assert response.status_code in (302, 403)


def test_menu_item_for_training_admins_and_trainers_only(
    rf, data, training_admin, trainer_a, staff
):
    def menu_urls(user):
        request = rf.get("/admin/")
        request.user = user
        return {item.url for item in admin_menu.menu_items_for_request(request)}

    assert URL in menu_urls(training_admin)
    assert URL in menu_urls(trainer_a)
    assert URL not in menu_urls(staff)


def test_export_xlsx_is_formula_safe(client_for, data, training_admin):
    response = client_for(training_admin).get(URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "学员"
    assert [row[1] for row in rows[1:]] == ["od-eve", "od-ann", "od-bob"]
    hostile = [c for c in book.active.iter_rows() for c in c if c.value == HOSTILE]
    assert hostile and hostile[0].data_type == "s"
    assert rows[2][6] == 10 and rows[2][7] == 25


def add_overdue(course, count, start):
    now = timezone.now()
    for number in range(start, start + count):
        user = make_user(f"od-bulk-{number}", name=f"学员{number}")
        enrol(user, course, due_at=now - timedelta(days=1 + number))


def count_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(client_for, data, training_admin):
    client = client_for(training_admin)
    client.get(URL)  # warm the session and permission caches
    add_overdue(data["course_b"], 2, 0)
    small = count_queries(client)
    add_overdue(data["course_b"], 30, 2)
    large = count_queries(client)
    assert large == small
    assert count_queries(client, {"export": "xlsx"}) <= small
