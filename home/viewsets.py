"""Admin viewsets for the self-study side; registered in ``wagtail_hooks``."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.models import FaqCategory, ProductCategory


class ProductCategoryViewSet(SnippetViewSet):
    model = ProductCategory
    icon = "tag"
    menu_label = _("产品分类")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]


class FaqCategoryViewSet(SnippetViewSet):
    model = FaqCategory
    icon = "help"
    menu_label = _("问题分类")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]


class ContentCategoriesGroup(SnippetViewSetGroup):
    items = (ProductCategoryViewSet, FaqCategoryViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("内容分类")
    menu_name = "content-categories"
