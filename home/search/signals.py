"""Keep the search index and search caches current.

Wagtail (modelsearch) indexes a page when it is saved, before its tags and inline
children are committed. On ``page_published`` the page is indexed again, complete,
and a FAQ page's items with it (each item is its own result). On
``page_unpublished`` a FAQ page's items leave the index. Synonym and promotion
changes drop their cached tables. Searches served from the page cache are counted.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.search import index
from wagtail.search.backends import get_search_backends
from wagtail.signals import page_published, page_unpublished

from home.search.query import bump_synonyms


def _faq_items(page):
    from home.models import FaqItem, FaqPage

    if not isinstance(page, FaqPage):
        return None
    return FaqItem.objects.filter(page=page)


def reindex_published_page(sender, instance, **kwargs) -> None:
    page = instance.specific
    if index.class_is_indexed(type(page)):
        index.insert_or_update_object(page)
    items = _faq_items(page)
    if items:
        items = list(items)
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(type(items[0]), items)


def unindex_unpublished_page(sender, instance, **kwargs) -> None:
    items = _faq_items(instance.specific)
    for item in items or []:
        index.remove_object(item)


def count_cached_search(sender, request, response, **kwargs) -> None:
    """A search page served from the page cache still counts as a search."""
    from home.search import querylog

    logged = getattr(response, "search_log", None)
    if logged:
        query, found = logged
        querylog.record(query, found=found)
        querylog.maybe_flush()


def connect() -> None:
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    from home.models import SearchSynonym
    from home.search.service import bump_promotions
    from portal.cache import page_served_from_cache

    page_served_from_cache.connect(count_cached_search, dispatch_uid="search-count")
    page_published.connect(reindex_published_page, dispatch_uid="search-published")
    page_unpublished.connect(
        unindex_unpublished_page, dispatch_uid="search-unpublished"
    )
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            bump_synonyms, sender=SearchSynonym, dispatch_uid=f"search-synonym-{name}"
        )
        for model in (SearchPromotion, Query):
            signal.connect(
                bump_promotions,
                sender=model,
                dispatch_uid=f"search-promotion-{model.__name__}-{name}",
            )
