"""Searches are counted in the cache, never written per request; a flush writes the
counts into Wagtail's Query/QueryDailyHits and zero-result queries into
ZeroResultQuery."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query

from home.models import ZeroResultQuery
from home.search import querylog

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(WRITES)
    ]


def test_a_search_request_writes_nothing(client):
    client.get("/search/", {"q": "退货"})  # warm caches
    with CaptureQueriesContext(connection) as captured:
        for query in ("退货", "配网", "没有这种东西的词语"):
            assert client.get("/search/", {"q": query}).status_code == 200
    assert writes(captured) == []


def test_flush_writes_counts_and_zero_result_queries(client):
    for _ in range(3):
        client.get("/search/", {"q": "退货"})
    client.get("/search/", {"q": "ＡＰＰ 登录"})
    for _ in range(2):
        client.get("/search/", {"q": "量子纠缠"})
    assert not Query.objects.filter(query_string="退货").exists()

    written = querylog.flush()

    assert written == 6
    assert Query.objects.get(query_string="退货").hits == 3
    assert Query.objects.get(query_string="app 登录").hits == 1
    assert Query.objects.get(query_string="量子纠缠").hits == 2
    zero = ZeroResultQuery.objects.get(query_string="量子纠缠")
    assert zero.hits == 2
    assert not ZeroResultQuery.objects.filter(query_string="退货").exists()
    # The batch is closed: a second flush writes nothing more.
    assert querylog.flush() == 0
    client.get("/search/", {"q": "退货"})
    querylog.flush()
    assert Query.objects.get(query_string="退货").hits == 4


def test_searches_served_from_the_page_cache_count(client):
    first = client.get("/search/", {"q": "退货"})
    again = client.get("/search/", {"q": "退货"})
    assert (first["X-Shifu-Cache"], again["X-Shifu-Cache"]) == ("miss", "hit")
    querylog.flush()
    assert Query.objects.get(query_string="退货").hits == 2


def test_requests_flush_when_the_batch_is_due(client, settings):
    settings.SEARCH_LOG_FLUSH_SECONDS = 3600
    settings.SEARCH_LOG_FLUSH_QUERIES = 2
    client.get("/search/", {"q": "退货"})
    assert not Query.objects.filter(query_string="退货").exists()
    client.get("/search/", {"q": "配网"})  # second distinct query: batch is due
    assert Query.objects.get(query_string="退货").hits == 1
    assert Query.objects.get(query_string="配网").hits == 1


def test_empty_and_punctuation_queries_are_not_counted(client):
    client.get("/search/", {"q": ""})
    client.get("/search/", {"q": "？？"})
    assert querylog.flush() == 0


def test_admin_lists_zero_result_queries(client_for, admin_user):
    from datetime import date

    ZeroResultQuery.objects.create(query_string="量子纠缠", date=date.today(), hits=7)
    response = client_for(admin_user).get("/admin/zero_result_queries/")
    assert response.status_code == 200
    assert "量子纠缠" in response.content.decode()
    assert (
        client_for(admin_user).get("/admin/snippets/home/searchsynonym/").status_code
        == 200
    )
    assert client_for(admin_user).get("/admin/searchpicks/").status_code == 200


def test_flush_command(client):
    from django.core.management import call_command

    client.get("/search/", {"q": "滤芯"})
    call_command("flush_search_log", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Query.objects.get(query_string="滤芯").hits == 1
