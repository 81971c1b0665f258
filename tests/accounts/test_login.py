"""Sign-in and sign-out: username or e-mail, no enumeration, rate limits, safe next."""

from unittest import mock

import pytest
from django.urls import reverse

from portal.accounts.backends import EmailOrUsernameBackend
from tests.accounts.conftest import PASSWORD

LOGIN_URL = reverse("accounts:login")
INVALID_LOGIN = "用户名/邮箱或密码不正确。新注册的账号需要先点击激活邮件中的链接。"


def _login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def _form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert "用户名或邮箱" in response.text
    assert 'autocomplete="current-password"' in response.text


@pytest.mark.django_db
def test_login_by_username(client, make_person):
    user = make_person("wanglei")
    response = _login(client, "wanglei")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_login_by_email_ignores_case(client, make_person):
    user = make_person("lina", email="li.na@example.com")
    response = _login(client, "Li.Na@Example.com")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_unknown_user_wrong_password_and_inactive_get_one_message(client, make_person):
    make_person("known")
    inactive = make_person("sleeper")
    inactive.is_active = False
    inactive.save()

    wrong_password = _login(client, "known", "not-the-password")
    unknown_user = _login(client, "nobody-here", "not-the-password")
    inactive_right_password = _login(client, "sleeper")

    for response in (wrong_password, unknown_user, inactive_right_password):
        assert response.status_code == 200
        assert _form_errors(response) == [INVALID_LOGIN]
        assert "_auth_user_id" not in client.session
    assert wrong_password.text.count(INVALID_LOGIN) == 1


@pytest.mark.django_db
def test_too_many_failures_from_one_address_return_429(client, make_person, settings):
    settings.LOGIN_RATE_LIMIT = (3, 300)
    make_person("target")
    for attempt in range(3):
        assert _login(client, f"guess-{attempt}", "wrong").status_code == 200

    with mock.patch.object(
        EmailOrUsernameBackend, "authenticate", autospec=True
    ) as authenticate:
        response = _login(client, "target")  # the right password, but too late
    assert response.status_code == 429
    assert "登录尝试次数过多，请 5 分钟后再试。" in response.text
    assert response["Retry-After"] == "300"
    authenticate.assert_not_called()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_too_many_attempts_at_one_name_return_429_from_any_address(
    client, make_person, settings
):
    settings.LOGIN_RATE_LIMIT = (3, 300)
    make_person("target")
    for attempt in range(3):
        response = _login(client, "target", "wrong", REMOTE_ADDR=f"10.0.0.{attempt}")
        assert response.status_code == 200
    response = _login(client, " TARGET ", REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_successful_login_clears_the_count_for_that_name(client, make_person, settings):
    settings.LOGIN_RATE_LIMIT = (3, 300)
    make_person("steady")
    for _ in range(2):
        _login(client, "steady", "wrong", REMOTE_ADDR="10.0.1.1")
    assert _login(client, "steady", REMOTE_ADDR="10.0.1.2").status_code == 302
    client.logout()
    for _ in range(2):
        _login(client, "steady", "wrong", REMOTE_ADDR="10.0.1.3")
    assert _login(client, "steady", REMOTE_ADDR="10.0.1.4").status_code == 302


@pytest.mark.django_db
def test_next_to_another_host_is_ignored(client, make_person):
    make_person("traveller")
    response = client.post(
        f"{LOGIN_URL}?next=https://evil.example.com/steal",
        {"username": "traveller", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    ["//evil.example.com/", "https://evil.example.com/", "javascript:alert(1)"],
)
def test_login_page_does_not_carry_an_unsafe_next(client, next_url):
    response = client.get(LOGIN_URL, {"next": next_url})
    assert response.context["next"] == ""
    assert 'name="next"' not in response.text


@pytest.mark.django_db
def test_next_on_this_site_is_followed(client, make_person):
    make_person("homebody")
    response = client.post(
        LOGIN_URL,
        {"username": "homebody", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"


@pytest.mark.django_db
def test_logout_needs_post_and_get_only_asks(client, make_person):
    user = make_person("leaver")
    client.force_login(user)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "确定要退出登录吗？" in response.text
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
