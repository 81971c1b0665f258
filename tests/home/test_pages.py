"""What visitors see on the self-study pages."""

import pytest

from home.models import (
    ArticlePage,
    ArticleVote,
    FaqPage,
    HandbookChapterPage,
    HandbookPage,
    HelpCentrePage,
    ProductCategory,
)


@pytest.mark.django_db
def test_home_page_shows_entry_tiles_and_latest(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    for section in ("/help/", "/faq/", "/courses/", "/downloads/"):
        assert f'href="{section}"' in response.text
    latest = ArticlePage.objects.live().order_by("-first_published_at").first()
    assert latest.title in response.text


@pytest.mark.django_db
def test_help_centre_filters_by_category(client):
    help_centre = HelpCentrePage.objects.get()
    category = ProductCategory.objects.filter(articles__isnull=False).first()
    inside = ArticlePage.objects.filter(category=category).first()
    outside = ArticlePage.objects.exclude(category=category).first()
    response = client.get(help_centre.url, {"category": category.slug})
    assert response.status_code == 200
    assert inside.title in response.text
    assert outside.title not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("page_number", ["abc", "999", "-1", "1" * 50])
def test_help_centre_survives_bad_page_numbers(client, page_number):
    response = client.get(HelpCentrePage.objects.get().url, {"page": page_number})
    assert response.status_code == 200


@pytest.mark.django_db
def test_article_has_table_of_contents_and_blocks(client):
    article = next(
        page for page in ArticlePage.objects.live() if len(page.table_of_contents) >= 2
    )
    response = client.get(article.url)
    assert response.status_code == 200
    for entry in article.table_of_contents:
        assert f'id="{entry["anchor"]}"' in response.text
        assert f'href="#{entry["anchor"]}"' in response.text


@pytest.mark.django_db
def test_vote_is_counted_once_per_visitor(client):
    article = ArticlePage.objects.live().first()
    url = f"/help/vote/{article.pk}/"
    first = client.post(url, {"helpful": "yes"})
    assert first.status_code == 302
    assert first["Location"].startswith(article.url)
    client.post(url, {"helpful": "yes"})
    assert ArticleVote.objects.filter(article=article).count() == 1
    client.post(url, {"helpful": "no"})
    vote = ArticleVote.objects.get(article=article)
    assert vote.helpful is False


@pytest.mark.django_db
def test_two_visitors_give_two_votes(client_for, customer):
    article = ArticlePage.objects.live().first()
    url = f"/help/vote/{article.pk}/"
    client_for(None).post(url, {"helpful": "yes"})
    client_for(customer).post(url, {"helpful": "yes"})
    assert ArticleVote.objects.filter(article=article, helpful=True).count() == 2


@pytest.mark.django_db
def test_vote_rejects_bad_input_and_unknown_articles(client):
    article = ArticlePage.objects.live().first()
    response = client.post(f"/help/vote/{article.pk}/", {"helpful": "maybe"})
    assert response.status_code == 400
    assert "请选择" in response.text
    assert client.post("/help/vote/999999/", {"helpful": "yes"}).status_code == 404
    assert ArticleVote.objects.count() == 0


@pytest.mark.django_db
def test_vote_needs_csrf(client):
    from django.test import Client

    article = ArticlePage.objects.live().first()
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(f"/help/vote/{article.pk}/", {"helpful": "yes"}).status_code == 403
    )
    token = strict.get(
        f"/help/vote/{article.pk}/", HTTP_ACCEPT="application/json"
    ).json()["csrf_token"]
    response = strict.post(
        f"/help/vote/{article.pk}/",
        {"helpful": "yes"},
        HTTP_X_CSRFTOKEN=token,
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["ok"] is True


@pytest.mark.django_db
def test_faq_groups_items_by_category_with_anchors(client):
    faq = FaqPage.objects.get()
    response = client.get(faq.url)
    assert response.status_code == 200
    items = list(faq.faq_items.select_related("category"))
    assert len(items) >= 25
    assert len({item.category_id for item in items}) >= 4
    for item in items:
        assert f'id="faq-{item.pk}"' in response.text
        assert f'id="{item.category.slug}"' in response.text


@pytest.mark.django_db
def test_handbook_table_of_contents_and_print_view(client):
    handbook = HandbookPage.objects.get()
    chapters = list(
        HandbookChapterPage.objects.descendant_of(handbook).order_by("path")
    )
    assert len(chapters) >= 6
    response = client.get(handbook.url)
    for chapter in chapters:
        assert chapter.title in response.text
    printed = client.get(handbook.url + "print/")
    assert printed.status_code == 200
    for chapter in chapters:
        assert chapter.title in printed.text


@pytest.mark.django_db
def test_handbook_chapter_previous_and_next_follow_reading_order(client):
    handbook = HandbookPage.objects.get()
    chapters = list(
        HandbookChapterPage.objects.descendant_of(handbook).order_by("path")
    )
    middle = chapters[1]
    response = client.get(middle.url)
    assert response.status_code == 200
    assert response.context["previous"].pk == chapters[0].pk
    assert response.context["next"].pk == chapters[2].pk


@pytest.mark.django_db
def test_downloads_list_size_and_type(client):
    response = client.get("/downloads/")
    assert response.status_code == 200
    assert "PDF" in response.text


@pytest.mark.django_db
def test_tag_page_lists_tagged_content(client):
    article = ArticlePage.objects.live().filter(tags__isnull=False).first()
    tag = article.tags.first().name
    response = client.get(f"/tags/{tag}/")
    assert response.status_code == 200
    assert article.title in response.text


@pytest.mark.django_db
def test_unknown_url_gives_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面" in response.text


@pytest.mark.django_db
def test_language_switch_sets_cookie_and_stays_on_site(client):
    response = client.get(
        "/i18n/switch/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_interface_is_chinese_first_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "帮助中心" in response.text


@pytest.mark.django_db
def test_english_interface_after_switching(client):
    client.get("/i18n/switch/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.text
    assert "All rights reserved" in response.text
