"""Writes for people, roles and organisations: registration, activation, profiles and
the staff import. Views, admin forms and commands parse input and call these; the
business rules live here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import ratelimit
from portal.accounts.emails import send_activation_email, send_already_registered_email
from portal.accounts.models import Organisation, Profile
from portal.accounts.roles import GROUP_NAMES, Role
from portal.accounts.selectors import (
    activation_link_is_valid,
    user_can_edit_own_organisation,
    user_is_awaiting_activation,
    users_with_login,
)
from portal.accounts.validators import (
    normalise_email,
    normalise_employee_number,
    normalise_mobile,
    validate_email_address,
)

DISPLAY_NAME_MAX_LENGTH = Profile._meta.get_field("display_name").max_length
DEPARTMENT_NAME_MAX_LENGTH = Organisation._meta.get_field("name").max_length


# Organisations ------------------------------------------------------------------------


@transaction.atomic
def organisation_get_or_create(*, name: str, kind: str) -> Organisation:
    """The organisation called exactly ``name`` (trimmed), created with ``kind`` if new.

    Names are unique across kinds; a name the other kind already uses raises
    ``ValidationError`` instead of putting a customer into an internal department.
    Safe under concurrent calls (``get_or_create`` retries on the unique name).
    """
    name = name.strip()
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind}
    )
    if organisation.kind != kind:
        if kind == Organisation.Kind.CUSTOMER:
            message = _("“%(name)s”是内部部门的名称，请填写贵单位的完整名称。")
        else:
            message = _("部门“%(name)s”与客户单位重名。")
        raise ValidationError(
            message, code="organisation_kind_conflict", params={"name": name}
        )
    return organisation


# Roles and profiles -------------------------------------------------------------------


@transaction.atomic
def user_set_role(*, user, role: Role | str) -> None:
    """Make ``role`` the user's one role: join its group, leave the other role groups.

    Groups that are not roles stay untouched. Idempotent.
    """
    role = Role(role)
    groups = {
        group.name: group
        for group in Group.objects.filter(name__in=GROUP_NAMES.values())
    }
    target = groups.get(GROUP_NAMES[role])
    if target is None:
        raise ImproperlyConfigured(
            f"The group {GROUP_NAMES[role]!r} is missing; run the accounts migrations."
        )
    others = [group for name, group in groups.items() if name != target.name]
    user.groups.remove(*others)
    user.groups.add(target)


@transaction.atomic
def profile_get_or_create(*, user) -> Profile:
    """The user's profile, created from the auth user's name on first need."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        pass
    display_name = (user.get_full_name() or user.get_username())[
        :DISPLAY_NAME_MAX_LENGTH
    ]
    profile, _created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": display_name}
    )
    user.profile = profile
    return profile


def _mirror_name(*, user, display_name: str) -> None:
    """Django's name fields follow 姓名 so Wagtail's user list shows it."""
    first_name = display_name[: user._meta.get_field("first_name").max_length]
    if user.first_name != first_name or user.last_name:
        user.first_name, user.last_name = first_name, ""
        user.save(update_fields=["first_name", "last_name"])


@transaction.atomic
def profile_update_own(
    *, user, display_name: str, phone: str, organisation_name: str | None = None
) -> Profile:
    """A person edits their own profile on the site.

    ``organisation_name`` (customers only; staff departments are set by admins) names
    the customer's company: get-or-created by exact name, "" clears it, None leaves it.
    """
    profile = profile_get_or_create(user=user)
    if organisation_name is not None:
        if not user_can_edit_own_organisation(user=user):
            raise PermissionDenied("Only customers choose their own organisation.")
        name = organisation_name.strip()
        profile.organisation = (
            organisation_get_or_create(name=name, kind=Organisation.Kind.CUSTOMER)
            if name
            else None
        )
    profile.display_name = display_name.strip()
    profile.phone = normalise_mobile(phone)
    profile.save()
    _mirror_name(user=user, display_name=profile.display_name)
    return profile


@transaction.atomic
def profile_update(
    *,
    user,
    display_name: str,
    phone: str,
    organisation: Organisation | None,
    employee_number: str,
) -> Profile:
    """An admin sets a person's profile (Wagtail's user forms).

    Saving a user as active also ends a pending self-registration, so the activation
    link cannot switch the account back on after a later deactivation.
    """
    profile = profile_get_or_create(user=user)
    profile.display_name = display_name.strip()
    profile.phone = normalise_mobile(phone)
    profile.organisation = organisation
    profile.employee_number = normalise_employee_number(employee_number)
    if user.is_active:
        profile.activation_pending = False
    profile.full_clean(exclude=["user"])
    profile.save()
    _mirror_name(user=user, display_name=profile.display_name)
    return profile


# Registration and activation ----------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What ``user_register_customer`` did. The visitor is never told which."""

    user: object | None  # the new, inactive account; None if the address was known

    @property
    def created(self) -> bool:
        return self.user is not None


class ActivationError(Exception):
    """The activation link is invalid, expired or already used."""


def _registration_mail_allowed(email: str) -> bool:
    """At most REGISTRATION_RATE_LIMIT mails per address and window, whoever asks: a
    registration form must not become a way to flood someone's mailbox."""
    limit, window = settings.REGISTRATION_RATE_LIMIT
    return ratelimit.hit("registration-mail", email, limit=limit, window=window)


@transaction.atomic
def user_register_customer(
    *,
    display_name: str,
    email: str,
    phone: str,
    organisation_name: str,
    password: str,
    site_url: str,
) -> Registration:
    """Register a customer: an inactive user named by their e-mail address, a profile,
    the 客户 group and an activation e-mail (sent after commit).

    An address that is already known (as an e-mail or a username) creates nothing:
    its owner gets the activation link again if the account still awaits activation,
    otherwise a "you already have an account" e-mail with the reset link. The password
    is hashed on both paths so they take the same time. Two submissions racing on one
    address create one user: the username (= address) is unique in the database.
    """
    email = normalise_email(email)
    display_name = display_name.strip()
    existing = users_with_login(identifier=email).order_by("pk").first()
    if existing is not None:
        make_password(password)
        _notify_repeat_registration(user=existing, email=email, site_url=site_url)
        return Registration(user=None)

    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=email,
                email=email,
                password=password,
                first_name=display_name[:150],
                is_active=False,
            )
    except IntegrityError:
        # The same form submitted twice: the first submission created the account and
        # sends its mail.
        return Registration(user=None)

    organisation_name = organisation_name.strip()
    organisation = (
        organisation_get_or_create(
            name=organisation_name, kind=Organisation.Kind.CUSTOMER
        )
        if organisation_name
        else None
    )
    user.profile = Profile.objects.create(
        user=user,
        display_name=display_name,
        phone=normalise_mobile(phone),
        organisation=organisation,
        activation_pending=True,
    )
    user_set_role(user=user, role=Role.CUSTOMER)
    if _registration_mail_allowed(email):
        transaction.on_commit(
            partial(send_activation_email, user=user, site_url=site_url)
        )
    return Registration(user=user)


def _notify_repeat_registration(*, user, email: str, site_url: str) -> None:
    if not _registration_mail_allowed(email):
        return
    if user_is_awaiting_activation(user=user) and normalise_email(user.email) == email:
        mail = partial(send_activation_email, user=user, site_url=site_url)
    else:
        mail = partial(send_already_registered_email, email=email, site_url=site_url)
    transaction.on_commit(mail)


@transaction.atomic
def user_activate(*, user, token: str):
    """Switch on a self-registered account whose activation link is valid.

    Raises ``ActivationError`` otherwise. The row is locked, so a link clicked twice at
    once activates once; the token covers ``is_active``, so the link dies afterwards.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not activation_link_is_valid(user=user, token=token):
        raise ActivationError
    user.is_active = True
    user.save(update_fields=["is_active"])
    Profile.objects.filter(user=user).update(activation_pending=False)
    return user


# Staff import -------------------------------------------------------------------------

STAFF_ROLES = {
    "客服人员": Role.STAFF,
    "讲师": Role.TRAINER,
    "培训管理员": Role.TRAINING_ADMIN,
    "staff": Role.STAFF,
    "trainer": Role.TRAINER,
    "training_admin": Role.TRAINING_ADMIN,
    "training admin": Role.TRAINING_ADMIN,
}


@dataclass(frozen=True)
class StaffRow:
    """One data row of a staff list as read from the file (raw text)."""

    line: int
    employee_number: str = ""
    display_name: str = ""
    email: str = ""
    phone: str = ""
    department: str = ""
    role: str = ""


@dataclass(frozen=True)
class StaffRowError:
    line: int
    reasons: tuple[str, ...]


@dataclass
class StaffImportReport:
    created: int = 0
    updated: int = 0
    errors: list[StaffRowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def skipped(self) -> int:
        return len(self.errors)


@dataclass(frozen=True)
class _StaffPerson:
    employee_number: str
    display_name: str
    email: str
    phone: str
    department: str
    role: Role | None  # None: keep an existing person's role, 客服人员 for a new one


class _RowRejected(Exception):
    def __init__(self, *reasons: str):
        super().__init__(*reasons)
        self.reasons = reasons


@transaction.atomic
def staff_import_rows(
    *,
    rows: Iterable[StaffRow],
    initial_password: str | None = None,
    dry_run: bool = False,
) -> StaffImportReport:
    """Create or update staff from a list, matched by 工号 (``Profile.employee_number``,
    ignoring case), so a list can be imported again after changes.

    Bad rows are reported with every reason and skipped; good rows are imported.
    New people get ``initial_password`` or, without one, an unusable password (they
    choose one through password reset). Blank 手机/部门/角色 cells leave an existing
    person's values alone; a new person without 角色 becomes 客服人员.
    ``dry_run`` runs everything, database checks included, then rolls back.
    """
    report = StaffImportReport(dry_run=dry_run)
    first_line_of_number: dict[str, int] = {}
    first_line_of_email: dict[str, int] = {}
    for row in rows:
        try:
            person = _staff_row_clean(
                row,
                first_line_of_number=first_line_of_number,
                first_line_of_email=first_line_of_email,
            )
            with transaction.atomic():
                created = _staff_person_save(person, initial_password=initial_password)
        except _RowRejected as rejected:
            report.errors.append(StaffRowError(line=row.line, reasons=rejected.reasons))
        except IntegrityError:
            # Only a concurrent change can get here: every constraint is checked first.
            report.errors.append(
                StaffRowError(
                    line=row.line, reasons=(_("与其他账号的数据冲突，请重试。"),)
                )
            )
        else:
            if created:
                report.created += 1
            else:
                report.updated += 1
    if dry_run:
        transaction.set_rollback(True)
    return report


def _staff_row_clean(
    row: StaffRow,
    *,
    first_line_of_number: dict[str, int],
    first_line_of_email: dict[str, int],
) -> _StaffPerson:
    """Check one row on its own and against earlier rows of the same file."""
    reasons = []

    employee_number = ""
    if not row.employee_number.strip():
        reasons.append(_("缺少工号。"))
    else:
        try:
            employee_number = normalise_employee_number(row.employee_number)
        except ValidationError as error:
            reasons.extend(error.messages)
    if employee_number:
        key = employee_number.casefold()
        if key in first_line_of_number:
            reasons.append(
                _("工号 %(number)s 与第 %(line)d 行重复。")
                % {"number": employee_number, "line": first_line_of_number[key]}
            )
        else:
            first_line_of_number[key] = row.line

    display_name = row.display_name.strip()
    if not display_name:
        reasons.append(_("缺少姓名。"))
    elif len(display_name) > DISPLAY_NAME_MAX_LENGTH:
        reasons.append(
            _("姓名不能超过 %(max)d 个字符。") % {"max": DISPLAY_NAME_MAX_LENGTH}
        )

    email = normalise_email(row.email)
    if not email:
        reasons.append(_("缺少邮箱。"))
    else:
        try:
            validate_email_address(email)
        except ValidationError:
            reasons.append(
                _("邮箱 %(email)s 格式不正确。") % {"email": row.email.strip()}
            )
            email = ""
    if email:
        if email in first_line_of_email:
            reasons.append(
                _("邮箱 %(email)s 与第 %(line)d 行重复。")
                % {"email": email, "line": first_line_of_email[email]}
            )
        else:
            first_line_of_email[email] = row.line

    phone = ""
    try:
        phone = normalise_mobile(row.phone)
    except ValidationError:
        reasons.append(
            _("手机号 %(phone)s 不是有效的中国大陆手机号。")
            % {"phone": row.phone.strip()}
        )

    department = row.department.strip()
    if len(department) > DEPARTMENT_NAME_MAX_LENGTH:
        reasons.append(
            _("部门名称不能超过 %(max)d 个字符。") % {"max": DEPARTMENT_NAME_MAX_LENGTH}
        )

    role = None
    role_text = row.role.strip()
    if role_text:
        role = STAFF_ROLES.get(role_text) or STAFF_ROLES.get(role_text.lower())
        if role is None:
            reasons.append(
                _("未知角色“%(role)s”，应为 客服人员、讲师 或 培训管理员。")
                % {"role": role_text}
            )

    if reasons:
        raise _RowRejected(*reasons)
    return _StaffPerson(
        employee_number=employee_number,
        display_name=display_name,
        email=email,
        phone=phone,
        department=department,
        role=role,
    )


def _staff_person_save(person: _StaffPerson, *, initial_password: str | None) -> bool:
    """Create or update one person; True if created. Raises ``_RowRejected`` when the
    row collides with someone else in the database."""
    profile = (
        Profile.objects.select_related("user")
        .filter(employee_number__iexact=person.employee_number)
        .first()
    )
    user = profile.user if profile else None

    reasons = []
    others = users_with_login(identifier=person.email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        reasons.append(
            _(
                "邮箱 %(email)s 已被其他账号使用"
                "（如为同一人，请先在后台为该账号填写工号）。"
            )
            % {"email": person.email}
        )
    if user is None and users_with_login(identifier=person.employee_number).exists():
        reasons.append(
            _("工号 %(number)s 与现有账号的用户名冲突。")
            % {"number": person.employee_number}
        )
    department = None
    if person.department:
        try:
            department = organisation_get_or_create(
                name=person.department, kind=Organisation.Kind.DEPARTMENT
            )
        except ValidationError as error:
            reasons.extend(error.messages)
    if reasons:
        raise _RowRejected(*reasons)

    created = user is None
    if created:
        user = get_user_model()(
            username=person.employee_number,
            email=person.email,
            is_active=True,
        )
        if initial_password:
            user.set_password(initial_password)
        else:
            user.set_unusable_password()
        user.save()
        profile = Profile(user=user, employee_number=person.employee_number)
    elif user.email != person.email:
        user.email = person.email
        user.save(update_fields=["email"])

    profile.display_name = person.display_name
    if person.phone:
        profile.phone = person.phone
    if department is not None:
        profile.organisation = department
    profile.save()
    user.profile = profile
    _mirror_name(user=user, display_name=person.display_name)
    if created or person.role is not None:
        user_set_role(user=user, role=person.role or Role.STAFF)
    return created
