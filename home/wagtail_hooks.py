"""Wagtail hooks of the site: registration only, the logic lives elsewhere."""

from django.utils.cache import add_never_cache_headers
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from home.audiences import can_view_page
from home.views import permission_denied
from home.viewsets import ContentCategoriesGroup

register_snippet(ContentCategoriesGroup)


@hooks.register("on_serve_page", order=-1)
def forbid_signed_in_users_without_access(callback):
    """A signed-in user who fails a page's group restriction gets 403, not a login page.

    Anonymous visitors fall through to Wagtail's own check, which sends them to log in.
    """

    def inner(page, request, serve_args, serve_kwargs):
        if request.user.is_authenticated and not can_view_page(page, request.user):
            response = permission_denied(request)
            add_never_cache_headers(response)
            return response
        return callback(page, request, serve_args, serve_kwargs)

    return inner
