"""Template context shared by every page: the main navigation."""

import hashlib

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from home.audiences import hidden_pages_q, visible_pages
from portal.cache import current_generation


def menu_pages_for(request) -> list[Page]:
    """The site root's live children shown in menus that the user may see.

    Cached per cache generation, site and set of hidden sections, so most requests
    read the menu without a query.
    """
    site = Site.find_for_request(request)
    if site is None:
        return []
    hidden = hidden_pages_q(request.user)
    hidden_digest = hashlib.sha256(str(hidden).encode()).hexdigest()[:16]
    key = f"menu:{current_generation()}:{site.pk}:{hidden_digest}"
    pages = cache.get(key)
    if pages is None:
        pages = list(
            visible_pages(
                Page.objects.child_of(site.root_page).live().in_menu(), request.user
            ).only("pk", "title", "url_path", "path", "depth", "slug")
        )
        cache.set(key, pages, timeout=None)
    return pages


def navigation(request):
    """``menu_pages``: the navigation entries, fetched only if a template uses them."""
    return {"menu_pages": SimpleLazyObject(lambda: menu_pages_for(request))}
