"""A learner's 培训档案 in the admin (/admin/progress/learners/<user_id>/): the
learner's own archive plus learning paths, XLSX and PDF, linked from the enrolment
listing; trainers see only their courses' rows; 404 for unknown ids."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import GroupPagePermission

from courses.models.paths import PathEnrollment
from portal.accounts.roles import GROUP_NAMES, Role
from tests.courses.progress.test_admin import enrol, make_user
from tests.courses.progress.test_overdue_report import make_path
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db


def url(user_id) -> str:
    return reverse("progress_learner_archive", args=[user_id])


@pytest.fixture
def data(trainer_a_group):
    course_a, _ = make_course(
        lessons=1, title="档案课程甲", estimated_hours=Decimal("3")
    )
    course_b, _ = make_course(lessons=1, title="档案课程乙")
    trainer_a_group(course_a)
    path = make_path(course_a.get_parent(), title="档案入职路径", stages=2)
    ann = make_user("la-ann", name="安娜")
    now = timezone.now()
    enrol(
        ann,
        course_a,
        status="completed",
        completed_at=now - timedelta(days=1),
        score=Decimal("90"),
    )
    enrol(ann, course_b)
    PathEnrollment.objects.create(
        user=ann,
        path=path,
        enrolled_at=now,
        current_stage=path.stages.order_by("sort_order").first(),
    )
    return {"ann": ann, "course_a": course_a, "course_b": course_b}


@pytest.fixture
def trainer_a_group():
    group = Group.objects.create(name="讲师（档案课程甲）")
    group.permissions.set(
        Group.objects.get(name=GROUP_NAMES[Role.TRAINER]).permissions.all()
    )

    def grant(page):
        GroupPagePermission.objects.create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename="change_page"
            ),
        )

    grant.group = group
    return grant


@pytest.fixture
def training_admin():
    return make_user("la-admin", name="培训主管", role=Role.TRAINING_ADMIN)


@pytest.fixture
def trainer(data, trainer_a_group):
    user = make_user("la-trainer", name="甲助教", role=Role.TRAINER)
    user.groups.set([trainer_a_group.group])
    return user


def test_training_admin_sees_courses_and_paths(client_for, data, training_admin):
    response = client_for(training_admin).get(url(data["ann"].pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    for text in ("安娜", "档案课程甲", "档案课程乙", "档案入职路径", "阶段1", "90"):
        assert text in html, text
    assert "已完成课程 1 门，累计学时 3 小时" in html


def test_unknown_user_is_404(client_for, data, training_admin):
    assert client_for(training_admin).get(url(999999)).status_code == 404


def test_trainer_sees_only_rows_of_their_courses(client_for, data, trainer):
    response = client_for(trainer).get(url(data["ann"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "档案课程甲" in html
    assert "档案课程乙" not in html and "档案入职路径" not in html


def test_trainer_gets_404_for_a_learner_not_theirs(client_for, data, trainer):
    stranger = make_user("la-stranger", name="陌生人")
    enrol(stranger, data["course_b"])
    assert client_for(trainer).get(url(stranger.pk)).status_code == 404


@pytest.mark.parametrize("who", ["customer", "staff", None])
def test_customers_staff_and_visitors_are_refused(client_for, data, request, who):
    user = request.getfixturevalue(who) if who else None
    for suffix in ("", "?format=pdf", "?format=xlsx"):
        response = client_for(user).get(url(data["ann"].pk) + suffix)
        assert response.status_code in (302, 403)
        assert "档案课程甲".encode() not in response.content


def test_xlsx_and_pdf(client_for, data, training_admin):
    client = client_for(training_admin)
    response = client.get(url(data["ann"].pk), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    courses = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert "档案课程甲" in courses and "档案课程乙" in courses
    paths = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert "档案入职路径" in paths

    response = client.get(url(data["ann"].pk), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "安娜" in text and "档案课程甲" in text and "档案入职路径" in text


def test_enrolment_listing_links_to_the_archive(client_for, data, training_admin):
    html = client_for(training_admin).get("/admin/progress/enrollments/").content
    assert f'href="{url(data["ann"].pk)}"'.encode() in html
