"""The progress admin (学习进度, /admin/progress/enrollments/): who sees which
enrolments, the progress figures annotated in SQL, every filter, the formula-safe
XLSX/CSV export and a query count that does not grow with the number of rows. Data
is built with the ORM."""

import codecs
import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import GroupPagePermission

from courses.models import Enrollment, LessonPage, LessonProgress
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

URL = "/admin/progress/enrollments/"
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def make_user(username, *, name, organisation=None, role=Role.CUSTOMER):
    user = get_user_model().objects.create_user(username=username, password="x")
    Profile.objects.create(user=user, display_name=name, organisation=organisation)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


def enrol(user, course, **fields):
    fields.setdefault("enrolled_at", timezone.now() - timedelta(days=10))
    return Enrollment.objects.create(user=user, course=course, **fields)


def complete(user, *lessons):
    now = timezone.now()
    for lesson in lessons:
        LessonProgress.objects.create(
            user=user, lesson=lesson, started_at=now, completed_at=now
        )


@pytest.fixture
def data():
    now = timezone.now()
    acme = Organisation.objects.create(name="进度测试甲公司", kind="customer")
    beta = Organisation.objects.create(name="进度测试乙公司", kind="customer")
    course_a, lessons_a = make_course(lessons=4, title="进度课程甲")
    # An unpublished lesson counts neither in the total nor in the learner's done.
    LessonPage.objects.filter(pk=lessons_a[3].pk).update(live=False)
    course_b, lessons_b = make_course(lessons=2, title=HOSTILE)
    ann = make_user("pa-ann", name="安娜", organisation=acme)
    bob = make_user("pa-bob", name="鲍勃", organisation=beta)
    cat = make_user("pa-cat", name="凯特", organisation=acme)
    complete(ann, lessons_a[0], lessons_a[1], lessons_a[3])
    complete(bob, *lessons_b)
    complete(bob, lessons_a[0])  # progress on a course bob is not enrolled on
    enrol(
        ann,
        course_a,
        source="assigned",
        due_at=now - timedelta(days=1),
        enrolled_at=now - timedelta(days=30),
    )
    enrol(
        bob,
        course_b,
        status="completed",
        completed_at=now - timedelta(days=2),
        due_at=now - timedelta(days=1),
        score="92.5",
    )
    enrol(cat, course_a, due_at=now + timedelta(days=5), source="self")
    return {
        "course_a": course_a,
        "course_b": course_b,
        "acme": acme,
        "beta": beta,
        "ann": ann,
        "bob": bob,
        "cat": cat,
        "lessons_a": lessons_a,
    }


@pytest.fixture
def training_admin():
    return make_user("pa-admin", name="培训主管", role=Role.TRAINING_ADMIN)


@pytest.fixture
def trainer_a(data):
    """讲师 model permissions, and page permissions below course A only."""
    group = Group.objects.create(name="讲师（进度课程甲）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=data["course_a"],
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = make_user("pa-trainer", name="甲助教", role=Role.TRAINER)
    user.groups.set([group])
    return user


def listed(client, **params) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    return {name for name in ("pa-ann", "pa-bob", "pa-cat") if name in html}


def test_training_admin_sees_every_enrolment_with_progress(
    client_for, data, training_admin
):
    response = client_for(training_admin).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2/3 课时（66%）" in html  # ann: the unpublished lesson does not count
    assert "2/2 课时（100%）" in html  # bob
    assert "0/3 课时（0%）" in html  # cat
    assert "92.5%" in html
    assert "进度测试甲公司" in html and "安娜" in html
    assert html.count("已逾期") >= 1
    assert listed(client_for(training_admin)) == {"pa-ann", "pa-bob", "pa-cat"}


def test_superuser_sees_everything(client_for, data, admin_user):
    assert listed(client_for(admin_user)) == {"pa-ann", "pa-bob", "pa-cat"}


def test_trainer_sees_only_courses_they_can_edit(client_for, data, trainer_a):
    client = client_for(trainer_a)
    assert listed(client) == {"pa-ann", "pa-cat"}
    # A crafted filter on another course shows nothing.
    assert listed(client, course=data["course_b"].pk) == set()
    assert listed(client, organisation=data["beta"].pk) == set()
    response = client.get(URL)
    assert "进度测试乙公司" not in response.content.decode()


@pytest.mark.parametrize("who", ["customer", "staff", None])
def test_customers_staff_and_visitors_are_refused(client_for, data, request, who):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(URL)
    assert response.status_code in (302, 403, 404)
    assert b"pa-ann" not in response.content


def test_trainer_without_pages_sees_nothing(client_for, data):
    """The 讲师 model permissions without any page to edit."""
    group = Group.objects.create(name="讲师（无课程）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )
    lonely = make_user("pa-lonely", name="无课讲师", role=Role.TRAINER)
    lonely.groups.set([group])
    assert listed(client_for(lonely)) == set()


def test_each_filter_narrows(client_for, data, training_admin):
    client = client_for(training_admin)
    today = timezone.localdate()
    assert listed(client, course=data["course_a"].pk) == {"pa-ann", "pa-cat"}
    assert listed(client, organisation=data["acme"].pk) == {"pa-ann", "pa-cat"}
    assert listed(client, status="completed") == {"pa-bob"}
    assert listed(client, source="assigned") == {"pa-ann"}
    assert listed(client, source="self") == {"pa-bob", "pa-cat"}
    since = (today - timedelta(days=20)).isoformat()
    assert listed(client, enrolled_at_from=since) == {"pa-bob", "pa-cat"}
    until = (today - timedelta(days=20)).isoformat()
    assert listed(client, enrolled_at_to=until) == {"pa-ann"}
    assert listed(client, q="凯特") == {"pa-cat"}
    assert listed(client, q="pa-bo") == {"pa-bob"}


def test_overdue_filter(client_for, data, training_admin):
    client = client_for(training_admin)
    # bob's due date passed too, but he completed the course.
    assert listed(client, overdue="true") == {"pa-ann"}
    assert listed(client, overdue="false") == {"pa-bob", "pa-cat"}


def test_export_xlsx_keeps_hostile_titles_as_text(client_for, data, training_admin):
    response = client_for(training_admin).get(URL, {"export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:7] == ("学员", "用户名", "组织", "课程", "来源", "状态", "进度")
    by_user = {row[1]: row for row in rows[1:]}
    assert set(by_user) == {"pa-ann", "pa-bob", "pa-cat"}
    assert by_user["pa-ann"][6] == "2/3 课时" and by_user["pa-ann"][7] == 66
    assert by_user["pa-ann"][10] == "是"
    assert by_user["pa-bob"][3] == HOSTILE
    cells = {cell.value: cell for row in book.active.iter_rows() for cell in row}
    assert cells[HOSTILE].data_type == "s"
    assert by_user["pa-bob"][8] == 92.5


def test_export_csv_neutralises_formulas(client_for, data, training_admin):
    response = client_for(training_admin).get(URL, {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "学员"
    bob = next(row for row in rows if row[1] == "pa-bob")
    assert bob[3] == "'" + HOSTILE
    ann = next(row for row in rows if row[1] == "pa-ann")
    assert ann[6] == "2/3 课时" and ann[7] == "66" and ann[10] == "是"


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
        if params.get("export"):
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [{}, {"export": "xlsx"}, {"export": "csv"}])
def test_query_count_does_not_grow_with_rows(client_for, training_admin, params):
    course, lessons = make_course(lessons=3, title="查询计数课程")
    org = Organisation.objects.create(name="查询计数公司", kind="customer")

    def add(start, count):
        for i in range(start, start + count):
            user = make_user(f"pa-q{i}", name=f"学员{i}", organisation=org)
            enrol(user, course, due_at=timezone.now() - timedelta(days=1))
            complete(user, lessons[i % 3])

    client = client_for(training_admin)
    add(0, 3)
    client.get(URL, params)  # warm caches (session, permissions, site)
    few = _queries(client, params)
    add(3, 27)
    many = _queries(client, params)
    assert few == many
