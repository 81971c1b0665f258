"""The search page issues a fixed number of queries whatever the number of matching
pages (measured at two index sizes, with the ranking cache off so that every request
runs the full-text search), and fewer when the ranking comes from the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.management.commands.seed_load import bulk_search_articles
from home.models import HelpCentrePage

pytestmark = pytest.mark.django_db

SEARCH_BUDGET = 15
CACHED_SEARCH_BUDGET = 8
QUERIES = ("故障", "扫地机器人吸力变小", "退货")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.SEARCH_RESULTS_CACHE_SECONDS = 0


class Quiet:
    def write(self, *_args, **_kwargs):
        pass


def queries_for(client, params) -> int:
    client.get("/search/", params)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/search/", params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", QUERIES)
def test_search_query_count_does_not_grow(client, query, django_assert_max_num_queries):
    params = {"q": query}
    small = queries_for(client, params)
    bulk_search_articles(HelpCentrePage.objects.get(slug="help"), 60, Quiet())
    large = queries_for(client, params)
    assert large <= small + 1  # a results page may gain one more result type
    with django_assert_max_num_queries(SEARCH_BUDGET):
        client.get("/search/", params)
    with django_assert_max_num_queries(SEARCH_BUDGET):
        client.get("/search/", {**params, "page": "2"})


@pytest.mark.parametrize("query", QUERIES)
def test_cached_ranking_needs_fewer_queries(client, settings, query):
    uncached = queries_for(client, {"q": query})
    settings.SEARCH_RESULTS_CACHE_SECONDS = 60
    cached = queries_for(client, {"q": query})
    assert cached < uncached
    assert cached <= CACHED_SEARCH_BUDGET


def test_suggest_query_count(client, django_assert_max_num_queries):
    client.get("/search/suggest/", {"q": "退"})
    with django_assert_max_num_queries(3):
        client.get("/search/suggest/", {"q": "配"})
