"""Reads for the self-study pages: each returns what a template needs in a fixed
number of queries, whatever the number of articles, items or chapters."""

from collections import OrderedDict

from django.apps import apps
from django.db.models import Count, Q
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from home.audiences import user_passes, visible_pages

HOME_LIST_SIZE = 5
RELATED_LIST_SIZE = 5


def home_page_sections(*, home, user) -> dict:
    """Section pages for the entry tiles, the latest items and the most helpful
    articles."""
    from home.models import ArticlePage

    course_page = apps.get_model("courses", "CoursePage")
    sections = {
        page.specific_class.__name__: page
        for page in visible_pages(home.get_children().live(), user).specific(defer=True)
    }
    latest_articles = visible_pages(ArticlePage.objects.live(), user).order_by(
        "-first_published_at"
    )[:HOME_LIST_SIZE]
    latest_courses = (
        visible_pages(course_page.objects.live(), user)
        .select_related("cover_image")
        .prefetch_related("cover_image__renditions")
        .order_by("-first_published_at")[:HOME_LIST_SIZE]
    )
    popular_articles = (
        visible_pages(ArticlePage.objects.live(), user)
        .annotate(helpful_votes=Count("votes", filter=Q(votes__helpful=True)))
        .filter(helpful_votes__gt=0)
        .order_by("-helpful_votes", "-first_published_at")[:HOME_LIST_SIZE]
    )
    return {
        "help_centre": sections.get("HelpCentrePage"),
        "faq_page": sections.get("FaqPage"),
        "handbook": sections.get("HandbookPage"),
        "course_index": sections.get("CourseIndexPage"),
        "downloads_page": sections.get("DownloadsPage"),
        "latest_articles": latest_articles,
        "latest_courses": latest_courses,
        "popular_articles": popular_articles,
    }


def related_articles(*, article, user) -> list:
    """Editor-chosen related articles, topped up with others of the same category."""
    from home.models import ArticlePage

    chosen = list(
        visible_pages(ArticlePage.objects.live(), user)
        .filter(related_from_links__page=article)
        .order_by("related_from_links__sort_order")[:RELATED_LIST_SIZE]
    )
    if len(chosen) < RELATED_LIST_SIZE and article.category_id:
        chosen.extend(
            visible_pages(ArticlePage.objects.live(), user)
            .filter(category_id=article.category_id)
            .exclude(pk__in=[article.pk, *(page.pk for page in chosen)])
            .order_by("-first_published_at")[: RELATED_LIST_SIZE - len(chosen)]
        )
    return chosen


def article_vote_counts(*, article) -> dict:
    """{"yes": n, "no": n} for an article, in one aggregate query."""
    counts = article.votes.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    return counts


def with_tag_lists(objects, through_model) -> list:
    """Give each object a ``tag_list`` of its tags, in one query for all of them.

    Cheaper than ``prefetch_related("tags")``, which builds a tag queryset per object
    through modelcluster's manager.
    """
    objects = list(objects)
    by_object: dict[int, list] = {obj.pk: [] for obj in objects}
    links = (
        through_model.objects.filter(content_object_id__in=by_object)
        .select_related("tag")
        .order_by("tag__name")
    )
    for link in links:
        by_object[link.content_object_id].append(link.tag)
    for obj in objects:
        obj.tag_list = by_object[obj.pk]
    return objects


def faq_groups(*, faq_page) -> list[dict]:
    """FAQ items grouped by category, in category order then item order."""
    from home.models import FaqItem, FaqItemTag

    items = with_tag_lists(
        FaqItem.objects.filter(page=faq_page)
        .select_related("category")
        .order_by("category__sort_order", "category__name", "sort_order"),
        FaqItemTag,
    )
    groups: OrderedDict = OrderedDict()
    for item in items:
        groups.setdefault(item.category, []).append(item)
    return [
        {"category": category, "items": group} for category, group in groups.items()
    ]


def handbook_navigation(*, chapter, user) -> dict:
    """The handbook, its chapters in reading order, and the chapters around this one."""
    from home.models import HandbookChapterPage, HandbookPage

    handbook = HandbookPage.objects.ancestor_of(chapter).live().first()
    if handbook is None:
        return {"handbook": None, "chapters": [], "previous": None, "next": None}
    chapters = list(
        visible_pages(HandbookChapterPage.objects.descendant_of(handbook).live(), user)
        .order_by("path")
        .only("pk", "title", "url_path", "path", "depth", "slug")
    )
    position = next((i for i, c in enumerate(chapters) if c.pk == chapter.pk), None)
    previous = chapters[position - 1] if position else None
    following = (
        chapters[position + 1]
        if position is not None and position + 1 < len(chapters)
        else None
    )
    return {
        "handbook": handbook,
        "chapters": chapters,
        "previous": previous,
        "next": following,
    }


def collections_hidden_from(user) -> set[int]:
    """Ids of collections (with descendants) whose privacy rules exclude ``user``."""
    hidden: set[int] = set()
    restrictions = CollectionViewRestriction.objects.select_related(
        "collection"
    ).prefetch_related("groups")
    for restriction in restrictions:
        if not user_passes(restriction, user):
            hidden.update(
                Collection.objects.descendant_of(
                    restriction.collection, inclusive=True
                ).values_list("pk", flat=True)
            )
    return hidden


def download_groups(*, user) -> list[dict]:
    """Documents grouped by collection, hiding collections the user may not open."""
    document_model = get_document_model()
    hidden = collections_hidden_from(user)
    documents = (
        document_model.objects.exclude(collection_id__in=hidden)
        .select_related("collection")
        .order_by("collection__path", "title")
    )
    groups: OrderedDict = OrderedDict()
    for document in documents:
        groups.setdefault(document.collection, []).append(document)
    return [
        {"collection": collection, "documents": docs}
        for collection, docs in groups.items()
    ]
