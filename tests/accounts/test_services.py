"""Services and validators on their own."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts.models import Profile
from portal.accounts.roles import GROUP_NAMES, Role
from portal.accounts.selectors import user_role
from portal.accounts.services import (
    organisation_get_or_create,
    profile_get_or_create,
    profile_update_own,
    user_set_role,
)
from portal.accounts.validators import normalise_mobile


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("(+86) 19912345678", "19912345678"),
        ("１３８００１３８０００", "13800138000"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mobile_numbers_are_normalised(typed, stored):
    assert normalise_mobile(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "1380013800",
        "138001380001",
        "23800138000",
        "12800138000",
        "+1 13800138000",
        "电话",
    ],
)
def test_bad_mobile_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalise_mobile(typed)
    assert error.value.code == "invalid_mobile"


@pytest.mark.django_db
def test_set_role_keeps_one_role_group_and_other_groups(make_person):
    user = make_person("multi", role=Role.STAFF)
    other, _ = Group.objects.get_or_create(name="非角色组（测试）")
    user.groups.add(other, Group.objects.get(name=GROUP_NAMES[Role.CUSTOMER]))

    user_set_role(user=user, role=Role.TRAINER)
    user_set_role(user=user, role="trainer")  # idempotent, accepts the value

    names = set(user.groups.values_list("name", flat=True))
    assert names == {GROUP_NAMES[Role.TRAINER], "非角色组（测试）"}
    assert user_role(user=user) == Role.TRAINER


@pytest.mark.django_db
def test_profile_get_or_create_is_idempotent(django_user_model):
    user = django_user_model.objects.create_user(username="p1", first_name="甲")
    first = profile_get_or_create(user=user)
    user.refresh_from_db()
    assert profile_get_or_create(user=user) == first
    assert Profile.objects.filter(user=user).count() == 1
    assert first.display_name == "甲"


@pytest.mark.django_db
def test_staff_may_not_set_their_own_organisation(make_person):
    user = make_person("desk", role=Role.STAFF)
    with pytest.raises(PermissionDenied):
        profile_update_own(
            user=user, display_name="甲", phone="", organisation_name="别的单位"
        )


@pytest.mark.django_db
def test_organisation_names_do_not_cross_kinds(department):
    with pytest.raises(ValidationError):
        organisation_get_or_create(name=department.name, kind="customer")
    assert (
        organisation_get_or_create(name=department.name, kind="department")
        == department
    )
