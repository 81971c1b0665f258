"""Admin for search; registered in ``home.wagtail_hooks``.

- 搜索同义词: a snippet, so editors manage synonym groups like other content;
- 无结果搜索: a read-only report of queries that found nothing, most frequent first,
  listed under 报告 next to Wagtail's own search terms report. Popular queries and
  promoted results are Wagtail's 推广搜索结果 (``wagtail.contrib.search_promotions``).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from home.models import SearchSynonym, ZeroResultQuery


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View permission as usual; nobody adds, edits or deletes (the query log
    writes these rows)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    menu_label = _("搜索同义词")
    add_to_admin_menu = False
    list_display = ["__str__", "note", DateColumn("updated_at", label=_("更新时间"))]
    search_fields = ["terms", "note"]
    search_backend_name = None  # plain database search on the columns
    ordering = ["terms"]
    copy_view_enabled = False


class ZeroResultQueryViewSet(ModelViewSet):
    model = ZeroResultQuery
    icon = "search"
    menu_label = _("无结果搜索")
    add_to_admin_menu = False
    list_display = ["query_string", "hits", DateColumn("date", label=_("日期"))]
    list_filter = ["date"]
    search_fields = ["query_string"]
    search_backend_name = None
    ordering = ["-hits", "-date", "query_string"]
    list_export = ["query_string", "date", "hits"]
    form_fields = ["query_string", "date", "hits"]
    inspect_view_enabled = False
    copy_view_enabled = False

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)
