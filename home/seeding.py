"""Builds the self-study demo content (help centre, FAQ, handbook, downloads) from
``home.demo_content``. Idempotent: anything that already exists (by slug or name) is
left as it is, so a second run changes nothing."""

import io
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, Site

from home import demo_content as content
from home.models import (
    ArticlePage,
    ArticleRelatedLink,
    DownloadsPage,
    FaqCategory,
    FaqItem,
    FaqPage,
    HandbookChapterPage,
    HandbookPage,
    HelpCentrePage,
    HomePage,
    ProductCategory,
    SearchSynonym,
    SiteFooterSettings,
)
from portal.accounts.roles import STAFF_GROUP_NAMES


@dataclass
class SeedReport:
    """What a seeding run created, by kind."""

    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        if count:
            self.created[kind] = self.created.get(kind, 0) + count


def stream(blocks, documents: dict) -> list[dict]:
    """Turn the demo's ``(block_type, value)`` tuples into StreamField raw data."""
    raw = []
    for block_type, value in blocks:
        if block_type == "table":
            value = {
                "data": [value["header"], *value["rows"]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": value.get("caption", ""),
            }
        elif block_type == "document":
            value = {
                "document": documents[value["document"]].pk,
                "label": value["label"],
            }
        raw.append({"type": block_type, "value": value})
    return raw


def publish_child(parent: Page, page: Page, user=None) -> Page:
    """Add ``page`` under ``parent`` and publish it through a revision."""
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=False).publish(user=user, log_action=False)
    return page


def child_by_slug(parent: Page, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def render_pdf(title: str, pages: list[list[str]]) -> bytes:
    """A small A4 PDF of the demo text (reportlab's built-in Chinese CID font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    heading = ParagraphStyle("h", fontName="STSong-Light", fontSize=18, leading=26)
    body = ParagraphStyle(
        "b", fontName="STSong-Light", fontSize=11, leading=19, wordWrap="CJK"
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="师傅学习平台")
    story = [Paragraph(title, heading), Spacer(1, 12)]
    for number, paragraphs in enumerate(pages):
        if number:
            story.append(PageBreak())
        for text in paragraphs:
            story.append(Paragraph(text, body))
            story.append(Spacer(1, 6))
    doc.build(story)
    return buffer.getvalue()


def seed_collections_and_documents(report: SeedReport) -> dict:
    """Collections (内部资料 restricted to staff) and their generated PDF documents."""
    document_model = get_document_model()
    root = Collection.get_first_root_node()
    staff_groups = list(Group.objects.filter(name__in=STAFF_GROUP_NAMES))
    collections: dict[str, Collection] = {}
    documents = {}
    for spec in content.DOCUMENTS:
        name = spec["collection"]
        collection = (
            collections.get(name) or root.get_children().filter(name=name).first()
        )
        if collection is None:
            collection = root.add_child(name=name)
            report.add("collections")
            if spec.get("staff_only"):
                restriction = CollectionViewRestriction.objects.create(
                    collection=collection,
                    restriction_type=CollectionViewRestriction.GROUPS,
                )
                restriction.groups.set(staff_groups)
        collections[name] = collection
        document = document_model.objects.filter(title=spec["title"]).first()
        if document is None:
            document = document_model(title=spec["title"], collection=collection)
            document.file.save(
                spec["filename"],
                ContentFile(render_pdf(spec["title"], spec["pages"])),
                save=False,
            )
            document._set_document_file_metadata()
            document.save()
            report.add("documents")
        documents[spec["key"]] = document
    return documents


def seed_categories(report: SeedReport) -> tuple[dict, dict]:
    products = {}
    for order, spec in enumerate(content.PRODUCT_CATEGORIES):
        category, created = ProductCategory.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "sort_order": order}
        )
        report.add("product categories", int(created))
        products[spec["slug"]] = category
    faq_categories = {}
    for order, spec in enumerate(content.FAQ_CATEGORIES):
        category, created = FaqCategory.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "sort_order": order}
        )
        report.add("faq categories", int(created))
        faq_categories[spec["slug"]] = category
    return products, faq_categories


def seed_help_centre(home: HomePage, products, documents, report: SeedReport, user):
    help_centre = child_by_slug(home, HelpCentrePage, "help")
    if help_centre is None:
        help_centre = publish_child(
            home,
            HelpCentrePage(
                title=content.HELP_CENTRE["title"],
                slug="help",
                intro=content.HELP_CENTRE["intro"],
                show_in_menus=True,
            ),
            user,
        )
        report.add("pages")
    articles = {}
    new_articles = []
    for spec in content.HELP_ARTICLES:
        article = child_by_slug(help_centre, ArticlePage, spec["slug"])
        if article is None:
            article = ArticlePage(
                title=spec["title"],
                slug=spec["slug"],
                summary=spec["summary"],
                category=products.get(spec["category"]),
                body=stream(spec["body"], documents),
            )
            article.tags.add(*spec.get("tags", []))
            publish_child(help_centre, article, user)
            report.add("pages")
            new_articles.append((article, spec))
        articles[spec["slug"]] = article
    for article, spec in new_articles:
        for order, slug in enumerate(spec.get("related", [])):
            if slug in articles and slug != spec["slug"]:
                ArticleRelatedLink.objects.create(
                    page=article, related=articles[slug], sort_order=order
                )
        if spec.get("related"):
            article.save_revision(user=user, log_action=False).publish(
                user=user, log_action=False
            )
    return help_centre


def seed_faq(home: HomePage, faq_categories, report: SeedReport, user):
    if child_by_slug(home, FaqPage, "faq") is not None:
        return
    page = FaqPage(
        title=content.FAQ["title"],
        slug="faq",
        intro=content.FAQ["intro"],
        show_in_menus=True,
    )
    for order, spec in enumerate(content.FAQ_ITEMS):
        item = FaqItem(
            category=faq_categories[spec["category"]],
            question=spec["question"],
            answer=spec["answer"],
            sort_order=order,
        )
        item.tags.add(*spec.get("tags", []))
        page.faq_items.add(item)
    publish_child(home, page, user)
    report.add("pages")
    report.add("faq items", len(content.FAQ_ITEMS))


def _seed_chapters(parent: Page, chapters, documents, report: SeedReport, user) -> None:
    for spec in chapters:
        chapter = child_by_slug(parent, HandbookChapterPage, spec["slug"])
        if chapter is None:
            chapter = publish_child(
                parent,
                HandbookChapterPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    body=stream(spec["body"], documents),
                ),
                user,
            )
            report.add("pages")
        _seed_chapters(chapter, spec.get("children", []), documents, report, user)


def seed_handbook(home: HomePage, documents, report: SeedReport, user):
    spec = content.HANDBOOK
    handbook = child_by_slug(home, HandbookPage, spec["slug"])
    if handbook is None:
        handbook = publish_child(
            home,
            HandbookPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                show_in_menus=True,
            ),
            user,
        )
        report.add("pages")
    _seed_chapters(handbook, spec["chapters"], documents, report, user)


def seed_downloads(home: HomePage, report: SeedReport, user):
    if DownloadsPage.objects.child_of(home).exists():
        return
    publish_child(
        home,
        DownloadsPage(
            title="资料下载",
            slug="downloads",
            intro="<p>产品手册、维修保养资料和培训讲义，点击即可下载。内部资料仅对员工可见。</p>",
            show_in_menus=True,
        ),
        user,
    )
    report.add("pages")


def seed_search_synonyms(report: SeedReport) -> None:
    """The demo's synonym groups; a group already there (same terms) is kept."""
    existing = {synonym.terms for synonym in SearchSynonym.objects.all()}
    for terms, note in content.SEARCH_SYNONYMS:
        synonym = SearchSynonym(terms=terms, note=note)
        if " = ".join(synonym.term_list) in existing:
            continue
        synonym.save()
        report.add("search synonyms")


def seed_home(report: SeedReport, user) -> HomePage:
    """The site's HomePage (made by a migration) with the demo hero and footer."""
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if home.hero_title != content.HOME["hero_title"]:
        home.hero_title = content.HOME["hero_title"]
        home.hero_subtitle = content.HOME["hero_subtitle"]
        home.intro = content.HOME["intro"]
        home.save_revision(user=user, log_action=False).publish(
            user=user, log_action=False
        )
        report.add("pages updated")
    footer = SiteFooterSettings.for_site(site)
    if not footer.service_phone:
        footer.service_phone = "400-820-6688"
        footer.service_email = "service@qiming.example.com"
        footer.service_hours = "每天 8:00–22:00"
        footer.copyright_owner = "启明智能科技有限公司"
        footer.save()
    return home


@transaction.atomic
def seed_self_study(*, user) -> tuple[HomePage, dict, SeedReport]:
    """Everything on the self-study side; returns the home page and the documents by
    key."""
    report = SeedReport()
    home = seed_home(report, user)
    documents = seed_collections_and_documents(report)
    products, faq_categories = seed_categories(report)
    seed_help_centre(home, products, documents, report, user)
    seed_faq(home, faq_categories, report, user)
    seed_handbook(home, documents, report, user)
    seed_downloads(home, report, user)
    seed_search_synonyms(report)
    return home, documents, report
