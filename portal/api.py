"""Wagtail API v2 at /api/v2/: pages, images and documents.

The API is for public consumers (apps, integrations), so it serves public content
only, whoever is signed in: restricted pages (staff-only courses) and documents in
private collections never appear.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from home.selectors import collections_hidden_from


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Live pages outside every view restriction, for every caller."""

    def get_base_queryset(self):
        return super().get_base_queryset().public()


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Documents, without those in collections with a privacy restriction."""

    def get_queryset(self):
        from django.contrib.auth.models import AnonymousUser

        hidden = collections_hidden_from(AnonymousUser())
        return super().get_queryset().exclude(collection_id__in=hidden)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
