"""Template context shared by every page: the main navigation."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from home.audiences import visible_pages


def _menu_pages(request):
    site = Site.find_for_request(request)
    if site is None:
        return []
    root = site.root_page
    return list(
        visible_pages(
            Page.objects.child_of(root).live().in_menu(), request.user
        ).only("pk", "title", "url_path", "path", "depth")
    )


def navigation(request):
    """``menu_pages``: the home page's children shown in menus, evaluated only if used."""
    return {"menu_pages": SimpleLazyObject(lambda: _menu_pages(request))}
