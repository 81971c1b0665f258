"""The Wagtail admin: organisations listing and the user forms with profile fields."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from portal.accounts.admin_forms import ProfileUserCreationForm, ProfileUserEditForm
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role
from portal.accounts.viewsets import UserViewSet

CUSTOM_USERS_APP = (
    apps.get_app_config("wagtailusers").user_viewset
    == "portal.accounts.viewsets.UserViewSet"
)


@pytest.fixture
def organisations(db):
    return [
        Organisation.objects.create(
            name="甲方单位（测试）", kind="customer", code="T-C1"
        ),
        Organisation.objects.create(name="售后服务部（测试）", kind="department"),
    ]


@pytest.mark.django_db
def test_admin_lists_organisations_with_filter_and_search(admin_client, organisations):
    response = admin_client.get("/admin/organisations/")
    assert response.status_code == 200
    assert "甲方单位（测试）" in response.text
    assert "售后服务部（测试）" in response.text

    filtered = admin_client.get("/admin/organisations/", {"kind": "department"})
    assert "售后服务部（测试）" in filtered.text
    assert "甲方单位（测试）" not in filtered.text

    searched = admin_client.get("/admin/organisations/", {"q": "T-C1"})
    assert "甲方单位（测试）" in searched.text
    assert "售后服务部（测试）" not in searched.text


@pytest.mark.django_db
def test_customers_and_staff_cannot_open_the_organisation_admin(client, make_person):
    client.force_login(make_person("plain-customer"))
    assert client.get("/admin/organisations/").status_code in (302, 403)


@pytest.mark.django_db
def test_user_viewset_uses_the_profile_forms():
    viewset = UserViewSet("test_users", url_prefix="test-users")
    assert viewset.get_form_class() is ProfileUserCreationForm
    assert viewset.get_form_class(for_update=True) is ProfileUserEditForm


@pytest.mark.django_db
def test_creation_form_saves_the_profile(organisations):
    staff_group = Group.objects.get(name=GROUP_NAMES[Role.STAFF])
    form = ProfileUserCreationForm(
        data={
            "username": "kf-form",
            "email": "KF.Form@example.com",
            "display_name": "表单员工",
            "phone": "+86 137 0000 1111",
            "organisation": organisations[1].pk,
            "employee_number": "KF-FORM",
            "password1": "Admin-made-2026",
            "password2": "Admin-made-2026",
            "groups": [staff_group.pk],
        }
    )
    assert form.is_valid(), form.errors
    user = form.save()
    profile = Profile.objects.get(user=user)
    assert profile.display_name == "表单员工"
    assert profile.phone == "13700001111"
    assert profile.organisation == organisations[1]
    assert profile.employee_number == "KF-FORM"
    assert user.first_name == "表单员工"
    assert user.email == "kf.form@example.com"


@pytest.mark.django_db
def test_edit_form_refuses_a_taken_employee_number_and_email(make_person):
    make_person("holder", email="holder@example.com", employee_number="KF-1")
    user = make_person("editor", email="editor@example.com")
    form = ProfileUserEditForm(
        instance=user,
        data={
            "username": "editor",
            "email": "HOLDER@example.com",
            "display_name": "编辑",
            "employee_number": "kf-1",
            "is_active": "on",
        },
    )
    assert not form.is_valid()
    assert form.errors["employee_number"] == ["该工号已被其他账号使用。"]
    assert form.errors["email"] == ["该邮箱已被其他账号使用。"]


@pytest.mark.django_db
def test_edit_form_starts_from_the_profile(make_person, organisations):
    user = make_person("shown", phone="13800001111", organisation=organisations[0])
    form = ProfileUserEditForm(instance=user)
    assert form.initial["display_name"] == "shown"
    assert form.initial["phone"] == "13800001111"
    assert form.initial["organisation"] == organisations[0].pk
    assert "first_name" not in form.fields


@pytest.mark.django_db
@pytest.mark.skipif(
    not CUSTOM_USERS_APP,
    reason="needs portal.accounts.apps.UsersAppConfig in place of wagtail.users",
)
def test_admin_user_pages_show_the_profile_fields(admin_client, make_person):
    user = make_person("in-admin", display_name="后台看到我")
    assert 'name="display_name"' in admin_client.get("/admin/users/new/").text
    edit = admin_client.get(f"/admin/users/edit/{user.pk}/")
    assert edit.status_code == 200
    assert "后台看到我" in edit.text
    assert 'name="employee_number"' in edit.text


@pytest.mark.django_db
@pytest.mark.skipif(
    not CUSTOM_USERS_APP,
    reason="needs portal.accounts.apps.UsersAppConfig in place of wagtail.users",
)
def test_admin_edits_a_profile_through_the_user_form(
    admin_client, make_person, organisations
):
    user = make_person("to-edit", email="to-edit@example.com")
    response = admin_client.post(
        f"/admin/users/edit/{user.pk}/",
        {
            "username": "to-edit",
            "email": "to-edit@example.com",
            "display_name": "改过的名字",
            "phone": "13600001111",
            "organisation": organisations[1].pk,
            "employee_number": "SH-42",
            "is_active": "on",
            "groups": [Group.objects.get(name=GROUP_NAMES[Role.STAFF]).pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    profile = Profile.objects.select_related("user").get(user=user)
    assert profile.display_name == "改过的名字"
    assert profile.employee_number == "SH-42"
    assert profile.organisation == organisations[1]
    assert profile.user.first_name == "改过的名字"


@pytest.mark.django_db
def test_admin_adds_and_inspects_an_organisation(admin_client):
    assert admin_client.get("/admin/organisations/new/").status_code == 200
    response = admin_client.post(
        "/admin/organisations/new/",
        {"name": "新客户单位（测试）", "kind": "customer", "code": "T-NEW"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="新客户单位（测试）")
    inspect = admin_client.get(f"/admin/organisations/inspect/{organisation.pk}/")
    assert inspect.status_code == 200
    assert "T-NEW" in inspect.text
