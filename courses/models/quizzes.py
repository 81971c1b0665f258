"""Quizzes and exams: a question bank (Quiz -> Question -> Choice) attached to lesson
and course pages, and the attempts learners make at it.

Rules (eligibility, drawing questions, grading, closing) live in
``courses.services.quizzes`` and ``courses.services.grading``; the models only hold
data and the database constraints that keep it consistent under concurrent requests:
at most one attempt in progress per learner and quiz, attempt numbers unique per
learner and quiz (so an attempt limit cannot be overrun by parallel starts), one
answer row per question in an attempt.

A quiz reused on several pages is the same exam: a learner's attempt allowance and
pass status are per quiz, whichever page the attempt was started from.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.models import Orderable
from wagtail.search import index

from courses.models.pages import Audience

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")
    FILL_BLANK = "fill_blank", _("填空题")
    SHORT_ANSWER = "short_answer", _("简答题")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}


class ReviewPolicy(models.TextChoices):
    NEVER = "never", _("不显示")
    AFTER_ATTEMPT = "after_attempt", _("每次提交后")
    AFTER_PASS = "after_pass", _("通过后")
    AFTER_CLOSE = "after_close", _("测验关闭后")


class Quiz(index.Indexed, ClusterableModel):
    """A quiz or exam: its settings and its question bank. Edited as a snippet by
    trainers; attached to LessonPage.quiz or CoursePage.quiz (the final exam)."""

    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True, max_length=2000)
    audience = models.CharField(
        _("参加对象"),
        max_length=16,
        choices=Audience.choices,
        default=Audience.ALL,
        help_text=_("“客服人员”只允许员工参加；其他选项允许所有登录用户参加。"),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("及格分（%）"), default=85, validators=PERCENT_VALIDATORS
    )
    good_mark = models.PositiveSmallIntegerField(
        _("良好分（%）"), default=90, validators=PERCENT_VALIDATORS
    )
    excellent_mark = models.PositiveSmallIntegerField(
        _("优秀分（%）"), default=95, validators=PERCENT_VALIDATORS
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("最多作答次数"), default=0, help_text=_("0 表示不限次数")
    )
    cooldown_minutes = models.PositiveIntegerField(_("两次作答间隔（分钟）"), default=0)
    time_limit_minutes = models.PositiveIntegerField(
        _("限时（分钟）"), default=0, help_text=_("0 表示不限时")
    )
    opens_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("题目乱序"), default=False)
    shuffle_choices = models.BooleanField(_("选项乱序"), default=False)
    draw_count = models.PositiveSmallIntegerField(
        _("随机抽题数"),
        default=0,
        help_text=_("0 表示使用全部题目"),
    )
    draw_per_category = models.BooleanField(
        _("按分类抽题"),
        default=False,
        help_text=_("勾选后，每个分类各抽取上面的题数"),
    )
    review_policy = models.CharField(
        _("查看答案解析"),
        max_length=16,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.AFTER_ATTEMPT,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
    ]
    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel(
                    [
                        FieldPanel("pass_mark"),
                        FieldPanel("good_mark"),
                        FieldPanel("excellent_mark"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("max_attempts"),
                        FieldPanel("cooldown_minutes"),
                        FieldPanel("time_limit_minutes"),
                    ]
                ),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel(
                    [FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]
                ),
                FieldRowPanel(
                    [FieldPanel("draw_count"), FieldPanel("draw_per_category")]
                ),
                FieldPanel("review_policy"),
            ],
            heading=_("测验设置"),
        ),
        InlinePanel("questions", heading=_("题库"), label=_("题目")),
    ]

    class Meta:
        verbose_name = _("测验")
        verbose_name_plural = _("测验")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if not self.pass_mark <= self.good_mark <= self.excellent_mark:
            errors["good_mark"] = _("分数线须满足：及格分 ≤ 良好分 ≤ 优秀分。")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("截止时间须晚于开放时间。")
        if errors:
            raise ValidationError(errors)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class Question(Orderable, ClusterableModel):
    """One question of a quiz's bank. Choices are inline (single, multiple and
    true/false questions); fill-in-the-blank keeps its accepted answers one per line;
    short answers are graded by a trainer."""

    quiz = ParentalKey(Quiz, related_name="questions", on_delete=models.CASCADE)
    kind = models.CharField(_("题型"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("题目"), max_length=4000)
    category = models.CharField(
        _("分类"), max_length=60, blank=True, help_text=_("按分类抽题时使用")
    )
    points = models.DecimalField(
        _("分值"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    partial_credit = models.BooleanField(
        _("多选题部分得分"),
        default=False,
        help_text=_("不勾选则全对才得分；勾选后按（选对数 − 选错数）/ 正确项数 计分"),
    )
    accepted_answers = models.TextField(
        _("填空题参考答案"),
        blank=True,
        help_text=_("每行一个可接受的答案；忽略首尾空格、大小写和全角/半角差异"),
    )
    explanation = models.TextField(_("答案解析"), blank=True, max_length=4000)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("category")]),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("partial_credit")]),
        InlinePanel("choices", label=_("选项")),
        FieldPanel("accepted_answers"),
        FieldPanel("explanation"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("题目")
        verbose_name_plural = _("题目")

    def __str__(self):
        return self.text[:60]

    @property
    def uses_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    def accepted_answer_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line]


class Choice(Orderable):
    """An answer option; ``is_correct`` never leaves the server before submission."""

    question = ParentalKey(Question, related_name="choices", on_delete=models.CASCADE)
    text = models.CharField(_("选项内容"), max_length=500)
    is_correct = models.BooleanField(_("正确答案"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("选项")
        verbose_name_plural = _("选项")

    def __str__(self):
        return self.text


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("作答中")
    PENDING_REVIEW = "pending_review", _("待评分")
    GRADED = "graded", _("已评分")


class CloseReason(models.TextChoices):
    SUBMITTED = "submitted", _("提交")
    TIMED_OUT = "timed_out", _("超时自动交卷")
    QUIZ_CLOSED = "quiz_closed", _("测验截止自动交卷")


class QuizAttempt(models.Model):
    """One learner's attempt at a quiz. The questions drawn for it and their order are
    its QuizAnswer rows, created when the attempt starts."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("测验"), on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("所在页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
    )
    close_reason = models.CharField(
        _("交卷方式"), max_length=16, choices=CloseReason.choices, blank=True
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    deadline = models.DateTimeField(_("限时截止"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    graded_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    score = models.DecimalField(
        _("得分"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("满分"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    percentage = models.DecimalField(
        _("得分率（%）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    passed = models.BooleanField(_("是否通过"), null=True, blank=True)
    # Bumped by every save; the taking form echoes it so that a stale tab or a
    # replayed POST is recognised instead of overwriting newer answers.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("作答记录")
        verbose_name_plural = _("作答记录")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(status="in_progress"),
                name="one_attempt_in_progress_per_user_quiz",
            ),
            models.UniqueConstraint(
                fields=["user", "quiz", "number"],
                name="unique_attempt_number_per_user_quiz",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "status"]),
            models.Index(fields=["user", "quiz", "-started_at"]),
        ]

    def __str__(self):
        return f"{self.quiz} · {self.user} · #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def grade_band(self) -> str:
        """不合格 / 合格 / 良好 / 优秀, or 待评分 while a short answer awaits a
        trainer."""
        from courses.services.grading import grade_band

        return grade_band(attempt=self)


class QuizAnswer(models.Model):
    """The learner's answer to one drawn question. ``choice_order`` is the order the
    choices were shown in; the form refers to choices by their position in it, so
    nothing in the page identifies a choice row. Snapshot columns keep the record
    readable if the question is later deleted from the bank."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, null=True, on_delete=models.SET_NULL, related_name="answers"
    )
    position = models.PositiveSmallIntegerField()
    question_text = models.TextField(blank=True)
    choice_order = models.JSONField(default=list, blank=True)
    selected_choices = models.JSONField(default=list, blank=True)
    text_answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    max_score = models.DecimalField(max_digits=6, decimal_places=2)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    grader_comment = models.TextField(_("评语"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("答题")
        verbose_name_plural = _("答题")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_answer_per_question"
            ),
            models.UniqueConstraint(
                fields=["attempt", "position"], name="unique_answer_position"
            ),
        ]

    def __str__(self):
        return f"{self.attempt_id}#{self.position}"

    @property
    def is_answered(self) -> bool:
        return bool(self.selected_choices or self.text_answer.strip())


class AttemptGrant(models.Model):
    """Extra attempts (补考) granted to a learner after the limit, with who and why."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("测验"), on_delete=models.CASCADE, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="quiz_grants",
    )
    extra_attempts = models.PositiveSmallIntegerField(
        _("增加次数"), default=1, validators=[MinValueValidator(1)]
    )
    reason = models.CharField(_("原因"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("批准时间"), default=timezone.now)

    class Meta:
        verbose_name = _("补考授权")
        verbose_name_plural = _("补考授权")
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.user} +{self.extra_attempts} ({self.quiz})"


class AttemptScoreHistory(models.Model):
    """A previous result of an attempt, kept when it is regraded or hand-graded."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="score_history"
    )
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2)
    percentage = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    passed = models.BooleanField(null=True)
    status = models.CharField(max_length=16, choices=AttemptStatus.choices)
    reason = models.CharField(_("原因"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("成绩历史")
        verbose_name_plural = _("成绩历史")
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.attempt_id}: {self.score} ({self.reason})"
