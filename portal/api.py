"""Wagtail API v2 at /api/v2/: pages, images and documents.

Wagtail's pages endpoint serves only live pages outside any view restriction, so
staff-only courses never appear here.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from home.selectors import collections_hidden_from


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Documents, without those in collections with a privacy restriction."""

    def get_queryset(self):
        from django.contrib.auth.models import AnonymousUser

        hidden = collections_hidden_from(AnonymousUser())
        return super().get_queryset().exclude(collection_id__in=hidden)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
