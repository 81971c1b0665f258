"""factory_boy factories for the page tree: ``_create`` adds each page under ``parent``
and publishes it, the way editors do."""

import factory
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, LessonPage
from home.models import (
    ArticlePage,
    FaqCategory,
    FaqItem,
    FaqPage,
    HandbookChapterPage,
    HandbookPage,
    HelpCentrePage,
)

SAMPLE_BODY = [
    {"type": "heading", "value": {"text": "操作说明", "level": "h2"}},
    {"type": "paragraph", "value": "<p>按住电源键三秒开机，指示灯变为蓝色。</p>"},
    {
        "type": "callout",
        "value": {"kind": "tip", "text": "<p>首次使用请先充满电。</p>"},
    },
    {
        "type": "steps",
        "value": [
            {"title": "打开 APP", "text": "<p>登录启明家 APP。</p>"},
            {"title": "添加设备", "text": "<p>点击右上角加号。</p>"},
        ],
    },
    {
        "type": "table",
        "value": {
            "data": [["故障码", "含义"], ["E203", "尘盒未安装"]],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "",
        },
    },
]


class PageFactory(factory.Factory):
    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"测试页面 {n}")
    slug = factory.Sequence(lambda n: f"test-page-{n}")

    @classmethod
    def _create(cls, model_class, *args, parent: Page, **kwargs):
        page = model_class(**kwargs)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page


class HelpCentrePageFactory(PageFactory):
    class Meta:
        model = HelpCentrePage


class ArticlePageFactory(PageFactory):
    class Meta:
        model = ArticlePage

    summary = "一篇测试文章"
    body = factory.LazyFunction(lambda: list(SAMPLE_BODY))


class FaqPageFactory(PageFactory):
    class Meta:
        model = FaqPage


class FaqCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqCategory

    name = factory.Sequence(lambda n: f"测试分类 {n}")
    slug = factory.Sequence(lambda n: f"test-category-{n}")


class FaqItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqItem

    question = factory.Sequence(lambda n: f"测试问题 {n}？")
    answer = "<p>测试回答。</p>"
    sort_order = factory.Sequence(int)


class HandbookPageFactory(PageFactory):
    class Meta:
        model = HandbookPage


class HandbookChapterPageFactory(PageFactory):
    class Meta:
        model = HandbookChapterPage

    body = factory.LazyFunction(lambda: list(SAMPLE_BODY))


class CourseIndexPageFactory(PageFactory):
    class Meta:
        model = CourseIndexPage


class CoursePageFactory(PageFactory):
    class Meta:
        model = CoursePage

    summary = "测试课程简介"
    objectives = "目标一\n目标二"


class LessonPageFactory(PageFactory):
    class Meta:
        model = LessonPage

    estimated_minutes = 10
    body = factory.LazyFunction(lambda: list(SAMPLE_BODY))
