"""Learning paths (学习路径): ordered stages of courses and practical tasks.

A ``LearningPath`` is a page under the course catalogue, so editors author it like any
course (drafts, review workflow, view restrictions for staff-only paths). Its
``LearningPathStage`` rows are ordered; each holds courses and/or a practical task
(e.g. 师傅旁看, shadowing a mentor) that a mentor (师傅) or trainer signs off. A stage
unlocks when the previous one is complete.

A learner on a path has one ``PathEnrollment`` (self-enrolled or assigned, optionally
with a mentor); ``StageSignOff`` records who signed off a stage's practical task, when
and with what note. Which stage is current and whether the path is complete is decided
in one place, ``courses.services.paths``.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

from courses.models.pages import Audience
from courses.models.progress import EnrollmentSource, EnrollmentStatus
from home.mixins import WithFeedbackForm
from home.search.index import SegmentedSearchField, segmented_page_search_fields


class LearningPath(WithFeedbackForm, Page):
    """An ordered curriculum of stages (e.g. the seven-stage new-hire induction)."""

    summary = models.TextField(_("路径简介"), max_length=1000)
    audience = models.CharField(
        _("面向对象"),
        max_length=16,
        choices=Audience.choices,
        default=Audience.STAFF,
    )
    estimated_days = models.PositiveSmallIntegerField(
        _("建议完成天数"), null=True, blank=True
    )

    search_fields = segmented_page_search_fields(
        SegmentedSearchField("summary", boost=1.5),
    )
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("estimated_days")],
            heading=_("路径信息"),
        ),
        InlinePanel("stages", label=_("阶段"), min_num=1),
        *WithFeedbackForm.feedback_panels,
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("学习路径")
        verbose_name_plural = _("学习路径")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors.paths import path_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(path_page_context(path=self, user=request.user))
        return context


class LearningPathStage(ClusterableModel, Orderable):
    """One stage of a path: its courses and/or a practical task to be signed off."""

    path = ParentalKey(LearningPath, related_name="stages", on_delete=models.CASCADE)
    title = models.CharField(_("阶段名称"), max_length=120)
    schedule = models.CharField(
        _("时间安排"), max_length=60, blank=True, help_text=_("例如：第 1–3 天")
    )
    description = models.TextField(_("阶段说明"), blank=True)
    courses = ParentalManyToManyField(
        "courses.CoursePage",
        verbose_name=_("课程"),
        blank=True,
        related_name="path_stages",
    )
    task_title = models.CharField(
        _("实践任务"),
        max_length=120,
        blank=True,
        help_text=_("例如：师傅旁看。填写后，须由师傅或讲师签字确认才算完成本阶段。"),
    )
    task_description = models.TextField(_("任务要求"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("schedule"),
        FieldPanel("description"),
        FieldPanel("courses", widget=forms.CheckboxSelectMultiple),
        FieldPanel("task_title"),
        FieldPanel("task_description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")

    def __str__(self):
        return self.title

    @property
    def has_task(self) -> bool:
        return bool(self.task_title)


class PathEnrollment(models.Model):
    """A learner on a learning path. ``current_stage`` is kept by
    ``courses.services.paths`` (None once complete); overdue is derived."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="path_enrollments",
    )
    path = models.ForeignKey(
        LearningPath,
        verbose_name=_("学习路径"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    source = models.CharField(
        _("来源"),
        max_length=16,
        choices=EnrollmentSource.choices,
        default=EnrollmentSource.SELF,
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.IN_PROGRESS,
        db_index=True,
    )
    enrolled_at = models.DateTimeField(_("报名时间"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("截止日期"), null=True, blank=True, db_index=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("师傅"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentee_path_enrollments",
    )
    current_stage = models.ForeignKey(
        LearningPathStage,
        verbose_name=_("当前阶段"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignment = models.ForeignKey(
        "courses.Assignment",
        verbose_name=_("培训指派"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="path_enrollments",
    )

    class Meta:
        ordering = ["-enrolled_at", "-id"]
        verbose_name = _("学习路径报名")
        verbose_name_plural = _("学习路径报名")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path"], name="path_enrollment_one_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.path}"


class StageSignOff(models.Model):
    """A mentor's or trainer's sign-off of a stage's practical task."""

    enrollment = models.ForeignKey(
        PathEnrollment,
        verbose_name=_("学习路径报名"),
        on_delete=models.CASCADE,
        related_name="signoffs",
    )
    stage = models.ForeignKey(
        LearningPathStage,
        verbose_name=_("阶段"),
        on_delete=models.CASCADE,
        related_name="signoffs",
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签字人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("签字时间"))
    note = models.TextField(_("评语"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-signed_off_at", "-id"]
        verbose_name = _("实践任务签字")
        verbose_name_plural = _("实践任务签字")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "stage"], name="stage_signoff_once"
            )
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.stage}"
