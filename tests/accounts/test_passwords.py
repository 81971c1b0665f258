"""Password reset (also for imported staff without a password) and password change."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.accounts.conftest import PASSWORD

RESET_URL = reverse("accounts:password_reset")
RESET_LINK = re.compile(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")
SENT = "如果该邮箱已注册，我们已发送重置邮件"


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer(
    client, make_person, mailoutbox
):
    make_person("resetter", email="resetter@example.com")

    known = client.post(RESET_URL, {"email": "Resetter@Example.com"}, follow=True)
    unknown = client.post(RESET_URL, {"email": "nobody@example.com"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert SENT in known.text
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["resetter@example.com"]
    assert "重置" in mailoutbox[0].subject


@pytest.mark.django_db
def test_reset_link_sets_a_new_password(client, make_person, mailoutbox):
    user = make_person("forgetful", email="forgetful@example.com")
    client.post(RESET_URL, {"email": "forgetful@example.com"})
    path = RESET_LINK.search(mailoutbox[0].body).group(1)

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Brand-new-2026", "new_password2": "Brand-new-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Brand-new-2026")
    assert client.get(path, follow=True).context["validlink"] is False


@pytest.mark.django_db
def test_staff_without_a_usable_password_can_set_one(client, make_person, mailoutbox):
    user = make_person("kf-0001", email="kf0001@example.com")
    user.set_unusable_password()
    user.save()
    client.post(RESET_URL, {"email": "kf0001@example.com"})
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_inactive_accounts_get_no_reset_mail(client, make_person, mailoutbox):
    user = make_person("dormant", email="dormant@example.com")
    user.is_active = False
    user.save()
    response = client.post(RESET_URL, {"email": "dormant@example.com"}, follow=True)
    assert SENT in response.text
    assert mailoutbox == []


@pytest.mark.django_db
def test_reset_is_rate_limited(client, make_person, settings, mailoutbox):
    settings.PASSWORD_RESET_RATE_LIMIT = (2, 3600)
    make_person("target", email="target@example.com")
    for _ in range(2):
        assert (
            client.post(RESET_URL, {"email": "target@example.com"}).status_code == 302
        )
    response = client.post(RESET_URL, {"email": "target@example.com"})
    assert response.status_code == 429
    assert "重置密码的请求过多" in response.text
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_reset_limit_per_address_holds_across_client_addresses(
    client, make_person, settings, mailoutbox
):
    settings.PASSWORD_RESET_RATE_LIMIT = (2, 3600)
    make_person("target", email="target@example.com")
    for number in range(2):
        client.post(
            RESET_URL, {"email": "target@example.com"}, REMOTE_ADDR=f"10.1.0.{number}"
        )
    response = client.post(
        RESET_URL, {"email": "TARGET@example.com"}, REMOTE_ADDR="10.1.0.9"
    )
    assert response.status_code == 429
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_password_change_requires_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_password_change(client, make_person):
    user = make_person("changer")
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert "修改密码" in page.text
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Changed-pass-2026",
            "new_password2": "Changed-pass-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    assert get_user_model().objects.get(pk=user.pk).check_password("Changed-pass-2026")
    assert client.get(reverse("accounts:password_change_done")).status_code == 200
