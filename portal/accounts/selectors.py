"""Reads about people, their roles and organisations."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, ROLE_PRECEDENCE, Role
from portal.accounts.tokens import account_activation_token


def user_role(*, user) -> Role | None:
    """The user's most senior role, from group membership (one query, or none when the
    groups are prefetched)."""
    names = {group.name for group in user.groups.all()}
    for role in ROLE_PRECEDENCE:
        if GROUP_NAMES[role] in names:
            return role
    return None


def user_can_edit_own_organisation(*, user) -> bool:
    """Customers name their own company; staff departments are set by admins."""
    return user_role(user=user) == Role.CUSTOMER


def users_with_login(*, identifier: str):
    """Users whose username or e-mail is ``identifier``, ignoring case: those a
    sign-in, a registration or an import with that name or address collides with."""
    return get_user_model()._default_manager.filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier)
    )


def user_from_uidb64(*, uidb64: str):
    """The user a ``uidb64`` from an e-mailed link points at, or None."""
    user_model = get_user_model()
    try:
        pk = user_model._meta.pk.to_python(force_str(urlsafe_base64_decode(uidb64)))
        return user_model._default_manager.select_related("profile").get(pk=pk)
    except (
        TypeError,
        ValueError,
        OverflowError,
        ValidationError,
        user_model.DoesNotExist,
    ):
        return None


def user_is_awaiting_activation(*, user) -> bool:
    """Self-registered, never activated and never signed in: only such an account may be
    switched on by an activation link (one an admin switched off stays off)."""
    if user.is_active or user.last_login is not None:
        return False
    return Profile.objects.filter(user=user, activation_pending=True).exists()


def activation_link_is_valid(*, user, token: str) -> bool:
    return user_is_awaiting_activation(
        user=user
    ) and account_activation_token.check_token(user, token)


def organisation_name_taken_by_department(*, name: str) -> bool:
    """Whether a customer typing ``name`` would hit an internal department's name
    (organisation names are unique across kinds)."""
    return Organisation.objects.filter(
        name=name, kind=Organisation.Kind.DEPARTMENT
    ).exists()


def profile_for_page(*, user) -> Profile:
    """The signed-in user's profile with what the profile page shows, in one query plus
    the groups prefetch."""
    return (
        Profile.objects.select_related("user", "organisation")
        .prefetch_related("user__groups")
        .get(user=user)
    )
