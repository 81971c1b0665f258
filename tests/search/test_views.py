"""The search page and the suggestion endpoint: rendering, filters, pagination, bad
input, escaping, caching and rate limits."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def text(response) -> str:
    """The page without the <mark> tags around matched words."""
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


SUGGEST = "/search/suggest/"


def test_urls():
    assert reverse("search") == SEARCH
    assert reverse("search_suggest") == SUGGEST


def test_results_page(client):
    response = client.get(SEARCH, {"q": "退货"})
    assert response.status_code == 200
    assert "<mark>退货</mark>" in response.content.decode()
    html = text(response)
    assert "退货退款流程与时效说明" in html
    assert "帮助中心" in html and "常见问题" in html
    assert 'href="/faq/#faq-' in html
    assert "找到" in html


def test_type_and_tag_filters(client):
    html = text(client.get(SEARCH, {"q": "退货", "type": "faq"}))
    assert "退货退款流程与时效说明" not in html
    assert "7 天无理由退货有什么条件？" in html
    html = text(client.get(SEARCH, {"q": "故障", "tag": "E410"}))
    assert "E410：Wi-Fi 配网失败怎么办" in html
    assert "E203：尘盒未安装或尘盒已满" not in html


def test_pagination(client):
    first = client.get(SEARCH, {"q": "扫地机器人"}).context
    assert first["page_obj"].paginator.num_pages >= 2
    assert len(first["results"].hits) == 10
    second = client.get(SEARCH, {"q": "扫地机器人", "page": "2"}).context
    assert second["page_obj"].number == 2
    first_keys = {(h.kind, h.pk) for h in first["results"].hits}
    assert not first_keys & {(h.kind, h.pk) for h in second["results"].hits}
    # Out-of-range and junk page numbers give a valid page.
    assert client.get(SEARCH, {"q": "扫地机器人", "page": "999"}).status_code == 200
    assert client.get(SEARCH, {"q": "扫地机器人", "page": "x"}).status_code == 200
    assert 'href="?page=2&amp;q=' in first_html(client)


def first_html(client):
    return client.get(SEARCH, {"q": "扫地机器人"}).content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "请输入要搜索的内容"),
        ({"q": "   "}, "请输入要搜索的内容"),
        ({"q": "？！……，。"}, "没有可以搜索的文字"),
        ({"q": "量子纠缠"}, "没有找到与“量子纠缠”相关的内容"),
        ({"q": "退" * 10_000}, "搜索词太长"),
    ],
)
def test_bad_input_gives_a_normal_page_with_a_message(client, params, message):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["' OR 1=1 --", "退货'; DROP TABLE wagtailcore_page; --", '" OR ""="', "%_\\"],
)
def test_sql_fragments_are_plain_text(client, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200


def test_html_is_escaped(client):
    query = "<script>alert(1)</script>退货"
    html = client.get(SEARCH, {"q": query}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;退货" in html


def test_long_query_is_cut_in_the_page(client):
    html = client.get(SEARCH, {"q": "退" * 10_000}).content.decode()
    assert "退" * 101 not in html


def test_suggest_returns_titles_as_json(client):
    response = client.get(SUGGEST, {"q": "退货"})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "退货"
    titles = [item["title"] for item in data["suggestions"]]
    assert titles and all("退货" in title for title in titles)
    assert {"title", "url", "type", "type_label"} <= set(data["suggestions"][0])


def test_suggest_completes_the_last_word(client):
    titles = [
        item["title"] for item in client.get(SUGGEST, {"q": "配"}).json()["suggestions"]
    ]
    assert any("配网" in title for title in titles)


def test_suggest_hides_restricted_titles(client, client_for, staff):
    anonymous = client.get(SUGGEST, {"q": "投诉"}).json()["suggestions"]
    assert all(item["title"] != "客户沟通与投诉处理" for item in anonymous)
    staff_titles = [
        item["title"]
        for item in client_for(staff)
        .get(SUGGEST, {"q": "客户沟通"})
        .json()["suggestions"]
    ]
    assert "客户沟通与投诉处理" in staff_titles


@pytest.mark.parametrize("query", ["", "！！", "<b>", "x" * 5000])
def test_suggest_handles_bad_input(client, query):
    response = client.get(SUGGEST, {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["suggestions"], list)


def test_suggest_is_rate_limited_per_ip(client, settings):
    settings.SEARCH_SUGGEST_RATE_LIMIT = (3, 60)
    codes = [client.get(SUGGEST, {"q": "退货"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get(SUGGEST, {"q": "退货"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_no_javascript_fallback_suggests_titles(client):
    html = client.get(SEARCH, {"q": "退"}).content.decode()
    assert "您是不是要找" in html
    assert "退货寄回后，多久能收到退款？" in html


def test_header_search_box_is_wired_for_suggestions(client):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html
    assert 'data-suggest-url="/search/suggest/"' in html


def test_anonymous_results_are_cached_signed_in_are_not(client, client_for, customer):
    first = client.get(SEARCH, {"q": "退货"})
    again = client.get(SEARCH, {"q": "退货"})
    assert first["X-Shifu-Cache"] == "miss"
    assert again["X-Shifu-Cache"] == "hit"
    signed_in = client_for(customer).get(SEARCH, {"q": "退货"})
    assert "X-Shifu-Cache" not in signed_in
    assert "private" in signed_in["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/home/searchsynonym/",
        "/admin/searchpicks/",
    ],
)
def test_training_admin_manages_search(client, django_user_model, url):
    from django.contrib.auth.models import Group

    training_admin = django_user_model.objects.create_user("ta-search", password="x")
    training_admin.groups.add(Group.objects.get(name="培训管理员"))
    client.force_login(training_admin)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_customer_cannot_reach_search_admin(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="customer"))
    assert client.get("/admin/snippets/home/searchsynonym/").status_code == 302
