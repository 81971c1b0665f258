"""Assigned training (培训指派): a training admin requires a course or a learning path
of some people, with a due date, optionally recurring.

Who is assigned is resolved when the assignment is synchronised
(``courses.services.assignments``): the users named, the members of the groups and of
the organisations (customer companies or internal departments) chosen. People who join
a group or organisation later are picked up by the next run (the daily reminder task
runs it too).

The deadline is either a date (``due_on``) or relative (``due_days`` after the later of
the assignment's start and the person's joining date: "within 7 days of joining"). A
recurring assignment (``recur_months``, courses only) starts a new cycle every N months
from its start: a new enrolment with a new due date. Overdue is derived, never stored.

``ReminderLog`` records every reminder sent; one per assignment, learner and day is a
database constraint, so a retried or duplicated task never sends twice.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def parse_remind_days(value: str) -> list[int]:
    """ "7,1" → [7, 1]: the days before the due date a reminder goes out (descending,
    unique, 1–365). Raises ValidationError on anything else."""
    days = set()
    for part in (value or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 365:
            raise ValidationError(
                _("提醒天数须为 1 到 365 之间的整数，用逗号分隔，例如 7,1。")
            )
        days.add(int(part))
    return sorted(days, reverse=True)


class Assignment(models.Model):
    """A course or learning path required of users, groups and organisations."""

    title = models.CharField(_("名称"), max_length=120)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("课程"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    path = models.ForeignKey(
        "courses.LearningPath",
        verbose_name=_("学习路径"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        blank=True,
        related_name="training_assignments",
    )
    groups = models.ManyToManyField(
        "auth.Group",
        verbose_name=_("用户组"),
        blank=True,
        related_name="training_assignments",
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("组织 / 部门"),
        blank=True,
        related_name="training_assignments",
    )
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("限期天数"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("相对期限：开始日期或入职日期（取较晚者）后若干天内完成，例如 7。"),
    )
    recur_months = models.PositiveSmallIntegerField(
        _("重复周期（月）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "可选：每隔若干个月重新学习一次（例如 6），每个周期生成新的学习记录。"
        ),
    )
    remind_days = models.CharField(
        _("提前提醒（天）"),
        max_length=60,
        default="7,1",
        blank=True,
        help_text=_("截止前几天发送提醒邮件，用逗号分隔；留空则不提前提醒。"),
    )
    remind_overdue = models.BooleanField(_("逾期提醒"), default=True)
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后不再指派新学员，也不再发送提醒。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    synced_at = models.DateTimeField(
        _("最近同步"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("培训指派")
        verbose_name_plural = _("培训指派")
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(path__isnull=True))
                | (Q(course__isnull=True) & Q(path__isnull=False)),
                name="assignment_course_xor_path",
                violation_error_message=_("请选择一门课程或一条学习路径（二选一）。"),
            ),
            models.CheckConstraint(
                condition=Q(recur_months__isnull=True) | Q(course__isnull=False),
                name="assignment_recurs_only_courses",
                violation_error_message=_("只有课程可以设置重复周期。"),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def target(self):
        return self.course or self.path

    @property
    def remind_day_list(self) -> list[int]:
        try:
            return parse_remind_days(self.remind_days)
        except ValidationError:
            return []

    def clean(self):
        errors = {}
        if bool(self.course_id) == bool(self.path_id):
            errors["course"] = _("请选择一门课程或一条学习路径（二选一）。")
        if self.due_on and self.due_days:
            errors["due_days"] = _("截止日期与限期天数只能填写一项。")
        if self.due_on and self.starts_on and self.due_on < self.starts_on:
            errors["due_on"] = _("截止日期不能早于开始日期。")
        if self.recur_months:
            if self.path_id:
                errors["recur_months"] = _("只有课程可以设置重复周期。")
            elif not self.due_days:
                errors["recur_months"] = _(
                    "重复的指派请用“限期天数”设置每个周期的期限。"
                )
        try:
            parse_remind_days(self.remind_days)
        except ValidationError as error:
            errors["remind_days"] = error.messages
        if errors:
            raise ValidationError(errors)


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("截止前提醒")
    OVERDUE = "overdue", _("逾期提醒")
    MANUAL = "manual", _("手动提醒")


class ReminderLog(models.Model):
    """A reminder e-mail sent to one learner about one assignment."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("培训指派"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_on = models.DateField(_("发送日期"))
    sent_at = models.DateTimeField(_("发送时间"))
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "sent_on"],
                name="reminder_once_per_day",
            )
        ]

    def __str__(self):
        return f"{self.assignment} · {self.user} · {self.sent_on}"
