"""Customer self-registration and activation."""

import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import Role
from portal.accounts.selectors import user_role

REGISTER_URL = reverse("accounts:register")
DONE_URL = reverse("accounts:register_done")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ACTIVATION_LINK = re.compile(r"http://testserver(/accounts/activate/[^/\s]+/[^/\s]+/)")


def _register(client, data, capture, **extra):
    with capture(execute=True):
        return client.post(REGISTER_URL, data, **extra)


def _activation_path(message) -> str:
    match = ACTIVATION_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_register_page_has_labelled_fields_and_a_hidden_honeypot(client):
    response = client.get(REGISTER_URL)
    assert response.status_code == 200
    for name, label in (
        ("display_name", "姓名"),
        ("email", "邮箱"),
        ("phone", "手机号"),
        ("organisation_name", "单位名称"),
        ("password1", "密码"),
        ("password2", "确认密码"),
    ):
        assert f'<label for="id_{name}">{label}</label>' in response.text
    assert 'aria-describedby="id_phone_helptext"' in response.text
    assert 'aria-hidden="true"' in response.text
    assert 'name="website"' in response.text


@pytest.mark.django_db
def test_registration_creates_an_inactive_customer_and_sends_the_link(
    client, registration_data, mailoutbox, django_capture_on_commit_callbacks
):
    response = _register(client, registration_data, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    user = get_user_model().objects.get(email="zhou.jianguo@example.com")
    assert user.username == "zhou.jianguo@example.com"
    assert not user.is_active
    assert user.check_password("Xuexi-2026-shifu")
    assert user.first_name == "周建国"
    profile = user.profile
    assert profile.display_name == "周建国"
    assert profile.phone == "13912345678"
    assert profile.activation_pending
    assert profile.organisation.name == "华东精密机械有限公司（测试）"
    assert profile.organisation.kind == Organisation.Kind.CUSTOMER
    assert user_role(user=user) == Role.CUSTOMER

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["zhou.jianguo@example.com"]
    assert "激活" in mailoutbox[0].subject
    assert ACTIVATION_LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
def test_activation_link_activates_signs_in_and_then_dies(
    client, registration_data, mailoutbox, django_capture_on_commit_callbacks
):
    _register(client, registration_data, django_capture_on_commit_callbacks)
    path = _activation_path(mailoutbox[0])

    confirm = client.get(path)
    assert confirm.status_code == 200
    assert confirm["Referrer-Policy"] == "no-referrer"
    user = get_user_model().objects.get(email="zhou.jianguo@example.com")
    assert not user.is_active  # a GET (e.g. a mail scanner) changes nothing

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.is_active
    assert not user.profile.activation_pending
    assert client.session["_auth_user_id"] == str(user.pk)

    client.logout()
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400


@pytest.mark.django_db
def test_activation_rejects_a_tampered_token_and_a_bad_uid(
    client, registration_data, mailoutbox, django_capture_on_commit_callbacks
):
    _register(client, registration_data, django_capture_on_commit_callbacks)
    path = _activation_path(mailoutbox[0])
    uid = path.split("/")[3]
    assert client.get(f"/accounts/activate/{uid}/abc-123/").status_code == 400
    assert client.post(f"/accounts/activate/{uid}/abc-123/").status_code == 400
    assert client.get("/accounts/activate/!!!/abc-123/").status_code == 400
    assert not get_user_model().objects.get(email="zhou.jianguo@example.com").is_active


@pytest.mark.django_db
def test_an_account_switched_off_by_an_admin_cannot_reactivate_itself(
    client, registration_data, mailoutbox, django_capture_on_commit_callbacks
):
    _register(client, registration_data, django_capture_on_commit_callbacks)
    path = _activation_path(mailoutbox[0])
    user = get_user_model().objects.get(email="zhou.jianguo@example.com")
    services.user_activate(user=user, token=path.split("/")[4])
    user.refresh_from_db()
    user.is_active = False
    user.save()

    mailoutbox.clear()
    _register(client, registration_data, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert "已注册" in mailoutbox[0].subject
    assert not ACTIVATION_LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
def test_known_address_gets_the_same_page_a_mail_and_no_new_user(
    client,
    make_person,
    registration_data,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    make_person("existing", email="zhou.jianguo@example.com")
    new_data = {**registration_data, "email": "someone.new@example.com"}
    users_before = get_user_model().objects.count()

    known = _register(client, registration_data, django_capture_on_commit_callbacks)
    assert get_user_model().objects.count() == users_before
    fresh = _register(client, new_data, django_capture_on_commit_callbacks)

    assert known.status_code == fresh.status_code == 302
    assert known["Location"] == fresh["Location"] == DONE_URL
    assert (
        client.get(known["Location"]).content == client.get(fresh["Location"]).content
    )

    already, activation = mailoutbox
    assert already.to == ["zhou.jianguo@example.com"]
    assert "已注册" in already.subject
    assert "/accounts/password/reset/" in already.body
    assert not ACTIVATION_LINK.search(already.body)
    assert activation.to == ["someone.new@example.com"]
    assert not Profile.objects.filter(display_name="周建国", user__username="existing")
    assert (
        get_user_model()
        .objects.filter(email__iexact="zhou.jianguo@example.com")
        .count()
        == 1
    )


@pytest.mark.django_db
def test_registering_again_before_activation_resends_the_link(
    client, registration_data, mailoutbox, django_capture_on_commit_callbacks
):
    _register(client, registration_data, django_capture_on_commit_callbacks)
    _register(
        client,
        {
            **registration_data,
            "password1": "Another-pass-77",
            "password2": "Another-pass-77",
        },
        django_capture_on_commit_callbacks,
    )
    assert (
        get_user_model().objects.filter(email="zhou.jianguo@example.com").count() == 1
    )
    assert len(mailoutbox) == 2
    assert all(ACTIVATION_LINK.search(message.body) for message in mailoutbox)
    user = get_user_model().objects.get(email="zhou.jianguo@example.com")
    assert user.check_password("Xuexi-2026-shifu")  # a stranger cannot change it


@pytest.mark.django_db
def test_double_submit_creates_one_user(
    client, registration_data, django_capture_on_commit_callbacks
):
    first = _register(client, registration_data, django_capture_on_commit_callbacks)
    second = _register(client, registration_data, django_capture_on_commit_callbacks)
    assert first["Location"] == second["Location"] == DONE_URL
    assert (
        get_user_model().objects.filter(username="zhou.jianguo@example.com").count()
        == 1
    )


@pytest.mark.django_db
def test_losing_the_race_on_the_unique_username_is_handled(
    registration_data, django_capture_on_commit_callbacks
):
    """Two submissions that both passed the "is the address known?" check: the database
    lets one through, the other ends quietly."""
    arguments = {
        "display_name": "周建国",
        "email": "race@example.com",
        "phone": "13912345678",
        "organisation_name": "",
        "password": "Xuexi-2026-shifu",
        "site_url": "http://testserver",
    }
    first = services.user_register_customer(**arguments)
    with mock.patch.object(
        services, "users_with_login", return_value=get_user_model().objects.none()
    ):
        second = services.user_register_customer(**arguments)
    assert first.created
    assert not second.created
    assert get_user_model().objects.filter(username="race@example.com").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phone", ["12345", "23800138000", "1380013800", "138-0013-800a"]
)
def test_bad_phone_gets_a_chinese_error_next_to_the_field(
    client, registration_data, phone
):
    response = client.post(REGISTER_URL, {**registration_data, "phone": phone})
    assert response.status_code == 200
    errors = response.context["form"].errors["phone"]
    assert errors == ["请输入有效的中国大陆手机号：11 位数字，以 1 开头。"]
    assert 'id="id_phone_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert (
        not get_user_model().objects.filter(email="zhou.jianguo@example.com").exists()
    )


@pytest.mark.django_db
def test_field_errors_are_chinese(client, registration_data):
    response = client.post(
        REGISTER_URL,
        {
            **registration_data,
            "display_name": "",
            "email": "not-an-address",
            "password2": "something-else",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"display_name", "email", "password2"}
    assert errors["password2"] == ["两次输入的密码不一致。"]
    for messages in errors.values():
        for message in messages:
            assert CHINESE.search(message), message
            assert message in response.text


@pytest.mark.django_db
def test_weak_password_is_refused_by_djangos_validators(client, registration_data):
    response = client.post(
        REGISTER_URL,
        {**registration_data, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert "这个密码太常见了。" in response.context["form"].errors["password1"]


@pytest.mark.django_db
def test_honeypot_submission_looks_accepted_but_creates_nothing(
    client, registration_data, mailoutbox, django_capture_on_commit_callbacks
):
    response = _register(
        client,
        {**registration_data, "website": "http://spam.example.com"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert (
        not get_user_model().objects.filter(email="zhou.jianguo@example.com").exists()
    )
    assert mailoutbox == []


@pytest.mark.django_db
def test_registration_is_rate_limited_per_address(
    client, registration_data, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_RATE_LIMIT = (2, 3600)
    for number in range(2):
        response = _register(
            client,
            {**registration_data, "email": f"person{number}@example.com"},
            django_capture_on_commit_callbacks,
        )
        assert response.status_code == 302
    response = _register(
        client,
        {**registration_data, "email": "person9@example.com"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 429
    assert "注册请求过多" in response.text
    assert not get_user_model().objects.filter(email="person9@example.com").exists()


@pytest.mark.django_db
def test_organisation_is_reused_by_exact_name(
    registration_data, django_capture_on_commit_callbacks
):
    existing = Organisation.objects.create(
        name="华东精密机械有限公司（测试）", kind=Organisation.Kind.CUSTOMER
    )
    registration = services.user_register_customer(
        display_name="甲",
        email="jia@example.com",
        phone="",
        organisation_name=" 华东精密机械有限公司（测试） ",
        password="Xuexi-2026-shifu",
        site_url="http://testserver",
    )
    assert registration.user.profile.organisation == existing


@pytest.mark.django_db
def test_blank_organisation_is_allowed(
    client, registration_data, django_capture_on_commit_callbacks
):
    _register(
        client,
        {**registration_data, "organisation_name": ""},
        django_capture_on_commit_callbacks,
    )
    user = get_user_model().objects.get(email="zhou.jianguo@example.com")
    assert user.profile.organisation is None


@pytest.mark.django_db
def test_a_department_name_is_refused_as_a_company(
    client, registration_data, department
):
    response = client.post(
        REGISTER_URL, {**registration_data, "organisation_name": department.name}
    )
    assert response.status_code == 200
    assert "是内部部门的名称" in response.context["form"].errors["organisation_name"][0]


@pytest.mark.django_db
def test_signed_in_people_are_sent_to_their_profile(client, make_person):
    client.force_login(make_person("already-in"))
    response = client.get(REGISTER_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
