"""The path admin: the path-enrolment listing (/admin/paths/enrollments/) with its
filters, setting a mentor and enrolling a learner (training admins), and the
sign-off queue (/admin/paths/signoffs/): customers and service staff have no
access, trainers sign off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.admin.menu import admin_menu

from courses.models.paths import PathEnrollment, StageSignOff
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from courses.services.paths import path_enroll
from portal.accounts.models import Organisation, Profile
from tests.courses.paths.builders import make_path, stages_of, user_in

pytestmark = pytest.mark.django_db

LIST = "/admin/paths/enrollments/"
QUEUE = "/admin/paths/signoffs/"
ENROL = "/admin/paths/enroll/"


def signoff_url(enrollment, stage) -> str:
    return f"{QUEUE}{enrollment.pk}/{stage.pk}/"


def mentor_url(enrollment) -> str:
    return f"{LIST}{enrollment.pk}/mentor/"


@pytest.fixture
def data():
    acme = Organisation.objects.create(name="路径测试甲部门", kind="department")
    path = make_path({"task": "师傅旁看"}, {"courses": 1}, title="入职路径")
    other_path = make_path({"courses": 1}, title="进阶路径")
    ann = user_in("adm-ann", "客服人员")
    Profile.objects.create(user=ann, display_name="安娜", organisation=acme)
    bob = user_in("adm-bob", "客服人员")
    Profile.objects.create(user=bob, display_name="鲍勃")
    mentor = user_in("adm-mentor", "客服人员")
    ann_on_path = path_enroll(user=ann, path=path, mentor=mentor)
    bob_on_other = path_enroll(user=bob, path=other_path)
    return {
        "path": path,
        "other_path": other_path,
        "ann": ann,
        "bob": bob,
        "mentor": mentor,
        "ann_on_path": ann_on_path,
        "bob_on_other": bob_on_other,
    }


@pytest.fixture
def training_admin():
    return user_in("adm-training-admin", "培训管理员")


@pytest.fixture
def trainer_user():
    return user_in("adm-trainer", "讲师")


def test_training_admin_lists_enrolments_with_stage_and_mentor(
    client, training_admin, data
):
    client.force_login(training_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "安娜" in html and "鲍勃" in html
    assert "第 1/2 阶段 · 阶段1" in html
    assert "adm-mentor" in html
    assert mentor_url(data["ann_on_path"]) in html
    assert ENROL in html


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ("path={path}", "安娜", "鲍勃"),
        ("organisation={org}", "安娜", "鲍勃"),
        ("status=in_progress", "安娜", "鲍勃"),
    ],
)
def test_filters(client, training_admin, data, params, shown, hidden):
    PathEnrollment.objects.filter(pk=data["bob_on_other"].pk).update(
        status=EnrollmentStatus.COMPLETED
    )
    org = Organisation.objects.get(name="路径测试甲部门")
    client.force_login(training_admin)
    query = params.format(path=data["path"].pk, org=org.pk)
    html = client.get(f"{LIST}?{query}").content.decode()
    assert shown in html
    assert hidden not in html


def test_trainer_reads_but_cannot_set_mentors(client, trainer_user, data):
    client.force_login(trainer_user)
    html = client.get(LIST).content.decode()
    assert "安娜" in html
    assert mentor_url(data["ann_on_path"]) not in html
    assert client.get(mentor_url(data["ann_on_path"])).status_code in (302, 403)
    assert client.get(ENROL).status_code in (302, 403)


def test_trainer_lists_only_paths_they_can_edit(client, data):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group = Group.objects.create(name="讲师（入职路径）")
    group.permissions.set(Group.objects.get(name="讲师").permissions.all())
    GroupPagePermission.objects.create(
        group=group,
        page=data["path"],
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    narrow = user_in("adm-narrow-trainer", "讲师")
    narrow.groups.set([group])
    client.force_login(narrow)
    html = client.get(LIST).content.decode()
    assert "安娜" in html and "鲍勃" not in html


@pytest.mark.parametrize("group", ["客户", "客服人员"])
def test_customers_and_staff_have_no_access(client, data, group):
    client.force_login(user_in("adm-nobody", group))
    for url in (LIST, QUEUE, ENROL, mentor_url(data["ann_on_path"])):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    stage = stages_of(data["path"])[0]
    client.post(signoff_url(data["ann_on_path"], stage))
    assert not StageSignOff.objects.exists()


def test_training_admin_sets_the_mentor(client, training_admin, data):
    new_mentor = user_in("adm-new-mentor", "讲师")
    client.force_login(training_admin)
    response = client.post(mentor_url(data["bob_on_other"]), {"mentor": new_mentor.pk})
    assert response.status_code == 302
    data["bob_on_other"].refresh_from_db()
    assert data["bob_on_other"].mentor == new_mentor


def test_mentor_must_be_staff(client, training_admin, data):
    customer = user_in("adm-customer", "客户")
    client.force_login(training_admin)
    response = client.post(mentor_url(data["bob_on_other"]), {"mentor": customer.pk})
    assert response.status_code == 200
    assert "请选择有效的师傅" in response.content.decode()
    data["bob_on_other"].refresh_from_db()
    assert data["bob_on_other"].mentor is None


def test_training_admin_enrols_a_learner(client, training_admin, data):
    carol = user_in("adm-carol", "客服人员")
    client.force_login(training_admin)
    response = client.post(
        ENROL,
        {
            "username": "adm-carol",
            "path": data["path"].pk,
            "due_at": "2030-01-31T18:00",
            "mentor": data["mentor"].pk,
        },
    )
    assert response.status_code == 302
    enrollment = PathEnrollment.objects.get(user=carol)
    assert enrollment.source == EnrollmentSource.ASSIGNED
    assert enrollment.mentor == data["mentor"]
    assert enrollment.due_at is not None
    assert enrollment.current_stage == stages_of(data["path"])[0]


def test_enrol_form_errors_are_chinese(client, training_admin, data):
    client.force_login(training_admin)
    response = client.post(ENROL, {"username": "nobody-here", "path": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "找不到该用户" in html
    assert "请选择有效的学习路径" in html


def test_queue_lists_waiting_tasks_and_trainer_signs_off(client, trainer_user, data):
    client.force_login(trainer_user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "安娜" in html
    assert "师傅旁看" in html
    assert "鲍勃" not in html  # no task on his stage
    stage = stages_of(data["path"])[0]
    for _ in range(2):
        response = client.post(
            signoff_url(data["ann_on_path"], stage), {"note": "合格"}
        )
        assert response.status_code == 302
    signoff = StageSignOff.objects.get()
    assert signoff.signed_off_by == trainer_user
    assert signoff.note == "合格"
    assert "安娜" not in client.get(QUEUE).content.decode()


def test_queue_query_count_does_not_grow(client, trainer_user, data):
    client.force_login(trainer_user)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as small:
        client.get(QUEUE)
    for n in range(6):
        path_enroll(user=user_in(f"adm-more-{n}", "客服人员"), path=data["path"])
    with CaptureQueriesContext(connection) as large:
        html = client.get(QUEUE).content.decode()
    assert html.count("签字确认") >= 7
    assert len(large) <= len(small)


def test_listing_query_count_does_not_grow(client, training_admin, data):
    client.force_login(training_admin)
    client.get(LIST)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    for n in range(6):
        path_enroll(user=user_in(f"adm-more-{n}", "客服人员"), path=data["path"])
    with CaptureQueriesContext(connection) as large:
        client.get(LIST)
    assert len(large) <= len(small)


def test_menu_shows_paths_by_permission(rf, trainer_user, training_admin):
    def menu_urls(user):
        request = rf.get("/admin/")
        request.user = user
        urls = set()
        for item in admin_menu.menu_items_for_request(request):
            urls.add(item.url)
            menu = getattr(item, "menu", None)
            if menu is not None:
                urls |= {sub.url for sub in menu.menu_items_for_request(request)}
        return urls

    assert {LIST, QUEUE} <= menu_urls(trainer_user)
    assert {LIST, QUEUE} <= menu_urls(training_admin)
    staff = user_in("adm-staff-menu", "客服人员")
    assert not {LIST, QUEUE} & menu_urls(staff)


# -- mentors, methods, malformed ids -----------------------------------------------

HUGE = "99999999999999999999"


def test_mentor_choices_exclude_the_learner(client, training_admin, data):
    client.force_login(training_admin)
    response = client.get(mentor_url(data["ann_on_path"]))
    assert response.status_code == 200
    choices = set(response.context["form"].fields["mentor"].queryset)
    assert data["mentor"] in choices
    assert data["ann"] not in choices
    response = client.post(mentor_url(data["ann_on_path"]), {"mentor": data["ann"].pk})
    assert response.status_code == 200
    data["ann_on_path"].refresh_from_db()
    assert data["ann_on_path"].mentor == data["mentor"]


def test_enrol_form_refuses_the_learner_as_mentor(client, training_admin, data):
    carol = user_in("adm-carol", "客服人员")
    client.force_login(training_admin)
    response = client.post(
        ENROL, {"username": "adm-carol", "path": data["path"].pk, "mentor": carol.pk}
    )
    assert response.status_code == 200
    assert "学员不能做自己的师傅" in response.content.decode()
    assert not PathEnrollment.objects.filter(user=carol).exists()


def test_post_to_the_queue_without_ids_is_405(client, trainer_user, data):
    client.force_login(trainer_user)
    assert client.post(QUEUE, {"note": "x"}).status_code == 405
    assert client.get(signoff_url(data["ann_on_path"], data["path"])).status_code == 405


def test_unknown_ids_answer_404_to_permitted_users(
    client, training_admin, trainer_user, data
):
    stage = stages_of(data["path"])[0]
    client.force_login(training_admin)
    for pk in ("0", HUGE):
        assert client.get(f"{LIST}{pk}/mentor/").status_code == 404
        assert client.post(f"{LIST}{pk}/mentor/", {}).status_code == 404
    client.force_login(trainer_user)
    for url in (
        f"{QUEUE}{HUGE}/{stage.pk}/",
        f"{QUEUE}{data['ann_on_path'].pk}/{HUGE}/",
        f"{QUEUE}0/0/",
    ):
        assert client.post(url, {"note": ""}).status_code == 404, url
    assert client.get(f"{LIST}abc/mentor/").status_code == 404


def test_without_permission_unknown_and_known_ids_answer_alike(
    client, trainer_user, data
):
    # A trainer reaches the admin but may not set mentors.
    client.force_login(trainer_user)
    known = client.get(mentor_url(data["ann_on_path"])).status_code
    assert known in (302, 403)
    for pk in ("0", HUGE):
        assert client.get(f"{LIST}{pk}/mentor/").status_code == known
    client.force_login(user_in("adm-nobody", "客服人员"))
    known = client.post(signoff_url(data["ann_on_path"], data["path"])).status_code
    assert known in (302, 403)
    for pk in ("0", HUGE):
        assert client.post(f"{QUEUE}{pk}/{pk}/").status_code == known


@pytest.mark.parametrize(
    "query",
    [
        "path=abc",
        f"path={HUGE}",
        f"organisation={HUGE}",
        "status=bogus",
        "ordering=bogus",
        "ordering=-password",
        "p=abc",
        f"p={HUGE}",
        "q=" + "安" * 500,
    ],
)
def test_listing_survives_malformed_params(client, training_admin, data, query):
    client.force_login(training_admin)
    assert client.get(f"{LIST}?{query}").status_code in (200, 400, 404)


def test_enrol_form_survives_malformed_fields(client, training_admin, data):
    client.force_login(training_admin)
    for fields in (
        {},
        {"username": "adm-bob", "path": HUGE, "mentor": HUGE, "due_at": "x"},
        {"username": "adm-bob", "path": data["path"].pk, "due_at": "99999-99-99"},
    ):
        assert client.post(ENROL, fields).status_code == 200, fields
