"""The self-study side of the site: home page, help centre, FAQ, handbooks and
downloads.

Tree:
    HomePage (singleton, the site root)
    ├── HelpCentrePage ── ArticlePage
    ├── FaqPage (FAQ items inline)
    ├── HandbookPage ── HandbookChapterPage ── HandbookChapterPage ...
    ├── DownloadsPage
    └── courses.CourseIndexPage (see courses.models)
"""

from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from home.audiences import visible_pages
from home.blocks import ContentStreamBlock, table_of_contents
from home.mixins import WithFeedbackForm
from home.search.index import (
    TITLE_BOOST,
    SegmentedAutocompleteField,
    SegmentedSearchField,
    segmented_page_search_fields,
)

# Registers search's models in this app.
from home.search.models import SearchSynonym, ZeroResultQuery  # noqa: F401

LISTING_PAGE_SIZE = 12


def paginate(request, items, per_page: int = LISTING_PAGE_SIZE):
    """One page of ``items`` for ``?page=N``; bad or out-of-range numbers give a valid
    page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class ProductCategory(models.Model):
    """A product line or topic that help articles are filed under (扫地机器人 ...)."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    slug = models.SlugField(_("标识"), max_length=60, unique=True, allow_unicode=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("产品分类")
        verbose_name_plural = _("产品分类")

    def __str__(self):
        return self.name


class FaqCategory(models.Model):
    """A group of FAQ items (订单 ...); its slug is the anchor on the FAQ page."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")

    def __str__(self):
        return self.name


@register_setting(icon="site")
class SiteFooterSettings(BaseSiteSetting):
    """Contact details shown in every page footer; edited under 设置."""

    service_phone = models.CharField(_("客服电话"), max_length=40, blank=True)
    service_email = models.EmailField(_("客服邮箱"), blank=True)
    service_hours = models.CharField(_("服务时间"), max_length=80, blank=True)
    copyright_owner = models.CharField(_("版权所有"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("页脚与联系方式")


class HomePage(Page):
    """The site root: hero, entry tiles to each section, latest and popular items.

    One per site (``max_count = 1``); every section page lives directly beneath it.
    """

    hero_title = models.CharField(_("主标题"), max_length=80)
    hero_subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_subtitle"),
        FieldPanel("intro"),
    ]
    api_fields = [APIField("hero_title"), APIField("hero_subtitle"), APIField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.HelpCentrePage",
        "home.FaqPage",
        "home.HandbookPage",
        "home.DownloadsPage",
        "courses.CourseIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def route(self, request, path_components):
        """Find a descendant by its full URL path in one query instead of one query per
        path segment (Wagtail's default walk); anything else (routable sub-paths such
        as a handbook's ``print/``, unknown paths) falls back to the default walk."""
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = Page.objects.live().filter(url_path=url_path).specific().first()
            if page is not None:
                return RouteResult(page)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from home import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_page_sections(home=self, user=request.user))
        return context


class HelpCentrePage(WithFeedbackForm, Page):
    """帮助中心: the index of help articles, filterable by product category."""

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        *WithFeedbackForm.feedback_panels,
    ]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ArticlePage"]

    class Meta:
        verbose_name = _("帮助中心")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        categories = list(ProductCategory.objects.all())
        selected = next(
            (c for c in categories if c.slug == request.GET.get("category")), None
        )
        articles = (
            visible_pages(ArticlePage.objects.child_of(self).live(), request.user)
            .select_related("category")
            .order_by("-first_published_at", "pk")
        )
        if selected:
            articles = articles.filter(category=selected)
        context.update(
            categories=categories,
            selected_category=selected,
            articles=paginate(request, articles),
        )
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(WithFeedbackForm, Page):
    """A help article: StreamField body with an in-page table of contents, tags,
    related articles and a "was this helpful?" vote (one per visitor)."""

    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("产品分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = ClusterTaggableManager(
        through=ArticlePageTag, blank=True, verbose_name=_("标签")
    )
    body = StreamField(ContentStreamBlock(), verbose_name=_("正文"))

    search_fields = segmented_page_search_fields(
        SegmentedSearchField("summary", boost=1.5),
        SegmentedSearchField("body"),
        SegmentedSearchField("tag_text", boost=1.5),
    )
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("category"),
        FieldPanel("tags"),
        FieldPanel("body"),
        InlinePanel("related_links", label=_("相关文章")),
        *WithFeedbackForm.feedback_panels,
    ]
    api_fields = [
        APIField("summary"),
        APIField("category_name"),
        APIField("tags"),
        APIField("body"),
    ]
    parent_page_types = ["home.HelpCentrePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("帮助文章")
        verbose_name_plural = _("帮助文章")

    @cached_property
    def table_of_contents(self):
        return table_of_contents(self.body)

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else ""

    def tag_text(self) -> str:
        """Tag names, indexed as text (a tag such as 七天无理由 is a good keyword)."""
        return " ".join(tag.name for tag in self.tags.all())

    def get_context(self, request, *args, **kwargs):
        from home import selectors

        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = selectors.related_articles(
            article=self, user=request.user
        )
        context["votes"] = selectors.article_vote_counts(article=self)
        return context


class ArticleRelatedLink(Orderable):
    """An editor-chosen related article shown under an article."""

    page = ParentalKey(
        ArticlePage, related_name="related_links", on_delete=models.CASCADE
    )
    related = models.ForeignKey(
        ArticlePage,
        verbose_name=_("文章"),
        on_delete=models.CASCADE,
        related_name="related_from_links",
    )

    panels = [FieldPanel("related")]


class ArticleVote(models.Model):
    """One visitor's answer to "这篇文章对您有帮助吗？" on one article.

    ``voter_key`` is ``u:<user id>`` for signed-in users and ``a:<random id>`` (from a
    cookie) for anonymous visitors; the unique constraint keeps it to one vote each.
    """

    article = models.ForeignKey(
        ArticlePage, on_delete=models.CASCADE, related_name="votes"
    )
    voter_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("文章评价")
        verbose_name_plural = _("文章评价")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "voter_key"], name="one_vote_per_visitor_per_article"
            )
        ]

    def __str__(self):
        return f"{self.article_id}:{self.voter_key}:{self.helpful}"


class FaqPage(WithFeedbackForm, Page):
    """常见问题: FAQ items grouped by category; each item has its own anchor link."""

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("faq_items", label=_("问题")),
        *WithFeedbackForm.feedback_panels,
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro"), APIField("faq_items")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")

    def get_context(self, request, *args, **kwargs):
        from home import selectors

        context = super().get_context(request, *args, **kwargs)
        context["faq_groups"] = selectors.faq_groups(faq_page=self)
        return context


class FaqItemTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.FaqItem", related_name="tagged_items", on_delete=models.CASCADE
    )


class FaqItem(index.Indexed, Orderable, ClusterableModel):
    """One question and answer on a FAQ page; linkable as ``#faq-<id>``.

    Each item is its own search result. Items are saved (and indexed) when their page
    is published; ``home.search.signals`` re-indexes them after their tags are saved
    and drops them from the index when the page is unpublished. Only items of live
    pages are indexed.
    """

    page = ParentalKey(FaqPage, related_name="faq_items", on_delete=models.CASCADE)
    category = models.ForeignKey(
        FaqCategory,
        verbose_name=_("分类"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    question = models.CharField(_("问题"), max_length=200)
    answer = RichTextField(
        _("回答"), features=["bold", "italic", "link", "document-link", "ul", "ol"]
    )
    tags = ClusterTaggableManager(
        through=FaqItemTag, blank=True, verbose_name=_("标签")
    )

    panels = [
        FieldPanel("category"),
        FieldPanel("question"),
        FieldPanel("answer"),
        FieldPanel("tags"),
    ]
    api_fields = [APIField("question"), APIField("answer"), APIField("category_name")]
    search_fields = [
        SegmentedSearchField("title", boost=TITLE_BOOST),
        SegmentedAutocompleteField("title"),
        SegmentedSearchField("answer"),
        SegmentedSearchField("tag_text", boost=1.5),
        index.FilterField("id"),
        index.FilterField("page"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("常见问题条目")
        verbose_name_plural = _("常见问题条目")

    def __str__(self):
        return self.question

    @property
    def title(self) -> str:
        """The question: a FAQ item's title in search results and the index."""
        return self.question

    def tag_text(self) -> str:
        return " ".join(tag.name for tag in self.tags.all())

    @classmethod
    def get_indexed_objects(cls):
        return cls.objects.filter(page__live=True)

    @property
    def anchor(self) -> str:
        return f"faq-{self.pk}"

    @property
    def category_name(self) -> str:
        return self.category.name


class HandbookPage(RoutablePageMixin, WithFeedbackForm, Page):
    """培训手册: a handbook whose chapters are child pages, nested to any depth.

    Offers a generated table of contents and ``print/``, the whole handbook on one page.
    """

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        *WithFeedbackForm.feedback_panels,
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.HandbookChapterPage"]

    class Meta:
        verbose_name = _("培训手册")
        verbose_name_plural = _("培训手册")

    def chapters(self, user):
        """Every visible chapter in reading (tree) order, with its depth below the
        handbook."""
        return visible_pages(
            HandbookChapterPage.objects.descendant_of(self).live(), user
        ).order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["chapters"] = self.chapters(request.user)
        return context

    @path("print/", name="print")
    def print_view(self, request):
        chapters = list(self.chapters(request.user))
        return render(
            request,
            "home/handbook_print.html",
            {"page": self, "self": self, "chapters": chapters},
        )


class HandbookChapterPage(WithFeedbackForm, Page):
    """A handbook chapter; chapters may hold sub-chapters. Shows previous/next in
    reading order."""

    body = StreamField(ContentStreamBlock(), verbose_name=_("正文"))

    search_fields = segmented_page_search_fields(SegmentedSearchField("body"))
    content_panels = Page.content_panels + [
        FieldPanel("body"),
        *WithFeedbackForm.feedback_panels,
    ]
    api_fields = [APIField("body")]
    parent_page_types = ["home.HandbookPage", "home.HandbookChapterPage"]
    subpage_types = ["home.HandbookChapterPage"]

    class Meta:
        verbose_name = _("手册章节")
        verbose_name_plural = _("手册章节")

    @cached_property
    def table_of_contents(self):
        return table_of_contents(self.body)

    def get_context(self, request, *args, **kwargs):
        from home import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.handbook_navigation(chapter=self, user=request.user))
        return context


class DownloadsPage(WithFeedbackForm, Page):
    """资料下载: Wagtail documents grouped by collection, with size and type.

    Documents in collections with a privacy restriction are listed only to people who
    may open them; the document view enforces the same rule on download.
    """

    intro = RichTextField(_("简介"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        *WithFeedbackForm.feedback_panels,
    ]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("资料下载")
        verbose_name_plural = _("资料下载")

    def get_context(self, request, *args, **kwargs):
        from home import selectors

        context = super().get_context(request, *args, **kwargs)
        context["collections"] = selectors.download_groups(user=request.user)
        return context
