"""The four roles of the portal and the Wagtail groups that carry them.

A user's role is their group membership; nothing else stores it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    STAFF = "staff", _("客服人员")
    TRAINER = "trainer", _("讲师")
    TRAINING_ADMIN = "training_admin", _("培训管理员")


# Group names are Chinese because admins see them in the Wagtail admin.
GROUP_NAMES = {
    Role.CUSTOMER: "客户",
    Role.STAFF: "客服人员",
    Role.TRAINER: "讲师",
    Role.TRAINING_ADMIN: "培训管理员",
}
ROLE_BY_GROUP_NAME = {name: role for role, name in GROUP_NAMES.items()}
# Groups that may open staff-only content.
STAFF_GROUP_NAMES = [
    GROUP_NAMES[Role.STAFF],
    GROUP_NAMES[Role.TRAINER],
    GROUP_NAMES[Role.TRAINING_ADMIN],
]
# Highest first: a user in several groups shows the most senior role.
ROLE_PRECEDENCE = [Role.TRAINING_ADMIN, Role.TRAINER, Role.STAFF, Role.CUSTOMER]
