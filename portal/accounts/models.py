"""Organisations (customer companies and internal departments) and user profiles."""

from django.conf import settings
from django.db import models
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
    """What the portal knows about a person beyond the auth user."""

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
    employee_number = models.CharField(_("工号"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("个人资料")
        verbose_name_plural = _("个人资料")

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
