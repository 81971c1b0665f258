"""Organisations (customer companies and internal departments) and user profiles."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import GROUP_NAMES, ROLE_BY_GROUP_NAME, ROLE_PRECEDENCE


class Organisation(models.Model):
    """A customer company (客户单位) or an internal department (内部部门)."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("客户单位")
        DEPARTMENT = "department", _("内部部门")

    name = models.CharField(_("名称"), max_length=120, unique=True)
    code = models.CharField(_("编码"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="unique_organisation_code_when_set",
            )
        ]

    def __str__(self):
        return self.name


class Profile(models.Model):
    """What the portal knows about a person beyond the auth user.

    Every user gets one on first need (``services.profile_get_or_create``), not from a
    signal. ``display_name`` is the source of the person's name; the auth user's
    ``first_name`` mirrors it so Django and Wagtail lists show it too.
    Only self-registration sets ``activation_pending``; activation (or an admin saving
    the user as active) clears it, so an account an admin switched off can never
    reactivate itself through an activation link.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    employee_number = models.CharField(
        _("工号"),
        max_length=40,
        blank=True,
        help_text=_("内部员工的工号，导入员工名单时以此识别同一人。"),
    )
    activation_pending = models.BooleanField(
        _("待激活"),
        default=False,
        editable=False,
        help_text=_("自助注册后尚未点击激活邮件中的链接。"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("个人资料")
        verbose_name_plural = _("个人资料")
        constraints = [
            # 工号 identifies a member of staff across imports, compared ignoring case.
            models.UniqueConstraint(
                Lower("employee_number"),
                condition=~models.Q(employee_number=""),
                name="unique_profile_employee_number_when_set",
                violation_error_message=_("该工号已被其他账号使用。"),
            )
        ]

    def __str__(self):
        return self.display_name or self.user.get_username()

    @property
    def role(self):
        """The user's most senior role, derived from group membership."""
        names = {group.name for group in self.user.groups.all()}
        for role in ROLE_PRECEDENCE:
            if GROUP_NAMES[role] in names:
                return role
        return None

    @property
    def role_label(self) -> str:
        role = self.role
        return role.label if role else ""


__all__ = ["Organisation", "Profile", "ROLE_BY_GROUP_NAME"]
