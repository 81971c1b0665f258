"""The profile page: private, one's own data, customers name their company."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import Role

PROFILE_URL = reverse("accounts:profile")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('accounts:login')}?next=")


@pytest.mark.django_db
def test_profile_is_private_and_shows_only_own_data(client, make_person):
    me = make_person("me", display_name="王小明", phone="13800000001")
    make_person("other", display_name="赵大宝", phone="13900000002")
    client.force_login(me)

    response = client.get(PROFILE_URL)

    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "王小明" in response.text
    assert "13800000001" in response.text
    assert "客户" in response.text  # the role
    assert "赵大宝" not in response.text
    assert "13900000002" not in response.text


@pytest.mark.django_db
def test_a_missing_profile_is_created(client):
    user = get_user_model().objects.create_user(
        username="bare", email="bare@example.com", password="x", first_name="裸账号"
    )
    client.force_login(user)
    response = client.get(PROFILE_URL)
    assert response.status_code == 200
    assert Profile.objects.get(user=user).display_name == "裸账号"
    assert "未分配" in response.text


@pytest.mark.django_db
def test_customer_edits_name_phone_and_company(client, make_person):
    me = make_person("buyer")
    client.force_login(me)
    response = client.post(
        PROFILE_URL,
        {
            "display_name": " 钱多多 ",
            "phone": "139 1111 2222",
            "organisation_name": "西北重工（测试）",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.select_related("organisation", "user").get(user=me)
    assert profile.display_name == "钱多多"
    assert profile.phone == "13911112222"
    assert profile.organisation.name == "西北重工（测试）"
    assert profile.organisation.kind == Organisation.Kind.CUSTOMER
    assert profile.user.first_name == "钱多多"
    assert "个人资料已保存" in client.get(PROFILE_URL).text


@pytest.mark.django_db
def test_customer_gets_a_chinese_error_for_a_bad_phone(client, make_person):
    client.force_login(make_person("typo"))
    response = client.post(PROFILE_URL, {"display_name": "甲", "phone": "555-1234"})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "请输入有效的中国大陆手机号：11 位数字，以 1 开头。"
    ]


@pytest.mark.django_db
def test_staff_cannot_change_their_department(client, make_person, department):
    me = make_person("agent", role=Role.STAFF, organisation=department)
    client.force_login(me)

    page = client.get(PROFILE_URL)
    assert 'name="organisation_name"' not in page.text
    assert department.name in page.text
    assert "客服人员" in page.text

    response = client.post(
        PROFILE_URL,
        {"display_name": "新名字", "phone": "", "organisation_name": "自己写的单位"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=me)
    assert profile.organisation == department
    assert profile.display_name == "新名字"
    assert not Organisation.objects.filter(name="自己写的单位").exists()
