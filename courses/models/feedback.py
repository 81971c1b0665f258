"""Feedback forms (培训反馈单, 客户服务意见单, surveys) attached to pages, and what
respondents send.

A ``FeedbackForm`` is a snippet holding ordered ``FeedbackQuestion``s; any content page
(course, lesson, help article, handbook chapter) carries one through its
``feedback_form`` field, and one form may serve many pages. A ``FeedbackSubmission``
records the page, its course, that course's trainer, the respondent (or nobody) and
their organisation; its ``FeedbackAnswer`` rows are normalised, one typed value per
row, so every summary is one SQL aggregation:

- scalar questions (Likert, 0-10 rating, yes/no, single choice, texts, date): one row
  with ``row = 0``;
- a Likert matrix: one row per statement, ``row`` = the statement's number (1-based);
- multiple choice: one row per chosen option, ``row`` = the option's number.

Choice answers keep the option's text in ``text_value`` as well, so results survive
editors reordering options. Questions carry a stable ``key``: the same key on two forms
is the same question, which is how trends and trainer/course comparisons line up.

Rules (who may answer, one per user, dates, review) live in
``courses.services.feedback``; the database enforces what must hold under concurrent
requests: one answer row per (submission, question, row), one submission per
(form, page, respondent) when the form says so, and one submission per form token, so
a double click or a refreshed POST never stores twice.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

DEFAULT_LIKERT_LABELS = "非常同意\n同意\n一般\n不同意\n非常不同意"


class FeedbackKind(models.TextChoices):
    SECTION = "section", _("分节标题")
    LIKERT = "likert", _("五级量表")
    LIKERT_MATRIX = "likert_matrix", _("量表矩阵")
    RATING = "rating", _("0-10 评分")
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    SHORT_TEXT = "short_text", _("单行文本")
    LONG_TEXT = "long_text", _("多行文本")
    YES_NO = "yes_no", _("是/否")
    DATE = "date", _("日期")


# Kinds answered with a number that summaries average (1-5, 0-10, yes = 1 / no = 0).
SCALE_KINDS = {FeedbackKind.LIKERT, FeedbackKind.LIKERT_MATRIX, FeedbackKind.RATING}
CHOICE_KINDS = {FeedbackKind.SINGLE, FeedbackKind.MULTIPLE, FeedbackKind.YES_NO}
TEXT_KINDS = {FeedbackKind.SHORT_TEXT, FeedbackKind.LONG_TEXT}
# Kinds whose ``options`` field lists choices or statements, one per line.
OPTION_KINDS = {FeedbackKind.SINGLE, FeedbackKind.MULTIPLE, FeedbackKind.LIKERT_MATRIX}


def split_lines(text: str) -> list[str]:
    """Non-empty, stripped lines of a textarea (options, statements, labels)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def validate_email_list(value: str) -> None:
    for address in re.split(r"[\s,;，；]+", value or ""):
        if address:
            try:
                validate_email(address)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(address)s”不是有效的电子邮件地址。"),
                    params={"address": address},
                    code="invalid_email",
                ) from error


class FeedbackForm(index.Indexed, ClusterableModel):
    """A feedback form or survey: its settings and ordered questions. Edited as a
    snippet; attached to pages through their ``feedback_form`` field."""

    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("填写说明"), blank=True, max_length=2000)
    thank_you_text = models.TextField(
        _("提交后的感谢语"),
        blank=True,
        max_length=1000,
        default="感谢您的反馈！我们会认真阅读每一条意见。",
    )
    allow_anonymous = models.BooleanField(
        _("允许匿名填写"),
        default=True,
        help_text=_("不勾选时，必须登录后才能填写。"),
    )
    one_per_user = models.BooleanField(
        _("每人每页只能提交一次"),
        default=False,
        help_text=_("只对登录用户生效；匿名提交不受此限制。"),
    )
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    notify_emails = models.TextField(
        _("通知邮箱"),
        blank=True,
        max_length=1000,
        validators=[validate_email_list],
        help_text=_("收到新提交时通知这些地址；多个地址用逗号或换行分隔。"),
    )
    likert_labels = models.TextField(
        _("量表选项文字"),
        default=DEFAULT_LIKERT_LABELS,
        help_text=_("五行，从 5 分到 1 分，例如：非常同意 … 非常不同意。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
    ]
    panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("allow_anonymous"), FieldPanel("one_per_user")]
                ),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("thank_you_text"),
                FieldPanel("notify_emails"),
                FieldPanel("likert_labels"),
            ],
            heading=_("设置"),
        ),
        InlinePanel("questions", heading=_("题目"), label=_("题目")),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("反馈表")
        verbose_name_plural = _("反馈表")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("截止时间必须晚于开始时间。")})
        if len(split_lines(self.likert_labels)) != 5:
            raise ValidationError({"likert_labels": _("请填写五行量表选项文字。")})

    @property
    def likert_label_list(self) -> list[str]:
        """Labels for 5, 4, 3, 2, 1 (first line is 5)."""
        return split_lines(self.likert_labels)

    @property
    def notify_address_list(self) -> list[str]:
        return [a for a in re.split(r"[\s,;，；]+", self.notify_emails or "") if a]


class FeedbackQuestion(Orderable):
    """One question, or a section heading, of a feedback form."""

    form = ParentalKey(FeedbackForm, related_name="questions", on_delete=models.CASCADE)
    key = models.SlugField(
        _("题目标识"),
        max_length=60,
        help_text=_(
            "稳定的英文标识，例如 trainer_expertise；"
            "不同表单中相同标识的题目会合并统计。"
        ),
    )
    kind = models.CharField(
        _("题型"),
        max_length=16,
        choices=FeedbackKind.choices,
        default=FeedbackKind.LIKERT,
    )
    text = models.CharField(_("题目"), max_length=300)
    help_text = models.CharField(_("提示"), max_length=300, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    options = models.TextField(
        _("选项 / 陈述"),
        blank=True,
        help_text=_("单选、多选：每行一个选项；量表矩阵：每行一条陈述。"),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("key"), FieldPanel("required")]),
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldPanel("options"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("反馈题目")
        verbose_name_plural = _("反馈题目")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "key"], name="feedback_question_key_unique_per_form"
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        options = split_lines(self.options)
        if self.kind in OPTION_KINDS and len(options) < (
            1 if self.kind == FeedbackKind.LIKERT_MATRIX else 2
        ):
            raise ValidationError(
                {"options": _("请至少填写两个选项（量表矩阵至少一条陈述），每行一个。")}
            )
        if len(options) != len(set(options)):
            raise ValidationError({"options": _("选项不能重复。")})

    @property
    def option_list(self) -> list[str]:
        return split_lines(self.options)

    @property
    def is_answerable(self) -> bool:
        return self.kind != FeedbackKind.SECTION


class ReviewStatus(models.TextChoices):
    NEW = "new", _("待查看")
    REVIEWED = "reviewed", _("已查看")
    FOLLOW_UP = "follow_up", _("需跟进")
    RESOLVED = "resolved", _("已跟进")


class FeedbackSubmission(models.Model):
    """One filled-in form: where it was sent from and by whom, and its review."""

    form = models.ForeignKey(
        FeedbackForm,
        verbose_name=_("反馈表"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("页面"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("课程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_submissions",
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("讲师"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_about_me",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_submissions",
    )
    respondent_name = models.CharField(_("姓名"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_submissions",
    )
    organisation_name = models.CharField(_("单位"), max_length=120, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)
    token = models.UUIDField(_("提交凭据"), editable=False)
    # The respondent's id when the form allows one submission per user, else NULL
    # (NULLs never collide, so anonymous and repeatable forms are unconstrained).
    once_key = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    review_status = models.CharField(
        _("处理状态"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NEW,
        db_index=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_follow_ups",
    )
    follow_up_note = models.TextField(_("跟进说明"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("反馈提交")
        verbose_name_plural = _("反馈提交")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "token"], name="feedback_submission_token_unique"
            ),
            models.UniqueConstraint(
                fields=["form", "page", "once_key"],
                name="feedback_submission_once_per_user_page",
            ),
        ]
        indexes = [
            models.Index(
                fields=["form", "submitted_at"], name="feedback_sub_form_time_idx"
            ),
        ]

    def __str__(self):
        return f"{self.form} #{self.pk}"

    @property
    def is_anonymous(self) -> bool:
        return self.respondent_id is None


class FeedbackAnswer(models.Model):
    """One typed value of a submission (see the module docstring for ``row``)."""

    submission = models.ForeignKey(
        FeedbackSubmission, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        FeedbackQuestion,
        on_delete=models.PROTECT,
        related_name="answers",
    )
    # Denormalised from the question so cross-form summaries group without a join.
    question_key = models.SlugField(max_length=60, db_index=True)
    row = models.PositiveSmallIntegerField(default=0)
    int_value = models.SmallIntegerField(null=True, blank=True)
    text_value = models.TextField(blank=True)
    date_value = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("反馈答案")
        verbose_name_plural = _("反馈答案")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question", "row"],
                name="feedback_answer_one_per_row",
            )
        ]
        indexes = [
            models.Index(
                fields=["question", "row", "int_value"], name="feedback_ans_dist_idx"
            ),
        ]

    def __str__(self):
        return f"{self.question_key}[{self.row}]"
