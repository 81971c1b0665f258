"""Whole-response cache for anonymous GET requests of public pages.

Rules (the only place they live):
- only anonymous visitors without a session or pending messages are served from or
  stored in the cache; signed-in users always get a fresh, private response;
- only 200 HTML responses that set no cookie and are not marked private/no-store are
  stored (a page that renders a CSRF token sets a cookie, so it is never stored);
- publishing, unpublishing, moving or deleting a page, changing a page's or a
  collection's privacy, or changing a document bumps a generation number that is part
  of every key, so every cached page is dropped at once (listings on other pages
  depend on the changed page too).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.dispatch import Signal
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
CACHE_HEADER = "X-Shifu-Cache"

# Sent with ``request`` and ``response`` when a page is served from the cache, for
# views that count their uses (site search counts searches).
page_served_from_cache = Signal()


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def invalidate_page_cache(**_kwargs) -> None:
    """Drop every cached page (signal receiver; also callable directly)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def connect_invalidation_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.documents import get_document_model
    from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(invalidate_page_cache, dispatch_uid="pagecache-published")
    page_unpublished.connect(
        invalidate_page_cache, dispatch_uid="pagecache-unpublished"
    )
    post_page_move.connect(invalidate_page_cache, dispatch_uid="pagecache-moved")
    post_delete.connect(
        invalidate_page_cache, sender=Page, dispatch_uid="pagecache-page-deleted"
    )
    # Privacy changes: a page made private must leave the cache at once.
    for model in (PageViewRestriction, CollectionViewRestriction):
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                invalidate_page_cache,
                sender=model,
                dispatch_uid=f"pagecache-{model.__name__}-{name}",
            )
        m2m_changed.connect(
            invalidate_page_cache,
            sender=model.groups.through,
            dispatch_uid=f"pagecache-{model.__name__}-groups",
        )
    document_model = get_document_model()
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            invalidate_page_cache,
            sender=document_model,
            dispatch_uid=f"pagecache-document-{name}",
        )


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    if request.path.startswith(("/admin/", "/django-admin/", "/accounts/", "/my/")):
        return False
    return not request.user.is_authenticated


def _cache_key(request) -> str:
    """Per generation, language, host and full path; the path is hashed so that a
    long query string never makes an over-long key (memcached refuses > 250)."""
    generation = current_generation()
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"pagecache:{generation}:{get_language()}:{request.get_host()}:{path}"


def _cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    return (
        "private" not in cache_control
        and "no-store" not in cache_control
        and ("no-cache" not in cache_control)
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True)
            return response
        key = _cache_key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[CACHE_HEADER] = "hit"
            page_served_from_cache.send(
                sender=type(self), request=request, response=cached
            )
            return cached
        response = self.get_response(request)
        if _cacheable_response(response):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            response[CACHE_HEADER] = "miss"
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response
