"""The ranking cache: a repeated query skips the full-text search, yet publishing,
unpublishing, privacy and synonym changes show at once, and users who may see
different things never share a ranking."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import SearchSynonym
from home.search.service import search
from tests.search.conftest import titles
from tests.search.test_index_updates import restrict_to_staff

pytestmark = pytest.mark.django_db


def queries_of(query, *, user=None, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        search(query, user=user or AnonymousUser(), limit=10, **kwargs)
    return len(captured)


def full_text_queries(query, *, user=None) -> int:
    """Queries that touch the search index (FTS table or tsvector columns)."""
    with CaptureQueriesContext(connection) as captured:
        search(query, user=user or AnonymousUser(), limit=10)
    return sum(
        "modelsearch" in q["sql"] or "indexentry" in q["sql"].lower() for q in captured
    )


def test_repeated_query_skips_the_full_text_search():
    assert full_text_queries("滤芯多久换") > 0
    assert full_text_queries("滤芯多久换") == 0
    first = search("滤芯多久换", user=AnonymousUser(), limit=10)
    again = search("滤芯多久换", user=AnonymousUser(), limit=10)
    assert [h.title for h in first.hits] == [h.title for h in again.hits]
    assert first.total == again.total


def test_cache_can_be_turned_off(settings):
    settings.SEARCH_RESULTS_CACHE_SECONDS = 0
    assert full_text_queries("滤芯多久换") > 0
    assert full_text_queries("滤芯多久换") > 0


def test_filters_and_slices_share_or_split_entries_correctly():
    everything = search("退货", user=AnonymousUser())
    faq_only = search("退货", user=AnonymousUser(), types=["faq"])
    assert {hit.kind for hit in faq_only.hits} == {"faq"}
    assert faq_only.total < everything.total
    second_page = search("退货", user=AnonymousUser(), offset=10, limit=10)
    assert [h.title for h in second_page.hits] == [
        h.title for h in everything.hits[10:20]
    ]


def test_published_page_shows_at_once(publish_article):
    assert "旋风分离器清洗指南" not in titles("旋风分离器")
    publish_article("旋风分离器清洗指南", "旋风分离器每月拆洗一次")
    assert "旋风分离器清洗指南" in titles("旋风分离器")


def test_unpublished_page_leaves_at_once(publish_article):
    article = publish_article("静音模式设置方法", "夜间静音模式怎么打开")
    assert "静音模式设置方法" in titles("静音模式")
    article.unpublish()
    assert "静音模式设置方法" not in titles("静音模式")


def test_privacy_change_shows_at_once(publish_article):
    article = publish_article("内部维修价目表", "维修价目表仅供员工使用")
    assert "内部维修价目表" in titles("维修价目表")
    restrict_to_staff(article)
    assert "内部维修价目表" not in titles("维修价目表")


def test_audiences_never_share_a_ranking(staff, customer):
    # The staff user searches first and fills the cache with staff-only hits.
    staff_titles = titles("新人入职培训", user=staff)
    assert any("入职" in title for title in staff_titles)
    anonymous_titles = titles("新人入职培训")
    customer_titles = titles("新人入职培训", user=customer)
    assert set(staff_titles) - set(anonymous_titles)
    assert anonymous_titles == customer_titles


def test_synonym_change_shows_at_once(publish_article):
    publish_article("扫拖一体机的水箱", "水箱每次用完要倒空")
    assert "扫拖一体机的水箱" not in titles("储水盒")
    SearchSynonym.objects.create(terms="水箱, 储水盒")
    assert "扫拖一体机的水箱" in titles("储水盒")
