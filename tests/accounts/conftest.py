"""Fixtures for the accounts tests: people in each role and a registration form."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import Role
from portal.accounts.services import user_set_role

PASSWORD = "Shifu-test-2026!"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """Rate-limit counters live in the cache; no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_person(db):
    """``make_person(username, email=..., role=..., **profile)``: an active user with a
    profile and a role group, password ``PASSWORD``."""

    def make(username, *, email=None, role=Role.CUSTOMER, password=PASSWORD, **profile):
        user = get_user_model().objects.create_user(
            username=username,
            email=email if email is not None else f"{username}@example.com",
            password=password,
        )
        profile.setdefault("display_name", username)
        Profile.objects.create(user=user, **profile)
        user_set_role(user=user, role=role)
        return user

    return make


@pytest.fixture
def department(db):
    return Organisation.objects.create(
        name="客服一部（测试）", kind=Organisation.Kind.DEPARTMENT
    )


@pytest.fixture
def registration_data():
    return {
        "display_name": "周建国",
        "email": "Zhou.Jianguo@Example.com",
        "phone": "+86 139-1234-5678",
        "organisation_name": "华东精密机械有限公司（测试）",
        "password1": "Xuexi-2026-shifu",
        "password2": "Xuexi-2026-shifu",
        "website": "",
    }
