"""Fixtures for search tests: the demo site (seeded once per session by
``tests/conftest.py``) is indexed; these help publish pages and run searches."""

import pytest
from django.contrib.auth.models import AnonymousUser

from home.models import FaqPage, HelpCentrePage
from home.search.service import search
from tests.factories.pages import ArticlePageFactory


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def help_centre(db):
    return HelpCentrePage.objects.get(slug="help")


@pytest.fixture
def faq_page(db):
    return FaqPage.objects.get(slug="faq")


@pytest.fixture
def publish_article(help_centre):
    """``publish_article(title, text)``: a live article whose body is ``text``."""

    def publish(title, text, **kwargs):
        body = [{"type": "paragraph", "value": f"<p>{text}</p>"}]
        return ArticlePageFactory(
            parent=help_centre, title=title, summary="", body=body, **kwargs
        )

    return publish


def titles(query, *, user=None, **kwargs) -> list[str]:
    return [
        hit.title for hit in search(query, user=user or AnonymousUser(), **kwargs).hits
    ]
