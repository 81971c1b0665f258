"""Completion certificates (结业证书) and trainer qualifications (对外培训师资格证书).

A ``Certificate`` is issued to a learner for a course (or a learning path) from one
central ``CertificateTemplate``. Its serial number (e.g. ``SF-2026-000123``) comes
from a ``CertificateSerialCounter`` row per prefix and year, incremented inside the
issuing transaction: numbers are unique (a database constraint) and gap-free (a
rolled-back issuance gives its number back). Its verification code is 32 URL-safe
characters from ``secrets`` (192 bits), never derived from ids.

Status is stored as valid / revoked / superseded; "expired" is derived from
``valid_until``. At most one valid certificate per learner and course (and per
learner and path) is a partial unique constraint. The holder's name, the course title
and hours are copied at issuance, so a certificate keeps saying what it said.

Rules live in ``courses.services.certificates``.
"""

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

VERIFICATION_CODE_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("请输入 #RRGGBB 格式的颜色，例如 #0f766e。")
)


def new_verification_code() -> str:
    return secrets.token_urlsafe(VERIFICATION_CODE_BYTES)


class Orientation(models.TextChoices):
    LANDSCAPE = "landscape", _("横向")
    PORTRAIT = "portrait", _("纵向")


DEFAULT_BODY = (
    "{name} 同志于 {date} 完成《{course}》课程的全部学习内容并通过考核"
    "（成绩 {score}，学时 {hours}），特发此证。"
)


class CertificateTemplate(models.Model):
    """The one central design of a certificate: texts, signatories, seal, colours."""

    name = models.CharField(_("模板名称"), max_length=80, unique=True)
    title = models.CharField(_("证书标题"), max_length=40, default="结业证书")
    body = models.TextField(
        _("正文"),
        max_length=1000,
        default=DEFAULT_BODY,
        help_text=_(
            "可用占位符：{name} 姓名、{course} 课程、{date} 日期、{score} 成绩、"
            "{hours} 学时、{serial} 证书编号。"
        ),
    )
    issuer = models.CharField(_("颁发单位"), max_length=80, default="师傅学习平台")
    signatory_name = models.CharField(_("签发人"), max_length=40, blank=True)
    signatory_title = models.CharField(_("签发人职务"), max_length=40, blank=True)
    second_signatory_name = models.CharField(_("第二签发人"), max_length=40, blank=True)
    second_signatory_title = models.CharField(
        _("第二签发人职务"), max_length=40, blank=True
    )
    seal_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("印章图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("标志图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("主色"), max_length=7, default="#0f766e", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("辅色"), max_length=7, default="#b45309", validators=[colour_validator]
    )
    orientation = models.CharField(
        _("版式方向"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    is_default = models.BooleanField(
        _("默认模板"), default=False, help_text=_("课程未指定模板时使用。")
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("issuer"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("signatory_name"), FieldPanel("signatory_title")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("second_signatory_name"),
                        FieldPanel("second_signatory_title"),
                    ]
                ),
            ],
            heading=_("签发人"),
        ),
        FieldRowPanel([FieldPanel("seal_image"), FieldPanel("logo_image")]),
        FieldRowPanel(
            [
                FieldPanel("primary_colour"),
                FieldPanel("accent_colour"),
                FieldPanel("orientation"),
            ]
        ),
        FieldPanel("is_default"),
    ]

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("证书模板")
        verbose_name_plural = _("证书模板")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_certificate_template",
                violation_error_message=_("只能有一个默认模板。"),
            )
        ]

    def __str__(self):
        return self.name


class CertificateSerialCounter(models.Model):
    """The last serial number used per prefix and year (gap-free allocation)."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="certificate_serial_counter_unique"
            )
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_number}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")
    SUPERSEDED = "superseded", _("已被新证书取代")


class CertificateSource(models.TextChoices):
    AUTOMATIC = "automatic", _("完成课程自动颁发")
    MANUAL = "manual", _("手动颁发")
    BULK = "bulk", _("批量颁发")


class Certificate(models.Model):
    """A completion certificate held by one learner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("持证人"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("课程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    path = models.ForeignKey(
        "courses.LearningPath",
        verbose_name=_("学习路径"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment",
        verbose_name=_("选课记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("证书模板"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial = models.CharField(_("证书编号"), max_length=40, unique=True)
    verification_code = models.CharField(
        _("查验码"), max_length=64, unique=True, default=new_verification_code
    )
    holder_name = models.CharField(_("持证人姓名"), max_length=60)
    title = models.CharField(_("课程名称"), max_length=255)
    hours = models.DecimalField(
        _("学时"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    score = models.DecimalField(
        _("成绩（%）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(
        _("颁发方式"),
        max_length=16,
        choices=CertificateSource.choices,
        default=CertificateSource.AUTOMATIC,
    )
    issued_at = models.DateTimeField(_("颁发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("颁发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
        db_index=True,
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("新证书"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expiry_reminded_days = models.PositiveSmallIntegerField(
        _("已发送到期提醒（天）"), null=True, blank=True, editable=False
    )
    renewed_at = models.DateTimeField(_("续期处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(path__isnull=True))
                | (Q(course__isnull=True) & Q(path__isnull=False)),
                name="certificate_course_xor_path",
            ),
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status="valid", course__isnull=False),
                name="certificate_one_valid_per_course",
            ),
            models.UniqueConstraint(
                fields=["user", "path"],
                condition=Q(status="valid", path__isnull=False),
                name="certificate_one_valid_per_path",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="certificate_user_status_idx"),
            models.Index(fields=["valid_until"], name="certificate_valid_until_idx"),
        ]

    def __str__(self):
        return f"{self.serial} · {self.holder_name}"


class TrainerQualification(models.Model):
    """A trainer's qualification to teach a course (对外培训师资格证书), reviewed
    every year."""

    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("讲师"),
        on_delete=models.CASCADE,
        related_name="qualifications",
        limit_choices_to={"groups__name": "讲师"},
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("课程"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    certificate_number = models.CharField(_("资格证书编号"), max_length=40, blank=True)
    qualified_on = models.DateField(_("取得资格日期"))
    review_due = models.DateField(
        _("年审日期"), help_text=_("在此日期前须完成年度审核，过期即不能担任讲师。")
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("trainer"),
        FieldPanel("course"),
        FieldPanel("certificate_number"),
        FieldRowPanel([FieldPanel("qualified_on"), FieldPanel("review_due")]),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["review_due", "id"]
        verbose_name = _("讲师资格")
        verbose_name_plural = _("讲师资格")
        constraints = [
            models.UniqueConstraint(
                fields=["trainer", "course"], name="qualification_one_per_course"
            )
        ]

    def __str__(self):
        return f"{self.trainer} · {self.course}"
