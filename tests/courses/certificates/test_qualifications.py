"""Trainer qualifications (讲师资格, /admin/certificates/qualifications/): the
status computed in SQL (有效 / 即将到期 / 已过期), the 待年审 filter and count, the
form's date check, who may edit, and ``CoursePageForm``: only a trainer qualified
for the course can be set as its trainer."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms import CheckboxInput
from django.utils import timezone

from courses.certificate_admin import forms as certificate_forms
from courses.certificate_admin.qualifications import (
    DUE_SOON,
    EXPIRED,
    VALID,
    with_review_status,
)
from courses.models import CoursePage, TrainerQualification
from portal.accounts.roles import GROUP_NAMES, Role
from tests.factories.progress import make_course

pytestmark = pytest.mark.django_db

URL = "/admin/certificates/qualifications/"


def make_trainer(username, name):
    user = get_user_model().objects.create_user(
        username=username, password="x", first_name=name
    )
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.TRAINER]))
    return user


def qualify(trainer, course, *, due_in_days, number=""):
    today = timezone.localdate()
    return TrainerQualification.objects.create(
        trainer=trainer,
        course=course,
        certificate_number=number,
        qualified_on=today - timedelta(days=300),
        review_due=today + timedelta(days=due_in_days),
    )


@pytest.fixture
def data():
    course_a, _ = make_course(lessons=1, title="资格课程甲")
    course_b, _ = make_course(lessons=1, title="资格课程乙")
    wang = make_trainer("qa-wang", "王讲师")
    li = make_trainer("qa-li", "李讲师")
    return {
        "course_a": course_a,
        "course_b": course_b,
        "wang": wang,
        "li": li,
        "valid": qualify(wang, course_a, due_in_days=200, number="ZG-001"),
        "soon": qualify(li, course_a, due_in_days=10, number="ZG-002"),
        "expired": qualify(wang, course_b, due_in_days=-1, number="ZG-003"),
        "today": qualify(li, course_b, due_in_days=0, number="ZG-004"),
    }


def numbers(response) -> set[str]:
    html = response.content.decode()
    return {n for n in ("ZG-001", "ZG-002", "ZG-003", "ZG-004") if n in html}


# -- status and filters -------------------------------------------------------------


def test_review_status_is_computed_in_sql(data):
    statuses = dict(
        with_review_status(TrainerQualification.objects.all()).values_list(
            "certificate_number", "review_status"
        )
    )
    assert statuses["ZG-001"] == VALID
    assert statuses["ZG-002"] == DUE_SOON
    assert statuses["ZG-003"] == EXPIRED
    assert statuses["ZG-004"] == DUE_SOON  # due today: still valid today


def test_listing_shows_statuses_and_the_count_due(client, data, admin_user):
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert numbers(response) == {"ZG-001", "ZG-002", "ZG-003", "ZG-004"}
    assert "即将到期" in html and "已过期" in html and "有效" in html
    due = TrainerQualification.objects.filter(
        review_due__lte=timezone.localdate() + timedelta(days=30)
    ).count()
    assert due >= 3  # ours, and any the demo holds
    assert f'data-due-count="{due}"' in html
    assert "需要年审" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"due_for_review": "true"}, {"ZG-002", "ZG-003", "ZG-004"}),
        ({"due_for_review": "false"}, {"ZG-001"}),
        ({"course": "course_b"}, {"ZG-003", "ZG-004"}),
        ({"trainer": "wang"}, {"ZG-001", "ZG-003"}),
        ({"trainer": "li", "due_for_review": "true"}, {"ZG-002", "ZG-004"}),
    ],
)
def test_filters(client, data, admin_user, params, expected):
    client.force_login(admin_user)
    query = {
        key: data[value].pk if value in data else value for key, value in params.items()
    }
    response = client.get(URL, query)
    assert response.status_code == 200
    assert numbers(response) == expected


# -- create and edit ----------------------------------------------------------------


def test_review_date_must_follow_the_qualification_date(client, data, admin_user):
    client.force_login(admin_user)
    today = timezone.localdate()
    form = {
        "trainer": data["li"].pk,
        "course": data["course_b"].pk,
        "certificate_number": "ZG-010",
        "qualified_on": today.isoformat(),
        "review_due": (today - timedelta(days=1)).isoformat(),
        "note": "",
    }
    # li already holds course B: use a third course for the create.
    course_c, _ = make_course(lessons=1, title="资格课程丙")
    form["course"] = course_c.pk
    response = client.post(f"{URL}new/", form)
    assert response.status_code == 200
    assert "年审日期必须晚于取得资格日期。" in response.content.decode()
    form["review_due"] = (today + timedelta(days=365)).isoformat()
    response = client.post(f"{URL}new/", form)
    assert response.status_code == 302
    assert TrainerQualification.objects.filter(certificate_number="ZG-010").exists()


def test_only_trainers_are_offered(client, data, admin_user):
    client.force_login(admin_user)
    html = client.get(f"{URL}new/").content.decode()
    assert "qa-wang" in html or "王讲师" in html
    assert (
        f'value="{get_user_model().objects.get(username="customer").pk}"'
        not in (html.split('name="trainer"')[1].split("</select>")[0])
    )


def test_trainers_may_read_but_not_edit(client, data, trainer):
    client.force_login(trainer)
    assert client.get(URL).status_code == 200
    response = client.get(f"{URL}edit/{data['valid'].pk}/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("username", ["customer", "staff"])
def test_no_access_for_customers_and_staff(client, data, username):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(URL)
    assert response.status_code in (302, 403)


# -- the course form ----------------------------------------------------------------


@pytest.fixture
def course_form_class(monkeypatch):
    """The CoursePage edit form built on ``CoursePageForm`` (as the lead wires it
    with ``CoursePage.base_form_class``)."""
    monkeypatch.setattr(
        CoursePage, "base_form_class", certificate_forms.CoursePageForm, raising=False
    )
    CoursePage.get_edit_handler.cache_clear()
    yield CoursePage.get_edit_handler().get_form_class()
    CoursePage.get_edit_handler.cache_clear()


def form_data(form) -> dict:
    """What the browser would post for an unchanged edit form."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if value is None:
            continue
        if name == "tags":
            value = ",".join(tag.name for tag in value or [])
        data[name] = value
    for formset in getattr(form, "formsets", {}).values():
        management = formset.management_form
        for key in management.fields:
            value = management[key].value()
            data[f"{formset.prefix}-{key}"] = "" if value is None else value
    return data


def bind(form_class, course, user, **changes):
    unbound = form_class(
        instance=course, for_user=user, parent_page=course.get_parent()
    )
    data = {**form_data(unbound), **changes}
    return form_class(
        data, instance=course, for_user=user, parent_page=course.get_parent()
    )


def test_course_form_refuses_an_unqualified_trainer(
    course_form_class, data, admin_user
):
    course = CoursePage.objects.get(pk=data["course_a"].pk)
    outsider = make_trainer("qa-outsider", "外聘讲师")
    form = bind(course_form_class, course, admin_user, trainer=outsider.pk)
    assert not form.is_valid()
    assert str(certificate_forms.UNQUALIFIED_TRAINER) in form.errors["trainer"]


def test_course_form_refuses_a_lapsed_qualification(
    course_form_class, data, admin_user
):
    course = CoursePage.objects.get(pk=data["course_b"].pk)
    form = bind(course_form_class, course, admin_user, trainer=data["wang"].pk)
    assert not form.is_valid()  # wang's course B qualification expired yesterday
    assert str(certificate_forms.UNQUALIFIED_TRAINER) in form.errors["trainer"]


def test_course_form_accepts_a_qualified_trainer_and_no_trainer(
    course_form_class, data, admin_user
):
    course = CoursePage.objects.get(pk=data["course_a"].pk)
    form = bind(course_form_class, course, admin_user, trainer=data["wang"].pk)
    assert form.is_valid(), form.errors
    form = bind(course_form_class, course, admin_user, trainer=data["li"].pk)
    assert form.is_valid(), form.errors  # due in 10 days: still valid
    form = bind(course_form_class, course, admin_user, trainer="")
    assert form.is_valid(), form.errors


def test_course_form_keeps_an_unchanged_trainer_whose_review_lapsed(
    course_form_class, data, admin_user
):
    CoursePage.objects.filter(pk=data["course_b"].pk).update(trainer=data["wang"])
    course = CoursePage.objects.get(pk=data["course_b"].pk)
    form = bind(course_form_class, course, admin_user, title="资格课程乙（修订）")
    assert form.is_valid(), form.errors


def test_new_course_cannot_take_a_trainer_yet(course_form_class, data, admin_user):
    parent = data["course_a"].get_parent()
    course = CoursePage(owner=admin_user)
    unbound = course_form_class(
        instance=course, for_user=admin_user, parent_page=parent
    )
    fields = {
        **form_data(unbound),
        "title": "新课程",
        "slug": "new-course-qa",
        "summary": "简介",
        "objectives": "目标",
        "estimated_hours": "1",
        "trainer": data["wang"].pk,
    }
    form = course_form_class(
        fields, instance=course, for_user=admin_user, parent_page=parent
    )
    assert not form.is_valid()
    assert str(certificate_forms.NEW_COURSE_TRAINER) in form.errors["trainer"]
    fields["trainer"] = ""
    form = course_form_class(
        fields, instance=course, for_user=admin_user, parent_page=parent
    )
    assert form.is_valid(), form.errors
