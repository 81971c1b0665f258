"""The course catalogue: CourseIndexPage -> CoursePage -> LessonPage.

Later parts attach here: a lesson or course carries a quiz, a course page shows the
learner's progress. Who may open a course is a Wagtail view restriction (e.g. staff-only
courses are restricted to the 客服人员, 讲师 and 培训管理员 groups); ``audience`` only
describes the intended audience for the catalogue filter.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.certificate_admin.forms import CoursePageForm
from home.blocks import ContentStreamBlock, table_of_contents
from home.mixins import WithFeedbackForm
from home.search.index import SegmentedSearchField, segmented_page_search_fields


class Audience(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    STAFF = "staff", _("客服人员")
    ALL = "all", _("所有人")


class Level(models.TextChoices):
    DAILY = "daily", _("日常培训")
    GROWTH = "growth", _("成长班")
    ADVANCED = "advanced", _("提高班")
    ELITE = "elite", _("精英计划")


class CourseIndexPage(WithFeedbackForm, Page):
    """在线课程: the catalogue, filterable by audience, level and tag."""

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        *WithFeedbackForm.feedback_panels,
    ]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage", "courses.LearningPath"]

    class Meta:
        verbose_name = _("课程目录")
        verbose_name_plural = _("课程目录")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.course_catalogue(
                index=self, user=request.user, params=request.GET
            )
        )
        return context


class CoursePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class CoursePage(WithFeedbackForm, Page):
    """A course: summary, objectives, audience, level, hours, trainer and its lessons
    (the child LessonPages, in tree order). Only a trainer qualified for the course
    can be set (``CoursePageForm``)."""

    base_form_class = CoursePageForm

    summary = models.TextField(_("课程简介"), max_length=1000)
    objectives = models.TextField(
        _("学习目标"), blank=True, help_text=_("每行一个目标")
    )
    audience = models.CharField(
        _("面向对象"),
        max_length=16,
        choices=Audience.choices,
        default=Audience.CUSTOMER,
    )
    level = models.CharField(
        _("课程级别"), max_length=16, choices=Level.choices, default=Level.DAILY
    )
    estimated_hours = models.DecimalField(
        _("预计学时（小时）"), max_digits=5, decimal_places=1, default=1
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("讲师"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="taught_courses",
        limit_choices_to={"groups__name": "讲师"},
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    prerequisites = models.CharField(_("先修要求"), max_length=300, blank=True)
    quiz = models.ForeignKey(
        "courses.Quiz",
        verbose_name=_("结业考试"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course_pages",
        help_text=_("课程的结业考试；同一测验可用于多个页面"),
    )
    tags = ClusterTaggableManager(
        through=CoursePageTag, blank=True, verbose_name=_("标签")
    )
    # The completion rule (evaluated only by courses.services.progress).
    completion_requires_exam = models.BooleanField(
        _("须通过结业考试"),
        default=True,
        help_text=_("课程设有结业考试时，学完全部课时并通过考试才算完成。"),
    )
    completion_min_score = models.PositiveSmallIntegerField(
        _("最低考试成绩（%）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("可选：考试成绩不低于此分数才算完成；留空则以考试及格为准。"),
    )

    # Certificates (issued by courses.services.certificates on completion).
    issues_certificate = models.BooleanField(_("完成后颁发结业证书"), default=True)
    certificate_template = models.ForeignKey(
        "courses.CertificateTemplate",
        verbose_name=_("证书模板"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("留空则使用默认模板。"),
    )
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("证书有效期（月）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(240)],
        help_text=_("留空表示长期有效。"),
    )
    certificate_renew_on_expiry = models.BooleanField(
        _("证书到期后重新学习"),
        default=False,
        help_text=_("证书到期时为学员开始新一轮学习（新的选课记录）。"),
    )

    search_fields = segmented_page_search_fields(
        SegmentedSearchField("summary", boost=1.5),
        SegmentedSearchField("objectives"),
        SegmentedSearchField("tag_text", boost=1.5),
        index.FilterField("audience"),
        index.FilterField("level"),
    )
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("level"),
                FieldPanel("estimated_hours"),
                FieldPanel("trainer"),
                FieldPanel("prerequisites"),
            ],
            heading=_("课程信息"),
        ),
        FieldPanel("cover_image"),
        FieldPanel("tags"),
        FieldPanel("quiz"),
        MultiFieldPanel(
            [
                FieldPanel("completion_requires_exam"),
                FieldPanel("completion_min_score"),
            ],
            heading=_("结业条件"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issues_certificate"),
                FieldPanel("certificate_template"),
                FieldPanel("certificate_valid_months"),
                FieldPanel("certificate_renew_on_expiry"),
            ],
            heading=_("结业证书"),
        ),
        *WithFeedbackForm.feedback_panels,
    ]
    api_fields = [
        APIField("summary"),
        APIField("objective_list"),
        APIField("audience"),
        APIField("level"),
        APIField("estimated_hours"),
        APIField("trainer_name"),
        APIField("prerequisites"),
        APIField("tags"),
        APIField(
            "cover_image_thumbnail",
            serializer=ImageRenditionField("fill-640x360", source="cover_image"),
        ),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def tag_text(self) -> str:
        """Tag names, indexed as text."""
        return " ".join(tag.name for tag in self.tags.all())

    @property
    def trainer_name(self) -> str:
        if self.trainer is None:
            return ""
        return self.trainer.get_full_name() or self.trainer.get_username()

    def get_context(self, request, *args, **kwargs):
        from courses import selectors
        from courses.selectors.progress import course_progress_for_user
        from courses.selectors.quiz_panel import quiz_panel

        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = selectors.course_lessons(course=self, user=request.user)
        context["quiz_panel"] = quiz_panel(page=self, user=request.user)
        context["progress"] = course_progress_for_user(
            user=request.user, course=self, lessons=context["lessons"]
        )
        return context


class LessonPage(WithFeedbackForm, Page):
    """A lesson of a course: StreamField body, estimated minutes, downloadable
    materials, previous/next lesson within the course."""

    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("预计时长（分钟）"), default=15
    )
    body = StreamField(ContentStreamBlock(), verbose_name=_("正文"), blank=True)
    # "Docs as courses": the lesson is the reading of a help article or handbook
    # chapter; marking that page as read completes the lesson.
    study_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("阅读材料"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="study_lessons",
        help_text=_("可选：本课时即阅读一篇帮助文章或手册章节，读完即算完成。"),
    )
    quiz = models.ForeignKey(
        "courses.Quiz",
        verbose_name=_("课后测验"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lesson_pages",
    )

    search_fields = segmented_page_search_fields(
        SegmentedSearchField("summary", boost=1.5),
        SegmentedSearchField("body"),
    )
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        PageChooserPanel(
            "study_page", ["home.ArticlePage", "home.HandbookChapterPage"]
        ),
        InlinePanel("materials", label=_("课程资料")),
        FieldPanel("quiz"),
        *WithFeedbackForm.feedback_panels,
    ]
    api_fields = [
        APIField("summary"),
        APIField("estimated_minutes"),
        APIField("body"),
        APIField("materials"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")

    @cached_property
    def table_of_contents(self):
        return table_of_contents(self.body)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors
        from courses.selectors.progress import course_progress_for_user
        from courses.selectors.quiz_panel import quiz_panel

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.lesson_navigation(lesson=self, user=request.user))
        context["quiz_panel"] = quiz_panel(page=self, user=request.user)
        course = context.get("course")
        context["progress"] = (
            course_progress_for_user(
                user=request.user, course=course, lessons=context.get("lessons")
            )
            if course is not None
            else None
        )
        return context


class LessonMaterial(Orderable):
    """A document handed out with a lesson (讲义, 手册, 表格)."""

    page = ParentalKey(LessonPage, related_name="materials", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("文档"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("显示名称"), max_length=120, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]
    api_fields = [APIField("document"), APIField("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("课程资料")
        verbose_name_plural = _("课程资料")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title
