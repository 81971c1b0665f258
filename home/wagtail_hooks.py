"""Wagtail hooks of the site: registration only, the logic lives elsewhere."""

from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from home.audiences import can_view_page
from home.models import SearchSynonym, ZeroResultQuery
from home.search.viewsets import (
    ReadOnlyPermissionPolicy,
    SearchSynonymViewSet,
    ZeroResultQueryViewSet,
)
from home.views import permission_denied
from home.viewsets import ContentCategoriesGroup

register_snippet(ContentCategoriesGroup)
register_permission_policy(SearchSynonym)
register_permission_policy(ZeroResultQuery, ReadOnlyPermissionPolicy(ZeroResultQuery))
register_snippet(SearchSynonymViewSet)
zero_result_queries = ZeroResultQueryViewSet("zero_result_queries")


@hooks.register("register_admin_viewset")
def register_zero_result_queries():
    return zero_result_queries


class ZeroResultQueriesMenuItem(MenuItem):
    def is_shown(self, request):
        return zero_result_queries.permission_policy.user_has_permission(
            request.user, "view"
        )


@hooks.register("register_reports_menu_item")
def register_zero_result_queries_report():
    return ZeroResultQueriesMenuItem(
        _("无结果搜索"),
        reverse("zero_result_queries:index"),
        name="zero-result-queries",
        icon_name="search",
        order=1310,
    )


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
